/** CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer, ConfigureHealthCheck. */
import type * as elb from '@aws-sdk/client-elastic-load-balancing';
import { allocateAddress } from '../../common/addresses';
import { AwsError, isAwsError } from '../../protocol/errors';
import type { Wire } from '../../protocol/types';
import type { ClassicListener, ClassicLoadBalancerRecord } from '../model';
import { invalid, keyOf, lbOf, NAME, parseTarget, type Scope } from './common';

const PROTOCOLS = ['HTTP', 'TCP', 'HTTPS', 'SSL'];

function render(lb: ClassicLoadBalancerRecord): Wire<elb.LoadBalancerDescription> {
  return {
    LoadBalancerName: lb.name,
    DNSName: lb.address,
    CanonicalHostedZoneName: lb.address,
    CanonicalHostedZoneNameID: 'Z35SXDOTRQ7X7K',
    ListenerDescriptions: lb.listeners.map((l) => ({
      Listener: {
        Protocol: l.protocol,
        LoadBalancerPort: l.loadBalancerPort,
        InstanceProtocol: l.instanceProtocol,
        InstancePort: l.instancePort,
      },
      PolicyNames: [],
    })),
    Policies: { AppCookieStickinessPolicies: [], LBCookieStickinessPolicies: [], OtherPolicies: [] },
    BackendServerDescriptions: [],
    AvailabilityZones: lb.availabilityZones,
    Subnets: lb.subnets,
    VPCId: lb.vpcId,
    Instances: lb.instances.map((i) => ({ InstanceId: i.instanceId })),
    HealthCheck: renderHealthCheck(lb.healthCheck),
    SourceSecurityGroup: { OwnerAlias: 'amazon-elb', GroupName: 'amazon-elb-sg' },
    SecurityGroups: lb.securityGroups,
    CreatedTime: lb.createdTime / 1000,
    Scheme: lb.scheme,
  };
}

const renderHealthCheck = (hc: ClassicLoadBalancerRecord['healthCheck']): Wire<elb.HealthCheck> => ({
  Target: hc.target,
  Interval: hc.interval,
  Timeout: hc.timeout,
  UnhealthyThreshold: hc.unhealthyThreshold,
  HealthyThreshold: hc.healthyThreshold,
});

function readListeners(listeners: Wire<elb.Listener>[] | undefined): ClassicListener[] {
  return (listeners ?? []).map((l) => {
    const protocol = (l.Protocol ?? '').toUpperCase();
    if (!PROTOCOLS.includes(protocol)) throw invalid(`Invalid protocol '${l.Protocol}'`);
    if (protocol === 'HTTPS' || protocol === 'SSL') {
      throw new AwsError(
        'UnsupportedProtocol',
        `Protocol '${protocol}' is not supported by the local control plane (no certificates)`,
        400,
      );
    }
    const lbPort = l.LoadBalancerPort as number;
    if (lbPort < 1 || lbPort > 65535) throw invalid('LoadBalancerPort must be between 1 and 65535');
    return {
      protocol,
      loadBalancerPort: lbPort,
      instanceProtocol: (l.InstanceProtocol ?? protocol).toUpperCase(),
      instancePort: l.InstancePort as number,
    };
  });
}

export async function createLoadBalancer(
  s: Scope,
  input: Wire<elb.CreateAccessPointInput>,
): Promise<Wire<elb.CreateAccessPointOutput>> {
  const name = input.LoadBalancerName as string;
  if (!NAME.test(name)) {
    throw invalid(
      `LoadBalancerName '${name}' must have at most 32 characters, contain only alphanumeric characters or hyphens, and not begin or end with a hyphen`,
    );
  }
  const listeners = readListeners(input.Listeners);
  if (listeners.length === 0) throw invalid('At least one listener is required');
  const ports = listeners.map((l) => l.loadBalancerPort);
  if (new Set(ports).size !== ports.length)
    throw new AwsError('DuplicateListener', 'A listener already exists with that port', 400);
  const subnetIds = input.Subnets ?? [];
  let zones = input.AvailabilityZones ?? [];
  let vpcId: string | undefined;
  if (subnetIds.length) {
    try {
      const out = await s.deps.services.call<{ Subnets?: { AvailabilityZone: string; VpcId: string }[] }>(
        'ec2',
        'DescribeSubnets',
        { SubnetIds: subnetIds },
        { region: s.region },
      );
      zones = [...new Set((out.Subnets ?? []).map((x) => x.AvailabilityZone))];
      vpcId = out.Subnets?.[0]?.VpcId;
    } catch (e) {
      if (!isAwsError(e)) throw e;
      throw new AwsError('SubnetNotFound', e.message, 400);
    }
  }
  if (zones.length === 0) throw invalid('Either AvailabilityZones or SubnetIds must be specified');
  const key = keyOf(s.region, name);
  const existing = s.store.get(key);
  if (existing) {
    if (JSON.stringify(existing.listeners) !== JSON.stringify(listeners)) {
      throw new AwsError(
        'DuplicateLoadBalancerName',
        `Load Balancer named '${name}' already exists and it is configured with different parameters.`,
        400,
      );
    }
    return { DNSName: existing.address };
  }
  const first = listeners[0] as ClassicListener;
  const lb: ClassicLoadBalancerRecord = {
    name,
    region: s.region,
    address: '',
    scheme: input.Scheme ?? 'internet-facing',
    listeners,
    availabilityZones: zones,
    subnets: subnetIds,
    vpcId,
    securityGroups: input.SecurityGroups ?? [],
    healthCheck: {
      target: `TCP:${first.instancePort}`,
      interval: 30,
      timeout: 5,
      unhealthyThreshold: 2,
      healthyThreshold: 10,
    },
    instances: [],
    createdTime: s.deps.clock.now(),
    tags: (input.Tags ?? []).map((t) => ({ key: t.Key as string, value: t.Value ?? '' })),
  };
  s.deps.db.tx(() => {
    if (s.store.has(key)) return;
    lb.address = allocateAddress(s.deps, 'load-balancer');
    s.store.put(key, lb);
  });
  await s.sync();
  return { DNSName: lbOf(s, name).address };
}

export function describeLoadBalancers(
  s: Scope,
  input: Wire<elb.DescribeAccessPointsInput>,
): Wire<elb.DescribeAccessPointsOutput> {
  const names = input.LoadBalancerNames ?? [];
  for (const n of names) lbOf(s, n);
  const lbs = s.store
    .find({ region: s.region })
    .filter((l) => names.length === 0 || names.includes(l.name))
    .sort((a, b) => a.createdTime - b.createdTime);
  return { LoadBalancerDescriptions: lbs.map(render) };
}

export async function deleteLoadBalancer(s: Scope, input: Wire<elb.DeleteAccessPointInput>): Promise<object> {
  s.store.delete(keyOf(s.region, input.LoadBalancerName as string)); // a missing load balancer is not an error, as in AWS
  await s.sync();
  return {};
}

export async function configureHealthCheck(
  s: Scope,
  input: Wire<elb.ConfigureHealthCheckInput>,
): Promise<Wire<elb.ConfigureHealthCheckOutput>> {
  // Every member is required by the model, so the endpoint has checked they are all there.
  const given = input.HealthCheck as {
    Target: string;
    Interval: number;
    Timeout: number;
    UnhealthyThreshold: number;
    HealthyThreshold: number;
  };
  if (!parseTarget(given.Target)) throw invalid(`Invalid health check target '${given.Target}'`);
  // AWS allows an interval of 5-300 s; locally shorter intervals are accepted too (generate.py).
  if (given.Timeout > given.Interval) throw invalid('HealthCheck Timeout must be less than Interval');
  const hc = {
    target: given.Target,
    interval: given.Interval,
    timeout: given.Timeout,
    unhealthyThreshold: given.UnhealthyThreshold,
    healthyThreshold: given.HealthyThreshold,
  };
  s.deps.db.tx(() => {
    const lb = lbOf(s, input.LoadBalancerName);
    s.store.put(keyOf(lb.region, lb.name), { ...lb, healthCheck: hc });
  });
  await s.sync();
  return { HealthCheck: renderHealthCheck(hc) };
}
