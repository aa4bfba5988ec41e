/** Auto Scaling records and collections. Keys are `region/name` so names are unique per region. */
import { randomUUID } from 'node:crypto';
import type * as autoscaling from '@aws-sdk/client-auto-scaling';
import type { Wire } from '../protocol/types';
import type { Collection } from '../store/collection';
import type { Db } from '../store/db';

export interface LaunchConfigurationRecord {
  name: string;
  region: string;
  arn: string;
  imageId: string;
  instanceType: string;
  keyName?: string;
  securityGroups: string[];
  userData?: string;
  iamInstanceProfile?: string;
  associatePublicIpAddress?: boolean;
  createdTime: number;
}

export type LifecycleState =
  | 'Pending'
  | 'Pending:Wait'
  | 'Pending:Proceed'
  | 'InService'
  | 'Terminating'
  | 'Terminating:Wait'
  | 'Terminating:Proceed';

export const LAUNCHING = 'autoscaling:EC2_INSTANCE_LAUNCHING';
export const TERMINATING = 'autoscaling:EC2_INSTANCE_TERMINATING';

/** A lifecycle hook (PutLifecycleHook): instances wait in `Pending:Wait` or `Terminating:Wait`. */
export interface LifecycleHookRecord {
  name: string;
  transition: typeof LAUNCHING | typeof TERMINATING;
  /** Seconds an instance waits for CompleteLifecycleAction (or a heartbeat) before `defaultResult`. */
  heartbeatTimeout: number;
  defaultResult: 'CONTINUE' | 'ABANDON';
  notificationMetadata?: string;
  notificationTargetArn?: string;
  roleArn?: string;
}

/** An instance on its way out: terminating, waiting for a hook, or proceeding. */
export const terminating = (m: GroupInstance): boolean => m.lifecycleState.startsWith('Terminating');

export interface GroupInstance {
  instanceId: string;
  availabilityZone: string;
  instanceType: string;
  imageId?: string;
  lifecycleState: LifecycleState;
  healthStatus: 'Healthy' | 'Unhealthy';
  launchConfigurationName?: string;
  launchTemplate?: LaunchTemplateSpec;
  launchedAt: number;
  /** Registered with the group's load balancers and target groups. */
  registered?: boolean;
  /** Instance scale-in protection: a scale-in never picks it (SetInstanceProtection). */
  protectedFromScaleIn?: boolean;
  /**
   * While the instance waits in `Pending:Wait` or `Terminating:Wait`: the hooks still to complete,
   * the action's token, and when the wait times out (epoch ms; a heartbeat moves it).
   */
  lifecycleAction?: { hooks: string[]; token: string; timeoutAt: number; globalTimeoutAt: number };
}

export interface LaunchTemplateSpec {
  launchTemplateId?: string;
  launchTemplateName?: string;
  version?: string;
}

/** A launch recorded before RunInstances is called; its token makes the call idempotent across restarts. */
export interface LaunchIntent {
  clientToken: string;
  availabilityZone: string;
  subnetId?: string;
  createdAt: number;
}

export interface GroupTag {
  key: string;
  value: string;
  propagateAtLaunch: boolean;
}

export interface GroupRecord {
  name: string;
  region: string;
  accountId: string;
  arn: string;
  launchConfigurationName?: string;
  launchTemplate?: LaunchTemplateSpec;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  defaultCooldown: number;
  availabilityZones: string[];
  /** Subnet per zone, from VPCZoneIdentifier (empty: default subnets). */
  subnets: { subnetId: string; availabilityZone: string }[];
  loadBalancerNames: string[];
  targetGroupArns: string[];
  healthCheckType: string;
  healthCheckGracePeriod: number;
  terminationPolicies: string[];
  /** New instances start protected from scale-in (ECS managed termination protection needs it). */
  newInstancesProtectedFromScaleIn?: boolean;
  tags: GroupTag[];
  createdTime: number;
  /** Set by DeleteAutoScalingGroup with ForceDelete: the worker drains, then removes the group. */
  deleting?: boolean;
  instances: GroupInstance[];
  intents: LaunchIntent[];
  /** After a failed launch the worker waits before trying again (epoch ms). */
  launchBackoffUntil?: number;
  /** When a scaling policy last changed the desired capacity (epoch ms): cooldowns count from it. */
  lastPolicyScaleAt?: number;
  lifecycleHooks?: LifecycleHookRecord[];
}

/** A scaling policy (PutScalingPolicy): SimpleScaling or StepScaling. */
export interface PolicyRecord {
  region: string;
  groupKey: string;
  policy: Wire<autoscaling.ScalingPolicy>;
}

export interface ActivityRecord {
  activityId: string;
  groupKey: string;
  groupName: string;
  groupArn: string;
  description: string;
  cause: string;
  startTime: number;
  endTime?: number;
  statusCode: 'InProgress' | 'Successful' | 'Failed' | 'Cancelled';
  statusMessage?: string;
  progress: number;
  /** The instance the activity launches or terminates (the worker completes it when the instance is gone). */
  instanceId?: string;
}

/** A scaling activity of `g` starting at `now`; its cause gets AWS's `At <time>Z ` prefix. */
export function newActivity(
  g: GroupRecord,
  now: number,
  description: string,
  cause: string,
  status: ActivityRecord['statusCode'] = 'InProgress',
  message?: string,
): ActivityRecord {
  return {
    activityId: randomUUID(),
    groupKey: groupKey(g.region, g.name),
    groupName: g.name,
    groupArn: g.arn,
    description,
    cause: `At ${new Date(now).toISOString().slice(0, 19)}Z ${cause}`,
    startTime: now,
    endTime: status === 'InProgress' ? undefined : now,
    statusCode: status,
    statusMessage: message,
    progress: status === 'InProgress' ? 0 : 100,
  };
}

export interface AutoScalingStore {
  launchConfigs: Collection<LaunchConfigurationRecord>;
  groups: Collection<GroupRecord>;
  activities: Collection<ActivityRecord>;
  policies: Collection<PolicyRecord>;
}

export const groupKey = (region: string, name: string): string => `${region}/${name}`;

export function autoScalingStore(db: Db): AutoScalingStore {
  return {
    launchConfigs: db.collection<LaunchConfigurationRecord>('asg_launch_configs', [
      { name: 'region', key: (l) => l.region },
    ]),
    groups: db.collection<GroupRecord>('asg_groups', [{ name: 'region', key: (g) => g.region }]),
    activities: db.collection<ActivityRecord>('asg_activities', [{ name: 'group', key: (a) => a.groupKey }]),
    policies: db.collection<PolicyRecord>('asg_policies', [
      { name: 'group', key: (p) => p.groupKey },
      { name: 'region', key: (p) => p.region },
    ]),
  };
}
