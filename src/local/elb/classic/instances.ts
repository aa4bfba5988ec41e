/** RegisterInstancesWithLoadBalancer, DeregisterInstancesFromLoadBalancer, DescribeInstanceHealth. */
import type * as elb from '@aws-sdk/client-elastic-load-balancing';
import { AwsError } from '../../protocol/errors';
import type { Wire } from '../../protocol/types';
import type { ClassicInstance } from '../model';
import { resolveInstances } from '../targets';
import { invalid, keyOf, lbOf, REGISTERING, type Scope } from './common';

export async function registerInstances(
  s: Scope,
  input: Wire<elb.RegisterEndPointsInput>,
): Promise<Wire<elb.RegisterEndPointsOutput>> {
  const name = input.LoadBalancerName;
  lbOf(s, name);
  const ids = (input.Instances ?? []).map((i) => i.InstanceId ?? '');
  if (ids.length === 0) throw invalid('Instances is required');
  const found = await resolveInstances(
    s.deps,
    s.region,
    ids.filter((id) => /^i-[0-9a-f]+$/.test(id)),
  );
  const bad = ids.filter((id) => !found.has(id) || found.get(id)?.state !== 'running');
  if (bad.length)
    throw new AwsError('InvalidInstance', `The requested instance ids are invalid: [${bad.join(', ')}]`, 400);
  const lb = s.deps.db.tx(() => {
    const current = lbOf(s, name);
    for (const id of ids) {
      if (current.instances.some((i) => i.instanceId === id)) continue;
      const entry: ClassicInstance = {
        instanceId: id,
        address: found.get(id)?.address ?? '',
        state: 'OutOfService',
        reasonCode: 'ELB',
        description: REGISTERING,
        successes: 0,
        failures: 0,
      };
      current.instances.push(entry);
    }
    s.store.put(keyOf(current.region, current.name), current);
    return current;
  });
  await s.sync();
  return { Instances: lb.instances.map((i) => ({ InstanceId: i.instanceId })) };
}

export async function deregisterInstances(
  s: Scope,
  input: Wire<elb.DeregisterEndPointsInput>,
): Promise<Wire<elb.DeregisterEndPointsOutput>> {
  const ids = (input.Instances ?? []).map((i) => i.InstanceId ?? '');
  const lb = s.deps.db.tx(() => {
    const current = lbOf(s, input.LoadBalancerName);
    current.instances = current.instances.filter((i) => !ids.includes(i.instanceId));
    s.store.put(keyOf(current.region, current.name), current);
    return current;
  });
  await s.sync();
  return { Instances: lb.instances.map((i) => ({ InstanceId: i.instanceId })) };
}

export function describeInstanceHealth(
  s: Scope,
  input: Wire<elb.DescribeEndPointStateInput>,
): Wire<elb.DescribeEndPointStateOutput> {
  const lb = lbOf(s, input.LoadBalancerName);
  const ids = (input.Instances ?? []).map((i) => i.InstanceId ?? '');
  for (const id of ids) {
    if (!lb.instances.some((i) => i.instanceId === id)) {
      throw new AwsError('InvalidInstance', `Could not find EC2 instance ${id}.`, 400);
    }
  }
  return {
    InstanceStates: lb.instances
      .filter((i) => ids.length === 0 || ids.includes(i.instanceId))
      .map((i) => ({
        InstanceId: i.instanceId,
        State: i.state,
        ReasonCode: i.reasonCode,
        Description: i.description,
      })),
  };
}
