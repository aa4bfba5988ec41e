/**
 * Metric alarms: PutMetricAlarm, DescribeAlarms, DescribeAlarmsForMetric, DeleteAlarms, SetAlarmState,
 * DescribeAlarmHistory, Enable/DisableAlarmActions. The evaluator (evaluator.ts) moves their state.
 */
import type * as cw from '@aws-sdk/client-cloudwatch';
import type { Checked, Wire } from '../protocol/types';
import {
  dimensionsOf,
  fineResolution,
  invalidCombination,
  offsetToken,
  readOffset,
  resourceNotFound,
  sameDimensions,
  validationError,
  validPeriod,
  type Scope,
} from './common';
import { parseExpression } from './math';
import {
  alarmKey,
  historyKey,
  HISTORY_RETENTION_S,
  MAX_ALARMS_PER_REGION,
  MAX_HISTORY_PER_ALARM,
  type AlarmRecord,
  type WireAlarm,
} from './model';
import type { Dimension } from './store';
import { AwsError } from '../protocol/errors';

const TREAT_MISSING = ['missing', 'notBreaching', 'breaching', 'ignore'];
const SIMPLE_COMPARISONS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
/** What an alarm action may name: Auto Scaling and Application Auto Scaling policies, SNS topics, EC2 actions. */
const ACTION_ARN =
  /^arn:aws[a-z-]*:(autoscaling|application-autoscaling|sns|automate|ssm|ssm-incidents|lambda|swf):[a-z0-9-]*:[0-9]*:\S+$/;

export const alarmArn = (s: Scope, name: string): string =>
  `arn:aws:cloudwatch:${s.region}:${s.accountId}:alarm:${name}`;

/** Writes one history item (and keeps the alarm's newest MAX_HISTORY_PER_ALARM). Inside a transaction. */
export function addHistory(
  s: Pick<Scope, 'col' | 'deps'>,
  region: string,
  name: string,
  at: number,
  type: cw.HistoryItemType,
  summary: string,
  data: unknown,
): void {
  const seq = s.deps.db.nextSeq('cw-history');
  s.col.history.put(historyKey(region, name, at, seq), {
    alarm: alarmKey(region, name),
    region,
    item: {
      AlarmName: name,
      AlarmType: 'MetricAlarm',
      Timestamp: at,
      HistoryItemType: type,
      HistorySummary: summary.slice(0, 255),
      HistoryData: JSON.stringify(data),
    },
  });
  const ids = s.col.history.ids({ alarm: alarmKey(region, name) });
  for (const id of ids.slice(0, Math.max(0, ids.length - MAX_HISTORY_PER_ALARM))) s.col.history.delete(id);
}

function checkAlarm(s: Scope, input: Checked<cw.PutMetricAlarmInput>): void {
  const fine = fineResolution(s);
  if (input.EvaluationCriteria !== undefined || input.EvaluationInterval !== undefined)
    throw validationError('PromQL alarms (EvaluationCriteria) are not served by the local control plane.');
  if (input.EvaluationPeriods === undefined)
    throw validationError('The parameter EvaluationPeriods is required for a metric alarm.');
  if (input.ComparisonOperator === undefined)
    throw validationError('The parameter ComparisonOperator is required for a metric alarm.');
  if (!SIMPLE_COMPARISONS.includes(input.ComparisonOperator))
    throw validationError(
      `Comparison operator ${input.ComparisonOperator} is only valid for anomaly detection alarms, which the local control plane does not serve.`,
    );
  if (input.Threshold === undefined || input.ThresholdMetricId !== undefined)
    throw validationError('A metric alarm needs a Threshold (anomaly detection bands are not served).');
  if (input.DatapointsToAlarm !== undefined && input.DatapointsToAlarm > input.EvaluationPeriods)
    throw validationError('DatapointsToAlarm must be less than or equal to EvaluationPeriods.');
  if (input.TreatMissingData !== undefined && !TREAT_MISSING.includes(input.TreatMissingData))
    throw validationError(
      `Invalid value for TreatMissingData: ${input.TreatMissingData}. Valid values are ${TREAT_MISSING.join(', ')}.`,
    );
  for (const field of ['AlarmActions', 'OKActions', 'InsufficientDataActions'] as const) {
    for (const arn of input[field] ?? [])
      if (!ACTION_ARN.test(arn)) throw validationError(`Invalid arn syntax: ${arn}`);
  }
  if (input.Metrics !== undefined) {
    if (
      input.MetricName !== undefined ||
      input.Namespace !== undefined ||
      input.Statistic !== undefined ||
      input.Period !== undefined
    )
      throw invalidCombination(
        'Metrics list and MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions, Period, Unit are mutually exclusive.',
      );
    const returned = input.Metrics.filter((m) => m.ReturnData !== false);
    if (returned.length !== 1)
      throw validationError('Exactly one element of the metrics list should return data.');
    let period: number | undefined;
    input.Metrics.forEach((m, i) => {
      if ((m.MetricStat === undefined) === (m.Expression === undefined))
        throw validationError(
          `The parameter Metrics.member.${i + 1} must specify exactly one of MetricStat and Expression.`,
        );
      if (m.Expression !== undefined) parseExpression(m.Expression, m.Id);
      if (m.MetricStat) {
        if (!validPeriod(m.MetricStat.Period, fine))
          throw validationError(
            `The parameter Metrics.member.${i + 1}.MetricStat.Period must be 10, 30 or a multiple of 60.`,
          );
        period = period ?? m.MetricStat.Period;
      }
    });
    if (period === undefined) throw validationError('The metrics list must hold at least one metric query.');
    if (period * input.EvaluationPeriods > 86400)
      throw validationError(
        'Metrics list with EvaluationPeriods times Period must not exceed 86400 (one day).',
      );
    return;
  }
  if (input.MetricName === undefined || input.Namespace === undefined)
    throw validationError('A metric alarm needs MetricName and Namespace, or a Metrics list.');
  if ((input.Statistic === undefined) === (input.ExtendedStatistic === undefined))
    throw invalidCombination('Exactly one of Statistic and ExtendedStatistic must be specified.');
  if (input.ExtendedStatistic !== undefined)
    throw validationError('Percentile statistics are not kept by the local control plane: use Statistic.');
  if (input.Period === undefined)
    throw validationError('The parameter Period is required for a metric alarm.');
  if (!validPeriod(input.Period, fine) || (!fine && [1, 5].includes(input.Period)))
    throw validationError('Period must be 10, 30 or a multiple of 60.');
  if (input.Period * input.EvaluationPeriods > 86400)
    throw validationError(
      'The evaluation period (Period times EvaluationPeriods) must not exceed one day (86400 seconds).',
    );
  dimensionsOf(input.Dimensions as Dimension[] | undefined, 'Dimensions');
}

export function putMetricAlarm(s: Scope, input: Checked<cw.PutMetricAlarmInput>): Record<string, never> {
  checkAlarm(s, input);
  const key = alarmKey(s.region, input.AlarmName);
  s.deps.db.tx(() => {
    const existing = s.col.alarms.get(key);
    if (!existing && s.col.alarms.count({ region: s.region }) >= MAX_ALARMS_PER_REGION)
      throw new AwsError(
        'LimitExceeded',
        `The maximum number of alarms (${MAX_ALARMS_PER_REGION}) has been reached.`,
        400,
      );
    const { Tags, ...spec } = input;
    const alarm: WireAlarm = {
      ...spec,
      AlarmArn: alarmArn(s, input.AlarmName),
      ActionsEnabled: input.ActionsEnabled ?? true,
      OKActions: input.OKActions ?? [],
      AlarmActions: input.AlarmActions ?? [],
      InsufficientDataActions: input.InsufficientDataActions ?? [],
      Dimensions: input.Metrics ? undefined : (input.Dimensions ?? []),
      TreatMissingData: input.TreatMissingData ?? 'missing',
      AlarmConfigurationUpdatedTimestamp: s.now,
      StateValue: existing?.alarm.StateValue ?? 'INSUFFICIENT_DATA',
      StateReason: existing?.alarm.StateReason ?? 'Unchecked: Initial alarm creation',
      StateUpdatedTimestamp: existing?.alarm.StateUpdatedTimestamp ?? s.now,
      StateTransitionedTimestamp: existing?.alarm.StateTransitionedTimestamp ?? s.now,
      ...(existing?.alarm.StateReasonData !== undefined && {
        StateReasonData: existing.alarm.StateReasonData,
      }),
    };
    const record: AlarmRecord = {
      region: s.region,
      accountId: s.accountId,
      alarm: JSON.parse(JSON.stringify(alarm)) as WireAlarm,
      ...(Tags?.length && { tags: Tags }),
      ...(existing?.evaluatedUntil !== undefined && { evaluatedUntil: existing.evaluatedUntil }),
    };
    s.col.alarms.put(key, record);
    addHistory(
      s,
      s.region,
      input.AlarmName,
      s.now,
      'ConfigurationUpdate',
      `Alarm "${input.AlarmName}" ${existing ? 'updated' : 'created'}`,
      {
        version: '1.0',
        type: existing ? 'Update' : 'Create',
        [existing ? 'updatedAlarm' : 'createdAlarm']: alarm,
      },
    );
  });
  s.wake([key]);
  return {};
}

const alarmsOf = (s: Scope): AlarmRecord[] => s.col.alarms.find({ region: s.region });

export function describeAlarms(
  s: Scope,
  input: Checked<cw.DescribeAlarmsInput>,
): Wire<cw.DescribeAlarmsOutput> {
  if (input.AlarmNames?.length && input.AlarmNamePrefix !== undefined)
    throw invalidCombination('AlarmNames and AlarmNamePrefix are mutually exclusive.');
  if (input.ChildrenOfAlarmName !== undefined || input.ParentsOfAlarmName !== undefined) {
    // Composite alarms are not served: no alarm has children or parents.
    return { MetricAlarms: [], CompositeAlarms: [] };
  }
  const types = input.AlarmTypes ?? ['MetricAlarm'];
  const names = input.AlarmNames?.length ? new Set(input.AlarmNames) : undefined;
  const list = types.includes('MetricAlarm')
    ? alarmsOf(s)
        .map((r) => r.alarm)
        .filter((a) => !names || names.has(a.AlarmName as string))
        .filter(
          (a) =>
            input.AlarmNamePrefix === undefined || (a.AlarmName as string).startsWith(input.AlarmNamePrefix),
        )
        .filter((a) => input.StateValue === undefined || a.StateValue === input.StateValue)
        .filter(
          (a) =>
            input.ActionPrefix === undefined ||
            [...(a.AlarmActions ?? []), ...(a.OKActions ?? []), ...(a.InsufficientDataActions ?? [])].some(
              (x) => x.startsWith(input.ActionPrefix as string),
            ),
        )
    : [];
  const max = input.MaxRecords ?? 50;
  const offset = readOffset(input.NextToken);
  return {
    MetricAlarms: list.slice(offset, offset + max),
    CompositeAlarms: [],
    ...(offset + max < list.length && { NextToken: offsetToken(offset + max) }),
  };
}

export function describeAlarmsForMetric(
  s: Scope,
  input: Checked<cw.DescribeAlarmsForMetricInput>,
): Wire<cw.DescribeAlarmsForMetricOutput> {
  const dims = input.Dimensions as Dimension[] | undefined;
  const MetricAlarms = alarmsOf(s)
    .map((r) => r.alarm)
    .filter((a) => a.Namespace === input.Namespace && a.MetricName === input.MetricName)
    .filter((a) => !dims || sameDimensions((a.Dimensions ?? []) as Dimension[], dims))
    .filter((a) => input.Statistic === undefined || a.Statistic === input.Statistic)
    .filter((a) => input.Period === undefined || a.Period === input.Period)
    .filter((a) => input.Unit === undefined || a.Unit === input.Unit);
  return { MetricAlarms };
}

export function deleteAlarms(s: Scope, input: Checked<cw.DeleteAlarmsInput>): Record<string, never> {
  const keys = input.AlarmNames.map((n) => alarmKey(s.region, n));
  s.deps.db.tx(() => {
    const missing = input.AlarmNames.filter((_, i) => !s.col.alarms.has(keys[i] as string));
    if (missing.length)
      throw resourceNotFound(`${missing.length === 1 ? 'Alarm' : 'Alarms'} ${missing.join(', ')} not found`);
    for (const k of keys) {
      s.col.alarms.delete(k);
      for (const id of s.col.history.ids({ alarm: k })) s.col.history.delete(id);
    }
  });
  s.wake(keys);
  return {};
}

/** Moves an alarm to a state, writes its history, and returns whether the state changed. In a transaction. */
export function transition(
  s: Pick<Scope, 'col' | 'deps'>,
  record: AlarmRecord,
  state: cw.StateValue,
  reason: string,
  reasonData: string | undefined,
  at: number,
): AlarmRecord {
  const before = record.alarm;
  const alarm: WireAlarm = {
    ...before,
    StateValue: state,
    StateReason: reason.slice(0, 1023),
    StateUpdatedTimestamp: at,
    ...(state !== before.StateValue && { StateTransitionedTimestamp: at }),
  };
  if (reasonData !== undefined) alarm.StateReasonData = reasonData;
  else delete alarm.StateReasonData;
  const next: AlarmRecord = { ...record, alarm };
  s.col.alarms.put(alarmKey(record.region, before.AlarmName as string), next);
  addHistory(
    s,
    record.region,
    before.AlarmName as string,
    at,
    'StateUpdate',
    `Alarm updated from ${before.StateValue} to ${state}`,
    {
      version: '1.0',
      oldState: { stateValue: before.StateValue, stateReason: before.StateReason },
      newState: {
        stateValue: state,
        stateReason: reason,
        ...(reasonData && { stateReasonData: JSON.parse(reasonData) }),
      },
    },
  );
  return next;
}

export function setAlarmState(s: Scope, input: Checked<cw.SetAlarmStateInput>): Record<string, never> {
  const key = alarmKey(s.region, input.AlarmName);
  if (input.StateReasonData !== undefined) {
    try {
      JSON.parse(input.StateReasonData);
    } catch {
      throw new AwsError('InvalidFormat', 'Invalid JSON in StateReasonData.', 400);
    }
  }
  let changed = false;
  s.deps.db.tx(() => {
    const record = s.col.alarms.get(key);
    if (!record) throw resourceNotFound(`Alarm ${input.AlarmName} not found`);
    changed = record.alarm.StateValue !== input.StateValue;
    // The evaluator looks again at its next period: the alarm then returns to what its data says.
    transition(s, record, input.StateValue, input.StateReason, input.StateReasonData, s.now);
  });
  if (changed)
    s.bus.emit('cloudwatch.alarm.changed', { region: s.region, alarmName: input.AlarmName, manual: true });
  return {};
}

export function describeAlarmHistory(
  s: Scope,
  input: Checked<cw.DescribeAlarmHistoryInput>,
): Wire<cw.DescribeAlarmHistoryOutput> {
  const where: Record<string, string> =
    input.AlarmName !== undefined ? { alarm: alarmKey(s.region, input.AlarmName) } : { region: s.region };
  const oldest = s.now - HISTORY_RETENTION_S;
  const types = input.AlarmTypes ?? ['MetricAlarm', 'CompositeAlarm'];
  const items = s.col.history
    .find(where)
    .map((h) => h.item)
    .filter((i) => (i.Timestamp as number) >= oldest)
    .filter((i) => types.includes(i.AlarmType as cw.AlarmType))
    .filter((i) => input.HistoryItemType === undefined || i.HistoryItemType === input.HistoryItemType)
    .filter((i) => input.StartDate === undefined || (i.Timestamp as number) >= input.StartDate)
    .filter((i) => input.EndDate === undefined || (i.Timestamp as number) <= input.EndDate)
    .sort((a, b) => (a.Timestamp as number) - (b.Timestamp as number));
  if ((input.ScanBy ?? 'TimestampDescending') === 'TimestampDescending') items.reverse();
  const max = input.MaxRecords ?? 100;
  const offset = readOffset(input.NextToken);
  return {
    AlarmHistoryItems: items.slice(offset, offset + max),
    ...(offset + max < items.length && { NextToken: offsetToken(offset + max) }),
  };
}

function setActionsEnabled(s: Scope, names: string[], enabled: boolean): Record<string, never> {
  s.deps.db.tx(() => {
    for (const name of names) {
      const key = alarmKey(s.region, name);
      const record = s.col.alarms.get(key);
      if (!record || record.alarm.ActionsEnabled === enabled) continue;
      s.col.alarms.put(key, { ...record, alarm: { ...record.alarm, ActionsEnabled: enabled } });
      addHistory(s, s.region, name, s.now, 'ConfigurationUpdate', `Alarm "${name}" updated`, {
        version: '1.0',
        type: 'Update',
        actionsEnabled: enabled,
      });
    }
  });
  s.wake(names.map((n) => alarmKey(s.region, n)));
  return {};
}

export const enableAlarmActions = (s: Scope, input: Checked<cw.EnableAlarmActionsInput>) =>
  setActionsEnabled(s, input.AlarmNames, true);
export const disableAlarmActions = (s: Scope, input: Checked<cw.DisableAlarmActionsInput>) =>
  setActionsEnabled(s, input.AlarmNames, false);
