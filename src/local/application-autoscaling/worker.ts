/**
 * The scaling worker: a controller on the work queue keyed by scalable target. Each look re-reads the
 * target, its policies and scheduled actions, the ECS service (DescribeServices) and the alarms its
 * policies use (CloudWatch DescribeAlarms), then decides the desired count and sets it with ECS
 * UpdateService: only public APIs, as Application Auto Scaling does. It looks again every alarm
 * period, and sooner when an alarm changes state (bus hint `cloudwatch.alarm.changed`).
 *
 * - Scheduled actions that are due set the target's min and max.
 * - The desired count is kept within min and max.
 * - Target tracking: while the high alarm is in ALARM, scale out to ceil(count × metric / target) (at
 *   least one more); while the low alarm is, scale in to that figure (at least one fewer). Cooldowns
 *   (ScaleOutCooldown, ScaleInCooldown; 300 s by default for ECS) count from the last scale-out / in;
 *   a scale-out is not held back by a scale-in cooldown.
 * - Step scaling: while an alarm naming the policy is in ALARM, the step for (metric − threshold).
 * - Several policies: the largest capacity wins.
 */
import type * as aas from '@aws-sdk/client-application-auto-scaling';
import type { LocalDeps, Runnable } from '../deps';
import { WorkQueue } from '../common/work-queue';
import { uuid } from '../common/ids';
import type { Wire } from '../protocol/types';
import { addActivity } from './activities';
import { alarmPeriodSeconds } from './common';
import type { AppAutoScalingCollections, PolicyRecord, TargetRecord } from './model';
import { DEFAULT_COOLDOWN_S } from './policies';
import { nextRun } from './scheduled';

export interface ScalingWorker extends Runnable {
  wake(key: string): void;
}

interface AlarmState {
  AlarmName?: string;
  StateValue?: string;
  StateReasonData?: string;
  Threshold?: number;
  AlarmActions?: string[];
}

/** The newest datapoint an alarm judged (from its StateReasonData). */
function latestValue(alarm: AlarmState): number | undefined {
  try {
    const data = JSON.parse(alarm.StateReasonData ?? '{}') as { recentDatapoints?: number[] };
    return data.recentDatapoints?.[0];
  } catch {
    return undefined;
  }
}

interface Proposal {
  desired: number;
  direction: 'out' | 'in';
  cause: string;
}

/** What one policy asks for now (pure). */
export function propose(
  policy: Wire<aas.ScalingPolicy>,
  alarms: AlarmState[],
  current: number,
  target: TargetRecord,
  now: number,
): Proposal | undefined {
  const suspended = target.target.SuspendedState ?? {};
  const name = policy.PolicyName as string;
  const inAlarm = alarms.filter((a) => a.StateValue === 'ALARM');
  if (policy.PolicyType === 'TargetTrackingScaling') {
    const config = policy.TargetTrackingScalingPolicyConfiguration;
    if (!config) return undefined;
    const goal = config.TargetValue as number;
    for (const a of inAlarm) {
      const value = latestValue(a);
      if (value === undefined) continue;
      const ratio = Math.ceil((current * value) / goal);
      const cause = `monitor alarm ${a.AlarmName} in state ALARM triggered policy ${name}`;
      if (a.AlarmName?.includes('-AlarmHigh-')) {
        if (suspended.DynamicScalingOutSuspended) continue;
        if (now - (target.lastScaleOutAt ?? -Infinity) < (config.ScaleOutCooldown ?? DEFAULT_COOLDOWN_S))
          continue;
        return { desired: Math.max(ratio, current + 1), direction: 'out', cause };
      }
      if (a.AlarmName?.includes('-AlarmLow-')) {
        if (config.DisableScaleIn || suspended.DynamicScalingInSuspended || current <= 0) continue;
        const last = Math.max(target.lastScaleInAt ?? -Infinity, target.lastScaleOutAt ?? -Infinity);
        if (now - last < (config.ScaleInCooldown ?? DEFAULT_COOLDOWN_S)) continue;
        return { desired: Math.min(ratio, current - 1), direction: 'in', cause };
      }
    }
    return undefined;
  }
  const config = policy.StepScalingPolicyConfiguration;
  if (!config) return undefined;
  const alarm = inAlarm[0];
  if (!alarm) return undefined;
  const value = latestValue(alarm);
  if (value === undefined) return undefined;
  const delta = value - (alarm.Threshold ?? 0);
  const step = (config.StepAdjustments ?? []).find(
    (st) =>
      (st.MetricIntervalLowerBound ?? -Infinity) <= delta &&
      delta < (st.MetricIntervalUpperBound ?? Infinity),
  );
  if (!step) return undefined;
  const adj = step.ScalingAdjustment as number;
  let desired: number;
  if (config.AdjustmentType === 'ExactCapacity') desired = adj;
  else if (config.AdjustmentType === 'PercentChangeInCapacity') {
    let change = (current * adj) / 100;
    change = change < 0 ? Math.ceil(change) : Math.floor(change);
    if (config.MinAdjustmentMagnitude && Math.abs(change) < config.MinAdjustmentMagnitude)
      change = Math.sign(adj) * config.MinAdjustmentMagnitude;
    desired = current + change;
  } else desired = current + adj;
  const direction = desired >= current ? 'out' : 'in';
  const last =
    direction === 'out'
      ? target.lastScaleOutAt
      : Math.max(target.lastScaleInAt ?? -Infinity, target.lastScaleOutAt ?? -Infinity);
  if (now - (last ?? -Infinity) < (config.Cooldown ?? DEFAULT_COOLDOWN_S)) return undefined;
  if (suspended[direction === 'out' ? 'DynamicScalingOutSuspended' : 'DynamicScalingInSuspended'])
    return undefined;
  return {
    desired,
    direction,
    cause: `monitor alarm ${alarm.AlarmName} in state ALARM triggered policy ${name}`,
  };
}

export function createScalingWorker(deps: LocalDeps, col: AppAutoScalingCollections): ScalingWorker {
  const periodMs = () => alarmPeriodSeconds(deps) * 1000;

  async function look(key: string): Promise<void> {
    const record = col.targets.get(key);
    if (!record) return;
    queue.addAfter(key, periodMs());
    const ctx = { region: record.region, accountId: record.accountId };
    const [, cluster, service] = (record.target.ResourceId as string).split('/');
    const found = await deps.services.call('ecs', 'DescribeServices', { cluster, services: [service] }, ctx);
    const svc = (found.services as { status?: string; desiredCount?: number }[] | undefined)?.[0];
    if (!svc || svc.status !== 'ACTIVE') return;
    const current = svc.desiredCount ?? 0;
    const now = deps.clock.now() / 1000;

    // Scheduled actions that are due: new min and max.
    let min = record.target.MinCapacity as number;
    let max = record.target.MaxCapacity as number;
    const ran: { key: string; name: string; next?: number }[] = [];
    if (!record.target.SuspendedState?.ScheduledScalingSuspended) {
      for (const id of col.scheduled.ids({ target: key })) {
        const sched = col.scheduled.get(id);
        if (!sched || sched.nextRunAt === undefined || sched.nextRunAt > now) continue;
        const sta = sched.action.ScalableTargetAction ?? {};
        min = sta.MinCapacity ?? min;
        max = sta.MaxCapacity ?? max;
        if (min > max) max = min;
        ran.push({
          key: id,
          name: sched.action.ScheduledActionName as string,
          next: nextRun(sched.action, now + 1),
        });
      }
    }

    // Policies: each asks from its alarms' state; the largest capacity wins.
    const proposals: Proposal[] = [];
    for (const p of col.policies.find({ target: key }) as PolicyRecord[]) {
      const policy = p.policy;
      const query =
        policy.PolicyType === 'TargetTrackingScaling'
          ? { AlarmNames: (policy.Alarms ?? []).map((a) => a.AlarmName) }
          : { ActionPrefix: policy.PolicyARN };
      if (policy.PolicyType === 'TargetTrackingScaling' && !(policy.Alarms ?? []).length) continue;
      const alarms = await deps.services.call('monitoring', 'DescribeAlarms', query, ctx);
      const states = ((alarms.MetricAlarms ?? []) as AlarmState[]).filter(
        (a) =>
          policy.PolicyType === 'TargetTrackingScaling' ||
          (a.AlarmActions ?? []).includes(policy.PolicyARN as string),
      );
      const proposal = propose(policy, states, current, record, now);
      if (proposal) proposals.push(proposal);
    }
    const out = proposals.filter((p) => p.direction === 'out').sort((a, b) => b.desired - a.desired)[0];
    const chosen = out ?? proposals.sort((a, b) => b.desired - a.desired)[0];
    let desired = chosen?.desired ?? current;
    let cause = chosen?.cause ?? '';
    if (desired < min) {
      desired = min;
      cause = cause || `minimum capacity was set to ${min}`;
    }
    if (desired > max) {
      desired = max;
      cause = cause || `maximum capacity was set to ${max}`;
    }
    if (desired !== current)
      await deps.services.call('ecs', 'UpdateService', { cluster, service, desiredCount: desired }, ctx);

    deps.db.tx(() => {
      const fresh = col.targets.get(key);
      if (!fresh) return;
      const next: TargetRecord = {
        ...fresh,
        target: { ...fresh.target, MinCapacity: min, MaxCapacity: max },
      };
      for (const r of ran) {
        const sched = col.scheduled.get(r.key);
        if (!sched) continue;
        const { nextRunAt: _done, ...rest } = sched;
        col.scheduled.put(r.key, { ...rest, ...(r.next !== undefined && { nextRunAt: r.next }) });
        addActivity(deps, col, key, fresh, {
          ActivityId: uuid(),
          Description: `Setting min capacity to ${min} and max capacity to ${max}`,
          Cause: `scheduled action name ${r.name} was triggered`,
          StartTime: now,
          EndTime: now,
          StatusCode: 'Successful',
          StatusMessage: `Successfully set min capacity to ${min} and max capacity to ${max}`,
        });
      }
      if (desired !== current) {
        if (desired > current) next.lastScaleOutAt = now;
        else next.lastScaleInAt = now;
        addActivity(deps, col, key, fresh, {
          ActivityId: uuid(),
          Description: `Setting desired count to ${desired}.`,
          Cause: cause,
          StartTime: now,
          EndTime: now,
          StatusCode: 'Successful',
          StatusMessage: `Successfully set desired count to ${desired}. Change successfully fulfilled by ecs.`,
        });
      }
      col.targets.put(key, next);
    });
  }

  const queue = new WorkQueue({
    name: 'application-autoscaling: targets',
    clock: deps.clock,
    log: deps.log,
    handle: async (keys) => {
      for (const k of keys) await look(k);
    },
    concurrency: 4,
    backoff: { firstMs: 1000, maxMs: 60_000 },
    resync: { everyMs: 60_000, keys: () => col.targets.ids() },
  });
  let unsubscribe: (() => void) | undefined;
  return {
    start: () => {
      unsubscribe = deps.bus.on('cloudwatch.alarm.changed', (ev) => {
        for (const k of col.targets.ids({ region: ev.region })) queue.add(k);
      });
      queue.start();
    },
    stop: async () => {
      unsubscribe?.();
      await queue.stop();
    },
    idle: () => queue.idle(),
    busy: () => queue.busy,
    wake: (key) => queue.add(key),
  };
}
