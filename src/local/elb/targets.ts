/** What ELB v2 and classic share: resolving EC2 instances to addresses, and threshold bookkeeping. */
import type { LocalDeps } from '../deps';
import type { ProbeResult } from './runtime';

export interface ResolvedInstance {
  instanceId: string;
  address: string;
  state: string;
  availabilityZone: string;
}

/** EC2 instances by id (those that exist), through EC2's own DescribeInstances. */
export async function resolveInstances(
  deps: LocalDeps,
  region: string,
  ids: string[],
): Promise<Map<string, ResolvedInstance>> {
  const out = new Map<string, ResolvedInstance>();
  if (ids.length === 0) return out;
  const res = await deps.services.call<{
    Reservations?: {
      Instances?: {
        InstanceId: string;
        PrivateIpAddress?: string;
        State: { Name: string };
        Placement: { AvailabilityZone: string };
      }[];
    }[];
  }>('ec2', 'DescribeInstances', { Filters: [{ Name: 'instance-id', Values: ids }] }, { region });
  for (const r of res.Reservations ?? []) {
    for (const i of r.Instances ?? []) {
      out.set(i.InstanceId, {
        instanceId: i.InstanceId,
        address: i.PrivateIpAddress ?? '',
        state: i.State.Name,
        availabilityZone: i.Placement.AvailabilityZone,
      });
    }
  }
  return out;
}

export interface Counters {
  successes: number;
  failures: number;
}

/**
 * Applies one probe to consecutive-success/failure counters. A target still registering becomes
 * healthy on its first passing check (registering targets are probed early, so the service behind
 * a load balancer is reachable as soon as it answers); an early probe that fails does not count,
 * so only scheduled checks can make a target unhealthy. Otherwise the thresholds apply.
 */
export function applyProbe(
  current: 'registering' | 'healthy' | 'unhealthy',
  counters: Counters,
  result: ProbeResult,
  thresholds: { healthy: number; unhealthy: number },
): { next: 'registering' | 'healthy' | 'unhealthy'; counters: Counters } {
  if (!result.ok && result.early && current === 'registering') return { next: current, counters };
  const c = result.ok
    ? { successes: counters.successes + 1, failures: 0 }
    : { successes: 0, failures: counters.failures + 1 };
  let next = current;
  if (result.ok) {
    if (current === 'registering' || c.successes >= thresholds.healthy) next = 'healthy';
  } else if (c.failures >= thresholds.unhealthy) {
    next = 'unhealthy';
  }
  return { next, counters: c };
}
