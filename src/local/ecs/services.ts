/**
 * CreateService, UpdateService, DeleteService, DescribeServices, ListServices. This file records the
 * desired state (spec and deployments) and hints the scheduler (bus `ecs.service.dirty`); the
 * scheduler owns deployment counts, rollout state, events and task placement, and marks a drained
 * service INACTIVE.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { randomInt } from 'node:crypto';
import { AwsError } from '../protocol/errors';
import {
  NAME_RE,
  activeCluster,
  anyCluster,
  batch,
  compareStrings,
  errors,
  findService,
  findTaskDefinition,
  maxResultsOf,
  pageOf,
  serviceArnOf,
  validateTags,
  type Failure,
  type Scope,
} from './common';
import {
  type LaunchCapacity,
  type ServiceRecord,
  type TaskDefinitionRecord,
  type Wire,
  type WireService,
  type WireTaskDefinition,
} from './model';
import { taskCounts } from './counts';
import { currentServiceRevisions, startServiceDeployment } from './history';
import {
  echoedNetwork,
  launchCapacity,
  resolveNetwork,
  runsOnFargate,
  type CapacityRequest,
} from './launch-capacity';
import { createTaskSetService, taskSetController, updateTaskSetService } from './task-sets';
import { validatePlacement } from './tasks';

type Deployment = Wire<ecs.Deployment>;
type DeploymentConfiguration = Wire<ecs.DeploymentConfiguration>;

/** `ecs-svc/` and 19 digits, like ECS deployment ids. */
function deploymentId(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 19) digits += String(randomInt(0, 10));
  return `ecs-svc/${digits}`;
}

/** Where a service's tasks run, as the service and its deployments show it. */
function capacityFields(capacity: LaunchCapacity, requestedPlatform: string | undefined) {
  const fargate = runsOnFargate(capacity);
  return {
    service: {
      ...('strategy' in capacity
        ? { capacityProviderStrategy: strategyEcho(capacity) }
        : { launchType: capacity.launchType }),
      ...(fargate ? { platformVersion: requestedPlatform ?? 'LATEST', platformFamily: 'Linux' } : {}),
    },
    deployment: {
      ...('strategy' in capacity
        ? { capacityProviderStrategy: strategyEcho(capacity) }
        : { launchType: capacity.launchType }),
      ...(fargate
        ? {
            platformVersion: 'platformVersion' in capacity ? capacity.platformVersion : undefined,
            platformFamily: 'Linux',
          }
        : {}),
    },
  };
}

const strategyEcho = (c: { strategy: { capacityProvider: string; base: number; weight: number }[] }) =>
  c.strategy.map((i) => ({ capacityProvider: i.capacityProvider, weight: i.weight, base: i.base }));

function newDeployment(
  s: Scope,
  taskDefinitionArn: string,
  desiredCount: number,
  networkConfiguration: Wire<ecs.NetworkConfiguration> | undefined,
  capacity: ReturnType<typeof capacityFields>['deployment'],
): Deployment {
  const id = deploymentId();
  return {
    id,
    status: 'PRIMARY',
    taskDefinition: taskDefinitionArn,
    desiredCount,
    pendingCount: 0,
    runningCount: 0,
    failedTasks: 0,
    createdAt: s.now,
    updatedAt: s.now,
    ...capacity,
    ...(networkConfiguration ? { networkConfiguration } : {}),
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment ${id} in progress.`,
  };
}

/** A task definition a service may use: latest ACTIVE of a family or an exact ACTIVE revision. */
export function serviceTaskDefinition(s: Scope, ref: string): TaskDefinitionRecord {
  const rec = findTaskDefinition(s, ref);
  if (!rec || rec.taskDefinition.status === 'DELETE_IN_PROGRESS')
    throw errors.invalid('TaskDefinition not found.');
  if (rec.taskDefinition.status !== 'ACTIVE') throw errors.invalid('TaskDefinition is inactive');
  return rec;
}

export function deploymentConfiguration(
  given: DeploymentConfiguration | undefined,
  base: DeploymentConfiguration,
): DeploymentConfiguration {
  const merged: DeploymentConfiguration = {
    ...base,
    ...given,
    deploymentCircuitBreaker: given?.deploymentCircuitBreaker ??
      base.deploymentCircuitBreaker ?? { enable: false, rollback: false },
  };
  const max = merged.maximumPercent ?? 200;
  const min = merged.minimumHealthyPercent ?? 100;
  if (min < 0 || min > 100) throw errors.invalid('minimumHealthyPercent must be between 0 and 100.');
  if (max < 100 || max > 2000) throw errors.invalid('maximumPercent must be between 100 and 2000.');
  if (
    merged.bakeTimeInMinutes !== undefined &&
    (merged.bakeTimeInMinutes < 0 || merged.bakeTimeInMinutes > 1440)
  ) {
    throw errors.invalid('bakeTimeInMinutes must be between 0 and 1440.');
  }
  return { ...merged, maximumPercent: max, minimumHealthyPercent: min };
}

export function validateLoadBalancers(
  td: WireTaskDefinition,
  lbs: Wire<ecs.LoadBalancer>[] | undefined,
): void {
  if ((lbs ?? []).length > 5) throw errors.invalid('A service can have at most 5 target groups.');
  for (const lb of lbs ?? []) {
    if ((lb.targetGroupArn === undefined) === (lb.loadBalancerName === undefined)) {
      throw errors.invalid(
        'Exactly one of targetGroupArn or loadBalancerName must be specified for a load balancer.',
      );
    }
    if (
      lb.targetGroupArn !== undefined &&
      !/^arn:aws:elasticloadbalancing:[^:]+:[0-9]{12}:targetgroup\/.+/.test(lb.targetGroupArn)
    ) {
      throw errors.invalid(`Invalid target group ARN: ${lb.targetGroupArn.slice(0, 300)}`);
    }
    if (lb.containerName === undefined || lb.containerPort === undefined) {
      throw errors.invalid('containerName and containerPort must be specified for a load balancer.');
    }
    const container = td.containerDefinitions.find((c) => c.name === lb.containerName);
    if (!container) {
      throw errors.invalid(
        `The container ${lb.containerName.slice(0, 255)} does not exist in the task definition.`,
      );
    }
    if (!(container.portMappings ?? []).some((p) => p.containerPort === lb.containerPort)) {
      throw errors.invalid(
        `The container ${lb.containerName} did not have a container port ${lb.containerPort} defined.`,
      );
    }
  }
}

/**
 * Each target group must exist and sit behind a load balancer (asked of ELB, as ECS does), before
 * anything is written.
 */
export async function checkTargetGroups(
  s: Scope,
  lbs: Wire<ecs.LoadBalancer>[],
  /** The task definition's network mode is awsvpc (target type ip); undefined: not checked. */
  awsvpc?: boolean,
): Promise<void> {
  for (const lb of lbs) {
    if (lb.targetGroupArn === undefined) continue;
    let groups: { LoadBalancerArns?: string[]; TargetType?: string }[] | undefined;
    try {
      const out = await s.deps.services.call<{
        TargetGroups?: { LoadBalancerArns?: string[]; TargetType?: string }[];
      }>(
        'elasticloadbalancingv2',
        'DescribeTargetGroups',
        { TargetGroupArns: [lb.targetGroupArn] },
        { region: s.region, accountId: s.accountId },
      );
      groups = out.TargetGroups;
    } catch (e) {
      if (e instanceof AwsError && e.status < 500) groups = [];
      else throw e;
    }
    if (!groups?.length) {
      throw errors.invalid(`The target group with targetGroupArn ${lb.targetGroupArn} does not exist.`);
    }
    if (!groups.some((g) => (g.LoadBalancerArns ?? []).length > 0)) {
      throw errors.invalid(
        `The target group with targetGroupArn ${lb.targetGroupArn} does not have an associated load balancer.`,
      );
    }
    const type = groups[0]?.TargetType ?? 'instance';
    if (awsvpc === true && type !== 'ip') {
      throw errors.invalid(
        `The provided target group ${lb.targetGroupArn} has target type ${type}, which is incompatible with the awsvpc network mode specified in the task definition.`,
      );
    }
    if (awsvpc === false && type === 'ip') {
      throw errors.invalid(
        `The provided target group ${lb.targetGroupArn} has target type ip, which is incompatible with the bridge network mode specified in the task definition.`,
      );
    }
  }
}

export function validateGracePeriod(value: number | undefined, lbs: unknown[]): void {
  if (value === undefined) return;
  if (value < 0) throw errors.invalid('healthCheckGracePeriodSeconds must not be negative.');
  if (lbs.length === 0) {
    throw errors.invalid(
      'Health check grace period is only valid for services configured to use load balancers',
    );
  }
}

export const roleArnOf = (s: Scope, role: string) =>
  role.startsWith('arn:') ? role : `arn:aws:iam::${s.accountId}:role/${role.replace(/^\/+/, '')}`;

export async function createService(s: Scope, input: Wire<ecs.CreateServiceRequest>) {
  // EXTERNAL and CODE_DEPLOY services run their tasks in task sets (task-sets.ts).
  if ((input.deploymentController?.type ?? 'ECS') !== 'ECS') return createTaskSetService(s, input);
  const name = input.serviceName ?? '';
  if (!NAME_RE.test(name)) {
    throw errors.invalid(
      'Invalid service name. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.',
    );
  }
  const strategy = input.schedulingStrategy ?? 'REPLICA';
  if (strategy === 'DAEMON') {
    if (input.desiredCount !== undefined)
      throw errors.invalid('The daemon scheduling strategy does not support a desired count.');
    if ((input.placementStrategy ?? []).length > 0) {
      throw errors.invalid('The daemon scheduling strategy does not support placement strategies.');
    }
  } else if (input.desiredCount === undefined) {
    throw errors.invalid(
      'desiredCount must be specified for a service with the REPLICA scheduling strategy.',
    );
  }
  const desiredCount = input.desiredCount ?? 0;
  if (desiredCount < 0) throw errors.invalid('desiredCount must not be negative.');
  if (input.taskDefinition === undefined) throw errors.invalid('TaskDefinition must be specified.');
  validatePlacement(input.placementConstraints, input.placementStrategy);
  const tags = validateTags(input.tags);
  const config = deploymentConfiguration(
    input.deploymentConfiguration,
    strategy === 'DAEMON'
      ? { maximumPercent: 100, minimumHealthyPercent: 0 }
      : { maximumPercent: 200, minimumHealthyPercent: 100 },
  );
  const loadBalancers = input.loadBalancers ?? [];
  validateGracePeriod(input.healthCheckGracePeriodSeconds, loadBalancers);
  // What ELB and EC2 must confirm is asked before the transaction.
  const firstTd = serviceTaskDefinition(s, input.taskDefinition).taskDefinition;
  const firstCapacity = launchCapacity(s, activeCluster(s, input.cluster).cluster, input, firstTd);
  if (strategy === 'DAEMON' && runsOnFargate(firstCapacity)) {
    throw errors.invalid('The daemon scheduling strategy does not support the FARGATE launch type.');
  }
  const network = await resolveNetwork(s, firstTd, input.networkConfiguration, firstCapacity);
  await checkTargetGroups(s, loadBalancers, firstTd.networkMode === 'awsvpc');
  const networkConfiguration = echoedNetwork(input.networkConfiguration);

  const { record, created } = s.deps.db.tx(() => {
    const cluster = activeCluster(s, input.cluster);
    const td = serviceTaskDefinition(s, firstTd.taskDefinitionArn).taskDefinition;
    const capacity = launchCapacity(s, cluster.cluster, input, td);
    const placed = capacityFields(capacity, input.platformVersion);
    validateLoadBalancers(td, loadBalancers);
    const arn = serviceArnOf(s, cluster.cluster.clusterName, name);
    const existing = s.col.services.get(arn);
    if (existing?.service.status === 'ACTIVE') {
      // Repeating the same creation returns the service (like ECS); a different one is refused.
      const e = existing.service;
      const requested = [
        td.taskDefinitionArn,
        desiredCount,
        strategy,
        loadBalancers,
        input.placementConstraints ?? [],
      ];
      const current = [
        e.taskDefinition,
        e.desiredCount,
        e.schedulingStrategy,
        e.loadBalancers ?? [],
        e.placementConstraints ?? [],
      ];
      const sameSpec =
        JSON.stringify(requested) === JSON.stringify(current) &&
        JSON.stringify(input.placementStrategy ?? []) === JSON.stringify(e.placementStrategy ?? []) &&
        JSON.stringify(networkConfiguration ?? null) === JSON.stringify(e.networkConfiguration ?? null);
      if (sameSpec) return { record: existing, created: false };
      throw errors.invalid('Creation of service was not idempotent.');
    }
    if (existing?.service.status === 'DRAINING')
      throw errors.invalid('Unable to Start a service that is still Draining.');
    const service: WireService = {
      serviceArn: arn,
      serviceName: name,
      clusterArn: cluster.cluster.clusterArn,
      loadBalancers,
      serviceRegistries: input.serviceRegistries ?? [],
      status: 'ACTIVE',
      desiredCount,
      runningCount: 0,
      pendingCount: 0,
      ...placed.service,
      taskDefinition: td.taskDefinitionArn,
      deploymentConfiguration: config,
      deployments: [
        newDeployment(s, td.taskDefinitionArn, desiredCount, networkConfiguration, placed.deployment),
      ],
      ...(input.role !== undefined ? { roleArn: roleArnOf(s, input.role) } : {}),
      events: [],
      createdAt: s.now,
      placementConstraints: input.placementConstraints ?? [],
      placementStrategy: input.placementStrategy ?? [],
      ...(networkConfiguration ? { networkConfiguration } : {}),
      ...(input.healthCheckGracePeriodSeconds !== undefined
        ? { healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds }
        : loadBalancers.length > 0
          ? { healthCheckGracePeriodSeconds: 0 }
          : {}),
      schedulingStrategy: strategy,
      deploymentController: { type: 'ECS' },
      tags,
      createdBy: `arn:aws:iam::${s.accountId}:root`,
      enableECSManagedTags: input.enableECSManagedTags ?? false,
      propagateTags: input.propagateTags ?? 'NONE',
      enableExecuteCommand: input.enableExecuteCommand ?? false,
      availabilityZoneRebalancing: input.availabilityZoneRebalancing ?? 'DISABLED',
    };
    const rec: ServiceRecord = {
      service: startServiceDeployment(s.col, service, td, s.now, s.region),
      region: s.region,
      ...(network
        ? { subnetZones: network.subnets.map((x): [string, string] => [x.subnetId, x.availabilityZone]) }
        : {}),
    };
    s.col.services.put(arn, rec);
    return { record: rec, created: true };
  });
  if (created) {
    s.deps.bus.emit('ecs.service.dirty', {
      clusterArn: record.service.clusterArn,
      serviceArn: record.service.serviceArn,
      prompt: true,
    });
  }
  return { service: describeService(s, record, false) };
}

/** The service as DescribeServices shows it: running and pending counts from the store's counters. */
export function describeService(s: Scope, rec: ServiceRecord, withTags: boolean): WireService {
  const { running, pending } = taskCounts.service(s.col.tasks, rec.service.serviceArn);
  const out: WireService = { ...rec.service, runningCount: running, pendingCount: pending };
  if (rec.service.currentServiceDeployment)
    out.currentServiceRevisions = currentServiceRevisions(rec.service);
  if (!withTags) delete out.tags;
  if (!withTags && out.taskSets) out.taskSets = out.taskSets.map(({ tags: _, ...set }) => set);
  return out;
}

export function activeService(
  s: Scope,
  clusterRef: string | undefined,
  serviceRef: string | undefined,
): ServiceRecord {
  const cluster = activeCluster(s, clusterRef);
  const rec = findService(s, cluster, serviceRef ?? '');
  if (!rec) throw errors.serviceNotFound();
  if (rec.service.status !== 'ACTIVE') throw errors.serviceNotActive();
  return rec;
}

/** The task definition an update asks for (or the service's own), active. */
function updatedTaskDefinition(s: Scope, rec: ServiceRecord, ref: string | undefined): WireTaskDefinition {
  if (ref !== undefined) return serviceTaskDefinition(s, ref).taskDefinition;
  const td = s.col.taskDefinitions.get(rec.service.taskDefinition ?? '')?.taskDefinition;
  if (!td) throw errors.invalid('TaskDefinition not found.');
  return td;
}

/** The capacity an update asks for: a new strategy, else what the service runs on. */
function capacityRequest(rec: ServiceRecord, input: Wire<ecs.UpdateServiceRequest>): CapacityRequest {
  const svc = rec.service;
  const strategy =
    (input.capacityProviderStrategy ?? []).length > 0
      ? input.capacityProviderStrategy
      : svc.capacityProviderStrategy;
  const fargatePlatform = input.platformVersion ?? svc.platformVersion;
  return {
    ...((strategy ?? []).length > 0
      ? { capacityProviderStrategy: strategy }
      : { launchType: svc.launchType ?? 'EC2' }),
    ...(fargatePlatform !== undefined ? { platformVersion: fargatePlatform } : {}),
    ...(input.placementConstraints ? { placementConstraints: input.placementConstraints } : {}),
    ...(input.placementStrategy ? { placementStrategy: input.placementStrategy } : {}),
  };
}

export async function updateService(s: Scope, input: Wire<ecs.UpdateServiceRequest>) {
  if (input.desiredCount !== undefined && input.desiredCount < 0)
    throw errors.invalid('desiredCount must not be negative.');
  if (taskSetController(s, input.cluster, input.service)) return updateTaskSetService(s, input);
  if (input.deploymentController?.type !== undefined && input.deploymentController.type !== 'ECS') {
    throw errors.invalid('The deployment controller of a service cannot be changed.');
  }
  validatePlacement(input.placementConstraints, input.placementStrategy);
  // What ELB and EC2 must confirm is asked before the transaction.
  const before = activeService(s, input.cluster, input.service);
  const firstTd = updatedTaskDefinition(s, before, input.taskDefinition);
  const firstCapacity = launchCapacity(
    s,
    activeCluster(s, input.cluster).cluster,
    capacityRequest(before, input),
    firstTd,
  );
  const networkConfiguration = echoedNetwork(
    input.networkConfiguration ?? before.service.networkConfiguration,
  );
  const network = await resolveNetwork(s, firstTd, networkConfiguration, firstCapacity);
  await checkTargetGroups(s, input.loadBalancers ?? [], firstTd.networkMode === 'awsvpc');
  const record = s.deps.db.tx(() => {
    const rec = activeService(s, input.cluster, input.service);
    const svc = rec.service;
    if (svc.schedulingStrategy === 'DAEMON') {
      if (input.desiredCount !== undefined)
        throw errors.invalid('The daemon scheduling strategy does not support a desired count.');
      if ((input.placementStrategy ?? []).length > 0) {
        throw errors.invalid('The daemon scheduling strategy does not support placement strategies.');
      }
    }
    const td = updatedTaskDefinition(s, rec, firstTd.taskDefinitionArn);
    const capacity = launchCapacity(
      s,
      activeCluster(s, input.cluster).cluster,
      capacityRequest(rec, input),
      td,
    );
    const placed = capacityFields(capacity, input.platformVersion ?? svc.platformVersion);
    const capacityChanged =
      (input.capacityProviderStrategy ?? []).length > 0 ||
      (input.platformVersion !== undefined && input.platformVersion !== svc.platformVersion);
    const loadBalancers = input.loadBalancers ?? svc.loadBalancers ?? [];
    validateLoadBalancers(td, loadBalancers);
    validateGracePeriod(input.healthCheckGracePeriodSeconds, loadBalancers);
    const config = deploymentConfiguration(input.deploymentConfiguration, svc.deploymentConfiguration ?? {});
    const desiredCount = input.desiredCount ?? svc.desiredCount;

    const newSpec =
      td.taskDefinitionArn !== svc.taskDefinition ||
      input.forceNewDeployment === true ||
      input.networkConfiguration !== undefined ||
      input.loadBalancers !== undefined ||
      capacityChanged;
    let deployments = svc.deployments.map((d) =>
      d.status === 'PRIMARY' ? { ...d, desiredCount, updatedAt: s.now } : d,
    );
    if (newSpec) {
      deployments = [
        newDeployment(s, td.taskDefinitionArn, desiredCount, networkConfiguration, placed.deployment),
        ...deployments.map((d) =>
          d.status === 'PRIMARY' ? { ...d, status: 'ACTIVE', updatedAt: s.now } : d,
        ),
      ];
    }
    const {
      launchType: _lt,
      capacityProviderStrategy: _cps,
      platformVersion: _pv,
      platformFamily: _pf,
      ...rest
    } = svc;
    const { subnetZones: _sz, ...recRest } = rec;
    const zones = new Map([
      ...(rec.subnetZones ?? []),
      ...(network?.subnets.map((x): [string, string] => [x.subnetId, x.availabilityZone]) ?? []),
    ]);
    const updated: ServiceRecord = {
      ...recRest,
      ...(zones.size > 0 ? { subnetZones: [...zones] } : {}),
      service: {
        ...rest,
        ...placed.service,
        desiredCount,
        taskDefinition: td.taskDefinitionArn,
        deploymentConfiguration: config,
        deployments,
        loadBalancers,
        ...(networkConfiguration ? { networkConfiguration } : {}),
        ...(input.placementConstraints ? { placementConstraints: input.placementConstraints } : {}),
        ...(input.placementStrategy ? { placementStrategy: input.placementStrategy } : {}),
        ...(input.healthCheckGracePeriodSeconds !== undefined
          ? { healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds }
          : {}),
        ...(input.enableExecuteCommand !== undefined
          ? { enableExecuteCommand: input.enableExecuteCommand }
          : {}),
        ...(input.enableECSManagedTags !== undefined
          ? { enableECSManagedTags: input.enableECSManagedTags }
          : {}),
        ...(input.propagateTags !== undefined ? { propagateTags: input.propagateTags } : {}),
        ...(input.serviceRegistries !== undefined ? { serviceRegistries: input.serviceRegistries } : {}),
        ...(input.availabilityZoneRebalancing !== undefined
          ? { availabilityZoneRebalancing: input.availabilityZoneRebalancing }
          : {}),
      },
    };
    if (newSpec) updated.service = startServiceDeployment(s.col, updated.service, td, s.now, s.region);
    s.col.services.put(svc.serviceArn, updated);
    return updated;
  });
  s.deps.bus.emit('ecs.service.dirty', {
    clusterArn: record.service.clusterArn,
    serviceArn: record.service.serviceArn,
    prompt: true,
  });
  return { service: describeService(s, record, false) };
}

export function deleteService(s: Scope, input: Wire<ecs.DeleteServiceRequest>) {
  const record = s.deps.db.tx(() => {
    const cluster = activeCluster(s, input.cluster);
    const rec = findService(s, cluster, input.service ?? '');
    if (!rec) throw errors.serviceNotFound();
    if (rec.service.status !== 'ACTIVE') throw errors.serviceNotActive();
    if (rec.service.desiredCount > 0 && !input.force) {
      throw errors.invalid('The service cannot be stopped while it is scaled above 0.');
    }
    const updated: ServiceRecord = {
      ...rec,
      service: {
        ...rec.service,
        status: 'DRAINING',
        desiredCount: 0,
        deployments: rec.service.deployments.map((d) =>
          d.status === 'PRIMARY' ? { ...d, desiredCount: 0, updatedAt: s.now } : d,
        ),
      },
    };
    s.col.services.put(rec.service.serviceArn, updated);
    return updated;
  });
  s.deps.bus.emit('ecs.service.dirty', {
    clusterArn: record.service.clusterArn,
    serviceArn: record.service.serviceArn,
    prompt: true,
  });
  return { service: describeService(s, record, false) };
}

export function describeServices(s: Scope, input: Wire<ecs.DescribeServicesRequest>) {
  const refs = batch(input.services, 'Services', 10);
  const cluster = anyCluster(s, input.cluster);
  const withTags = (input.include ?? []).includes('TAGS');
  const services: WireService[] = [];
  const failures: Failure[] = [];
  for (const ref of refs) {
    const rec = findService(s, cluster, ref);
    if (rec) services.push(describeService(s, rec, withTags));
    else {
      const arn = ref.startsWith('arn:') ? ref : serviceArnOf(s, cluster.cluster.clusterName, ref);
      failures.push({ arn, reason: 'MISSING' });
    }
  }
  return { services, failures };
}

export function listServices(s: Scope, input: Wire<ecs.ListServicesRequest>) {
  const max = maxResultsOf(input.maxResults, 10);
  const cluster = anyCluster(s, input.cluster);
  const arns = s.col.services
    .find({ cluster: cluster.cluster.clusterArn })
    .filter((r) => r.service.status !== 'INACTIVE')
    .filter((r) => input.launchType === undefined || r.service.launchType === input.launchType)
    .filter(
      (r) =>
        input.schedulingStrategy === undefined || r.service.schedulingStrategy === input.schedulingStrategy,
    )
    .map((r) => r.service.serviceArn)
    .sort(compareStrings);
  const query = `ListServices|${cluster.cluster.clusterArn}|${input.launchType ?? ''}|${input.schedulingStrategy ?? ''}`;
  const { page, nextToken } = pageOf(arns, (a) => a, input.nextToken, max, query);
  return { serviceArns: page, ...(nextToken ? { nextToken } : {}) };
}
