/**
 * What the proxies and health checks (../runtime.ts) read from the stored classic load balancers:
 * LoadBalancerPort -> InstancePort on each InService instance, one health check per load balancer;
 * and how probe results are written back.
 */
import type { LocalDeps } from '../../deps';
import type { ElbStore } from '../model';
import type { Backend, HealthGroup, LbSource } from '../runtime';
import { applyProbe } from '../targets';
import { byVersion, byVersionPerKey } from '../versioned';
import { keyOf, parseTarget, REGISTERING } from './common';

export function classicSource(deps: LocalDeps, store: ElbStore['classic']): LbSource {
  // Read per proxied request and per housekeeping tick: computed again only after a write.
  const backends = byVersionPerKey([store], (listenerKey) => readBackends(store, listenerKey));
  const healthGroups = byVersion([store], () => readHealthGroups(store));
  return {
    listeners: () =>
      store.all().flatMap((lb) =>
        lb.listeners.map((l) => ({
          key: `${keyOf(lb.region, lb.name)}#${l.loadBalancerPort}`,
          host: lb.address,
          port: l.loadBalancerPort,
        })),
      ),
    backends,
    healthGroups,
    report(lbKey, instanceId, result) {
      deps.db.tx(() => {
        const lb = store.get(lbKey);
        const inst = lb?.instances.find((i) => i.instanceId === instanceId);
        if (!lb || !inst) return;
        const current =
          inst.state === 'InService'
            ? 'healthy'
            : inst.description === REGISTERING
              ? 'registering'
              : 'unhealthy';
        const { next, counters } = applyProbe(current, inst, result, {
          healthy: lb.healthCheck.healthyThreshold,
          unhealthy: lb.healthCheck.unhealthyThreshold,
        });
        Object.assign(inst, counters);
        if (next === 'healthy') {
          Object.assign(inst, { state: 'InService', reasonCode: 'N/A', description: 'N/A' });
        } else if (next === 'unhealthy') {
          Object.assign(inst, {
            state: 'OutOfService',
            reasonCode: 'Instance',
            description:
              'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.',
          });
        }
        store.put(lbKey, lb);
      });
    },
    housekeeping() {},
  };
}

function readBackends(store: ElbStore['classic'], listenerKey: string): Backend[] {
  const [lbKey, port] = listenerKey.split('#') as [string, string];
  const lb = store.get(lbKey);
  const listener = lb?.listeners.find((l) => l.loadBalancerPort === Number(port));
  if (!lb || !listener) return [];
  return lb.instances
    .filter((i) => i.state === 'InService')
    .map((i) => ({ host: i.address, port: listener.instancePort }));
}

function readHealthGroups(store: ElbStore['classic']): HealthGroup[] {
  const groups: HealthGroup[] = [];
  for (const lb of store.all()) {
    const target = parseTarget(lb.healthCheck.target);
    if (!target) continue;
    groups.push({
      key: keyOf(lb.region, lb.name),
      check: {
        protocol: target.protocol,
        port: target.port,
        path: target.path,
        intervalMs: lb.healthCheck.interval * 1000,
        timeoutMs: lb.healthCheck.timeout * 1000,
        matcher: (status) => status === 200,
      },
      targets: lb.instances.map((i) => ({
        key: i.instanceId,
        host: i.address,
        port: target.port,
        registering: i.description === REGISTERING,
      })),
    });
  }
  return groups;
}
