/**
 * Scheduled actions: PutScheduledAction, DescribeScheduledActions, DeleteScheduledAction. The local
 * plane runs `at(yyyy-mm-ddThh:mm:ss)` and `rate(N unit)` schedules (UTC); cron expressions are
 * refused with a ValidationException that says so. The worker applies an action's min and max when
 * it is due.
 */
import type * as aas from '@aws-sdk/client-application-auto-scaling';
import type { Checked, Wire } from '../protocol/types';
import { describeTarget, findTarget, objectNotFound, page, validation, type Scope } from './common';
import { targetKey, type ScheduledRecord } from './model';

const UNIT_S: Record<string, number> = {
  minute: 60,
  minutes: 60,
  hour: 3600,
  hours: 3600,
  day: 86400,
  days: 86400,
};

/** The first run of a schedule at or after `from` (epoch seconds), and how it repeats. */
export function parseSchedule(schedule: string): { at?: number; every?: number } {
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(schedule);
  if (at) {
    const [, y, mo, d, h, mi, se] = at.map(Number) as number[];
    const t = Date.UTC(y as number, (mo as number) - 1, d, h, mi, se) / 1000;
    if (!Number.isFinite(t)) throw validation(`Invalid schedule ${schedule}.`);
    return { at: t };
  }
  const rate = /^rate\((\d{1,6}) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (rate) {
    const n = Number(rate[1]);
    if (n < 1) throw validation(`Invalid schedule ${schedule}: the rate must be at least 1.`);
    return { every: n * (UNIT_S[rate[2] as string] as number) };
  }
  if (schedule.startsWith('cron('))
    throw validation(
      `Schedule ${schedule}: the local control plane runs at() and rate() schedules, not cron().`,
    );
  throw validation(
    `Invalid schedule expression ${schedule}: use at(yyyy-mm-ddThh:mm:ss) or rate(value unit).`,
  );
}

export function nextRun(action: Wire<aas.ScheduledAction>, after: number): number | undefined {
  const { at, every } = parseSchedule(action.Schedule as string);
  const start = Math.max(after, action.StartTime ?? -Infinity);
  let next: number | undefined;
  if (at !== undefined) next = at >= after ? at : undefined;
  else if (every !== undefined) {
    const origin = action.StartTime ?? (action.CreationTime as number);
    next = origin + Math.max(0, Math.ceil((start - origin) / every)) * every;
  }
  if (next !== undefined && action.EndTime !== undefined && next > action.EndTime) return undefined;
  return next;
}

export function putScheduledAction(
  s: Scope,
  input: Checked<aas.PutScheduledActionRequest>,
): Record<string, never> {
  findTarget(s, input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
  const tKey = targetKey(s.region, input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
  const key = `${tKey}|${input.ScheduledActionName}`;
  const existing = s.col.scheduled.get(key);
  const schedule = input.Schedule ?? existing?.action.Schedule;
  if (!schedule) throw validation('Schedule is required for a new scheduled action.');
  if (input.Timezone !== undefined && input.Timezone !== 'UTC' && input.Timezone !== 'Etc/UTC')
    throw validation('The local control plane runs scheduled actions in UTC only.');
  const sta = input.ScalableTargetAction ?? existing?.action.ScalableTargetAction;
  if (!sta || (sta.MinCapacity === undefined && sta.MaxCapacity === undefined))
    throw validation('ScalableTargetAction must set MinCapacity, MaxCapacity or both.');
  if (sta.MinCapacity !== undefined && sta.MaxCapacity !== undefined && sta.MinCapacity > sta.MaxCapacity)
    throw validation('MinCapacity cannot be greater than MaxCapacity.');
  if (input.StartTime !== undefined && input.EndTime !== undefined && input.StartTime >= input.EndTime)
    throw validation('StartTime must be before EndTime.');
  parseSchedule(schedule);
  const action: Wire<aas.ScheduledAction> = {
    ScheduledActionName: input.ScheduledActionName,
    ScheduledActionARN:
      existing?.action.ScheduledActionARN ??
      `arn:aws:autoscaling:${s.region}:${s.accountId}:scheduledAction:${Buffer.from(key).toString('hex').slice(0, 32)}:resource/ecs/${input.ResourceId}:scheduledActionName/${input.ScheduledActionName}`,
    ServiceNamespace: input.ServiceNamespace,
    Schedule: schedule,
    Timezone: 'UTC',
    ResourceId: input.ResourceId,
    ScalableDimension: input.ScalableDimension,
    ...((input.StartTime ?? existing?.action.StartTime) !== undefined && {
      StartTime: input.StartTime ?? existing?.action.StartTime,
    }),
    ...((input.EndTime ?? existing?.action.EndTime) !== undefined && {
      EndTime: input.EndTime ?? existing?.action.EndTime,
    }),
    ScalableTargetAction: sta,
    CreationTime: existing?.action.CreationTime ?? s.now,
  };
  const next = nextRun(action, s.now);
  s.deps.db.tx(() => {
    const record: ScheduledRecord = {
      region: s.region,
      target: tKey,
      action,
      ...(next !== undefined && { nextRunAt: next }),
    };
    s.col.scheduled.put(key, record);
  });
  s.wake(tKey);
  return {};
}

export function describeScheduledActions(
  s: Scope,
  input: Checked<aas.DescribeScheduledActionsRequest>,
): Wire<aas.DescribeScheduledActionsResponse> {
  const names = input.ScheduledActionNames?.length ? new Set(input.ScheduledActionNames) : undefined;
  const all = s.col.scheduled
    .find({ region: s.region })
    .map((r) => r.action)
    .filter((a) => a.ServiceNamespace === input.ServiceNamespace)
    .filter((a) => input.ResourceId === undefined || a.ResourceId === input.ResourceId)
    .filter((a) => input.ScalableDimension === undefined || a.ScalableDimension === input.ScalableDimension)
    .filter((a) => !names || names.has(a.ScheduledActionName as string));
  const pg = page(all, input.MaxResults, input.NextToken);
  return { ScheduledActions: pg.items, ...(pg.NextToken && { NextToken: pg.NextToken }) };
}

export function deleteScheduledAction(
  s: Scope,
  input: Checked<aas.DeleteScheduledActionRequest>,
): Record<string, never> {
  const key = `${targetKey(s.region, input.ServiceNamespace, input.ResourceId, input.ScalableDimension)}|${input.ScheduledActionName}`;
  s.deps.db.tx(() => {
    if (!s.col.scheduled.delete(key))
      throw objectNotFound(
        `No scheduled action found for ${describeTarget(input.ServiceNamespace, input.ResourceId, input.ScalableDimension)}, scheduled action name: ${input.ScheduledActionName}`,
      );
  });
  return {};
}
