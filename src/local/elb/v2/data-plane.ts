/**
 * What the proxies and health checks (../runtime.ts) read from the stored ELB v2 state: each
 * listener's address and port, the targets that take traffic, the health groups to probe; and how
 * probe results and draining deadlines are written back.
 */
import type { LocalDeps } from '../../deps';
import { targetKey, type ElbStore, type TargetRecord } from '../model';
import { httpCodeMatcher, type Backend, type HealthGroup, type LbSource } from '../runtime';
import { applyProbe } from '../targets';
import { byVersion, byVersionPerKey } from '../versioned';
import { listenersOf } from './common';

export function elbV2Source(
  deps: LocalDeps,
  store: ElbStore,
  drainingState: { draining: boolean },
): LbSource {
  const { db } = deps;
  // Read per proxied request and per housekeeping tick: computed again only after a write.
  const backends = byVersionPerKey([store.listeners, store.targetGroups, store.targets], (listenerArn) =>
    readBackends(store, listenerArn),
  );
  const healthGroups = byVersion(
    [store.loadBalancers, store.listeners, store.targetGroups, store.targets],
    () => readHealthGroups(store),
  );
  return {
    listeners: () =>
      store.loadBalancers
        .all()
        .flatMap((lb) =>
          listenersOf(store, lb.arn).map((l) => ({ key: l.arn, host: lb.address, port: l.port })),
        ),
    backends,
    healthGroups,
    report(tgArn, key, result) {
      db.tx(() => {
        const t = store.targets.get(key);
        const tg = store.targetGroups.get(tgArn);
        if (!t || !tg || t.state === 'draining') return;
        const current =
          t.state === 'healthy' ? 'healthy' : t.state === 'unhealthy' ? 'unhealthy' : 'registering';
        const { next, counters } = applyProbe(current, t, result, {
          healthy: tg.health.healthyThreshold,
          unhealthy: tg.health.unhealthyThreshold,
        });
        const updated: TargetRecord = { ...t, ...counters };
        if (next === 'healthy') {
          updated.state = 'healthy';
          delete updated.reason;
          delete updated.description;
        } else if (next === 'unhealthy') {
          updated.state = 'unhealthy';
          updated.reason = result.reason ?? 'Target.FailedHealthChecks';
          updated.description = result.description ?? 'Health checks failed';
        }
        store.targets.put(key, updated);
      });
    },
    housekeeping() {
      if (!drainingState.draining) return;
      const now = deps.clock.now();
      let left = 0;
      db.tx(() => {
        for (const t of store.targets.all()) {
          if (t.state !== 'draining') continue;
          if ((t.drainUntil ?? 0) <= now) store.targets.delete(targetKey(t));
          else left++;
        }
      });
      drainingState.draining = left > 0;
    },
  };
}

function readBackends(store: ElbStore, listenerArn: string): Backend[] {
  const l = store.listeners.get(listenerArn);
  const tgArn = l?.defaultActions.find((a) => a.type === 'forward')?.targetGroupArn;
  if (!tgArn) return [];
  // With health checks disabled every registered target takes traffic, as in AWS.
  const checked = store.targetGroups.get(tgArn)?.health.enabled ?? true;
  const targets = store.targets.find({ tg: tgArn });
  const healthy = targets.filter((t) => (checked ? t.state === 'healthy' : t.state !== 'draining'));
  // When every target has failed its checks, an ALB fails open: it sends to all of them.
  const chosen = healthy.length > 0 || !checked ? healthy : targets.filter((t) => t.state === 'unhealthy');
  return chosen
    .sort((a, b) => a.registeredAt - b.registeredAt || targetKey(a).localeCompare(targetKey(b)))
    .map((t) => ({ host: t.address, port: t.port }));
}

/** The enabled target groups some load balancer's listener forwards to, each with its targets. */
function readHealthGroups(store: ElbStore): HealthGroup[] {
  // One pass over the listeners (not one per target group).
  const forwarded = new Set<string>();
  for (const lb of store.loadBalancers.all()) {
    for (const l of listenersOf(store, lb.arn)) {
      for (const a of l.defaultActions) if (a.targetGroupArn) forwarded.add(a.targetGroupArn);
    }
  }
  const groups: HealthGroup[] = [];
  for (const tg of store.targetGroups.all()) {
    if (!tg.health.enabled || !forwarded.has(tg.arn)) continue;
    groups.push({
      key: tg.arn,
      check: {
        protocol: tg.health.protocol === 'TCP' ? 'TCP' : 'HTTP',
        port: tg.health.port === 'traffic-port' ? undefined : Number(tg.health.port),
        path: tg.health.path,
        intervalMs: tg.health.intervalSeconds * 1000,
        timeoutMs: tg.health.timeoutSeconds * 1000,
        matcher: httpCodeMatcher(tg.health.matcher),
      },
      targets: store.targets
        .find({ tg: tg.arn })
        .filter((t) => t.state !== 'draining')
        .map((t) => ({
          key: targetKey(t),
          host: t.address,
          port: t.port,
          registering: t.state === 'initial',
        })),
    });
  }
  return groups;
}
