/**
 * Scaling policies of Auto Scaling groups: PutScalingPolicy (SimpleScaling and StepScaling; target
 * tracking and predictive scaling are refused with a message that says so), ExecutePolicy,
 * DescribePolicies, DeletePolicy. A CloudWatch alarm runs a policy by calling ExecutePolicy with
 * HonorCooldown (and, for step scaling, the metric value and the breach threshold), as AWS's does.
 * The new desired capacity is written like SetDesiredCapacity, kept within min and max.
 */
import type * as autoscaling from '@aws-sdk/client-auto-scaling';
import { randomUUID } from 'node:crypto';
import { AwsError } from '../protocol/errors';
import type { Checked, Wire } from '../protocol/types';
import { getGroup, invalid, paginate, type Scope } from './common';
import { groupKey, newActivity, type PolicyRecord } from './model';

const ADJUSTMENT_TYPES = ['ChangeInCapacity', 'ExactCapacity', 'PercentChangeInCapacity'];

const policyKey = (region: string, group: string, name: string) => `${groupKey(region, group)}|${name}`;

/** A policy by name or ARN (ExecutePolicy, DeletePolicy take either). */
function findPolicy(s: Scope, group: string | undefined, nameOrArn: string): PolicyRecord | undefined {
  if (nameOrArn.startsWith('arn:')) {
    return s.store.policies.find({ region: s.region }).find((p) => p.policy.PolicyARN === nameOrArn);
  }
  if (group === undefined) return undefined;
  return s.store.policies.get(policyKey(s.region, group, nameOrArn));
}

function checkSteps(steps: Checked<autoscaling.StepAdjustment>[]): void {
  if (!steps.length) throw invalid('StepAdjustments must be specified for a step scaling policy.');
  for (const st of steps) {
    if (st.MetricIntervalLowerBound === undefined && st.MetricIntervalUpperBound === undefined)
      throw invalid(
        'Step adjustment must have at least one of MetricIntervalLowerBound or MetricIntervalUpperBound.',
      );
    if (
      st.MetricIntervalLowerBound !== undefined &&
      st.MetricIntervalUpperBound !== undefined &&
      st.MetricIntervalLowerBound >= st.MetricIntervalUpperBound
    )
      throw invalid('MetricIntervalLowerBound must be less than MetricIntervalUpperBound.');
  }
  const sorted = [...steps].sort(
    (a, b) => (a.MetricIntervalLowerBound ?? -Infinity) - (b.MetricIntervalLowerBound ?? -Infinity),
  );
  for (let i = 1; i < sorted.length; i++)
    if ((sorted[i - 1]?.MetricIntervalUpperBound ?? Infinity) !== sorted[i]?.MetricIntervalLowerBound)
      throw invalid('Step adjustments must not overlap and must leave no gap between them.');
}

export function putScalingPolicy(
  s: Scope,
  input: Checked<autoscaling.PutScalingPolicyType>,
): Wire<autoscaling.PolicyARNType> {
  const type = input.PolicyType ?? 'SimpleScaling';
  if (type === 'TargetTrackingScaling' || type === 'PredictiveScaling')
    throw invalid(
      `${type} policies of Auto Scaling groups are not served by the local control plane: use SimpleScaling or StepScaling.`,
    );
  if (type !== 'SimpleScaling' && type !== 'StepScaling') throw invalid(`Invalid policy type ${type}.`);
  if (!input.AdjustmentType) throw invalid(`AdjustmentType is required for a ${type} policy.`);
  if (!ADJUSTMENT_TYPES.includes(input.AdjustmentType))
    throw invalid(
      `Invalid adjustment type ${input.AdjustmentType}. Valid values are ${ADJUSTMENT_TYPES.join(', ')}.`,
    );
  if (type === 'SimpleScaling') {
    if (input.ScalingAdjustment === undefined)
      throw invalid('ScalingAdjustment is required for a SimpleScaling policy.');
    if (input.StepAdjustments?.length)
      throw invalid('StepAdjustments are only valid for a StepScaling policy.');
  } else {
    if (input.ScalingAdjustment !== undefined)
      throw invalid('ScalingAdjustment is only valid for a SimpleScaling policy.');
    if (input.Cooldown !== undefined) throw invalid('Cooldown is only valid for a SimpleScaling policy.');
    checkSteps(input.StepAdjustments ?? []);
  }
  if (input.MinAdjustmentMagnitude !== undefined && input.AdjustmentType !== 'PercentChangeInCapacity')
    throw invalid('MinAdjustmentMagnitude is only valid with AdjustmentType PercentChangeInCapacity.');
  let arn = '';
  s.deps.db.tx(() => {
    const g = getGroup(s, input.AutoScalingGroupName);
    const key = policyKey(s.region, g.name, input.PolicyName);
    const existing = s.store.policies.get(key);
    arn =
      existing?.policy.PolicyARN ??
      `arn:aws:autoscaling:${s.region}:${s.accountId}:scalingPolicy:${randomUUID()}:autoScalingGroupName/${g.name}:policyName/${input.PolicyName}`;
    const policy: Wire<autoscaling.ScalingPolicy> = {
      AutoScalingGroupName: g.name,
      PolicyName: input.PolicyName,
      PolicyARN: arn,
      PolicyType: type,
      AdjustmentType: input.AdjustmentType,
      ...(input.MinAdjustmentMagnitude !== undefined && {
        MinAdjustmentMagnitude: input.MinAdjustmentMagnitude,
      }),
      ...(input.ScalingAdjustment !== undefined && { ScalingAdjustment: input.ScalingAdjustment }),
      ...(input.Cooldown !== undefined && { Cooldown: input.Cooldown }),
      ...(type === 'StepScaling' && {
        StepAdjustments: input.StepAdjustments ?? [],
        MetricAggregationType: input.MetricAggregationType ?? 'Average',
      }),
      ...(input.EstimatedInstanceWarmup !== undefined && {
        EstimatedInstanceWarmup: input.EstimatedInstanceWarmup,
      }),
      Alarms: existing?.policy.Alarms ?? [],
      Enabled: input.Enabled ?? true,
    };
    s.store.policies.put(key, { region: s.region, groupKey: groupKey(s.region, g.name), policy });
  });
  return { PolicyARN: arn, Alarms: [] };
}

export function describePolicies(
  s: Scope,
  input: Checked<autoscaling.DescribePoliciesType>,
): Wire<autoscaling.PoliciesType> {
  if (input.AutoScalingGroupName !== undefined) getGroup(s, input.AutoScalingGroupName);
  const names = input.PolicyNames?.length ? new Set(input.PolicyNames) : undefined;
  const all = s.store.policies
    .find(
      input.AutoScalingGroupName !== undefined
        ? { group: groupKey(s.region, input.AutoScalingGroupName) }
        : { region: s.region },
    )
    .map((p) => p.policy)
    .filter((p) => !names || names.has(p.PolicyName as string) || names.has(p.PolicyARN as string))
    .filter((p) => !input.PolicyTypes?.length || input.PolicyTypes.includes(p.PolicyType as string));
  const page = paginate(all, input, 50);
  return { ScalingPolicies: page.page, ...(page.NextToken !== undefined && { NextToken: page.NextToken }) };
}

export function deletePolicy(s: Scope, input: Checked<autoscaling.DeletePolicyType>): object {
  s.deps.db.tx(() => {
    const p = findPolicy(s, input.AutoScalingGroupName, input.PolicyName);
    if (!p) {
      if (input.AutoScalingGroupName !== undefined) getGroup(s, input.AutoScalingGroupName);
      throw invalid(`Policy ${input.PolicyName} does not exist.`);
    }
    s.store.policies.delete(
      policyKey(s.region, p.policy.AutoScalingGroupName as string, p.policy.PolicyName as string),
    );
  });
  return {};
}

/** The capacity a policy asks for from `current` (pure). */
export function adjusted(
  policy: Wire<autoscaling.ScalingPolicy>,
  current: number,
  metric?: { value: number; threshold: number },
): number | undefined {
  let adj: number | undefined = policy.ScalingAdjustment;
  if (policy.PolicyType === 'StepScaling') {
    if (!metric) return undefined;
    const delta = metric.value - metric.threshold;
    adj = policy.StepAdjustments?.find(
      (st) =>
        (st.MetricIntervalLowerBound ?? -Infinity) <= delta &&
        delta < (st.MetricIntervalUpperBound ?? Infinity),
    )?.ScalingAdjustment;
  }
  if (adj === undefined) return undefined;
  if (policy.AdjustmentType === 'ExactCapacity') return adj;
  if (policy.AdjustmentType === 'PercentChangeInCapacity') {
    let change = (current * adj) / 100;
    change = change < 0 ? Math.ceil(change) : Math.floor(change);
    const min = policy.MinAdjustmentMagnitude ?? 0;
    if (Math.abs(change) < min) change = Math.sign(adj) * min;
    return current + change;
  }
  return current + adj;
}

export function executePolicy(s: Scope, input: Checked<autoscaling.ExecutePolicyType>): object {
  const p = findPolicy(s, input.AutoScalingGroupName, input.PolicyName);
  if (!p) {
    if (input.AutoScalingGroupName !== undefined) getGroup(s, input.AutoScalingGroupName);
    throw invalid(`Policy ${input.PolicyName} does not exist.`);
  }
  const policy = p.policy;
  const step = policy.PolicyType === 'StepScaling';
  if (step && (input.MetricValue === undefined || input.BreachThreshold === undefined))
    throw invalid('MetricValue and BreachThreshold are required for a StepScaling policy.');
  if (!step && (input.MetricValue !== undefined || input.BreachThreshold !== undefined))
    throw invalid('MetricValue and BreachThreshold are only valid for a StepScaling policy.');
  if (!step && input.HonorCooldown === undefined) input = { ...input, HonorCooldown: false };
  const name = policy.AutoScalingGroupName as string;
  const now = s.deps.clock.now();
  s.deps.db.tx(() => {
    const g = getGroup(s, name);
    const cooldownS = policy.Cooldown ?? g.defaultCooldown;
    if (
      input.HonorCooldown &&
      !step &&
      g.lastPolicyScaleAt !== undefined &&
      now - g.lastPolicyScaleAt < cooldownS * 1000
    )
      throw new AwsError(
        'ScalingActivityInProgress',
        `Scaling activity is in progress and cooldown for AutoScalingGroup ${name} has not expired.`,
        400,
      );
    const want = adjusted(
      policy,
      g.desiredCapacity,
      step ? { value: input.MetricValue as number, threshold: input.BreachThreshold as number } : undefined,
    );
    if (want === undefined) return;
    const desired = Math.max(g.minSize, Math.min(g.maxSize, want));
    if (desired === g.desiredCapacity) return;
    s.store.groups.put(groupKey(s.region, g.name), {
      ...g,
      desiredCapacity: desired,
      lastPolicyScaleAt: now,
      launchBackoffUntil: undefined,
    });
    const activity = newActivity(
      g,
      now,
      `Setting desired capacity from ${g.desiredCapacity} to ${desired}`,
      `executing policy ${policy.PolicyName} changed the desired capacity from ${g.desiredCapacity} to ${desired}.`,
      'Successful',
    );
    s.store.activities.put(activity.activityId, activity);
  });
  s.worker.kick(groupKey(s.region, name));
  return {};
}
