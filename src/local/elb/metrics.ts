/**
 * Load balancer metrics from the requests the proxies really served (runtime.ts tells `served`):
 * counters per listener, turned at each interval into CloudWatch datapoints.
 *
 * - ELB v2 (`AWS/ApplicationELB`): RequestCount, HTTPCode_Target_2XX..5XX_Count, HTTPCode_ELB_5XX_Count
 *   and TargetResponseTime (seconds, average) by LoadBalancer and by TargetGroup+LoadBalancer;
 *   RequestCountPerTarget by TargetGroup (requests / healthy targets); HealthyHostCount and
 *   UnHealthyHostCount by TargetGroup+LoadBalancer.
 * - Classic (`AWS/ELB`): RequestCount, Latency, HTTPCode_Backend_2XX..5XX, HTTPCode_ELB_5XX,
 *   HealthyHostCount and UnHealthyHostCount by LoadBalancerName.
 */
import type { LocalDeps } from '../deps';
import { createMetricPublisher, type MetricBatch } from '../common/metric-publisher';
import type { Runnable } from '../deps';
import { keyOf } from './classic/common';
import { listenersOf } from './v2/common';
import type { ElbStore } from './model';

interface Counters {
  requests: number;
  elb5xx: number;
  target: [number, number, number, number];
  timeSum: number;
  timeCount: number;
}

export class ServedCounters {
  private counters = new Map<string, Counters>();

  record(listenerKey: string, o: { status: number; elb: boolean; targetMs?: number }): void {
    let c = this.counters.get(listenerKey);
    if (!c) {
      c = { requests: 0, elb5xx: 0, target: [0, 0, 0, 0], timeSum: 0, timeCount: 0 };
      this.counters.set(listenerKey, c);
    }
    c.requests++;
    if (o.elb) {
      if (o.status >= 500) c.elb5xx++;
      return;
    }
    const cls = Math.floor(o.status / 100) - 2;
    if (cls >= 0 && cls < 4) c.target[cls] = (c.target[cls] ?? 0) + 1;
    if (o.targetMs !== undefined) {
      c.timeSum += o.targetMs / 1000;
      c.timeCount++;
    }
  }

  /** The counters since the last take, and a fresh start. */
  take(): Map<string, Counters> {
    const out = this.counters;
    this.counters = new Map();
    return out;
  }
}

type Datum = MetricBatch['data'][number];

function countersData(c: Counters, dims: Datum['Dimensions'], classic: boolean): Datum[] {
  const d = (MetricName: string, Value: number, Unit: string): Datum => ({
    MetricName,
    Dimensions: dims,
    Value,
    Unit,
  });
  const out = [d('RequestCount', c.requests, 'Count')];
  const prefix = classic ? 'HTTPCode_Backend_' : 'HTTPCode_Target_';
  c.target.forEach((n, i) => {
    if (n > 0) out.push(d(`${prefix}${i + 2}XX${classic ? '' : '_Count'}`, n, 'Count'));
  });
  if (c.elb5xx > 0) out.push(d(classic ? 'HTTPCode_ELB_5XX' : 'HTTPCode_ELB_5XX_Count', c.elb5xx, 'Count'));
  if (c.timeCount > 0)
    out.push(d(classic ? 'Latency' : 'TargetResponseTime', c.timeSum / c.timeCount, 'Seconds'));
  return out;
}

const add = (
  batches: Map<string, MetricBatch>,
  region: string,
  accountId: string,
  namespace: string,
  data: Datum[],
) => {
  const key = `${region}|${accountId}`;
  const b = batches.get(key) ?? { region, accountId, namespace, data: [] };
  b.data.push(...data);
  batches.set(key, b);
};

/** `arn:...:loadbalancer/app/name/id` -> `app/name/id`; `arn:...:targetgroup/name/id` -> `targetgroup/name/id`. */
const lbDimension = (arn: string) => arn.slice(arn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
const tgDimension = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

export function elbV2Metrics(deps: LocalDeps, store: ElbStore, counters: ServedCounters) {
  return (): MetricBatch[] => {
    const taken = counters.take();
    const batches = new Map<string, MetricBatch>();
    for (const lb of store.loadBalancers.all()) {
      if (lb.type !== 'application') continue;
      const lbDim = { Name: 'LoadBalancer', Value: lbDimension(lb.arn) };
      const sum: Counters = { requests: 0, elb5xx: 0, target: [0, 0, 0, 0], timeSum: 0, timeCount: 0 };
      const byTg = new Map<string, Counters>();
      for (const l of listenersOf(store, lb.arn)) {
        const c = taken.get(l.arn);
        const tgArn = l.defaultActions.find((a) => a.type === 'forward')?.targetGroupArn;
        if (tgArn && !byTg.has(tgArn))
          byTg.set(tgArn, { requests: 0, elb5xx: 0, target: [0, 0, 0, 0], timeSum: 0, timeCount: 0 });
        if (!c) continue;
        for (const into of [sum, ...(tgArn ? [byTg.get(tgArn) as Counters] : [])]) {
          into.requests += c.requests;
          into.elb5xx += c.elb5xx;
          c.target.forEach((n, i) => (into.target[i] = (into.target[i] as number) + n));
          into.timeSum += c.timeSum;
          into.timeCount += c.timeCount;
        }
      }
      const data = countersData(sum, [lbDim], false);
      for (const [tgArn, c] of byTg) {
        const tgDim = { Name: 'TargetGroup', Value: tgDimension(tgArn) };
        const targets = store.targets.find({ tg: tgArn });
        const healthy = targets.filter((t) => t.state === 'healthy').length;
        const unhealthy = targets.filter((t) => t.state === 'unhealthy').length;
        data.push(...countersData(c, [tgDim, lbDim], false));
        data.push(
          { MetricName: 'HealthyHostCount', Dimensions: [tgDim, lbDim], Value: healthy, Unit: 'Count' },
          { MetricName: 'UnHealthyHostCount', Dimensions: [tgDim, lbDim], Value: unhealthy, Unit: 'Count' },
          {
            MetricName: 'RequestCountPerTarget',
            Dimensions: [tgDim],
            Value: healthy > 0 ? c.requests / healthy : c.requests,
            Unit: 'None',
          },
        );
      }
      add(batches, lb.region, lb.accountId, 'AWS/ApplicationELB', data);
    }
    return [...batches.values()];
  };
}

export function classicMetrics(deps: LocalDeps, store: ElbStore['classic'], counters: ServedCounters) {
  return (): MetricBatch[] => {
    const taken = counters.take();
    const batches = new Map<string, MetricBatch>();
    for (const lb of store.all()) {
      const dims = [{ Name: 'LoadBalancerName', Value: lb.name }];
      const sum: Counters = { requests: 0, elb5xx: 0, target: [0, 0, 0, 0], timeSum: 0, timeCount: 0 };
      for (const [key, c] of taken) {
        if (!key.startsWith(`${keyOf(lb.region, lb.name)}#`)) continue;
        sum.requests += c.requests;
        sum.elb5xx += c.elb5xx;
        c.target.forEach((n, i) => (sum.target[i] = (sum.target[i] as number) + n));
        sum.timeSum += c.timeSum;
        sum.timeCount += c.timeCount;
      }
      const healthy = lb.instances.filter((i) => i.state === 'InService').length;
      add(batches, lb.region, deps.config.accountId, 'AWS/ELB', [
        ...countersData(sum, dims, true),
        { MetricName: 'HealthyHostCount', Dimensions: dims, Value: healthy, Unit: 'Count' },
        {
          MetricName: 'UnHealthyHostCount',
          Dimensions: dims,
          Value: lb.instances.length - healthy,
          Unit: 'Count',
        },
      ]);
    }
    return [...batches.values()];
  };
}

/** The load balancers' data plane and its metric publisher, as one background part. */
export function withMetrics(
  deps: LocalDeps,
  name: string,
  runtime: Runnable,
  collect: () => MetricBatch[],
): Runnable {
  const publisher = createMetricPublisher(deps, name, collect);
  return {
    start: async () => {
      await runtime.start();
      await publisher.start();
    },
    stop: async () => {
      await publisher.stop();
      await runtime.stop();
    },
    idle: async () => {
      await runtime.idle?.();
      await publisher.idle?.();
    },
    busy: () => (runtime.busy?.() ?? false) || (publisher.busy?.() ?? false),
  };
}
