/**
 * Auto Scaling (awsQuery): launch configurations and groups. Handlers validate and write the
 * desired state; the capacity worker (worker.ts) launches and terminates through EC2.
 */
import { randomUUID } from 'node:crypto';
import type { LocalDeps } from '../deps';
import { AwsError, isAwsError } from '../protocol/errors';
import type { ActionHandler, CallContext, ServiceDefinition } from '../protocol/types';
import { bool, int, obj, objList, str, strList, type Params } from '../protocol/params';
import {
  autoScalingStore,
  groupKey,
  newActivity,
  type ActivityRecord,
  type GroupInstance,
  type GroupRecord,
  type LaunchConfigurationRecord,
  type LaunchTemplateSpec,
} from './model';
import { createCapacityWorker } from './worker';

/** A local quota (AWS's is per account): keeps one request from asking for an unbounded fleet. */
const MAX_GROUP_SIZE = 1000;

const invalid = (message: string) => new AwsError('ValidationError', message, 400);
const missing = (field: string) =>
  invalid(
    `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
  );

function requiredInt(input: Params, name: string): number {
  const v = int(input[name], name, invalid);
  if (v === undefined) throw missing(name[0]?.toLowerCase() + name.slice(1));
  if (v < 0) throw invalid(`Value ${v} for ${name} must be non-negative`);
  return v;
}

export function createAutoScalingService(deps: LocalDeps): ServiceDefinition {
  const store = autoScalingStore(deps.db);
  const worker = createCapacityWorker(deps, store);
  const { db } = deps;

  const lcArn = (ctx: CallContext, name: string) =>
    `arn:aws:autoscaling:${ctx.region}:${ctx.accountId}:launchConfiguration:${randomUUID()}:launchConfigurationName/${name}`;
  const groupArn = (ctx: CallContext, name: string) =>
    `arn:aws:autoscaling:${ctx.region}:${ctx.accountId}:autoScalingGroup:${randomUUID()}:autoScalingGroupName/${name}`;

  const getGroup = (ctx: CallContext, name: string | undefined): GroupRecord => {
    if (!name) throw missing('autoScalingGroupName');
    const g = store.groups.get(groupKey(ctx.region, name));
    if (!g || g.deleting)
      throw invalid(`AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
    return g;
  };

  const getLaunchConfig = (ctx: CallContext, name: string): LaunchConfigurationRecord => {
    const lc = store.launchConfigs.get(groupKey(ctx.region, name));
    if (!lc) throw invalid(`Launch configuration name not found - Launch configuration ${name} not found`);
    return lc;
  };

  /** Validates a LaunchTemplate specification against EC2. */
  const launchTemplate = async (ctx: CallContext, spec: Params): Promise<LaunchTemplateSpec> => {
    const id = str(spec.LaunchTemplateId);
    const name = str(spec.LaunchTemplateName);
    if (!id === !name) {
      throw invalid('Valid requests must contain either launchTemplateId or LaunchTemplateName');
    }
    try {
      const out = await deps.services.call<{
        LaunchTemplates?: { LaunchTemplateId: string; LaunchTemplateName: string }[];
      }>(
        'ec2',
        'DescribeLaunchTemplates',
        id ? { LaunchTemplateIds: [id] } : { LaunchTemplateNames: [name] },
        {
          region: ctx.region,
        },
      );
      const t = out.LaunchTemplates?.[0];
      return {
        launchTemplateId: t?.LaunchTemplateId,
        launchTemplateName: t?.LaunchTemplateName,
        version: str(spec.Version) ?? '$Default',
      };
    } catch (e) {
      if (!isAwsError(e)) throw e;
      throw invalid(`You must use a valid fully-formed launch template. ${e.message}`);
    }
  };

  /** VPCZoneIdentifier subnets, each resolved (and checked) through EC2. */
  const subnets = async (ctx: CallContext, identifier: string): Promise<GroupRecord['subnets']> => {
    const ids = identifier
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (ids.length === 0) return [];
    try {
      const out = await deps.services.call<{ Subnets?: { SubnetId: string; AvailabilityZone: string }[] }>(
        'ec2',
        'DescribeSubnets',
        { SubnetIds: ids },
        { region: ctx.region },
      );
      return ids.map((id) => {
        const s = out.Subnets?.find((x) => x.SubnetId === id);
        if (!s) throw invalid(`The subnet ID '${id}' does not exist`);
        return { subnetId: id, availabilityZone: s.AvailabilityZone };
      });
    } catch (e) {
      if (!isAwsError(e)) throw e;
      throw invalid(e.message);
    }
  };

  const zonesOf = async (ctx: CallContext, requested: string[]): Promise<string[]> => {
    if (requested.length === 0) return [];
    const out = await deps.services.call<{ AvailabilityZones?: { ZoneName: string }[] }>(
      'ec2',
      'DescribeAvailabilityZones',
      {},
      { region: ctx.region },
    );
    const known = new Set((out.AvailabilityZones ?? []).map((z) => z.ZoneName));
    const bad = requested.find((z) => !known.has(z));
    if (bad) throw invalid(`Invalid Availability Zone: ${bad}`);
    return requested;
  };

  const renderInstance = (m: GroupInstance, withGroup?: GroupRecord) => ({
    InstanceId: m.instanceId,
    InstanceType: m.instanceType,
    AutoScalingGroupName: withGroup?.name,
    AvailabilityZone: m.availabilityZone,
    LifecycleState: m.lifecycleState,
    HealthStatus: withGroup ? m.healthStatus.toUpperCase() : m.healthStatus,
    LaunchConfigurationName: m.launchConfigurationName,
    LaunchTemplate: m.launchTemplate ? renderTemplate(m.launchTemplate) : undefined,
    ProtectedFromScaleIn: false,
  });

  const renderGroup = (g: GroupRecord) => ({
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
    Instances: g.instances.map((m) => renderInstance(m)),
    CreatedTime: new Date(g.createdTime).toISOString(),
    SuspendedProcesses: [],
    VPCZoneIdentifier: g.subnets.map((s) => s.subnetId).join(','),
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
    NewInstancesProtectedFromScaleIn: false,
    ServiceLinkedRoleARN: `arn:aws:iam::${g.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
  });

  const renderActivity = (a: ActivityRecord) => ({
    ActivityId: a.activityId,
    AutoScalingGroupName: a.groupName,
    AutoScalingGroupARN: a.groupArn,
    Description: a.description,
    Cause: a.cause,
    StartTime: new Date(a.startTime).toISOString(),
    EndTime: a.endTime === undefined ? undefined : new Date(a.endTime).toISOString(),
    StatusCode: a.statusCode,
    StatusMessage: a.statusMessage,
    Progress: a.progress,
    Details: JSON.stringify({ 'Subnet ID': '', 'Availability Zone': '' }),
  });

  const paginate = <T>(items: T[], input: Params, max = 100): { page: T[]; NextToken?: string } => {
    const limit = int(input.MaxRecords, 'MaxRecords', invalid) ?? max;
    if (limit < 1 || limit > 100) throw invalid('MaxRecords must be between 1 and 100');
    const start = Number(str(input.NextToken) ?? '0') || 0;
    const page = items.slice(start, start + limit);
    return { page, NextToken: start + limit < items.length ? String(start + limit) : undefined };
  };

  const checkSizes = (min: number, max: number, desired: number): void => {
    if (max > MAX_GROUP_SIZE) {
      throw new AwsError(
        'LimitExceeded',
        `Max bound, ${max}, exceeds the local control plane's limit of ${MAX_GROUP_SIZE} instances per group.`,
        400,
      );
    }
    if (min > max) throw invalid(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
    if (desired < min || desired > max) {
      throw invalid(
        `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`,
      );
    }
  };

  const readTags = (input: Params) =>
    objList(input.Tags).map((t) => {
      const key = str(t.Key);
      if (!key) throw missing('tags.member.key');
      return { key, value: str(t.Value) ?? '', propagateAtLaunch: bool(t.PropagateAtLaunch) ?? false };
    });

  const actions: Record<string, ActionHandler> = {
    CreateLaunchConfiguration(input: Params, ctx) {
      const name = str(input.LaunchConfigurationName);
      if (!name) throw missing('launchConfigurationName');
      if (name.length > 255) throw invalid('LaunchConfigurationName must be at most 255 characters');
      const imageId = str(input.ImageId);
      const instanceType = str(input.InstanceType);
      if (!imageId)
        throw invalid(
          'Valid requests must contain either the InstanceID parameter or both the ImageId and InstanceType parameters.',
        );
      if (!instanceType)
        throw invalid(
          'Valid requests must contain either the InstanceID parameter or both the ImageId and InstanceType parameters.',
        );
      const lc: LaunchConfigurationRecord = {
        name,
        region: ctx.region,
        arn: lcArn(ctx, name),
        imageId,
        instanceType,
        keyName: str(input.KeyName) || undefined,
        securityGroups: strList(input.SecurityGroups),
        userData: str(input.UserData),
        iamInstanceProfile: str(input.IamInstanceProfile) || undefined,
        associatePublicIpAddress: bool(input.AssociatePublicIpAddress),
        createdTime: deps.clock.now(),
      };
      db.tx(() => {
        const key = groupKey(ctx.region, name);
        if (store.launchConfigs.has(key)) {
          throw new AwsError(
            'AlreadyExists',
            `Launch Configuration by this name already exists - A launch configuration already exists with the name ${name}`,
            400,
          );
        }
        store.launchConfigs.put(key, lc);
      });
      return {};
    },

    DescribeLaunchConfigurations(input: Params, ctx) {
      const names = strList(input.LaunchConfigurationNames);
      const all = store.launchConfigs
        .find({ region: ctx.region })
        .filter((l) => names.length === 0 || names.includes(l.name))
        .sort((a, b) => a.name.localeCompare(b.name));
      const { page, NextToken } = paginate(all, input, 50);
      return {
        LaunchConfigurations: page.map((l) => ({
          LaunchConfigurationName: l.name,
          LaunchConfigurationARN: l.arn,
          ImageId: l.imageId,
          KeyName: l.keyName ?? '',
          SecurityGroups: l.securityGroups,
          ClassicLinkVPCSecurityGroups: [],
          UserData: l.userData ?? '',
          InstanceType: l.instanceType,
          KernelId: '',
          RamdiskId: '',
          BlockDeviceMappings: [],
          InstanceMonitoring: { Enabled: true },
          IamInstanceProfile: l.iamInstanceProfile,
          CreatedTime: new Date(l.createdTime).toISOString(),
          EbsOptimized: false,
          AssociatePublicIpAddress: l.associatePublicIpAddress,
        })),
        NextToken,
      };
    },

    DeleteLaunchConfiguration(input: Params, ctx) {
      const name = str(input.LaunchConfigurationName);
      if (!name) throw missing('launchConfigurationName');
      db.tx(() => {
        getLaunchConfig(ctx, name);
        const user = store.groups
          .find({ region: ctx.region })
          .find((g) => g.launchConfigurationName === name);
        if (user) {
          throw new AwsError(
            'ResourceInUse',
            `Cannot delete launch configuration ${name} because it is attached to AutoScalingGroup ${user.name}`,
            400,
          );
        }
        store.launchConfigs.delete(groupKey(ctx.region, name));
      });
      return {};
    },

    async CreateAutoScalingGroup(input: Params, ctx) {
      const name = str(input.AutoScalingGroupName);
      if (!name) throw missing('autoScalingGroupName');
      if (name.length > 255) throw invalid('AutoScalingGroupName must be at most 255 characters');
      const lcName = str(input.LaunchConfigurationName);
      const hasTemplate = input.LaunchTemplate !== undefined;
      if (!!lcName === hasTemplate) {
        throw invalid(
          'Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.',
        );
      }
      const minSize = requiredInt(input, 'MinSize');
      const maxSize = requiredInt(input, 'MaxSize');
      const desired = int(input.DesiredCapacity, 'DesiredCapacity', invalid) ?? minSize;
      checkSizes(minSize, maxSize, desired);
      const template = hasTemplate ? await launchTemplate(ctx, obj(input.LaunchTemplate)) : undefined;
      const groupSubnets = await subnets(ctx, str(input.VPCZoneIdentifier) ?? '');
      const requestedZones = await zonesOf(ctx, strList(input.AvailabilityZones));
      const zones = groupSubnets.length
        ? [...new Set(groupSubnets.map((s) => s.availabilityZone))]
        : requestedZones;
      if (zones.length === 0) throw invalid('At least one Availability Zone or VPC Subnet is required.');
      const tags = readTags(input);
      const record: GroupRecord = {
        name,
        region: ctx.region,
        accountId: ctx.accountId,
        arn: groupArn(ctx, name),
        launchConfigurationName: lcName,
        launchTemplate: template,
        minSize,
        maxSize,
        desiredCapacity: desired,
        defaultCooldown: int(input.DefaultCooldown, 'DefaultCooldown', invalid) ?? 300,
        availabilityZones: zones,
        subnets: groupSubnets,
        loadBalancerNames: strList(input.LoadBalancerNames),
        targetGroupArns: strList(input.TargetGroupARNs),
        healthCheckType: str(input.HealthCheckType) ?? 'EC2',
        healthCheckGracePeriod: int(input.HealthCheckGracePeriod, 'HealthCheckGracePeriod', invalid) ?? 0,
        terminationPolicies: strList(input.TerminationPolicies).length
          ? strList(input.TerminationPolicies)
          : ['Default'],
        tags,
        createdTime: deps.clock.now(),
        instances: [],
        intents: [],
      };
      db.tx(() => {
        if (lcName) getLaunchConfig(ctx, lcName);
        const key = groupKey(ctx.region, name);
        if (store.groups.has(key)) {
          throw new AwsError(
            'AlreadyExists',
            `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`,
            400,
          );
        }
        store.groups.put(key, record);
      });
      worker.kick(groupKey(ctx.region, name));
      return {};
    },

    async UpdateAutoScalingGroup(input: Params, ctx) {
      const name = str(input.AutoScalingGroupName);
      const current = getGroup(ctx, name);
      const lcName = str(input.LaunchConfigurationName);
      const template =
        input.LaunchTemplate !== undefined ? await launchTemplate(ctx, obj(input.LaunchTemplate)) : undefined;
      const identifier = str(input.VPCZoneIdentifier);
      const groupSubnets = identifier !== undefined ? await subnets(ctx, identifier) : undefined;
      const requestedZones = await zonesOf(ctx, strList(input.AvailabilityZones));
      const minIn = int(input.MinSize, 'MinSize', invalid);
      const maxIn = int(input.MaxSize, 'MaxSize', invalid);
      const desiredIn = int(input.DesiredCapacity, 'DesiredCapacity', invalid);
      db.tx(() => {
        const g = getGroup(ctx, name);
        if (lcName) getLaunchConfig(ctx, lcName);
        const min = minIn ?? g.minSize;
        const max = maxIn ?? g.maxSize;
        // Like AWS: moving a bound past the current desired capacity drags it along.
        let desired = desiredIn ?? g.desiredCapacity;
        if (desiredIn === undefined) desired = Math.min(Math.max(desired, min), max);
        checkSizes(min, max, desired);
        g.minSize = min;
        g.maxSize = max;
        g.desiredCapacity = desired;
        if (lcName) {
          g.launchConfigurationName = lcName;
          delete g.launchTemplate;
        }
        if (template) {
          g.launchTemplate = template;
          delete g.launchConfigurationName;
        }
        if (groupSubnets && groupSubnets.length) {
          g.subnets = groupSubnets;
          g.availabilityZones = [...new Set(groupSubnets.map((s) => s.availabilityZone))];
        } else if (requestedZones.length) {
          g.availabilityZones = requestedZones;
        }
        const cooldown = int(input.DefaultCooldown, 'DefaultCooldown', invalid);
        if (cooldown !== undefined) g.defaultCooldown = cooldown;
        const hct = str(input.HealthCheckType);
        if (hct) g.healthCheckType = hct;
        const grace = int(input.HealthCheckGracePeriod, 'HealthCheckGracePeriod', invalid);
        if (grace !== undefined) g.healthCheckGracePeriod = grace;
        if (input.TerminationPolicies !== undefined)
          g.terminationPolicies = strList(input.TerminationPolicies);
        delete g.launchBackoffUntil;
        store.groups.put(groupKey(ctx.region, g.name), g);
      });
      worker.kick(groupKey(ctx.region, current.name));
      return {};
    },

    DeleteAutoScalingGroup(input: Params, ctx) {
      const name = str(input.AutoScalingGroupName);
      const force = bool(input.ForceDelete) ?? false;
      const key = groupKey(ctx.region, name ?? '');
      db.tx(() => {
        const g = getGroup(ctx, name);
        const busy = g.instances.length > 0 || g.intents.length > 0;
        if (busy && !force) {
          throw new AwsError(
            'ResourceInUse',
            'You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.',
            400,
          );
        }
        if (!busy) {
          store.groups.delete(key);
          for (const a of store.activities.find({ group: key })) store.activities.delete(a.activityId);
        } else {
          store.groups.put(key, { ...g, deleting: true, desiredCapacity: 0, minSize: 0 });
        }
      });
      worker.kick(key);
      return {};
    },

    DescribeAutoScalingGroups(input: Params, ctx) {
      const names = strList(input.AutoScalingGroupNames);
      const all = store.groups
        .find({ region: ctx.region })
        .filter((g) => names.length === 0 || names.includes(g.name))
        .sort((a, b) => a.name.localeCompare(b.name));
      const { page, NextToken } = paginate(all, input, 50);
      return { AutoScalingGroups: page.map(renderGroup), NextToken };
    },

    DescribeAutoScalingInstances(input: Params, ctx) {
      const ids = strList(input.InstanceIds);
      const rows = store.groups
        .find({ region: ctx.region })
        .flatMap((g) => g.instances.map((m) => ({ g, m })))
        .filter(({ m }) => ids.length === 0 || ids.includes(m.instanceId))
        .sort((a, b) => a.m.instanceId.localeCompare(b.m.instanceId));
      const { page, NextToken } = paginate(rows, input, 50);
      return { AutoScalingInstances: page.map(({ g, m }) => renderInstance(m, g)), NextToken };
    },

    SetDesiredCapacity(input: Params, ctx) {
      const name = str(input.AutoScalingGroupName);
      const desired = requiredInt(input, 'DesiredCapacity');
      db.tx(() => {
        const g = getGroup(ctx, name);
        if (desired > g.maxSize) {
          throw invalid(
            `New SetDesiredCapacity value ${desired} is above max value ${g.maxSize} for the AutoScalingGroup.`,
          );
        }
        if (desired < g.minSize) {
          throw invalid(
            `New SetDesiredCapacity value ${desired} is below min value ${g.minSize} for the AutoScalingGroup.`,
          );
        }
        store.groups.put(groupKey(ctx.region, g.name), {
          ...g,
          desiredCapacity: desired,
          launchBackoffUntil: undefined,
        });
      });
      worker.kick(groupKey(ctx.region, name ?? ''));
      return {};
    },

    async TerminateInstanceInAutoScalingGroup(input: Params, ctx) {
      const instanceId = str(input.InstanceId);
      if (!instanceId) throw missing('instanceId');
      const decrement = input.ShouldDecrementDesiredCapacity;
      if (decrement === undefined) throw missing('shouldDecrementDesiredCapacity');
      const shouldDecrement = bool(decrement) ?? false;
      const result = db.tx(() => {
        const g = store.groups
          .find({ region: ctx.region })
          .find((x) => x.instances.some((m) => m.instanceId === instanceId));
        const member = g?.instances.find((m) => m.instanceId === instanceId);
        if (!g || !member)
          throw invalid(`Instance Id not found - No managed instance found for instance ID: ${instanceId}`);
        if (member.lifecycleState === 'Terminating') {
          throw new AwsError(
            'ScalingActivityInProgress',
            `Instance ${instanceId} is already terminating.`,
            400,
          );
        }
        if (shouldDecrement && g.desiredCapacity - 1 < g.minSize) {
          throw invalid(
            `Currently, desiredSize equals minSize (${g.minSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
          );
        }
        member.lifecycleState = 'Terminating';
        if (shouldDecrement) g.desiredCapacity -= 1;
        const a = newActivity(
          g,
          deps.clock.now(),
          `Terminating EC2 instance: ${instanceId}`,
          `instance ${instanceId} was taken out of service in response to a user request${shouldDecrement ? `, shrinking the capacity from ${g.desiredCapacity + 1} to ${g.desiredCapacity}` : ''}.`,
        );
        store.activities.put(a.activityId, a);
        store.groups.put(groupKey(g.region, g.name), g);
        return { g, a };
      });
      worker.kick(groupKey(ctx.region, result.g.name));
      return { Activity: renderActivity(result.a) };
    },

    DescribeScalingActivities(input: Params, ctx) {
      const name = str(input.AutoScalingGroupName);
      const ids = strList(input.ActivityIds);
      const all = (
        name
          ? store.activities.find({ group: groupKey(ctx.region, name) })
          : store.activities.all().filter((a) => a.groupKey.startsWith(`${ctx.region}/`))
      )
        .filter((a) => ids.length === 0 || ids.includes(a.activityId))
        .sort((a, b) => b.startTime - a.startTime);
      const { page, NextToken } = paginate(all, input);
      return { Activities: page.map(renderActivity), NextToken };
    },
  };

  return {
    id: 'autoscaling',
    protocol: 'query',
    xmlns: 'http://autoscaling.amazonaws.com/doc/2011-01-01/',
    actions,
    background: worker,
  };
}

function renderTemplate(t: LaunchTemplateSpec) {
  return {
    LaunchTemplateId: t.launchTemplateId,
    LaunchTemplateName: t.launchTemplateName,
    Version: t.version,
  };
}
