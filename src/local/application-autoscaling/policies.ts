/**
 * Scaling policies: PutScalingPolicy (target tracking on ECSServiceAverageCPUUtilization,
 * ECSServiceAverageMemoryUtilization, ALBRequestCountPerTarget or a customized metric; step scaling),
 * DescribeScalingPolicies, DeleteScalingPolicy. Target tracking creates and owns its two alarms, as
 * AWS does (`TargetTracking-<resource>-AlarmHigh-<uuid>` and `-AlarmLow-<uuid>`), through CloudWatch's
 * public API; the worker (worker.ts) reads their state and scales.
 */
import type * as aas from '@aws-sdk/client-application-auto-scaling';
import type { Checked, Wire } from '../protocol/types';
import { uuid } from '../common/ids';
import {
  alarmPeriodSeconds,
  describeTarget,
  findTarget,
  objectNotFound,
  page,
  validation,
  type Scope,
} from './common';
import { targetKey, type PolicyRecord } from './model';

type TargetTracking = Checked<aas.TargetTrackingScalingPolicyConfiguration>;

/** How many periods the high and low alarms look at (AWS: 3 and 15 one-minute datapoints). */
export const HIGH_PERIODS = 3;
export const LOW_PERIODS = 15;
/** ECS services' default cooldowns (seconds). */
export const DEFAULT_COOLDOWN_S = 300;
const RESOURCE_LABEL = /^app\/[^/]+\/[0-9a-f]+\/targetgroup\/[^/]+\/[0-9a-f]+$/;

/** The metric a target tracking policy follows, as an alarm names it. */
export function trackedMetric(
  resourceId: string,
  config: TargetTracking,
): {
  Namespace: string;
  MetricName: string;
  Dimensions: { Name: string; Value: string }[];
  Statistic: string;
  Unit?: string;
} {
  const predefined = config.PredefinedMetricSpecification;
  const [, cluster, service] = resourceId.split('/');
  if (predefined) {
    const ecs = (MetricName: string) => ({
      Namespace: 'AWS/ECS',
      MetricName,
      Dimensions: [
        { Name: 'ClusterName', Value: cluster as string },
        { Name: 'ServiceName', Value: service as string },
      ],
      Statistic: 'Average',
    });
    switch (predefined.PredefinedMetricType) {
      case 'ECSServiceAverageCPUUtilization':
        return ecs('CPUUtilization');
      case 'ECSServiceAverageMemoryUtilization':
        return ecs('MemoryUtilization');
      case 'ALBRequestCountPerTarget': {
        const label = predefined.ResourceLabel;
        if (!label || !RESOURCE_LABEL.test(label))
          throw validation(
            'ResourceLabel is required for ALBRequestCountPerTarget: app/<load-balancer-name>/<id>/targetgroup/<target-group-name>/<id>.',
          );
        const at = label.indexOf('/targetgroup/');
        return {
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'RequestCountPerTarget',
          Dimensions: [{ Name: 'TargetGroup', Value: label.slice(at + 1) }],
          Statistic: 'Sum',
        };
      }
      default:
        throw validation(
          `Unsupported predefined metric type ${predefined.PredefinedMetricType} for service namespace ecs.`,
        );
    }
  }
  const custom = config.CustomizedMetricSpecification;
  if (!custom || !custom.MetricName || !custom.Namespace || !custom.Statistic || custom.Metrics)
    throw validation(
      'A target tracking policy needs PredefinedMetricSpecification or CustomizedMetricSpecification with MetricName, Namespace and Statistic.',
    );
  return {
    Namespace: custom.Namespace,
    MetricName: custom.MetricName,
    Dimensions: (custom.Dimensions ?? []).map((d) => ({ Name: d.Name, Value: d.Value })),
    Statistic: custom.Statistic,
    ...(custom.Unit !== undefined && { Unit: custom.Unit }),
  };
}

function checkStep(config: Checked<aas.StepScalingPolicyConfiguration> | undefined): void {
  if (!config)
    throw validation('StepScalingPolicyConfiguration is required for a policy of type StepScaling.');
  if (!config.AdjustmentType) throw validation('AdjustmentType is required for a step scaling policy.');
  const steps = config.StepAdjustments ?? [];
  if (!steps.length) throw validation('StepAdjustments must hold at least one step adjustment.');
  for (const st of steps) {
    if (st.MetricIntervalLowerBound === undefined && st.MetricIntervalUpperBound === undefined)
      throw validation('A step adjustment needs MetricIntervalLowerBound or MetricIntervalUpperBound.');
    if (
      st.MetricIntervalLowerBound !== undefined &&
      st.MetricIntervalUpperBound !== undefined &&
      st.MetricIntervalLowerBound >= st.MetricIntervalUpperBound
    )
      throw validation('MetricIntervalLowerBound must be less than MetricIntervalUpperBound.');
  }
  const sorted = [...steps].sort(
    (a, b) => (a.MetricIntervalLowerBound ?? -Infinity) - (b.MetricIntervalLowerBound ?? -Infinity),
  );
  for (let i = 1; i < sorted.length; i++)
    if ((sorted[i - 1]?.MetricIntervalUpperBound ?? Infinity) !== sorted[i]?.MetricIntervalLowerBound)
      throw validation('Step adjustments must not overlap and must leave no gap between them.');
  if (config.MinAdjustmentMagnitude !== undefined && config.AdjustmentType !== 'PercentChangeInCapacity')
    throw validation('MinAdjustmentMagnitude is only valid with AdjustmentType PercentChangeInCapacity.');
}

const policyArn = (s: Scope, id: string, resourceId: string, name: string) =>
  `arn:aws:autoscaling:${s.region}:${s.accountId}:scalingPolicy:${id}:resource/ecs/${resourceId}:policyName/${name}`;

/** The id in a policy ARN (`scalingPolicy:<id>:resource/...`). */
const idOf = (arn: string) => arn.split(':')[6] ?? uuid();

export async function putScalingPolicy(
  s: Scope,
  input: Checked<aas.PutScalingPolicyRequest>,
): Promise<Wire<aas.PutScalingPolicyResponse>> {
  const target = findTarget(s, input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
  const tKey = targetKey(s.region, input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
  const type = input.PolicyType ?? 'StepScaling';
  if (!/^[^:]+$/.test(input.PolicyName))
    throw validation(`Invalid policy name ${input.PolicyName}: it must not contain a colon.`);
  const key = `${tKey}|${input.PolicyName}`;
  const existing = s.col.policies.get(key);
  if (existing && existing.policy.PolicyType !== type)
    throw validation(
      `A policy named ${input.PolicyName} of another type exists for this target: delete it first.`,
    );
  const arn = existing?.policy.PolicyARN ?? policyArn(s, uuid(), input.ResourceId, input.PolicyName);
  const ctx = { region: s.region, accountId: target.accountId };
  let alarms: Wire<aas.Alarm>[] = [];
  if (type === 'TargetTrackingScaling') {
    const config = input.TargetTrackingScalingPolicyConfiguration;
    if (!config)
      throw validation(
        'TargetTrackingScalingPolicyConfiguration is required for a policy of type TargetTrackingScaling.',
      );
    if (input.StepScalingPolicyConfiguration)
      throw validation('A target tracking policy takes no StepScalingPolicyConfiguration.');
    const metric = trackedMetric(input.ResourceId, config);
    if (!(config.TargetValue > 0)) throw validation('TargetValue must be greater than 0.');
    const id = idOf(arn);
    const period = alarmPeriodSeconds(s.deps);
    const base = `TargetTracking-${input.ResourceId}`;
    const high = `${base}-AlarmHigh-${id}`;
    const low = `${base}-AlarmLow-${id}`;
    const alarm = (name: string, op: string, threshold: number, periods: number) =>
      s.deps.services.call(
        'monitoring',
        'PutMetricAlarm',
        {
          AlarmName: name,
          AlarmDescription: `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${arn}.`,
          AlarmActions: [arn],
          ...metric,
          Period: period,
          EvaluationPeriods: periods,
          DatapointsToAlarm: periods,
          Threshold: threshold,
          ComparisonOperator: op,
        },
        ctx,
      );
    await alarm(high, 'GreaterThanThreshold', config.TargetValue, HIGH_PERIODS);
    alarms.push({
      AlarmName: high,
      AlarmARN: `arn:aws:cloudwatch:${s.region}:${target.accountId}:alarm:${high}`,
    });
    if (config.DisableScaleIn) {
      await s.deps.services
        .call('monitoring', 'DeleteAlarms', { AlarmNames: [low] }, ctx)
        .catch(() => undefined);
    } else {
      await alarm(low, 'LessThanThreshold', Number((config.TargetValue * 0.9).toFixed(6)), LOW_PERIODS);
      alarms.push({
        AlarmName: low,
        AlarmARN: `arn:aws:cloudwatch:${s.region}:${target.accountId}:alarm:${low}`,
      });
    }
  } else if (type === 'StepScaling') {
    if (input.TargetTrackingScalingPolicyConfiguration)
      throw validation('A step scaling policy takes no TargetTrackingScalingPolicyConfiguration.');
    checkStep(input.StepScalingPolicyConfiguration);
    alarms = existing?.policy.Alarms ?? [];
  } else {
    throw validation('Predictive scaling is not served by the local control plane.');
  }
  const policy: Wire<aas.ScalingPolicy> = {
    PolicyARN: arn,
    PolicyName: input.PolicyName,
    ServiceNamespace: input.ServiceNamespace,
    ResourceId: input.ResourceId,
    ScalableDimension: input.ScalableDimension,
    PolicyType: type,
    ...(input.StepScalingPolicyConfiguration && {
      StepScalingPolicyConfiguration: input.StepScalingPolicyConfiguration,
    }),
    ...(input.TargetTrackingScalingPolicyConfiguration && {
      TargetTrackingScalingPolicyConfiguration: input.TargetTrackingScalingPolicyConfiguration,
    }),
    Alarms: alarms,
    CreationTime: existing?.policy.CreationTime ?? s.now,
  };
  s.deps.db.tx(() => {
    if (!s.col.targets.has(tKey))
      throw objectNotFound(
        `No scalable target registered for ${describeTarget(input.ServiceNamespace, input.ResourceId, input.ScalableDimension)}`,
      );
    const record: PolicyRecord = { region: s.region, target: tKey, policy };
    s.col.policies.put(key, record);
  });
  s.wake(tKey);
  return { PolicyARN: arn, Alarms: alarms };
}

export function describeScalingPolicies(
  s: Scope,
  input: Checked<aas.DescribeScalingPoliciesRequest>,
): Wire<aas.DescribeScalingPoliciesResponse> {
  const names = input.PolicyNames?.length ? new Set(input.PolicyNames) : undefined;
  const all = s.col.policies
    .find({ region: s.region })
    .map((r) => r.policy)
    .filter((p) => p.ServiceNamespace === input.ServiceNamespace)
    .filter((p) => input.ResourceId === undefined || p.ResourceId === input.ResourceId)
    .filter((p) => input.ScalableDimension === undefined || p.ScalableDimension === input.ScalableDimension)
    .filter((p) => !names || names.has(p.PolicyName as string));
  const pg = page(all, input.MaxResults, input.NextToken, 10);
  return { ScalingPolicies: pg.items, ...(pg.NextToken && { NextToken: pg.NextToken }) };
}

/** Deletes the alarms a target tracking policy made (CloudWatch's public API; gone already is fine). */
export async function deletePolicyAlarms(
  s: Scope,
  policy: Wire<aas.ScalingPolicy>,
  accountId: string,
): Promise<void> {
  if (policy.PolicyType !== 'TargetTrackingScaling') return;
  for (const a of policy.Alarms ?? [])
    await s.deps.services
      .call('monitoring', 'DeleteAlarms', { AlarmNames: [a.AlarmName] }, { region: s.region, accountId })
      .catch(() => undefined);
}

export async function deleteScalingPolicy(
  s: Scope,
  input: Checked<aas.DeleteScalingPolicyRequest>,
): Promise<Record<string, never>> {
  const tKey = targetKey(s.region, input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
  const key = `${tKey}|${input.PolicyName}`;
  const record = s.col.policies.get(key);
  if (!record)
    throw objectNotFound(
      `No scaling policy found for ${describeTarget(input.ServiceNamespace, input.ResourceId, input.ScalableDimension)}, policy name: ${input.PolicyName}`,
    );
  s.deps.db.tx(() => s.col.policies.delete(key));
  const target = s.col.targets.get(tKey);
  await deletePolicyAlarms(s, record.policy, target?.accountId ?? s.accountId);
  return {};
}
