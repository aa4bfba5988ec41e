/**
 * Services whose deployments someone else controls, and their task sets: CreateService and
 * UpdateService for the EXTERNAL and CODE_DEPLOY deployment controllers, CreateTaskSet,
 * DescribeTaskSets, UpdateTaskSet, DeleteTaskSet, UpdateServicePrimaryTaskSet. The task sets are
 * kept on the service (`service.taskSets`, as DescribeServices shows them); the scheduler keeps
 * each set's `computedDesiredCount` tasks running (scheduler/task-sets.ts) and reports its counts
 * and stability. An EXTERNAL service changes through its task sets; a CODE_DEPLOY service starts
 * with one PRIMARY task set, and its new deployments are CodeDeploy's, which is not served here:
 * UpdateService answers as ECS does, pointing at CodeDeploy.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { randomInt } from 'node:crypto';
import { AwsError } from '../protocol/errors';
import { computedDesiredCount } from '../scheduler/task-sets';
import {
  NAME_RE,
  activeCluster,
  ecsResource,
  errors,
  findCluster,
  findService,
  serviceArnOf,
  validateTags,
  type Failure,
  type Scope,
} from './common';
import type { ServiceRecord, Wire, WireService, WireTaskDefinition } from './model';
import {
  activeService,
  checkTargetGroups,
  deploymentConfiguration,
  describeService,
  roleArnOf,
  serviceTaskDefinition,
  validateGracePeriod,
  validateLoadBalancers,
} from './services';
import { validateLaunchType, validateNetworkConfiguration, validatePlacement } from './tasks';

type TaskSet = Wire<ecs.TaskSet>;

/** Task sets per service (ECS's quota). */
export const MAX_TASK_SETS = 5;

const taskSetNotFound = () =>
  new AwsError('TaskSetNotFoundException', 'The specified task set does not exist.', 400);

/** `ecs-svc/` and 19 digits, like ECS task set ids. */
function taskSetId(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 19) digits += String(randomInt(0, 10));
  return `ecs-svc/${digits}`;
}

const taskSetArnOf = (svc: WireService, id: string) =>
  `${svc.serviceArn.replace(':service/', ':task-set/')}/${id}`;

/** The deployment controller of the named service when it is EXTERNAL or CODE_DEPLOY (reads only). */
export function taskSetController(
  s: Scope,
  clusterRef: string | undefined,
  serviceRef: string | undefined,
): 'EXTERNAL' | 'CODE_DEPLOY' | null {
  const cluster = findCluster(s, clusterRef);
  const rec = cluster ? findService(s, cluster, serviceRef ?? '') : null;
  const type = rec?.service.deploymentController?.type;
  return type === 'EXTERNAL' || type === 'CODE_DEPLOY' ? type : null;
}

function checkScale(scale: Wire<ecs.Scale> | undefined): Wire<ecs.Scale> {
  const value = scale?.value ?? 100;
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw errors.invalid('The scale value must be between 0 and 100.');
  }
  return { value, unit: scale?.unit ?? 'PERCENT' };
}

interface TaskSetSpec {
  taskDefinition: WireTaskDefinition;
  launchType: string;
  networkConfiguration?: Wire<ecs.NetworkConfiguration>;
  loadBalancers: Wire<ecs.LoadBalancer>[];
  serviceRegistries: Wire<ecs.ServiceRegistry>[];
  scale: Wire<ecs.Scale>;
  externalId?: string;
  startedBy?: string;
  tags: ecs.Tag[];
}

function newTaskSet(s: Scope, svc: WireService, spec: TaskSetSpec, desiredCount: number): TaskSet {
  const id = taskSetId();
  return {
    id,
    taskSetArn: taskSetArnOf(svc, id),
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    ...(spec.startedBy ? { startedBy: spec.startedBy } : {}),
    ...(spec.externalId !== undefined ? { externalId: spec.externalId } : {}),
    status: 'ACTIVE',
    taskDefinition: spec.taskDefinition.taskDefinitionArn,
    computedDesiredCount: computedDesiredCount(desiredCount, spec.scale.value ?? 100),
    pendingCount: 0,
    runningCount: 0,
    createdAt: s.now,
    updatedAt: s.now,
    launchType: spec.launchType as ecs.LaunchType,
    ...(spec.networkConfiguration ? { networkConfiguration: spec.networkConfiguration } : {}),
    loadBalancers: spec.loadBalancers,
    serviceRegistries: spec.serviceRegistries,
    scale: spec.scale,
    stabilityStatus: 'STABILIZING',
    stabilityStatusAt: s.now,
    tags: spec.tags,
  };
}

/** The service fields a primary task set carries over to its service. */
function fromPrimary(svc: WireService, set: TaskSet | undefined): WireService {
  if (!set) return svc;
  return {
    ...svc,
    ...(set.taskDefinition ? { taskDefinition: set.taskDefinition } : {}),
    ...(set.launchType ? { launchType: set.launchType } : {}),
    ...(set.networkConfiguration ? { networkConfiguration: set.networkConfiguration } : {}),
    loadBalancers: set.loadBalancers ?? [],
    serviceRegistries: set.serviceRegistries ?? [],
  };
}

const dirty = (s: Scope, svc: WireService) =>
  s.deps.bus.emit('ecs.service.dirty', {
    clusterArn: svc.clusterArn,
    serviceArn: svc.serviceArn,
    prompt: true,
  });

/** CreateService with the EXTERNAL or CODE_DEPLOY deployment controller. */
export async function createTaskSetService(s: Scope, input: Wire<ecs.CreateServiceRequest>) {
  const controller = input.deploymentController?.type === 'CODE_DEPLOY' ? 'CODE_DEPLOY' : 'EXTERNAL';
  const name = input.serviceName ?? '';
  if (!NAME_RE.test(name)) {
    throw errors.invalid(
      'Invalid service name. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.',
    );
  }
  if ((input.schedulingStrategy ?? 'REPLICA') === 'DAEMON') {
    throw errors.invalid(
      `The DAEMON scheduling strategy is not supported with the ${controller} deployment controller.`,
    );
  }
  const desiredCount = input.desiredCount ?? (controller === 'EXTERNAL' ? 0 : undefined);
  if (desiredCount === undefined) {
    throw errors.invalid(
      'desiredCount must be specified for a service with the REPLICA scheduling strategy.',
    );
  }
  if (desiredCount < 0) throw errors.invalid('desiredCount must not be negative.');
  if (input.deploymentConfiguration?.deploymentCircuitBreaker?.enable) {
    throw errors.invalid(
      'The deployment circuit breaker can only be used for services using the rolling update (ECS) deployment controller.',
    );
  }
  const loadBalancers = input.loadBalancers ?? [];
  if (controller === 'EXTERNAL') {
    if (input.taskDefinition !== undefined) throw errors.invalid('TaskDefinition must be blank.');
    if (input.networkConfiguration !== undefined) throw errors.invalid('NetworkConfiguration must be null.');
    if (input.launchType !== undefined) throw errors.invalid('LaunchType must be blank.');
    if ((input.capacityProviderStrategy ?? []).length > 0)
      throw errors.invalid('CapacityProviderStrategy must be blank.');
    if (loadBalancers.length > 0) {
      throw errors.invalid(
        'LoadBalancers must be blank for a service with the EXTERNAL deployment controller: give them to its task sets.',
      );
    }
  } else {
    if (input.taskDefinition === undefined) throw errors.invalid('TaskDefinition must be specified.');
    if (!loadBalancers.some((lb) => lb.targetGroupArn !== undefined)) {
      throw errors.invalid(
        'A service with the CODE_DEPLOY deployment controller must use an Application Load Balancer or a Network Load Balancer target group.',
      );
    }
  }
  validatePlacement(input.placementConstraints, input.placementStrategy);
  const tags = validateTags(input.tags);
  const config = deploymentConfiguration(input.deploymentConfiguration, {
    maximumPercent: 200,
    minimumHealthyPercent: 100,
  });
  validateGracePeriod(input.healthCheckGracePeriodSeconds, loadBalancers);
  await checkTargetGroups(s, loadBalancers);

  const record = s.deps.db.tx(() => {
    const cluster = activeCluster(s, input.cluster);
    const arn = serviceArnOf(s, cluster.cluster.clusterName, name);
    const existing = s.col.services.get(arn);
    if (existing?.service.status === 'ACTIVE')
      throw errors.invalid('Creation of service was not idempotent.');
    if (existing?.service.status === 'DRAINING')
      throw errors.invalid('Unable to Start a service that is still Draining.');
    let service: WireService = {
      serviceArn: arn,
      serviceName: name,
      clusterArn: cluster.cluster.clusterArn,
      loadBalancers: [],
      serviceRegistries: [],
      status: 'ACTIVE',
      desiredCount,
      runningCount: 0,
      pendingCount: 0,
      deploymentConfiguration: config,
      taskSets: [],
      deployments: [],
      ...(input.role !== undefined ? { roleArn: roleArnOf(s, input.role) } : {}),
      events: [],
      createdAt: s.now,
      placementConstraints: input.placementConstraints ?? [],
      placementStrategy: input.placementStrategy ?? [],
      ...(input.healthCheckGracePeriodSeconds !== undefined
        ? { healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds }
        : {}),
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: controller },
      tags,
      createdBy: `arn:aws:iam::${s.accountId}:root`,
      enableECSManagedTags: input.enableECSManagedTags ?? false,
      propagateTags: input.propagateTags ?? 'NONE',
      enableExecuteCommand: input.enableExecuteCommand ?? false,
      availabilityZoneRebalancing: 'DISABLED',
    };
    if (controller === 'CODE_DEPLOY') {
      // ECS starts a CODE_DEPLOY service with one PRIMARY task set of the whole service.
      const td = serviceTaskDefinition(s, input.taskDefinition as string).taskDefinition;
      const launchType = validateLaunchType(input.launchType, input.capacityProviderStrategy, td);
      validateNetworkConfiguration(td, input.networkConfiguration);
      validateLoadBalancers(td, loadBalancers);
      const set = newTaskSet(
        s,
        service,
        {
          taskDefinition: td,
          launchType,
          ...(input.networkConfiguration ? { networkConfiguration: input.networkConfiguration } : {}),
          loadBalancers,
          serviceRegistries: input.serviceRegistries ?? [],
          scale: { value: 100, unit: 'PERCENT' },
          tags: [],
        },
        desiredCount,
      );
      service = fromPrimary({ ...service, taskSets: [{ ...set, status: 'PRIMARY' }] }, set);
    }
    const rec: ServiceRecord = { service, region: s.region };
    s.col.services.put(arn, rec);
    return rec;
  });
  dirty(s, record.service);
  return { service: describeService(s, record, false) };
}

/** What an UpdateService of a task-set service may not change, and where to change it instead. */
function refuseForController(type: 'EXTERNAL' | 'CODE_DEPLOY', input: Wire<ecs.UpdateServiceRequest>): void {
  const where =
    type === 'CODE_DEPLOY'
      ? 'Use AWS CodeDeploy to trigger a new deployment.'
      : 'Create a new task set with CreateTaskSet.';
  const refused: [boolean, string][] = [
    [input.taskDefinition !== undefined, 'task definition'],
    [input.networkConfiguration !== undefined, 'network parameters'],
    [input.loadBalancers !== undefined, 'load balancers'],
    [input.platformVersion !== undefined, 'platform version'],
    [input.capacityProviderStrategy !== undefined, 'capacity provider strategy'],
    [input.serviceRegistries !== undefined, 'service registries'],
    [input.forceNewDeployment === true, 'force new deployment'],
    [type === 'EXTERNAL' && input.deploymentConfiguration !== undefined, 'deployment configuration'],
  ];
  for (const [given, what] of refused) {
    if (given) {
      throw errors.invalid(
        `Unable to update ${what} on services with a ${type} deployment controller. ${where}`,
      );
    }
  }
  if (input.deploymentController?.type !== undefined && input.deploymentController.type !== type) {
    throw errors.invalid('The deployment controller of a service cannot be changed.');
  }
}

/** UpdateService of an EXTERNAL or CODE_DEPLOY service: desired count, placement, grace period, tags options. */
export function updateTaskSetService(s: Scope, input: Wire<ecs.UpdateServiceRequest>) {
  validatePlacement(input.placementConstraints, input.placementStrategy);
  const record = s.deps.db.tx(() => {
    const rec = activeService(s, input.cluster, input.service);
    const svc = rec.service;
    const type = svc.deploymentController?.type === 'CODE_DEPLOY' ? 'CODE_DEPLOY' : 'EXTERNAL';
    refuseForController(type, input);
    if (input.deploymentConfiguration?.deploymentCircuitBreaker?.enable) {
      throw errors.invalid(
        'The deployment circuit breaker can only be used for services using the rolling update (ECS) deployment controller.',
      );
    }
    validateGracePeriod(input.healthCheckGracePeriodSeconds, svc.loadBalancers ?? []);
    const desiredCount = input.desiredCount ?? svc.desiredCount;
    const updated: ServiceRecord = {
      ...rec,
      service: {
        ...svc,
        desiredCount,
        taskSets: withCounts(svc, desiredCount, s.now),
        ...(input.deploymentConfiguration
          ? {
              deploymentConfiguration: deploymentConfiguration(
                input.deploymentConfiguration,
                svc.deploymentConfiguration ?? {},
              ),
            }
          : {}),
        ...(input.placementConstraints ? { placementConstraints: input.placementConstraints } : {}),
        ...(input.placementStrategy ? { placementStrategy: input.placementStrategy } : {}),
        ...(input.healthCheckGracePeriodSeconds !== undefined
          ? { healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds }
          : {}),
        ...(input.enableECSManagedTags !== undefined
          ? { enableECSManagedTags: input.enableECSManagedTags }
          : {}),
        ...(input.propagateTags !== undefined ? { propagateTags: input.propagateTags } : {}),
        ...(input.enableExecuteCommand !== undefined
          ? { enableExecuteCommand: input.enableExecuteCommand }
          : {}),
      },
    };
    s.col.services.put(svc.serviceArn, updated);
    return updated;
  });
  dirty(s, record.service);
  return { service: describeService(s, record, false) };
}

/** A set given a new computed desired count: STABILIZING until the scheduler has caught up. */
function resized(x: TaskSet, computed: number, now: number): TaskSet {
  if (computed === x.computedDesiredCount) return { ...x, updatedAt: now };
  return {
    ...x,
    computedDesiredCount: computed,
    updatedAt: now,
    stabilityStatus: 'STABILIZING',
    stabilityStatusAt: now,
  };
}

/** The service's task sets with their computed desired counts for `desiredCount`. */
function withCounts(svc: WireService, desiredCount: number, now: number): TaskSet[] {
  return (svc.taskSets ?? []).map((x) => {
    const computed = computedDesiredCount(desiredCount, x.scale?.value ?? 100);
    return computed === x.computedDesiredCount ? x : resized(x, computed, now);
  });
}

/** The ACTIVE service named, which must use the EXTERNAL deployment controller. */
function externalService(
  s: Scope,
  clusterRef: string | undefined,
  serviceRef: string | undefined,
): ServiceRecord {
  const rec = activeService(s, clusterRef, serviceRef);
  if (rec.service.deploymentController?.type !== 'EXTERNAL') {
    throw errors.invalid(
      'Task sets can only be managed for a service that uses the EXTERNAL deployment controller.',
    );
  }
  return rec;
}

/** A task set of the service by id (`ecs-svc/N`) or ARN. */
function findTaskSet(s: Scope, svc: WireService, ref: string): TaskSet | undefined {
  let id = ref;
  if (ref.startsWith('arn:')) {
    const resource = ecsResource(s, ref);
    const prefix = `task-set/${svc.clusterArn.slice(svc.clusterArn.indexOf(':cluster/') + 9)}/${svc.serviceName}/`;
    if (!resource?.startsWith(prefix)) return undefined;
    id = resource.slice(prefix.length);
  }
  return (svc.taskSets ?? []).find((x) => x.id === id);
}

const withoutTags = (x: TaskSet): TaskSet => {
  const { tags: _, ...rest } = x;
  return rest;
};

export async function createTaskSet(s: Scope, input: Wire<ecs.CreateTaskSetRequest>) {
  const scale = checkScale(input.scale);
  const tags = validateTags(input.tags);
  if (input.clientToken !== undefined && !/^[\x21-\x7e]{1,36}$/.test(input.clientToken)) {
    throw errors.invalid('clientToken must be 1 to 36 ASCII characters from 33 to 126.');
  }
  await checkTargetGroups(s, input.loadBalancers ?? []);
  const { rec, set, created } = s.deps.db.tx(() => {
    const rec = externalService(s, input.cluster, input.service);
    const svc = rec.service;
    const token = input.clientToken;
    const repeated = token ? rec.taskSetTokens?.find((x) => x.token === token) : undefined;
    const again = repeated ? (svc.taskSets ?? []).find((x) => x.id === repeated.taskSetId) : undefined;
    if (again) return { rec, set: again, created: false };
    const td = serviceTaskDefinition(s, input.taskDefinition ?? '').taskDefinition;
    const launchType = validateLaunchType(input.launchType, input.capacityProviderStrategy, td);
    validateNetworkConfiguration(td, input.networkConfiguration);
    const loadBalancers = input.loadBalancers ?? [];
    if (loadBalancers.length > 1) throw errors.invalid('A task set can have at most one load balancer.');
    validateLoadBalancers(td, loadBalancers);
    const count = (svc.taskSets ?? []).length;
    if (count >= MAX_TASK_SETS) {
      throw errors.invalid(
        `${count} deployments exist on the service. Unable to create new TaskSet since this exceeds the maximum limit.`,
      );
    }
    const set = newTaskSet(
      s,
      svc,
      {
        taskDefinition: td,
        launchType,
        ...(input.networkConfiguration ? { networkConfiguration: input.networkConfiguration } : {}),
        loadBalancers,
        serviceRegistries: input.serviceRegistries ?? [],
        scale,
        ...(input.externalId !== undefined ? { externalId: input.externalId } : {}),
        tags,
      },
      svc.desiredCount,
    );
    const updated: ServiceRecord = {
      ...rec,
      service: { ...svc, taskSets: [...(svc.taskSets ?? []), set] },
      ...(token
        ? { taskSetTokens: [...(rec.taskSetTokens ?? []), { token, taskSetId: set.id ?? '' }].slice(-20) }
        : {}),
    };
    s.col.services.put(svc.serviceArn, updated);
    return { rec: updated, set, created: true };
  });
  if (created) dirty(s, rec.service);
  return { taskSet: set };
}

export function describeTaskSets(s: Scope, input: Wire<ecs.DescribeTaskSetsRequest>) {
  const cluster = activeCluster(s, input.cluster);
  const rec = findService(s, cluster, input.service ?? '');
  if (!rec) throw errors.serviceNotFound();
  if (rec.service.status !== 'ACTIVE') throw errors.serviceNotActive();
  const withTags = (input.include ?? []).includes('TAGS');
  const shown = (x: TaskSet) => (withTags ? x : withoutTags(x));
  if (input.taskSets === undefined)
    return { taskSets: (rec.service.taskSets ?? []).map(shown), failures: [] };
  const taskSets: TaskSet[] = [];
  const failures: Failure[] = [];
  for (const ref of input.taskSets) {
    const set = findTaskSet(s, rec.service, ref);
    if (set) taskSets.push(shown(set));
    else failures.push({ arn: ref.slice(0, 1600), reason: 'MISSING' });
  }
  return { taskSets, failures };
}

function changeTaskSet(
  s: Scope,
  input: { cluster?: string; service?: string; taskSet?: string },
  change: (set: TaskSet, svc: WireService) => { sets: TaskSet[]; service?: WireService },
): TaskSet {
  const { svc, set } = s.deps.db.tx(() => {
    const rec = externalService(s, input.cluster, input.service);
    const found = findTaskSet(s, rec.service, input.taskSet ?? '');
    if (!found) throw taskSetNotFound();
    const { sets, service } = change(found, rec.service);
    const svc: WireService = { ...(service ?? rec.service), taskSets: sets };
    s.col.services.put(svc.serviceArn, { ...rec, service: svc });
    return { svc, set: sets.find((x) => x.id === found.id) ?? found };
  });
  dirty(s, svc);
  return set;
}

export function updateTaskSet(s: Scope, input: Wire<ecs.UpdateTaskSetRequest>) {
  const scale = checkScale(input.scale);
  const taskSet = changeTaskSet(s, input, (found, svc) => {
    if (found.status === 'DRAINING') throw errors.invalid('The task set is being deleted.');
    return {
      sets: (svc.taskSets ?? []).map((x) =>
        x.id === found.id
          ? { ...resized(x, computedDesiredCount(svc.desiredCount, scale.value ?? 100), s.now), scale }
          : x,
      ),
    };
  });
  return { taskSet };
}

export function deleteTaskSet(s: Scope, input: Wire<ecs.DeleteTaskSetRequest>) {
  const taskSet = changeTaskSet(s, input, (found, svc) => {
    if (found.status === 'DRAINING') return { sets: svc.taskSets ?? [] };
    if ((found.scale?.value ?? 0) > 0 && !input.force) {
      throw errors.invalid(
        'The task set cannot be deleted until it has been scaled down to zero. Use force to delete it anyway.',
      );
    }
    const sets = (svc.taskSets ?? []).map((x) =>
      x.id === found.id ? { ...x, status: 'DRAINING', computedDesiredCount: 0, updatedAt: s.now } : x,
    );
    return { sets };
  });
  return { taskSet };
}

export function updateServicePrimaryTaskSet(s: Scope, input: Wire<ecs.UpdateServicePrimaryTaskSetRequest>) {
  const taskSet = changeTaskSet(s, { ...input, taskSet: input.primaryTaskSet }, (found, svc) => {
    if (found.status === 'DRAINING')
      throw errors.invalid('A task set that is being deleted cannot be primary.');
    const sets = (svc.taskSets ?? []).map((x) =>
      x.id === found.id
        ? { ...x, status: 'PRIMARY', updatedAt: s.now }
        : x.status === 'PRIMARY'
          ? { ...x, status: 'ACTIVE', updatedAt: s.now }
          : x,
    );
    return { sets, service: fromPrimary(svc, found) };
  });
  return { taskSet };
}
