/**
 * Where RunTask, CreateService and UpdateService run their tasks, as ECS decides it from a request:
 * a launch type (EC2, FARGATE), a capacity provider strategy, or the cluster's default strategy; the
 * Fargate platform version; and the awsvpc network configuration, whose subnets and security groups
 * are asked of EC2 (they must exist, in one VPC) before anything is written.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { AwsError, isAwsError } from '../protocol/errors';
import { checkStrategy } from './capacity-providers';
import { errors, type Scope } from './common';
import type { LaunchCapacity, ResolvedNetwork, Wire, WireCluster, WireTaskDefinition } from './model';
import { fargateSizeFits } from './task-definitions';

/** Fargate platform versions (Linux) a task may ask for; LATEST is 1.4.0. */
const PLATFORM_VERSIONS = new Set(['1.4.0', '1.3.0']);
export const LATEST_PLATFORM_VERSION = '1.4.0';

export const runsOnFargate = (c: LaunchCapacity): boolean =>
  'strategy' in c ? c.strategy.some((i) => i.kind !== 'EC2_AUTOSCALING') : c.launchType === 'FARGATE';

/** The launch type tasks of this capacity report (`launchType` on tasks and deployments). */
export const launchTypeOf = (c: LaunchCapacity): 'EC2' | 'FARGATE' => (runsOnFargate(c) ? 'FARGATE' : 'EC2');

export interface CapacityRequest {
  launchType?: string;
  capacityProviderStrategy?: Wire<ecs.CapacityProviderStrategyItem>[];
  platformVersion?: string;
  placementConstraints?: unknown[];
  placementStrategy?: unknown[];
}

/**
 * The capacity a request asks for, checked against the cluster and the task definition. Without a
 * launch type or strategy, the cluster's default strategy applies, else EC2 (as ECS).
 */
export function launchCapacity(
  s: Scope,
  cluster: WireCluster,
  input: CapacityRequest,
  td: WireTaskDefinition,
): LaunchCapacity {
  const strategy = input.capacityProviderStrategy ?? [];
  if (input.launchType !== undefined && strategy.length > 0) {
    throw errors.invalid(
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
    );
  }
  let capacity: LaunchCapacity;
  if (strategy.length > 0) {
    capacity = { strategy: checkStrategy(s, cluster, strategy) };
  } else if (input.launchType !== undefined) {
    if (input.launchType === 'FARGATE') capacity = { launchType: 'FARGATE', platformVersion: '' };
    else if (input.launchType === 'EC2') capacity = { launchType: 'EC2' };
    else {
      throw errors.invalid(
        `Launch type ${input.launchType} is not supported by the local control plane (it has no external instances); use EC2 or FARGATE.`,
      );
    }
  } else if ((cluster.defaultCapacityProviderStrategy ?? []).length > 0) {
    capacity = { strategy: checkStrategy(s, cluster, cluster.defaultCapacityProviderStrategy ?? []) };
  } else {
    capacity = { launchType: 'EC2' };
  }

  const fargate = runsOnFargate(capacity);
  const compat = td.compatibilities ?? [];
  if (fargate && !compat.includes('FARGATE')) {
    throw errors.invalid('Task definition does not support launch_type FARGATE.');
  }
  const requires = td.requiresCompatibilities ?? [];
  if (!fargate && requires.length > 0 && !requires.includes('EC2') && !requires.includes('EXTERNAL')) {
    throw errors.invalid('Task definition does not support launch_type EC2.');
  }
  if (!fargate) {
    if (input.platformVersion !== undefined) {
      throw errors.invalid('The platform version must be null when specifying an EC2 launch type.');
    }
    return capacity;
  }
  const asked = input.platformVersion ?? 'LATEST';
  const platformVersion = asked === 'LATEST' ? LATEST_PLATFORM_VERSION : asked;
  if (!PLATFORM_VERSIONS.has(platformVersion)) {
    throw new AwsError('PlatformUnknownException', 'The specified platform does not exist.', 400);
  }
  if ((input.placementConstraints ?? []).length > 0 || (input.placementStrategy ?? []).length > 0) {
    throw errors.invalid(
      'Task placement constraints and strategies are not supported for tasks hosted on Fargate.',
    );
  }
  return 'strategy' in capacity
    ? { ...capacity, platformVersion }
    : { launchType: 'FARGATE', platformVersion };
}

/** Fargate: the task size after overrides must still be one of Fargate's sizes. */
export function checkFargateOverrides(
  td: WireTaskDefinition,
  overrides: Wire<ecs.TaskOverride> | undefined,
): void {
  const cpu = Number(overrides?.cpu ?? td.cpu);
  const memory = Number(overrides?.memory ?? td.memory);
  if (!fargateSizeFits(cpu, memory)) {
    throw errors.invalid(`No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory.`);
  }
}

interface Ec2Subnet {
  SubnetId?: string;
  VpcId?: string;
  AvailabilityZone?: string;
}

/** The subnets or groups EC2 describes, or ECS's wording of EC2's refusal. */
async function describe<T>(
  s: Scope,
  action: 'DescribeSubnets' | 'DescribeSecurityGroups',
  input: object,
  ids: string[],
  pick: (out: Record<string, unknown>) => T[],
): Promise<T[]> {
  const what = action === 'DescribeSubnets' ? 'subnet' : 'security group';
  try {
    const out = await s.deps.services.call<Record<string, unknown>>('ec2', action, input, {
      region: s.region,
      accountId: s.accountId,
    });
    return pick(out);
  } catch (e) {
    if (isAwsError(e) && e.status < 500) {
      throw errors.invalid(
        `Error retrieving ${what} information for [${ids.join(', ').slice(0, 1000)}]: ${e.message} (ErrorCode: ${e.code})`,
      );
    }
    throw e;
  }
}

const ID_RE = { subnet: /^subnet-[0-9a-f]{8,17}$/, sg: /^sg-[0-9a-f]{8,17}$/ };

/**
 * The awsvpc configuration to resolve (`resolveNetwork`), if any: required for awsvpc task
 * definitions and refused otherwise. Without one nothing is asked of EC2, so a launch needs no await.
 */
export function awsvpcConfiguration(
  td: WireTaskDefinition,
  config: Wire<ecs.NetworkConfiguration> | undefined,
): Wire<ecs.AwsVpcConfiguration> | undefined {
  const awsvpc = td.networkMode === 'awsvpc';
  const vpc = config?.awsvpcConfiguration;
  if (awsvpc && !vpc) {
    throw errors.invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  if (!awsvpc && vpc) {
    throw errors.invalid(
      'Network Configuration is not valid for the given networkMode of this task definition.',
    );
  }
  return vpc;
}

/**
 * The awsvpc network configuration: required for awsvpc task definitions and refused otherwise;
 * 1 to 16 subnets of one VPC and up to 5 security groups of that VPC, all existing (EC2 is asked);
 * a public IP only on Fargate. Without security groups, the VPC's default group.
 */
export async function resolveNetwork(
  s: Scope,
  td: WireTaskDefinition,
  config: Wire<ecs.NetworkConfiguration> | undefined,
  capacity: LaunchCapacity,
): Promise<ResolvedNetwork | undefined> {
  const vpc = awsvpcConfiguration(td, config);
  if (!vpc) return undefined;
  const subnetIds = vpc.subnets ?? [];
  const groupIds = vpc.securityGroups ?? [];
  if (subnetIds.length === 0 || subnetIds.length > 16)
    throw errors.invalid('subnets can have 1 to 16 items.');
  if (groupIds.length > 5) throw errors.invalid('securityGroups can have at most 5 items.');
  for (const id of subnetIds) {
    if (!ID_RE.subnet.test(id)) throw errors.invalid(`The subnet ID '${id.slice(0, 64)}' is not valid.`);
  }
  for (const id of groupIds) {
    if (!ID_RE.sg.test(id)) throw errors.invalid(`The security group '${id.slice(0, 64)}' is not valid.`);
  }
  const assignPublicIp = vpc.assignPublicIp === 'ENABLED';
  if (assignPublicIp && !runsOnFargate(capacity)) {
    throw errors.invalid('Assign public IP is not supported for this launch type.');
  }
  const unique = [...new Set(subnetIds)];
  const subnets = await describe<Ec2Subnet>(s, 'DescribeSubnets', { SubnetIds: unique }, unique, (o) =>
    Array.isArray(o.Subnets) ? (o.Subnets as Ec2Subnet[]) : [],
  );
  const vpcs = new Set(subnets.map((x) => x.VpcId));
  if (vpcs.size !== 1) throw errors.invalid('The subnets must all belong to the same VPC.');
  const vpcId = [...vpcs][0] ?? '';
  const groups = [...new Set(groupIds)];
  if (groups.length > 0) {
    const found = await describe<{ GroupId?: string; VpcId?: string }>(
      s,
      'DescribeSecurityGroups',
      { GroupIds: groups },
      groups,
      (o) =>
        Array.isArray(o.SecurityGroups) ? (o.SecurityGroups as { GroupId?: string; VpcId?: string }[]) : [],
    );
    const stray = found.find((g) => g.VpcId !== vpcId);
    if (stray) {
      throw errors.invalid(
        `Security group ${stray.GroupId ?? ''} does not belong to the VPC of the subnets (${vpcId}).`,
      );
    }
  }
  return {
    subnets: unique.map((id) => ({
      subnetId: id,
      availabilityZone: subnets.find((x) => x.SubnetId === id)?.AvailabilityZone ?? '',
    })),
    securityGroups: groups,
    assignPublicIp,
  };
}

/** The network configuration as tasks and services echo it (ECS fills in assignPublicIp). */
export function echoedNetwork(
  config: Wire<ecs.NetworkConfiguration> | undefined,
): Wire<ecs.NetworkConfiguration> | undefined {
  const vpc = config?.awsvpcConfiguration;
  if (!vpc) return config;
  return {
    awsvpcConfiguration: {
      subnets: vpc.subnets ?? [],
      securityGroups: vpc.securityGroups ?? [],
      assignPublicIp: vpc.assignPublicIp ?? 'DISABLED',
    },
  };
}
