/**
 * The alarm evaluator: a controller on the work queue, keyed by alarm (`<region>|<name>`). Each alarm
 * is looked at once per period, a little after the period closes (a quarter of it, at most 15 s, so
 * the datapoints of the period have been published): the last EvaluationPeriods periods are read,
 * missing ones treated as TreatMissingData says, and the alarm goes to ALARM when at least
 * DatapointsToAlarm of them breach, to OK when enough data does not, and to INSUFFICIENT_DATA when
 * there is none. A change of state writes the state, a history item and then runs the new state's
 * actions; Auto Scaling policy actions run again at every period the alarm stays in ALARM, as AWS
 * does. Actions go through the public APIs only: EC2 Auto Scaling's DescribePolicies and
 * ExecutePolicy; Application Auto Scaling reads its alarms with DescribeAlarms (the bus hint
 * `cloudwatch.alarm.changed` only makes it look sooner).
 *
 * The same queue prunes the metric store (key PRUNE_KEY) every few minutes.
 */
import type * as cw from '@aws-sdk/client-cloudwatch';
import type { LocalDeps, Runnable } from '../deps';
import { WorkQueue } from '../common/work-queue';
import { uuid } from '../common/ids';
import { addHistory, transition } from './alarms';
import { scopeOf, type Scope } from './common';
import { metricSeries, runQueries } from './metrics';
import type { Series } from './math';
import { alarmKey, type AlarmRecord, type CloudWatchCollections } from './model';
import type { Dimension, MetricStore } from './store';
import type { Checked } from '../protocol/types';

const PRUNE_KEY = '#prune';
const PRUNE_EVERY_MS = 5 * 60_000;

export interface AlarmEvaluator extends Runnable {
  wake(keys: string[]): void;
}

/** The period an alarm counts in: its own, or its metrics list's first metric's. */
export function alarmPeriod(alarm: AlarmRecord['alarm']): number {
  if (alarm.Period) return alarm.Period;
  const stat = alarm.Metrics?.find((m) => m.MetricStat)?.MetricStat;
  return stat?.Period ?? 60;
}

const lagOf = (period: number) => Math.min(period / 4, 15);

/** The window an alarm evaluates at `now` (epoch seconds): [start, end), period-aligned. */
export function evaluationWindow(
  alarm: AlarmRecord['alarm'],
  now: number,
): { start: number; end: number; period: number } {
  const period = alarmPeriod(alarm);
  const end = Math.floor((now - lagOf(period)) / period) * period;
  return { start: end - (alarm.EvaluationPeriods ?? 1) * period, end, period };
}

function breaches(op: string | undefined, value: number, threshold: number): boolean {
  switch (op) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      return false;
  }
}

const OP_WORDS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

const fmtTime = (t: number) => {
  const d = new Date(t * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${String(d.getUTCFullYear()).slice(2)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
};

export interface Verdict {
  state: cw.StateValue | 'unchanged';
  reason: string;
  reasonData: string;
  /** The most recent datapoint (for step scaling's MetricValue). */
  latest?: number;
}

/** The alarm's state from the datapoints of its window (pure). */
export function judge(
  alarm: AlarmRecord['alarm'],
  series: Series,
  window: { start: number; end: number; period: number },
): Verdict {
  const n = alarm.EvaluationPeriods ?? 1;
  const m = alarm.DatapointsToAlarm ?? n;
  const threshold = alarm.Threshold ?? 0;
  const byPeriod = new Map<number, number>();
  series.timestamps.forEach((t, i) => {
    if (t >= window.start && t < window.end) byPeriod.set(t, series.values[i] as number);
  });
  const present = [...byPeriod.entries()].sort((a, b) => b[0] - a[0]);
  const treat = alarm.TreatMissingData ?? 'missing';
  let breaching = present.filter(([, v]) => breaches(alarm.ComparisonOperator, v, threshold)).length;
  const missing = n - present.length;
  if (treat === 'breaching') breaching += missing;
  const words = OP_WORDS[alarm.ComparisonOperator ?? ''] ?? 'compared with';
  const recent = present.slice(0, Math.min(present.length, 5));
  const listed = recent.map(([t, v]) => `${Number(v.toFixed(6))} (${fmtTime(t)})`).join(', ');
  const reasonData = JSON.stringify({
    version: '1.0',
    queryDate: new Date(window.end * 1000).toISOString(),
    startDate: new Date(window.start * 1000).toISOString(),
    period: window.period,
    recentDatapoints: recent.map(([, v]) => v),
    threshold,
    evaluatedDatapoints: present.map(([t, v]) => ({ timestamp: new Date(t * 1000).toISOString(), value: v })),
  });
  const latest = present[0]?.[1];
  if (breaching >= m) {
    const what =
      treat === 'breaching' && missing > 0
        ? `${breaching} datapoints (missing treated as breaching)`
        : `${breaching} out of the last ${n} datapoints [${listed}]`;
    return {
      state: 'ALARM',
      reason: `Threshold Crossed: ${what} ${breaching === 1 ? 'was' : 'were'} ${words} the threshold (${threshold}) (minimum ${m} datapoint${m === 1 ? '' : 's'} for OK -> ALARM transition).`,
      reasonData,
      ...(latest !== undefined && { latest }),
    };
  }
  if (present.length === 0) {
    if (treat === 'ignore') return { state: 'unchanged', reason: '', reasonData };
    if (treat === 'missing')
      return {
        state: 'INSUFFICIENT_DATA',
        reason: `Insufficient Data: ${n} datapoint${n === 1 ? ' was' : 's were'} unknown.`,
        reasonData,
      };
  }
  return {
    state: 'OK',
    reason:
      present.length === 0
        ? `Threshold Crossed: no datapoints were received for ${n} period${n === 1 ? '' : 's'} and ${n} missing datapoint${n === 1 ? ' was' : 's were'} treated as [NonBreaching].`
        : `Threshold Crossed: ${present.length} datapoint${present.length === 1 ? '' : 's'} [${listed}] ${breaching === 0 ? 'were not' : `(${breaching} breaching, fewer than ${m})`} ${words} the threshold (${threshold}).`,
    reasonData,
    ...(latest !== undefined && { latest }),
  };
}

/** The datapoints an alarm looks at over [start, end). */
function alarmSeries(
  s: Scope,
  alarm: AlarmRecord['alarm'],
  start: number,
  end: number,
  period: number,
): Series {
  if (alarm.Metrics) {
    const results = runQueries(s, alarm.Metrics as Checked<cw.MetricDataQuery>[], start, end);
    const id = alarm.Metrics.find((q) => q.ReturnData !== false)?.Id ?? '';
    const v = results.get(id);
    if (v?.kind === 'series') return v.series;
    if (v?.kind === 'array') return v.items[0] ?? { timestamps: [], values: [] };
    return { timestamps: [], values: [] };
  }
  return metricSeries(
    s,
    {
      Metric: {
        Namespace: alarm.Namespace,
        MetricName: alarm.MetricName,
        Dimensions: (alarm.Dimensions ?? []) as Dimension[],
      },
      Period: period,
      Stat: alarm.Statistic as string,
      ...(alarm.Unit !== undefined && { Unit: alarm.Unit }),
    },
    start,
    end,
  );
}

/** An EC2 Auto Scaling policy ARN (an Application Auto Scaling one names `resource/...` instead). */
const EC2_POLICY =
  /^arn:aws[a-z-]*:autoscaling:[^:]*:[^:]*:scalingPolicy:[^:]+:autoScalingGroupName\/(.+):policyName\/(.+)$/;

export function createAlarmEvaluator(
  deps: LocalDeps,
  col: CloudWatchCollections,
  store: MetricStore,
): AlarmEvaluator {
  const scopeFor = (record: Pick<AlarmRecord, 'region' | 'accountId'>): Scope =>
    scopeOf(deps, col, store, (keys) => evaluator.wake(keys), {
      service: 'monitoring',
      action: 'Evaluate',
      region: record.region,
      accountId: record.accountId,
      requestId: uuid(),
      internal: true,
    });

  async function runActions(
    record: AlarmRecord,
    arns: string[],
    verdict: Verdict,
    at: number,
  ): Promise<void> {
    const ctx = { region: record.region, accountId: record.accountId };
    for (const arn of arns) {
      const m = EC2_POLICY.exec(arn);
      if (!m) continue; // Application Auto Scaling reads its alarms itself; SNS and EC2 actions are not run.
      let summary: string;
      try {
        const group = m[1] as string;
        const policies = await deps.services.call(
          'autoscaling',
          'DescribePolicies',
          { AutoScalingGroupName: group, PolicyNames: [arn] },
          ctx,
        );
        const policy = (policies.ScalingPolicies as { PolicyType?: string }[] | undefined)?.[0];
        if (!policy) throw new Error('the policy does not exist');
        const step = policy.PolicyType === 'StepScaling';
        await deps.services.call(
          'autoscaling',
          'ExecutePolicy',
          {
            AutoScalingGroupName: group,
            PolicyName: arn,
            HonorCooldown: true,
            ...(step && {
              MetricValue: verdict.latest ?? record.alarm.Threshold ?? 0,
              BreachThreshold: record.alarm.Threshold ?? 0,
            }),
          },
          ctx,
        );
        summary = `Successfully executed action ${arn}`;
      } catch (err) {
        summary = `Failed to execute action ${arn}. Received error: "${(err as Error).message}"`;
      }
      deps.db.tx(() =>
        addHistory({ col, deps }, record.region, record.alarm.AlarmName as string, at, 'Action', summary, {
          actionState: summary.startsWith('Successfully') ? 'Succeeded' : 'Failed',
          stateUpdateTimestamp: record.alarm.StateUpdatedTimestamp,
        }),
      );
    }
  }

  async function evaluate(key: string): Promise<void> {
    if (key === PRUNE_KEY) {
      deps.db.tx(() => store.prune(deps.clock.now() / 1000));
      queue.addAfter(PRUNE_KEY, PRUNE_EVERY_MS);
      return;
    }
    const record = col.alarms.get(key);
    if (!record) return;
    const now = deps.clock.now() / 1000;
    const window = evaluationWindow(record.alarm, now);
    queue.addAt(key, (window.end + window.period + lagOf(window.period)) * 1000);
    if (record.evaluatedUntil !== undefined && record.evaluatedUntil >= window.end) return;
    const s = scopeFor(record);
    let verdict: Verdict;
    try {
      verdict = judge(
        record.alarm,
        alarmSeries(s, record.alarm, window.start, window.end, window.period),
        window,
      );
    } catch (err) {
      deps.log('cloudwatch: alarm evaluation failed', { alarm: key, err: String(err) });
      verdict = { state: 'unchanged', reason: '', reasonData: '' };
    }
    let changed = false;
    let current = record;
    deps.db.tx(() => {
      const fresh = col.alarms.get(key);
      if (!fresh) return;
      current = fresh;
      if (verdict.state !== 'unchanged' && verdict.state !== fresh.alarm.StateValue) {
        current = transition({ col, deps }, fresh, verdict.state, verdict.reason, verdict.reasonData, now);
        changed = true;
      }
      current = { ...current, evaluatedUntil: window.end };
      col.alarms.put(key, current);
    });
    if (changed)
      deps.bus.emit('cloudwatch.alarm.changed', {
        region: record.region,
        alarmName: record.alarm.AlarmName as string,
        manual: false,
      });
    if (!current.alarm.ActionsEnabled) return;
    const state = current.alarm.StateValue;
    const arns =
      state === 'ALARM'
        ? current.alarm.AlarmActions
        : state === 'OK'
          ? current.alarm.OKActions
          : current.alarm.InsufficientDataActions;
    // On a change every action runs; while the alarm stays in its state, Auto Scaling policies run again.
    const due = changed ? (arns ?? []) : (arns ?? []).filter((a) => EC2_POLICY.test(a));
    if (due.length) await runActions(current, due, verdict, now);
  }

  const queue = new WorkQueue({
    name: 'cloudwatch: alarms',
    clock: deps.clock,
    log: deps.log,
    handle: async (keys) => {
      for (const k of keys) await evaluate(k);
    },
    concurrency: 4,
    backoff: { firstMs: 1000, maxMs: 60_000 },
    resync: { everyMs: 60_000, keys: () => [PRUNE_KEY, ...col.alarms.ids()] },
  });

  const evaluator: AlarmEvaluator = {
    start: () => queue.start(),
    stop: () => queue.stop(),
    idle: () => queue.idle(),
    busy: () => queue.busy,
    wake: (keys) => {
      for (const k of keys) queue.add(k);
    },
  };
  return evaluator;
}

export { alarmKey };
