/**
 * What every Auto Scaling action shares: the call `Scope`, Auto Scaling's errors, ARNs, finding
 * groups and launch configurations, NextToken/MaxRecords pagination, and the wire form of groups,
 * their instances and activities.
 */
import { randomUUID } from 'node:crypto';
import type * as autoscaling from '@aws-sdk/client-auto-scaling';
import type { LocalDeps } from '../deps';
import { AwsError } from '../protocol/errors';
import type { CallContext, Wire } from '../protocol/types';
import {
  groupKey,
  type ActivityRecord,
  type AutoScalingStore,
  type GroupInstance,
  type GroupRecord,
  type LaunchConfigurationRecord,
  type LaunchTemplateSpec,
} from './model';
import type { CapacityWorker } from './worker';

export interface Scope {
  deps: LocalDeps;
  store: AutoScalingStore;
  worker: CapacityWorker;
  region: string;
  accountId: string;
}

export const scopeOf = (
  deps: LocalDeps,
  store: AutoScalingStore,
  worker: CapacityWorker,
  ctx: CallContext,
): Scope => ({ deps, store, worker, region: ctx.region, accountId: ctx.accountId });

export const invalid = (message: string) => new AwsError('ValidationError', message, 400);

export const lcArn = (s: Scope, name: string) =>
  `arn:aws:autoscaling:${s.region}:${s.accountId}:launchConfiguration:${randomUUID()}:launchConfigurationName/${name}`;
export const groupArn = (s: Scope, name: string) =>
  `arn:aws:autoscaling:${s.region}:${s.accountId}:autoScalingGroup:${randomUUID()}:autoScalingGroupName/${name}`;

export function getGroup(s: Scope, name: string | undefined): GroupRecord {
  const g = name ? s.store.groups.get(groupKey(s.region, name)) : undefined;
  if (!g || g.deleting) throw invalid(`AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
  return g;
}

export function getLaunchConfig(s: Scope, name: string): LaunchConfigurationRecord {
  const lc = s.store.launchConfigs.get(groupKey(s.region, name));
  if (!lc) throw invalid(`Launch configuration name not found - Launch configuration ${name} not found`);
  return lc;
}

/** NextToken/MaxRecords pagination (the token is an offset). */
export function paginate<T>(
  items: T[],
  input: { MaxRecords?: number; NextToken?: string },
  max = 100,
): { page: T[]; NextToken?: string } {
  const limit = input.MaxRecords ?? max;
  if (limit < 1 || limit > 100) throw invalid('MaxRecords must be between 1 and 100');
  const start = Number(input.NextToken ?? '0') || 0;
  const page = items.slice(start, start + limit);
  return { page, NextToken: start + limit < items.length ? String(start + limit) : undefined };
}

/** Stored epoch milliseconds as the wire's epoch seconds. */
export const seconds = (ms: number): number => ms / 1000;

const renderTemplate = (t: LaunchTemplateSpec): Wire<autoscaling.LaunchTemplateSpecification> => ({
  LaunchTemplateId: t.launchTemplateId,
  LaunchTemplateName: t.launchTemplateName,
  Version: t.version,
});

/** A group's instance; with its group, as DescribeAutoScalingInstances lists it. */
export function renderInstance(m: GroupInstance, withGroup?: GroupRecord) {
  return {
    InstanceId: m.instanceId,
    InstanceType: m.instanceType,
    AutoScalingGroupName: withGroup?.name,
    AvailabilityZone: m.availabilityZone,
    LifecycleState: m.lifecycleState,
    HealthStatus: withGroup ? m.healthStatus.toUpperCase() : m.healthStatus,
    LaunchConfigurationName: m.launchConfigurationName,
    LaunchTemplate: m.launchTemplate ? renderTemplate(m.launchTemplate) : undefined,
    ProtectedFromScaleIn: m.protectedFromScaleIn ?? false,
  };
}

export function renderGroup(g: GroupRecord): Wire<autoscaling.AutoScalingGroup> {
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    LaunchConfigurationName: g.launchConfigurationName,
    LaunchTemplate: g.launchTemplate ? renderTemplate(g.launchTemplate) : undefined,
    MinSize: g.minSize,
    MaxSize: g.maxSize,
    DesiredCapacity: g.desiredCapacity,
    DefaultCooldown: g.defaultCooldown,
    AvailabilityZones: g.availabilityZones,
    LoadBalancerNames: g.loadBalancerNames,
    TargetGroupARNs: g.targetGroupArns,
    HealthCheckType: g.healthCheckType,
    HealthCheckGracePeriod: g.healthCheckGracePeriod,
    Instances: g.instances.map((m) => renderInstance(m) as Wire<autoscaling.Instance>),
    CreatedTime: seconds(g.createdTime),
    SuspendedProcesses: [],
    VPCZoneIdentifier: g.subnets.map((x) => x.subnetId).join(','),
    EnabledMetrics: [],
    Status: g.deleting ? 'Delete in progress' : undefined,
    Tags: g.tags.map((t) => ({
      ResourceId: g.name,
      ResourceType: 'auto-scaling-group',
      Key: t.key,
      Value: t.value,
      PropagateAtLaunch: t.propagateAtLaunch,
    })),
    TerminationPolicies: g.terminationPolicies,
    NewInstancesProtectedFromScaleIn: g.newInstancesProtectedFromScaleIn ?? false,
    ServiceLinkedRoleARN: `arn:aws:iam::${g.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
  };
}

export function renderActivity(a: ActivityRecord): Wire<autoscaling.Activity> {
  return {
    ActivityId: a.activityId,
    AutoScalingGroupName: a.groupName,
    AutoScalingGroupARN: a.groupArn,
    Description: a.description,
    Cause: a.cause,
    StartTime: seconds(a.startTime),
    EndTime: a.endTime === undefined ? undefined : seconds(a.endTime),
    StatusCode: a.statusCode as autoscaling.ScalingActivityStatusCode,
    StatusMessage: a.statusMessage,
    Progress: a.progress,
    Details: JSON.stringify({ 'Subnet ID': '', 'Availability Zone': '' }),
  };
}
