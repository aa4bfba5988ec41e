import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  type Listener,
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
  /** The listener's address (`http://dns:port/`): where a browser reaches the service through it. */
  url?: string;
  /** Classic load balancers have a name but no target group. */
  classicName?: string;
}

const forwardsTo = (listener: Listener, targetGroupArn: string): boolean =>
  (listener.DefaultActions ?? []).some(
    (a) =>
      a.TargetGroupArn === targetGroupArn ||
      (a.ForwardConfig?.TargetGroups ?? []).some((t) => t.TargetGroupArn === targetGroupArn),
  );

/**
 * The URL of the load balancer's listener for a target group: the one whose default action forwards to
 * it, else its first listener; undefined without listeners. The port is left out when it is the
 * protocol's default.
 */
export function listenerUrl(
  dnsName: string,
  listeners: Listener[],
  targetGroupArn: string | undefined,
): string | undefined {
  const sorted = [...listeners].sort((a, b) => (a.Port ?? 0) - (b.Port ?? 0));
  const listener = sorted.find((l) => targetGroupArn && forwardsTo(l, targetGroupArn)) ?? sorted[0];
  if (!listener) return undefined;
  const scheme = listener.Protocol === 'HTTPS' || listener.Protocol === 'TLS' ? 'https' : 'http';
  const port = listener.Port;
  const defaultPort = scheme === 'https' ? 443 : 80;
  return `${scheme}://${dnsName}${port === undefined || port === defaultPort ? '' : `:${port}`}/`;
}

/**
 * The service's target groups (DescribeTargetGroups, one call), their load balancers (one call) and
 * those load balancers' listeners (DescribeListeners, one call per load balancer).
 */
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
  const listeners = new Map(
    await Promise.all(
      lbs.map(async (b) => {
        const out = await client.send(new DescribeListenersCommand({ LoadBalancerArn: b.LoadBalancerArn }));
        return [b.LoadBalancerArn ?? '', out.Listeners ?? []] as const;
      }),
    ),
  );
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
      url: balancer?.DNSName
        ? listenerUrl(
            balancer.DNSName,
            listeners.get(balancer.LoadBalancerArn ?? '') ?? [],
            lb.targetGroupArn,
          )
        : undefined,
      classicName: lb.loadBalancerName,
    };
  });
}

export function serviceLoadBalancersQuery(region: string, loadBalancers: ServiceLoadBalancer[]) {
  return queryOptions({
    queryKey: awsQueryKey(
      region,
      'elasticloadbalancingv2',
      'DescribeTargetGroups+DescribeLoadBalancers+DescribeListeners',
      {
        loadBalancers,
      },
    ),
    enabled: loadBalancers.length > 0,
    queryFn: () => describeServiceLoadBalancers(region, loadBalancers),
    staleTime: 60_000,
  });
}

export function useServiceLoadBalancers(loadBalancers: ServiceLoadBalancer[]) {
  const { region } = useRegion();
  return useQuery(serviceLoadBalancersQuery(region, loadBalancers));
}
