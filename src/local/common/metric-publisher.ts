/**
 * How a part of the plane publishes its CloudWatch metrics (AWS/ECS from the agent, AWS/ApplicationELB
 * and AWS/ELB from the load balancers): a controller on the work queue with one key that wakes at
 * every interval boundary (`config.metricsIntervalMs`: a minute, or the local knob), asks the part
 * for the datapoints of the interval that just closed and sends them with CloudWatch PutMetricData
 * (in process, so the reserved `AWS/` namespaces are allowed), stamped with the interval's start and
 * at high resolution when the interval is shorter than a minute.
 */
import type { LocalDeps, Runnable } from '../deps';
import { WorkQueue } from './work-queue';

export interface MetricBatch {
  region: string;
  accountId: string;
  namespace: string;
  data: { MetricName: string; Dimensions: { Name: string; Value: string }[]; Value: number; Unit: string }[];
}

/** The datapoints of [from, to) (epoch ms). */
export type Collect = (from: number, to: number) => MetricBatch[] | Promise<MetricBatch[]>;

const KEY = 'publish';
/** PutMetricData takes at most 1000 datapoints per call. */
const PER_CALL = 1000;

export function createMetricPublisher(deps: LocalDeps, name: string, collect: Collect): Runnable {
  const interval = () => Math.max(1000, deps.config.metricsIntervalMs);
  let last: number | undefined;
  const boundary = (t: number) => Math.floor(t / interval()) * interval();

  async function publish(): Promise<void> {
    const now = deps.clock.now();
    const to = boundary(now);
    queue.addAt(KEY, to + interval());
    // The first wake only marks where counting started: the interval before it was not watched.
    if (last === undefined || to <= last) {
      last ??= to;
      return;
    }
    const from = Math.max(last, to - interval());
    last = to;
    const res = interval() < 60_000 ? 1 : 60;
    for (const batch of await collect(from, to)) {
      for (let i = 0; i < batch.data.length; i += PER_CALL) {
        const MetricData = batch.data.slice(i, i + PER_CALL).map((d) => ({
          ...d,
          Timestamp: from / 1000,
          StorageResolution: res,
        }));
        await deps.services.call(
          'monitoring',
          'PutMetricData',
          { Namespace: batch.namespace, MetricData },
          { region: batch.region, accountId: batch.accountId },
        );
      }
    }
  }

  const queue = new WorkQueue({
    name: `${name}: metrics`,
    clock: deps.clock,
    log: deps.log,
    handle: () => publish(),
    backoff: { firstMs: 1000, maxMs: 60_000 },
  });
  return {
    start: () => {
      queue.start();
      queue.add(KEY);
    },
    stop: () => queue.stop(),
    idle: () => queue.idle(),
    busy: () => queue.busy,
  };
}
