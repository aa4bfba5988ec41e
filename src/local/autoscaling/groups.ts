/**
 * CreateAutoScalingGroup, UpdateAutoScalingGroup, DeleteAutoScalingGroup, DescribeAutoScalingGroups,
 * SetDesiredCapacity. Handlers write the desired state; the capacity worker (worker.ts) launches and
 * terminates through EC2.
 */
import type * as autoscaling from '@aws-sdk/client-auto-scaling';
import { AwsError, isAwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import { getGroup, getLaunchConfig, groupArn, invalid, paginate, renderGroup, type Scope } from './common';
import { groupKey, terminating, type GroupRecord, type GroupTag, type LaunchTemplateSpec } from './model';

/** A local quota (AWS's is per account): keeps one request from asking for an unbounded fleet. */
const MAX_GROUP_SIZE = 1000;

/** A LaunchTemplate specification, resolved (and checked) through EC2. */
async function launchTemplate(
  s: Scope,
  spec: Wire<autoscaling.LaunchTemplateSpecification>,
): Promise<LaunchTemplateSpec> {
  const { LaunchTemplateId: id, LaunchTemplateName: name } = spec;
  if (!id === !name)
    throw invalid('Valid requests must contain either launchTemplateId or LaunchTemplateName');
  try {
    const out = await s.deps.services.call<{
      LaunchTemplates?: { LaunchTemplateId: string; LaunchTemplateName: string }[];
    }>('ec2', 'DescribeLaunchTemplates', id ? { LaunchTemplateIds: [id] } : { LaunchTemplateNames: [name] }, {
      region: s.region,
    });
    const t = out.LaunchTemplates?.[0];
    return {
      launchTemplateId: t?.LaunchTemplateId,
      launchTemplateName: t?.LaunchTemplateName,
      version: spec.Version ?? '$Default',
    };
  } catch (e) {
    if (!isAwsError(e)) throw e;
    throw invalid(`You must use a valid fully-formed launch template. ${e.message}`);
  }
}

/** VPCZoneIdentifier subnets, each resolved (and checked) through EC2. */
async function subnets(s: Scope, identifier: string): Promise<GroupRecord['subnets']> {
  const ids = identifier
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (ids.length === 0) return [];
  try {
    const out = await s.deps.services.call<{ Subnets?: { SubnetId: string; AvailabilityZone: string }[] }>(
      'ec2',
      'DescribeSubnets',
      { SubnetIds: ids },
      { region: s.region },
    );
    return ids.map((id) => {
      const found = out.Subnets?.find((x) => x.SubnetId === id);
      if (!found) throw invalid(`The subnet ID '${id}' does not exist`);
      return { subnetId: id, availabilityZone: found.AvailabilityZone };
    });
  } catch (e) {
    if (!isAwsError(e)) throw e;
    throw invalid(e.message);
  }
}

/** AvailabilityZones input, each a zone EC2 knows in this region. */
async function zonesOf(s: Scope, requested: string[] | undefined): Promise<string[]> {
  if (!requested?.length) return [];
  const out = await s.deps.services.call<{ AvailabilityZones?: { ZoneName: string }[] }>(
    'ec2',
    'DescribeAvailabilityZones',
    {},
    { region: s.region },
  );
  const known = new Set((out.AvailabilityZones ?? []).map((z) => z.ZoneName));
  const bad = requested.find((z) => !known.has(z));
  if (bad) throw invalid(`Invalid Availability Zone: ${bad}`);
  return requested;
}

function checkSizes(min: number, max: number, desired: number): void {
  for (const [name, v] of [
    ['MinSize', min],
    ['MaxSize', max],
    ['DesiredCapacity', desired],
  ] as const) {
    if (v < 0) throw invalid(`Value ${v} for ${name} must be non-negative`);
  }
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
}

const readTags = (tags: Wire<autoscaling.Tag>[] | undefined): GroupTag[] =>
  (tags ?? []).map((t) => ({
    key: t.Key as string,
    value: t.Value ?? '',
    propagateAtLaunch: t.PropagateAtLaunch ?? false,
  }));

export async function createAutoScalingGroup(
  s: Scope,
  input: Wire<autoscaling.CreateAutoScalingGroupType>,
): Promise<object> {
  const name = input.AutoScalingGroupName as string;
  const lcName = input.LaunchConfigurationName;
  const hasTemplate = input.LaunchTemplate !== undefined;
  if (!!lcName === hasTemplate) {
    throw invalid(
      'Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.',
    );
  }
  const minSize = input.MinSize as number;
  const maxSize = input.MaxSize as number;
  const desired = input.DesiredCapacity ?? minSize;
  checkSizes(minSize, maxSize, desired);
  const template = input.LaunchTemplate ? await launchTemplate(s, input.LaunchTemplate) : undefined;
  const groupSubnets = await subnets(s, input.VPCZoneIdentifier ?? '');
  const requestedZones = await zonesOf(s, input.AvailabilityZones);
  const zones = groupSubnets.length
    ? [...new Set(groupSubnets.map((x) => x.availabilityZone))]
    : requestedZones;
  if (zones.length === 0) throw invalid('At least one Availability Zone or VPC Subnet is required.');
  const record: GroupRecord = {
    name,
    region: s.region,
    accountId: s.accountId,
    arn: groupArn(s, name),
    launchConfigurationName: lcName,
    launchTemplate: template,
    minSize,
    maxSize,
    desiredCapacity: desired,
    defaultCooldown: input.DefaultCooldown ?? 300,
    availabilityZones: zones,
    subnets: groupSubnets,
    loadBalancerNames: input.LoadBalancerNames ?? [],
    targetGroupArns: input.TargetGroupARNs ?? [],
    healthCheckType: input.HealthCheckType ?? 'EC2',
    healthCheckGracePeriod: input.HealthCheckGracePeriod ?? 0,
    terminationPolicies: input.TerminationPolicies?.length ? input.TerminationPolicies : ['Default'],
    ...(input.NewInstancesProtectedFromScaleIn ? { newInstancesProtectedFromScaleIn: true } : {}),
    tags: readTags(input.Tags),
    createdTime: s.deps.clock.now(),
    instances: [],
    intents: [],
  };
  s.deps.db.tx(() => {
    if (lcName) getLaunchConfig(s, lcName);
    const key = groupKey(s.region, name);
    if (s.store.groups.has(key)) {
      throw new AwsError(
        'AlreadyExists',
        `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`,
        400,
      );
    }
    s.store.groups.put(key, record);
  });
  s.worker.kick(groupKey(s.region, name));
  return {};
}

export async function updateAutoScalingGroup(
  s: Scope,
  input: Wire<autoscaling.UpdateAutoScalingGroupType>,
): Promise<object> {
  const name = input.AutoScalingGroupName;
  const current = getGroup(s, name);
  const lcName = input.LaunchConfigurationName;
  const template = input.LaunchTemplate ? await launchTemplate(s, input.LaunchTemplate) : undefined;
  const identifier = input.VPCZoneIdentifier;
  const groupSubnets = identifier !== undefined ? await subnets(s, identifier) : undefined;
  const requestedZones = await zonesOf(s, input.AvailabilityZones);
  s.deps.db.tx(() => {
    const g = getGroup(s, name);
    if (lcName) getLaunchConfig(s, lcName);
    const min = input.MinSize ?? g.minSize;
    const max = input.MaxSize ?? g.maxSize;
    // Like AWS: moving a bound past the current desired capacity drags it along.
    const desired = input.DesiredCapacity ?? Math.min(Math.max(g.desiredCapacity, min), max);
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
      g.availabilityZones = [...new Set(groupSubnets.map((x) => x.availabilityZone))];
    } else if (requestedZones.length) {
      g.availabilityZones = requestedZones;
    }
    if (input.DefaultCooldown !== undefined) g.defaultCooldown = input.DefaultCooldown;
    if (input.HealthCheckType) g.healthCheckType = input.HealthCheckType;
    if (input.HealthCheckGracePeriod !== undefined) g.healthCheckGracePeriod = input.HealthCheckGracePeriod;
    if (input.TerminationPolicies?.length) g.terminationPolicies = input.TerminationPolicies;
    if (input.NewInstancesProtectedFromScaleIn !== undefined)
      g.newInstancesProtectedFromScaleIn = input.NewInstancesProtectedFromScaleIn;
    delete g.launchBackoffUntil;
    s.store.groups.put(groupKey(s.region, g.name), g);
  });
  s.worker.kick(groupKey(s.region, current.name));
  return {};
}

export function deleteAutoScalingGroup(
  s: Scope,
  input: Wire<autoscaling.DeleteAutoScalingGroupType>,
): object {
  const name = input.AutoScalingGroupName as string;
  const key = groupKey(s.region, name);
  s.deps.db.tx(() => {
    const g = getGroup(s, name);
    const busy = g.instances.length > 0 || g.intents.length > 0;
    if (busy && !input.ForceDelete) {
      throw new AwsError(
        'ResourceInUse',
        'You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.',
        400,
      );
    }
    if (!busy) {
      s.store.groups.delete(key);
      for (const a of s.store.activities.find({ group: key })) s.store.activities.delete(a.activityId);
      for (const a of s.store.policies.find({ group: key }))
        s.store.policies.delete(`${key}|${a.policy.PolicyName}`);
    } else {
      s.store.groups.put(key, { ...g, deleting: true, desiredCapacity: 0, minSize: 0 });
    }
  });
  s.worker.kick(key);
  return {};
}

export function describeAutoScalingGroups(
  s: Scope,
  input: Wire<autoscaling.AutoScalingGroupNamesType>,
): Wire<autoscaling.AutoScalingGroupsType> {
  const names = input.AutoScalingGroupNames ?? [];
  const all = s.store.groups
    .find({ region: s.region })
    .filter((g) => names.length === 0 || names.includes(g.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const { page, NextToken } = paginate(all, input, 50);
  return { AutoScalingGroups: page.map(renderGroup), NextToken };
}

/** SetInstanceProtection: instances of the group a scale-in must not pick (up to 50 at a time). */
export function setInstanceProtection(s: Scope, input: Wire<autoscaling.SetInstanceProtectionQuery>): object {
  const ids = input.InstanceIds ?? [];
  if (ids.length === 0) throw invalid('The parameter InstanceIds must contain at least one instance ID.');
  if (ids.length > 50) {
    throw new AwsError('LimitExceeded', 'The number of instance IDs exceeds the limit of 50.', 400);
  }
  const name = input.AutoScalingGroupName as string;
  s.deps.db.tx(() => {
    const g = getGroup(s, name);
    for (const id of ids) {
      const m = g.instances.find((x) => x.instanceId === id);
      if (!m) throw invalid(`The instance ${id} is not part of Auto Scaling group ${g.name}.`);
      if (terminating(m)) {
        throw invalid(`The instance ${id} is terminating and its protection cannot be changed.`);
      }
    }
    for (const m of g.instances) {
      if (ids.includes(m.instanceId)) m.protectedFromScaleIn = input.ProtectedFromScaleIn === true;
    }
    s.store.groups.put(groupKey(s.region, g.name), g);
  });
  s.worker.kick(groupKey(s.region, name));
  return {};
}

export function setDesiredCapacity(s: Scope, input: Wire<autoscaling.SetDesiredCapacityType>): object {
  const name = input.AutoScalingGroupName as string;
  const desired = input.DesiredCapacity as number;
  if (desired < 0) throw invalid(`Value ${desired} for DesiredCapacity must be non-negative`);
  s.deps.db.tx(() => {
    const g = getGroup(s, name);
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
    s.store.groups.put(groupKey(s.region, g.name), {
      ...g,
      desiredCapacity: desired,
      launchBackoffUntil: undefined,
    });
  });
  s.worker.kick(groupKey(s.region, name));
  return {};
}
