/**
 * Launching tasks: snapshot the cluster's container instances, run the placement pipeline, then
 * write each task and book its resources on its instance, re-verifying the booking against the
 * instance as stored at that moment. Used by RunTask/StartTask (ECS provider) and the service
 * worker; it runs inside the caller's `deps.db.tx`, so a failure rolls everything back.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { epochSeconds } from '../common/clock';
import { hexId, uuid } from '../common/ids';
import type { LocalDeps } from '../deps';
import {
  ecsCollections,
  type ContainerInstanceRecord,
  type EcsCollections,
  type TaskRecord,
  type Wire,
  type WireContainerInstance,
  type WireTaskDefinition,
} from '../ecs/model';
import { clusterNameOf } from '../ecs/common';
import { AwsError } from '../protocol/errors';
import { liveServiceTasks } from './service-tasks';
import {
  parseConstraints,
  placeTasks,
  resourceRequirements,
  type Constraint,
  type PlacementFailure,
  type PlacementInstance,
  type Strategy,
  type TaskRequirements,
} from './placement';
import { evaluateClusterQuery, QuerySyntaxError, type QueryNode } from './cluster-query';
import { bookResources, fits, remainingCapacity, type Booking } from './resources';

export interface TaskLaunch {
  clusterArn: string;
  region: string;
  taskDefinition: WireTaskDefinition;
  count: number;
  group: string;
  startedBy?: string;
  placementConstraints?: Wire<ecs.PlacementConstraint>[];
  placementStrategy?: Wire<ecs.PlacementStrategy>[];
  overrides?: Wire<ecs.TaskOverride>;
  serviceArn?: string;
  deploymentId?: string;
  launchType?: string;
  tags?: ecs.Tag[];
  enableExecuteCommand?: boolean;
  /**
   * StartTask: the instances to start on, one task on each (in this order); `count` is then
   * ignored and no strategy applies.
   */
  candidateInstanceArns?: string[];
}

export interface LaunchResult {
  tasks: TaskRecord[];
  failures: Wire<ecs.Failure>[];
  /** The instance that came closest when a task could not be placed (for service events). */
  closest?: { instanceArn: string; reason: string };
}

const collectionsByDeps = new WeakMap<LocalDeps, EcsCollections>();
function collectionsOf(deps: LocalDeps): EcsCollections {
  let col = collectionsByDeps.get(deps);
  if (!col) {
    col = ecsCollections(deps.db);
    collectionsByDeps.set(deps, col);
  }
  return col;
}

/** Attributes that say an instance's agent reports its capabilities (checked only then). */
const CAPABILITY_PREFIXES = ['com.amazonaws.ecs.capability.', 'ecs.capability.'];

/**
 * Places and writes `launch.count` tasks. Must be called inside `deps.db.tx`. Throws
 * InvalidParameterException for a bad memberOf expression (before writing anything).
 */
export function launchTasks(deps: LocalDeps, launch: TaskLaunch): LaunchResult {
  const col = collectionsOf(deps);
  const td = launch.taskDefinition;
  let constraints: Constraint[];
  try {
    constraints = parseConstraints([
      ...(td.placementConstraints ?? []),
      ...(launch.placementConstraints ?? []),
    ]);
  } catch (err) {
    if (err instanceof QuerySyntaxError) {
      throw new AwsError('InvalidParameterException', `Invalid memberOf expression: ${err.message}`, 400);
    }
    throw err;
  }
  const startTask = launch.candidateInstanceArns !== undefined;
  const req: TaskRequirements = {
    ...resourceRequirements(td, launch.overrides),
    group: launch.group,
    requiredAttributes: (td.requiresAttributes ?? []).flatMap((a) =>
      a.name ? [{ name: a.name, ...(a.value ? { value: a.value } : {}) }] : [],
    ),
    constraints,
    strategies: startTask ? [] : strategiesOf(launch.placementStrategy),
  };

  const records = col.containerInstances.peekMany({ cluster: launch.clusterArn });
  const groups = groupCounts(col, launch, req);
  const view = (r: ContainerInstanceRecord) => placementView(r.containerInstance, groups, req);
  const failures: Wire<ecs.Failure>[] = [];
  const placed: { instance: string; ports: TaskRecord['ports'] }[] = [];
  let closest: LaunchResult['closest'];

  if (startTask) {
    const byArn = new Map(records.map((r) => [r.containerInstance.containerInstanceArn, r]));
    for (const arn of launch.candidateInstanceArns ?? []) {
      const rec = byArn.get(arn);
      if (!rec) {
        failures.push({ arn, reason: 'MISSING' });
        continue;
      }
      // Placed ones so far count (same instance listed twice, distinctInstance, ports).
      const instance = withPlaced(view(rec), placed, req);
      const result = placeTasks([instance], req, 1);
      const first = result.placements[0];
      if (first) placed.push({ instance: arn, ports: first.ports });
      else failures.push(...result.failures.map((f) => ({ arn, reason: f.reason })));
      closest ??= result.closest;
    }
  } else {
    const result = placeTasks(records.map(view), req, launch.count, Math.random);
    for (const p of result.placements) placed.push({ instance: p.instanceArn, ports: p.ports });
    failures.push(...dedupe(result.failures));
    closest = result.closest;
  }

  const now = deps.clock.now();
  const tasks: TaskRecord[] = [];
  // Instances as booked so far in this call; each is written once at the end.
  const booked = new Map<string, ContainerInstanceRecord>();
  for (const p of placed) {
    const current = booked.get(p.instance) ?? col.containerInstances.peek(p.instance);
    const booking = { cpu: req.cpu, memory: req.memory, ports: p.ports };
    // Apply-time verification against the instance as stored now (Nomad's plan apply).
    const refusal = applyTimeRefusal(current, booking);
    if (refusal || !current) {
      failures.push({ arn: p.instance, reason: refusal ?? 'MISSING' });
      continue;
    }
    const task = newTask(deps, launch, current, booking, now);
    col.tasks.put(task.task.taskArn, task);
    booked.set(p.instance, {
      ...current,
      containerInstance: bookResources(current.containerInstance, booking),
    });
    tasks.push(task);
  }
  for (const [arn, rec] of booked) col.containerInstances.putShared(arn, rec);
  // Hints after the caller's transaction has finished (a rolled-back hint is harmless).
  queueMicrotask(() => {
    for (const t of tasks) {
      deps.bus.emit('ecs.task.changed', {
        clusterArn: launch.clusterArn,
        taskArn: t.task.taskArn,
        ...(t.task.containerInstanceArn ? { containerInstanceArn: t.task.containerInstanceArn } : {}),
      });
    }
  });
  const wanted = startTask ? (launch.candidateInstanceArns ?? []).length : launch.count;
  return { tasks, failures, ...(closest && tasks.length < wanted ? { closest } : {}) };
}

/**
 * DAEMON services: the ACTIVE instances of the cluster that satisfy the constraints (the task
 * definition's and the service's), whether or not they have room left.
 */
export function daemonInstances(
  deps: LocalDeps,
  clusterArn: string,
  taskDefinition: WireTaskDefinition,
  placementConstraints: Wire<ecs.PlacementConstraint>[],
): string[] {
  const col = collectionsOf(deps);
  const constraints = parseConstraints([
    ...(taskDefinition.placementConstraints ?? []),
    ...placementConstraints,
  ]);
  const noGroups = new Map<string, Map<string, number>>();
  return col.containerInstances
    .peekMany({ cluster: clusterArn })
    .filter((r) => r.containerInstance.status === 'ACTIVE')
    .filter((r) => {
      const view = placementView(r.containerInstance, noGroups, { requiredAttributes: [] });
      return constraints.every((c) => c.type !== 'memberOf' || evaluateClusterQuery(c.query, view));
    })
    .map((r) => r.containerInstance.containerInstanceArn);
}

function applyTimeRefusal(current: ContainerInstanceRecord | undefined, booking: Booking): string | null {
  if (!current) return 'MISSING';
  if (current.containerInstance.status !== 'ACTIVE') return 'INACTIVE';
  const cap = remainingCapacity(current.containerInstance);
  if (fits(cap, booking)) return null;
  if (booking.cpu > cap.cpu) return 'RESOURCE:CPU';
  if (booking.memory > cap.memory) return 'RESOURCE:MEMORY';
  return booking.ports.some((p) => p.protocol === 'udp' && cap.udp.has(p.hostPort))
    ? 'RESOURCE:PORTS_UDP'
    : 'RESOURCE:PORTS';
}

function strategiesOf(list: Wire<ecs.PlacementStrategy>[] | undefined): Strategy[] {
  if (!list || list.length === 0) return [{ type: 'random' }];
  return list.map((s) => ({
    type: s.type === 'binpack' || s.type === 'spread' ? s.type : 'random',
    ...(s.field ? { field: s.field } : {}),
  }));
}

function dedupe(failures: PlacementFailure[]): PlacementFailure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const key = `${f.arn ?? ''}|${f.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function usesSubject(node: QueryNode, subject: string): boolean {
  if (node.kind === 'compare') return node.subject === subject;
  if (node.kind === 'not') return usesSubject(node.operand, subject);
  return usesSubject(node.left, subject) || usesSubject(node.right, subject);
}

/** Per instance: task group -> count of not-stopped tasks; read only as far as the request needs. */
function groupCounts(
  col: EcsCollections,
  launch: TaskLaunch,
  req: TaskRequirements,
): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  const queries = req.constraints.flatMap((c) => (c.type === 'memberOf' ? [c.query] : []));
  const needsAll = queries.some((q) => usesSubject(q, 'task:group') || usesSubject(q, 'runningTasksCount'));
  const needsOwn =
    req.constraints.some((c) => c.type === 'distinctInstance') ||
    req.strategies.some((s) => s.type === 'spread');
  if (!needsAll && !needsOwn) return counts;
  let tasks: TaskRecord[];
  if (!needsAll && launch.serviceArn && launch.group.startsWith('service:')) {
    tasks = liveServiceTasks(col, launch.serviceArn);
  } else {
    // Desired STOPPED tasks are not counted below: only the desired RUNNING ones are read.
    tasks = col.tasks.find({ clusterDesired: `${launch.clusterArn}|RUNNING` });
  }
  for (const t of tasks) {
    const instance = t.task.containerInstanceArn;
    if (!instance || t.task.lastStatus === 'STOPPED' || t.task.desiredStatus === 'STOPPED') continue;
    const group = t.task.group ?? '';
    if (!needsAll && group !== launch.group) continue;
    let m = counts.get(instance);
    if (!m) counts.set(instance, (m = new Map()));
    m.set(group, (m.get(group) ?? 0) + 1);
  }
  return counts;
}

/** What the placement view takes from the instance document alone. */
interface InstanceView {
  /** The view when no task group counts and no required attributes are added (shared, read-only). */
  bare: PlacementInstance;
  reportsCapabilities: boolean;
}

const NO_GROUPS: ReadonlyMap<string, number> = new Map();
const NO_TASK_GROUPS: ReadonlySet<string> = new Set();

/**
 * Views of frozen (cached, see Collection.peek) instance documents: a document never changes, a
 * write stores a new one, so the view is computed once per version of the instance. Placement
 * never mutates a view (it copies what it changes).
 */
const instanceViews = new WeakMap<WireContainerInstance, InstanceView>();

function instanceView(ci: WireContainerInstance): InstanceView {
  const cached = instanceViews.get(ci);
  if (cached) return cached;
  const attributes = new Map<string, string>();
  for (const a of ci.attributes ?? []) if (a.name) attributes.set(a.name, a.value ?? '');
  const view: InstanceView = {
    bare: {
      arn: ci.containerInstanceArn,
      status: ci.status,
      agentConnected: ci.agentConnected !== false,
      ...(ci.versionInfo?.agentVersion ? { agentVersion: ci.versionInfo.agentVersion } : {}),
      ec2InstanceId: ci.ec2InstanceId,
      ...(ci.registeredAt !== undefined ? { registeredAt: ci.registeredAt } : {}),
      runningTasksCount: 0,
      attributes,
      taskGroups: NO_TASK_GROUPS,
      groups: NO_GROUPS,
      remaining: remainingCapacity(ci),
    },
    reportsCapabilities: [...attributes.keys()].some((k) => CAPABILITY_PREFIXES.some((p) => k.startsWith(p))),
  };
  if (Object.isFrozen(ci)) instanceViews.set(ci, view);
  return view;
}

function placementView(
  ci: WireContainerInstance,
  groups: Map<string, Map<string, number>>,
  req: Pick<TaskRequirements, 'requiredAttributes'>,
): PlacementInstance {
  const { bare, reportsCapabilities } = instanceView(ci);
  const own = groups.get(ci.containerInstanceArn);
  // Instances registered without capability attributes (e.g. through the API by hand) are taken to
  // have them all, so required attributes only filter instances whose agent reports capabilities.
  const addAttributes = !reportsCapabilities && req.requiredAttributes.length > 0;
  if (!own && !addAttributes) return bare;
  let attributes = bare.attributes;
  if (addAttributes) {
    const withRequired = new Map(attributes);
    for (const a of req.requiredAttributes) withRequired.set(a.name, a.value ?? '');
    attributes = withRequired;
  }
  const counts = own ?? new Map<string, number>();
  let running = 0;
  for (const n of counts.values()) running += n;
  return {
    ...bare,
    attributes,
    runningTasksCount: running,
    taskGroups: new Set(counts.keys()),
    groups: counts,
  };
}

/** The view with this call's earlier StartTask placements on the same instance applied. */
function withPlaced(
  instance: PlacementInstance,
  placed: { instance: string; ports: TaskRecord['ports'] }[],
  req: TaskRequirements,
): PlacementInstance {
  const mine = placed.filter((p) => p.instance === instance.arn);
  if (mine.length === 0) return instance;
  const remaining = {
    ...instance.remaining,
    tcp: new Set(instance.remaining.tcp),
    udp: new Set(instance.remaining.udp),
  };
  for (const p of mine) {
    remaining.cpu -= req.cpu;
    remaining.memory -= req.memory;
    for (const b of p.ports) remaining[b.protocol].add(b.hostPort);
  }
  const groups = new Map(instance.groups);
  groups.set(req.group, (groups.get(req.group) ?? 0) + mine.length);
  return { ...instance, remaining, groups, taskGroups: new Set([...instance.taskGroups, req.group]) };
}

function newTask(
  deps: LocalDeps,
  launch: TaskLaunch,
  instance: ContainerInstanceRecord,
  booking: { cpu: number; memory: number; ports: TaskRecord['ports'] },
  nowMs: number,
): TaskRecord {
  const td = launch.taskDefinition;
  const id = hexId();
  const clusterName = clusterNameOf(launch.clusterArn);
  const accountId = launch.clusterArn.split(':')[4] ?? deps.config.accountId;
  const taskArn = `arn:aws:ecs:${launch.region}:${accountId}:task/${clusterName}/${id}`;
  const now = epochSeconds(nowMs);
  const ci = instance.containerInstance;
  const az = ci.attributes?.find((a) => a.name === 'ecs.availability-zone')?.value;
  const overrides = launch.overrides ?? {};
  const containers = td.containerDefinitions.map((c) => {
    const o = overrides.containerOverrides?.find((x) => x.name === c.name);
    const cpu = o?.cpu ?? c.cpu ?? 0;
    const memory = o?.memory ?? c.memory;
    const memoryReservation = o?.memoryReservation ?? c.memoryReservation;
    return {
      containerArn: `arn:aws:ecs:${launch.region}:${accountId}:container/${clusterName}/${id}/${uuid()}`,
      taskArn,
      name: c.name,
      image: c.image,
      lastStatus: 'PENDING',
      networkBindings: [],
      networkInterfaces: [],
      cpu: String(cpu),
      ...(memory !== undefined ? { memory: String(memory) } : {}),
      ...(memoryReservation !== undefined ? { memoryReservation: String(memoryReservation) } : {}),
    };
  });
  return {
    task: {
      taskArn,
      clusterArn: launch.clusterArn,
      taskDefinitionArn: td.taskDefinitionArn,
      containerInstanceArn: ci.containerInstanceArn,
      overrides: {
        containerOverrides: overrides.containerOverrides ?? [],
        inferenceAcceleratorOverrides: overrides.inferenceAcceleratorOverrides ?? [],
        ...(overrides.cpu ? { cpu: overrides.cpu } : {}),
        ...(overrides.memory ? { memory: overrides.memory } : {}),
        ...(overrides.taskRoleArn ? { taskRoleArn: overrides.taskRoleArn } : {}),
        ...(overrides.executionRoleArn ? { executionRoleArn: overrides.executionRoleArn } : {}),
      },
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      cpu: String(booking.cpu),
      memory: String(booking.memory),
      containers,
      ...(launch.startedBy ? { startedBy: launch.startedBy } : {}),
      version: 1,
      createdAt: now,
      group: launch.group,
      launchType: (launch.launchType ?? 'EC2') as ecs.LaunchType,
      attachments: [],
      attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
      ...(az ? { availabilityZone: az } : {}),
      tags: launch.tags ?? [],
      enableExecuteCommand: launch.enableExecuteCommand ?? false,
      ...(td.ephemeralStorage ? { ephemeralStorage: td.ephemeralStorage } : {}),
    },
    region: launch.region,
    ...(launch.serviceArn ? { serviceArn: launch.serviceArn } : {}),
    ...(launch.deploymentId ? { deploymentId: launch.deploymentId } : {}),
    ports: booking.ports,
    reservedCpu: booking.cpu,
    reservedMemory: booking.memory,
    nextTransitionAt: nowMs,
    history: [{ status: 'PROVISIONING', at: now }],
  };
}
