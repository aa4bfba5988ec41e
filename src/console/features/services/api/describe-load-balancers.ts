import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancer as ServiceLoadBalancer } from '@aws-sdk/client-ecs';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { elbv2Client } from '../../../aws/elbv2';

export interface ServiceLoadBalancerView {
  targetGroupArn?: string;
  targetGroupName?: string;
  containerName?: string;
  containerPort?: number;
  loadBalancerName?: string;
  dnsName?: string;
  /** Classic load balancers have a name but no target group. */
  classicName?: string;
}

/** The service's target groups (DescribeTargetGroups, one call) and their load balancers (one call). */
export async function describeServiceLoadBalancers(
  region: string,
  loadBalancers: ServiceLoadBalancer[],
): Promise<ServiceLoadBalancerView[]> {
  const tgArns = loadBalancers.flatMap((lb) => (lb.targetGroupArn ? [lb.targetGroupArn] : []));
  const client = elbv2Client(region);
  const groups = tgArns.length
    ? ((await client.send(new DescribeTargetGroupsCommand({ TargetGroupArns: tgArns }))).TargetGroups ?? [])
    : [];
  const lbArns = [...new Set(groups.flatMap((g) => g.LoadBalancerArns ?? []))];
  const lbs = lbArns.length
    ? ((await client.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: lbArns }))).LoadBalancers ??
      [])
    : [];
  return loadBalancers.map((lb) => {
    const group = groups.find((g) => g.TargetGroupArn === lb.targetGroupArn);
    const balancer = lbs.find((b) => group?.LoadBalancerArns?.includes(b.LoadBalancerArn ?? ''));
    return {
      targetGroupArn: lb.targetGroupArn,
      targetGroupName: group?.TargetGroupName,
      containerName: lb.containerName,
      containerPort: lb.containerPort,
      loadBalancerName: balancer?.LoadBalancerName,
      dnsName: balancer?.DNSName,
      classicName: lb.loadBalancerName,
    };
  });
}

export function serviceLoadBalancersQuery(region: string, loadBalancers: ServiceLoadBalancer[]) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'elasticloadbalancingv2', 'DescribeTargetGroups+DescribeLoadBalancers', {
      loadBalancers,
    }),
    enabled: loadBalancers.length > 0,
    queryFn: () => describeServiceLoadBalancers(region, loadBalancers),
    staleTime: 60_000,
  });
}

export function useServiceLoadBalancers(loadBalancers: ServiceLoadBalancer[]) {
  const { region } = useRegion();
  return useQuery(serviceLoadBalancersQuery(region, loadBalancers));
}
