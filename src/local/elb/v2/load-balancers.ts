/** CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer. */
import type * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { allocateAddress } from '../../common/addresses';
import { AwsError, isAwsError } from '../../protocol/errors';
import type { Wire } from '../../protocol/types';
import type { LoadBalancerRecord } from '../model';
import { err, hex16, listenersOf, NAME, pick, readTags, seconds, type Scope } from './common';

export function renderLoadBalancer(lb: LoadBalancerRecord): Wire<elbv2.LoadBalancer> {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.address,
    CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
    CreatedTime: seconds(lb.createdTime),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme as elbv2.LoadBalancerSchemeEnum,
    VpcId: lb.vpcId,
    State: { Code: 'active' },
    Type: lb.type,
    AvailabilityZones: lb.subnets.map((s) => ({
      ZoneName: s.zoneName,
      SubnetId: s.subnetId,
      LoadBalancerAddresses: [],
    })),
    SecurityGroups: lb.type === 'application' ? lb.securityGroups : undefined,
    IpAddressType: lb.ipAddressType as elbv2.IpAddressType,
  };
}

/** The subnets asked for, through EC2 (each must exist). */
async function subnetsOf(
  s: Scope,
  ids: string[],
): Promise<{ subnetId: string; zoneName: string; vpcId: string }[]> {
  if (ids.length === 0) return [];
  try {
    const out = await s.deps.services.call<{
      Subnets?: { SubnetId: string; AvailabilityZone: string; VpcId: string }[];
    }>('ec2', 'DescribeSubnets', { SubnetIds: ids }, { region: s.region });
    return (out.Subnets ?? []).map((x) => ({
      subnetId: x.SubnetId,
      zoneName: x.AvailabilityZone,
      vpcId: x.VpcId,
    }));
  } catch (e) {
    if (!isAwsError(e)) throw e;
    throw new AwsError('SubnetNotFound', `The subnet ID '${ids.join("', '")}' is not valid`, 400);
  }
}

export async function createLoadBalancer(
  s: Scope,
  input: Wire<elbv2.CreateLoadBalancerInput>,
): Promise<Wire<elbv2.CreateLoadBalancerOutput>> {
  const name = input.Name as string;
  if (!NAME.test(name)) {
    throw err.invalid(
      `LoadBalancer name '${name}' can have a maximum of 32 characters, can contain only alphanumeric characters and hyphens, cannot begin or end with a hyphen, and cannot begin with 'internal-'`,
    );
  }
  const type = input.Type ?? 'application';
  if (type !== 'application' && type !== 'network') {
    throw err.invalid(`Load balancer type '${type}' is not supported by the local control plane`);
  }
  const { store } = s;
  const existing = store.loadBalancers.find({ region: s.region }).find((l) => l.name === name);
  if (existing) return { LoadBalancers: [renderLoadBalancer(existing)] };
  const subnets = await subnetsOf(s, [
    ...(input.Subnets ?? []),
    ...(input.SubnetMappings ?? []).map((m) => m.SubnetId ?? ''),
  ]);
  if (type === 'application' && new Set(subnets.map((x) => x.zoneName)).size < 2) {
    throw err.invalid('At least two subnets in two different Availability Zones must be specified');
  }
  if (type === 'network' && subnets.length === 0) throw err.invalid('At least one subnet must be specified');
  if (new Set(subnets.map((x) => x.vpcId)).size > 1)
    throw new AwsError('InvalidSubnet', 'The subnets must belong to the same VPC', 400);
  const lb = s.deps.db.tx(() => {
    const again = store.loadBalancers.find({ region: s.region }).find((l) => l.name === name);
    if (again) return again;
    const kind = type === 'application' ? 'app' : 'net';
    const record: LoadBalancerRecord = {
      arn: `arn:aws:elasticloadbalancing:${s.region}:${s.accountId}:loadbalancer/${kind}/${name}/${hex16()}`,
      name,
      region: s.region,
      accountId: s.accountId,
      type,
      scheme: input.Scheme ?? 'internet-facing',
      address: allocateAddress(s.deps, 'load-balancer'),
      vpcId: subnets[0]?.vpcId,
      subnets: subnets.map((x) => ({ subnetId: x.subnetId, zoneName: x.zoneName })),
      securityGroups: input.SecurityGroups ?? [],
      ipAddressType: input.IpAddressType ?? 'ipv4',
      createdTime: s.deps.clock.now(),
      tags: readTags(input.Tags),
    };
    store.loadBalancers.put(record.arn, record);
    return record;
  });
  return { LoadBalancers: [renderLoadBalancer(lb)] };
}

export function describeLoadBalancers(
  s: Scope,
  input: Wire<elbv2.DescribeLoadBalancersInput>,
): Wire<elbv2.DescribeLoadBalancersOutput> {
  const all = s.store.loadBalancers.find({ region: s.region });
  return {
    LoadBalancers: pick(all, input.LoadBalancerArns, input.Names, err.lbNotFound).map(renderLoadBalancer),
  };
}

export async function deleteLoadBalancer(
  s: Scope,
  input: Wire<elbv2.DeleteLoadBalancerInput>,
): Promise<Wire<elbv2.DeleteLoadBalancerOutput>> {
  const { store } = s;
  s.deps.db.tx(() => {
    const lb = store.loadBalancers.get(input.LoadBalancerArn as string);
    if (!lb || lb.region !== s.region) return; // deleting a missing load balancer succeeds, as in AWS
    for (const l of listenersOf(store, lb.arn)) store.listeners.delete(l.arn);
    store.loadBalancers.delete(lb.arn);
  });
  await s.sync();
  return {};
}
