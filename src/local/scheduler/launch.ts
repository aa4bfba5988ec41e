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
import type { LocalEvents } from '../common/bus';
import { maxNetworkInterfaces } from '../../facts/instance-types';
import {
  ecsCollections,
  type ContainerInstanceRecord,
  type EcsCollections,
  type LaunchCapacity,
  type ResolvedNetwork,
  type TaskEni,
  type TaskRecord,
  type Wire,
  type WireContainerInstance,
  type WireTaskDefinition,
} from '../ecs/model';
import { clusterNameOf } from '../ecs/common';
import { launchedPending, stepsAtLaunch } from '../ecs/launch-step';
import { AwsError } from '../protocol/errors';
import { checkedText, checkTexts } from '../store/collection';
import { countKeys, taskKeys } from '../ecs/counts';
import {
  distributeByStrategy,
  parseConstraints,
  placeRandomly,
  placeTasks,
  resourceRequirements,
  type Constraint,
  type PlacementFailure,
  type PlacementInstance,
  type Strategy,
  type TaskRequirements,
} from './placement';
import { evaluateClusterQuery, QuerySyntaxError, type QueryNode } from './cluster-query';
import { bookResources, capacityOf, fits, remainingCapacity, type Booking } from './resources';

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
  /** Where the tasks run (default: launch type EC2). */
  capacity?: LaunchCapacity;
  /** awsvpc: the network configuration, its subnets' zones resolved. */
  network?: ResolvedNetwork;
  /** Tasks the caller already runs per capacity provider (a service's), for the strategy's bases. */
  existingByProvider?: ReadonlyMap<string, number>;
  tags?: ecs.Tag[];
  enableExecuteCommand?: boolean;
  /** RunTask, StartTask: the tasks are answered as created (`LaunchResult.created`). */
  answered?: boolean;
  /**
   * StartTask: the instances to start on, one task on each (in this order); `count` is then
   * ignored and no strategy applies.
   */
  candidateInstanceArns?: string[];
}

export interface LaunchResult {
  /** The tasks as stored: a placed task with no interface to attach already PENDING (`launchedPending`). */
  tasks: TaskRecord[];
  /**
   * With `launch.answered`, the same tasks as created (PROVISIONING, version 1), as RunTask and
   * StartTask answer them: the record when it was stored as created, else (stored a step on) the
   * created task's JSON text, tags included; empty otherwise.
   */
  created: (TaskRecord | string)[];
  failures: Wire<ecs.Failure>[];
  /** The instance that came closest when a task could not be placed (for service events). */
  closest?: { instanceArn: string; reason: string };
}

/** One share of a launch: tasks of one capacity provider (or launch type). */
interface Bucket {
  count: number;
  launchType: 'EC2' | 'FARGATE';
  capacityProviderName?: string;
  platformVersion?: string;
  /** An Auto Scaling group provider with managed scaling: tasks that fit nowhere wait for capacity. */
  waits: boolean;
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
 *
 * By capacity: EC2 tasks are placed on any instance of the cluster; an Auto Scaling group
 * provider's tasks on its own instances, and with managed scaling the ones that fit nowhere wait
 * in PROVISIONING for the capacity controller (scheduler/capacity.ts) to place them; Fargate tasks
 * need no instance. A strategy splits the count between its providers (base, then weight).
 */
export function launchTasks(deps: LocalDeps, launch: TaskLaunch): LaunchResult {
  const col = collectionsOf(deps);
  const req = requirementsOf(launch);
  const startTask = launch.candidateInstanceArns !== undefined;
  const buckets = startTask ? [] : bucketsOf(col, launch);
  const needsInstances = startTask || buckets.some((b) => b.launchType === 'EC2');
  // The cluster's instances: their ids at once (kept by the collection between writes that add or
  // remove one), the records only when a path needs them all (random placement draws a few).
  const instanceIds = needsInstances ? col.containerInstances.peekIds({ cluster: launch.clusterArn }) : [];
  let loaded: ContainerInstanceRecord[] | undefined;
  const allRecords = (): ContainerInstanceRecord[] =>
    (loaded ??= needsInstances ? col.containerInstances.peekMany({ cluster: launch.clusterArn }) : []);
  const groups = needsInstances ? groupCounts(col, launch, req) : new Map<string, Map<string, number>>();
  const enis = req.awsvpcZones && needsInstances ? eniUse(col, launch.clusterArn) : undefined;
  const view = (r: ContainerInstanceRecord) => placementView(r.containerInstance, groups, req, enis);
  const failures: Wire<ecs.Failure>[] = [];
  const placed: { instance: string; ports: TaskRecord['ports']; bucket: Bucket }[] = [];
  const unplaced: { bucket: Bucket; count: number }[] = [];
  let closest: LaunchResult['closest'];

  if (startTask) {
    const bucket: Bucket = { count: 0, launchType: 'EC2', waits: false };
    const byArn = new Map(allRecords().map((r) => [r.containerInstance.containerInstanceArn, r]));
    const sofar: { instance: string; ports: TaskRecord['ports'] }[] = [];
    for (const arn of launch.candidateInstanceArns ?? []) {
      const rec = byArn.get(arn);
      if (!rec) {
        failures.push({ arn, reason: 'MISSING' });
        continue;
      }
      // Placed ones so far count (same instance listed twice, distinctInstance, ports).
      const instance = withPlaced(view(rec), sofar, req);
      const result = placeTasks([instance], req, 1);
      const first = result.placements[0];
      if (first) {
        sofar.push({ instance: arn, ports: first.ports });
        placed.push({ instance: arn, ports: first.ports, bucket });
      } else failures.push(...result.failures.map((f) => ({ arn, reason: f.reason })));
      closest ??= result.closest;
    }
  } else {
    for (const bucket of buckets) {
      if (bucket.launchType === 'FARGATE') continue;
      const provider = bucket.capacityProviderName;
      const pool = provider
        ? allRecords().filter((r) => r.containerInstance.capacityProviderName === provider)
        : undefined;
      // The default strategy (random) draws a few instances instead of viewing all of them; with
      // no capacity provider, from the ids, reading only the instances drawn.
      const drawn = pool
        ? placeRandomly(pool.length, (k) => view(pool[k] as ContainerInstanceRecord), req, bucket.count)
        : drawByIds(col, instanceIds, view, req, bucket.count);
      const result = drawn
        ? { placements: drawn, failures: [] }
        : placeTasks((pool ?? allRecords()).map(view), req, bucket.count, Math.random);
      for (const p of result.placements) placed.push({ instance: p.instanceArn, ports: p.ports, bucket });
      const left = bucket.count - result.placements.length;
      if (left > 0 && bucket.waits) unplaced.push({ bucket, count: left });
      else if (left > 0) {
        failures.push(...dedupe(result.failures));
        closest ??= result.closest;
      }
    }
  }

  const now = deps.clock.now();
  const tasks: TaskRecord[] = [];
  const created: (TaskRecord | string)[] = [];
  const subnets = subnetPicker(launch.network);
  let parts: LaunchParts | undefined;
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
    parts ??= launchParts(deps, launch);
    const task = newTask(launch, parts, p.bucket, now, { instance: current, booking, subnets });
    let stored = task;
    let storedText: string | undefined;
    if (stepsAtLaunch(task)) {
      // Its texts (as created, RunTask's answer; as stored) from the launch's pieces, when it has them.
      const text = launchText(parts, launch, p.bucket, booking, now, deps.config.taskStepMs);
      const texts = text ? taskTexts(text, task) : undefined;
      // Answered as created: its text now, before the step is taken on this very object (owned:
      // no copy of the task, its record and history a task placed, issue 14).
      if (texts && checkTexts) checkedText('created task', texts.created, JSON.stringify(task.task));
      if (launch.answered) created.push(texts ? texts.created : JSON.stringify(task.task));
      stored = launchedPending(task, now, deps.config.taskStepMs, true);
      storedText = texts?.stored;
    } else if (launch.answered) created.push(task);
    col.tasks.insertShared(stored.task.taskArn, stored, storedText);
    const next = bookResources(current.containerInstance, booking);
    carryView(current.containerInstance, next);
    booked.set(p.instance, { ...current, containerInstance: next });
    tasks.push(stored);
  }
  for (const [arn, rec] of booked) col.containerInstances.putShared(arn, rec);
  for (const bucket of buckets) {
    if (bucket.launchType !== 'FARGATE') continue;
    for (let n = 0; n < bucket.count; n++) {
      const task = newTask(launch, (parts ??= launchParts(deps, launch)), bucket, now, {
        subnets,
        booking: { cpu: req.cpu, memory: req.memory, ports: [] },
      });
      col.tasks.insertShared(task.task.taskArn, task);
      tasks.push(task);
      if (launch.answered) created.push(task);
    }
  }
  for (const u of unplaced) {
    for (let n = 0; n < u.count; n++) {
      const task = newTask(launch, (parts ??= launchParts(deps, launch)), u.bucket, now, {
        subnets,
        booking: { cpu: req.cpu, memory: req.memory, ports: [] },
        waiting: true,
      });
      col.tasks.insertShared(task.task.taskArn, task);
      tasks.push(task);
      if (launch.answered) created.push(task);
    }
  }
  // Hints after the caller's transaction has finished (a rolled-back hint is harmless).
  const waiting = unplaced.length > 0;
  queueMicrotask(() => {
    for (const t of tasks) {
      if (t.awaitingCapacity) continue;
      // Members set one by one, not spread in (an object per member and task, issue 14).
      const hint: LocalEvents['ecs.task.changed'] = {
        clusterArn: launch.clusterArn,
        taskArn: t.task.taskArn,
      };
      if (t.task.containerInstanceArn) hint.containerInstanceArn = t.task.containerInstanceArn;
      // Launched PENDING: the agent has nothing to do before its next step.
      if (t.task.lastStatus === 'PENDING') hint.dueAt = t.nextTransitionAt;
      deps.bus.emit('ecs.task.changed', hint);
    }
    if (waiting) deps.bus.emit('ecs.cluster.dirty', { clusterArn: launch.clusterArn });
  });
  const wanted = startTask ? (launch.candidateInstanceArns ?? []).length : launch.count;
  return { tasks, created, failures, ...(closest && tasks.length < wanted ? { closest } : {}) };
}

/**
 * `placeRandomly` over the instances with these ids, reading only the ones drawn; null (the caller
 * runs the full pipeline) when random placement gives up, or when an id has no record any more.
 */
function drawByIds(
  col: EcsCollections,
  ids: readonly string[],
  view: (r: ContainerInstanceRecord) => PlacementInstance,
  req: TaskRequirements,
  count: number,
): ReturnType<typeof placeRandomly> {
  let gone = false;
  const drawn = placeRandomly(
    ids.length,
    (k) => {
      const arn = ids[k] ?? '';
      const rec = col.containerInstances.peek(arn);
      if (rec) return view(rec);
      // Not expected (the ids change with every insert or delete): the full pipeline decides.
      gone = true;
      return goneView(arn);
    },
    req,
    count,
  );
  return gone ? null : drawn;
}

/** A view no task fits on (an instance whose record is gone). */
function goneView(arn: string): PlacementInstance {
  return {
    arn,
    status: 'INACTIVE',
    remaining: { cpu: 0, memory: 0, tcp: new Set(), udp: new Set() },
    groups: new Map(),
    agentConnected: false,
    ec2InstanceId: '',
    runningTasksCount: 0,
    attributes: new Map(),
    taskGroups: new Set(),
  };
}

/** What one task of the launch needs, for placement. Throws InvalidParameterException for a bad memberOf expression. */
function requirementsOf(launch: TaskLaunch): TaskRequirements {
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
  return {
    ...resourceRequirements(td, launch.overrides),
    group: launch.group,
    requiredAttributes: (td.requiresAttributes ?? []).flatMap((a) =>
      a.name ? [{ name: a.name, ...(a.value ? { value: a.value } : {}) }] : [],
    ),
    constraints,
    strategies: startTask ? [] : strategiesOf(launch.placementStrategy),
    ...(launch.network
      ? { awsvpcZones: new Set(launch.network.subnets.map((x) => x.availabilityZone)) }
      : {}),
  };
}

/** The launch split by capacity: one bucket per launch type, or per provider of the strategy. */
function bucketsOf(col: EcsCollections, launch: TaskLaunch): Bucket[] {
  const capacity = launch.capacity ?? { launchType: 'EC2' };
  if (!('strategy' in capacity)) {
    return [
      {
        count: launch.count,
        launchType: capacity.launchType,
        waits: false,
        ...(capacity.launchType === 'FARGATE' ? { platformVersion: capacity.platformVersion } : {}),
      },
    ];
  }
  const shares = distributeByStrategy(capacity.strategy, launch.count, launch.existingByProvider);
  return capacity.strategy.flatMap((item): Bucket[] => {
    const count = shares.get(item.capacityProvider) ?? 0;
    if (count === 0) return [];
    if (item.kind !== 'EC2_AUTOSCALING') {
      return [
        {
          count,
          launchType: 'FARGATE' as const,
          capacityProviderName: item.capacityProvider,
          ...(capacity.platformVersion ? { platformVersion: capacity.platformVersion } : {}),
          waits: false,
        },
      ];
    }
    const provider = col.capacityProviders
      .find({ region: launch.region })
      .find((r) => r.capacityProvider.name === item.capacityProvider);
    const scaling = provider?.capacityProvider.autoScalingGroupProvider?.managedScaling?.status === 'ENABLED';
    return [
      { count, launchType: 'EC2' as const, capacityProviderName: item.capacityProvider, waits: scaling },
    ];
  });
}

/** Subnets for new awsvpc tasks: in the instance's zone on EC2, round-robin over the configuration on Fargate. */
function subnetPicker(network: ResolvedNetwork | undefined) {
  let next = Math.floor(Math.random() * (network?.subnets.length ?? 1));
  return (zone?: string): { subnetId: string; availabilityZone: string } | undefined => {
    if (!network || network.subnets.length === 0) return undefined;
    const inZone = zone ? network.subnets.filter((x) => x.availabilityZone === zone) : [];
    const list = inZone.length > 0 ? inZone : network.subnets;
    return list[next++ % list.length];
  };
}

/**
 * Tasks waiting in PROVISIONING for `providerName`'s capacity in a cluster: each placed on the
 * provider's instances if one has room now (oldest first), booked and pointed at its instance.
 * Runs inside the caller's transaction; returns the tasks placed (the caller hints the agent).
 */
export function placeWaitingTasks(deps: LocalDeps, clusterArn: string, providerName: string): TaskRecord[] {
  const col = collectionsOf(deps);
  // A lookup key kept with each task (ecs/counts.ts): O(the waiting tasks), not O(the cluster's).
  const waiting = col.tasks
    .peekByKey(taskKeys.awaitingCapacity(clusterArn, providerName))
    .filter(
      (t) =>
        t.awaitingCapacity && t.task.capacityProviderName === providerName && !t.task.containerInstanceArn,
    )
    .sort((a, b) => (a.task.createdAt ?? 0) - (b.task.createdAt ?? 0));
  if (waiting.length === 0) return [];
  const placedTasks: TaskRecord[] = [];
  const now = deps.clock.now();
  for (const t of waiting) {
    const td = col.taskDefinitions.peek(t.task.taskDefinitionArn ?? '')?.taskDefinition;
    const wait = t.awaitingCapacity;
    if (!td || !wait) continue;
    const launch: TaskLaunch = {
      clusterArn,
      region: t.region,
      taskDefinition: td,
      count: 1,
      group: t.task.group ?? `family:${td.family}`,
      placementConstraints: wait.placementConstraints,
      placementStrategy: wait.placementStrategy,
      overrides: t.task.overrides ?? {},
      ...(t.serviceArn ? { serviceArn: t.serviceArn } : {}),
      ...(wait.network ? { network: wait.network } : {}),
    };
    const req = requirementsOf(launch);
    const pool = col.containerInstances
      .peekMany({ cluster: clusterArn })
      .filter((r) => r.containerInstance.capacityProviderName === providerName);
    if (pool.length === 0) break;
    const groups = groupCounts(col, launch, req);
    const enis = req.awsvpcZones ? eniUse(col, clusterArn) : undefined;
    const result = placeTasks(
      pool.map((r) => placementView(r.containerInstance, groups, req, enis)),
      req,
      1,
      Math.random,
    );
    const p = result.placements[0];
    if (!p) continue;
    const instance = col.containerInstances.peek(p.instanceArn);
    const booking = { cpu: req.cpu, memory: req.memory, ports: p.ports };
    if (!instance || applyTimeRefusal(instance, booking)) continue;
    const ci = instance.containerInstance;
    const az = ci.attributes?.find((a) => a.name === 'ecs.availability-zone')?.value;
    const subnet = subnetPicker(wait.network)(az);
    const { awaitingCapacity: _, ...rest } = t;
    const next: TaskRecord = {
      ...rest,
      task: {
        ...t.task,
        containerInstanceArn: ci.containerInstanceArn,
        ...(az ? { availabilityZone: az } : {}),
        ...(subnet ? { attachments: [eniAttachment(t.eni?.attachmentId ?? uuid(), subnet.subnetId)] } : {}),
      },
      ports: p.ports,
      reservedCpu: req.cpu,
      reservedMemory: req.memory,
      nextTransitionAt: now,
      ...(subnet && t.eni ? { eni: { ...t.eni, subnetId: subnet.subnetId } } : {}),
    };
    col.tasks.put(next.task.taskArn, next);
    col.containerInstances.putShared(p.instanceArn, {
      ...instance,
      containerInstance: bookResources(ci, booking),
    });
    placedTasks.push(next);
  }
  return placedTasks;
}

/** Per instance: network interfaces held by its not-stopped awsvpc tasks. */
function eniUse(col: EcsCollections, clusterArn: string): Map<string, number> {
  // Counters kept with each task (ecs/counts.ts `countKeys.eni`): O(instances), never O(tasks).
  const prefix = countKeys.eniPrefix(clusterArn);
  const use = new Map<string, number>();
  for (const [key, n] of col.tasks.countedWithPrefix(prefix))
    use.set(countKeys.eniInstance(clusterArn, key.slice(prefix.length)), n);
  return use;
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
  const cap = capacityOf(current.containerInstance);
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

/**
 * Per instance: task group -> count of its tasks not STOPPED and desired RUNNING; read only as far
 * as the request needs, from the counters kept with each task (ecs/counts.ts `countKeys.group`):
 * O(instances holding the group), never O(tasks) (issue 14).
 */
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
  const clusterPrefix = countKeys.groupPrefix(launch.clusterArn);
  const prefix = needsAll ? clusterPrefix : countKeys.groupPrefix(launch.clusterArn, launch.group);
  for (const [key, n] of col.tasks.countedWithPrefix(prefix)) {
    // The instance, last, holds no `|`, so the last one ends the group (counts.ts `groupKeyParts`).
    const { group, instanceArn: instance } = countKeys.groupKeyParts(
      launch.clusterArn,
      key.slice(clusterPrefix.length),
    );
    // A group may hold `|` (RunTask's group is only length-checked): `a|b` also starts with `a|`.
    if (!needsAll && group !== launch.group) continue;
    let m = counts.get(instance);
    if (!m) counts.set(instance, (m = new Map()));
    m.set(group, n);
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
 * never mutates a view (it copies what it changes). One entry per instance ARN, for the version it
 * was made of (as resources.ts keeps capacities): a WeakMap entry per version booked cost the
 * scavenger more than the view (issue 14, every task placed books a version).
 */
const instanceViews = new Map<string, { doc: WireContainerInstance; view: InstanceView }>();
/** Instances whose views are kept at once (all dropped past that: they are made again). */
const MAX_INSTANCE_VIEWS = 100_000;

function viewOf(ci: WireContainerInstance): InstanceView | undefined {
  const known = instanceViews.get(ci.containerInstanceArn);
  return known?.doc === ci ? known.view : undefined;
}

function keepView(ci: WireContainerInstance, view: InstanceView): void {
  if (instanceViews.size >= MAX_INSTANCE_VIEWS && !instanceViews.has(ci.containerInstanceArn))
    instanceViews.clear();
  instanceViews.set(ci.containerInstanceArn, { doc: ci, view });
}

/**
 * An instance's attributes as a map, and whether its agent reports capabilities, per attributes
 * list: a booking writes the instance again with the same (frozen, shared) list, so this is made
 * once per instance rather than once per booking.
 */
const attributeViews = new WeakMap<
  NonNullable<WireContainerInstance['attributes']>,
  { attributes: Map<string, string>; reportsCapabilities: boolean }
>();

function attributeView(ci: WireContainerInstance): {
  attributes: Map<string, string>;
  reportsCapabilities: boolean;
} {
  const list = ci.attributes;
  const known = list ? attributeViews.get(list) : undefined;
  if (known) return known;
  const attributes = new Map<string, string>();
  for (const a of list ?? []) if (a.name) attributes.set(a.name, a.value ?? '');
  const view = {
    attributes,
    reportsCapabilities: [...attributes.keys()].some((k) => CAPABILITY_PREFIXES.some((p) => k.startsWith(p))),
  };
  if (list && Object.isFrozen(list)) attributeViews.set(list, view);
  return view;
}

/**
 * The view of a booked version of an instance, from the previous version's: a booking changes its
 * remaining capacity and nothing else the view holds. `next` is frozen when stored, later in the
 * same call (putShared); the next placement that draws the instance finds its view ready.
 */
function carryView(prev: WireContainerInstance, next: WireContainerInstance): void {
  const view = viewOf(prev);
  if (view) keepView(next, { ...view, bare: { ...view.bare, remaining: capacityOf(next) } });
}

function instanceView(ci: WireContainerInstance): InstanceView {
  const cached = viewOf(ci);
  if (cached) return cached;
  const { attributes, reportsCapabilities } = attributeView(ci);
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
    reportsCapabilities,
  };
  if (Object.isFrozen(ci)) keepView(ci, view);
  return view;
}

function placementView(
  ci: WireContainerInstance,
  groups: Map<string, Map<string, number>>,
  req: Pick<TaskRequirements, 'requiredAttributes'>,
  enis?: Map<string, number>,
): PlacementInstance {
  const view = placementViewWithoutEnis(ci, groups, req);
  if (!enis) return view;
  // awsvpc: the type's interfaces, less the instance's own, less those its awsvpc tasks hold.
  const limit = maxNetworkInterfaces(view.attributes.get('ecs.instance-type') ?? '');
  if (limit === undefined) return view;
  return { ...view, freeEnis: limit - 1 - (enis.get(ci.containerInstanceArn) ?? 0) };
}

function placementViewWithoutEnis(
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
  return {
    ...instance,
    remaining,
    groups,
    taskGroups: new Set([...instance.taskGroups, req.group]),
    ...(instance.freeEnis !== undefined && req.awsvpcZones
      ? { freeEnis: instance.freeEnis - mine.length }
      : {}),
  };
}

/** A task's network interface attachment as ECS shows it before the interface exists. */
function eniAttachment(id: string, subnetId: string): Wire<ecs.Attachment> {
  return {
    id,
    type: 'ElasticNetworkInterface',
    status: 'PRECREATED',
    details: [{ name: 'subnetId', value: subnetId }],
  };
}

interface NewTaskPlace {
  /** The instance it is placed on (EC2); none on Fargate or while it waits for capacity. */
  instance?: ContainerInstanceRecord;
  booking: Booking;
  subnets: ReturnType<typeof subnetPicker>;
  /** It waits in PROVISIONING for its capacity provider to have room. */
  waiting?: boolean;
}

type WireTask = TaskRecord['task'];
type WireContainer = NonNullable<WireTask['containers']>[number];

/** An empty list every new task may share (frozen: stored tasks are frozen, see Collection.insertShared). */
const NO_ITEMS = Object.freeze([]) as unknown as never[];
/** The attributes of every task made here, shared (frozen). */
const TASK_ATTRIBUTES: WireTask['attributes'] = Object.freeze([
  Object.freeze({ name: 'ecs.cpu-architecture', value: 'x86_64' }),
]) as unknown as WireTask['attributes'];

/**
 * What every task of one launch has in common, made once per launch, not once per task (issue 14):
 * the ARN prefixes, the overrides member, each container's fixed members. Members a task shares with
 * the others are frozen as the first task's record is stored (Collection.insertShared); none is
 * changed in place afterwards (each version copies what it changes).
 */
interface LaunchParts {
  /** `arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/`. */
  taskArnPrefix: string;
  /** `arn:aws:ecs:REGION:ACCOUNT:container/CLUSTER/`. */
  containerArnPrefix: string;
  overrides: WireTask['overrides'];
  containers: { name?: string; image?: string; cpu: string; memory?: string; memoryReservation?: string }[];
  tags: NonNullable<WireTask['tags']>;
  /** The launch's texts per bucket (`launchText`), made when its first task is placed. */
  texts: Map<Bucket, LaunchText | null>;
}

function launchParts(deps: LocalDeps, launch: TaskLaunch): LaunchParts {
  const td = launch.taskDefinition;
  const clusterName = clusterNameOf(launch.clusterArn);
  const accountId = launch.clusterArn.split(':')[4] ?? deps.config.accountId;
  const overrides = launch.overrides ?? {};
  const taskOverrides: WireTask['overrides'] = {
    containerOverrides: overrides.containerOverrides ?? NO_ITEMS,
    inferenceAcceleratorOverrides: overrides.inferenceAcceleratorOverrides ?? NO_ITEMS,
  };
  if (overrides.cpu) taskOverrides.cpu = overrides.cpu;
  if (overrides.memory) taskOverrides.memory = overrides.memory;
  if (overrides.taskRoleArn) taskOverrides.taskRoleArn = overrides.taskRoleArn;
  if (overrides.executionRoleArn) taskOverrides.executionRoleArn = overrides.executionRoleArn;
  return {
    taskArnPrefix: `arn:aws:ecs:${launch.region}:${accountId}:task/${clusterName}/`,
    containerArnPrefix: `arn:aws:ecs:${launch.region}:${accountId}:container/${clusterName}/`,
    overrides: taskOverrides,
    containers: td.containerDefinitions.map((c) => {
      const o = overrides.containerOverrides?.find((x) => x.name === c.name);
      const memory = o?.memory ?? c.memory;
      const memoryReservation = o?.memoryReservation ?? c.memoryReservation;
      return {
        name: c.name,
        image: c.image,
        cpu: String(o?.cpu ?? c.cpu ?? 0),
        ...(memory !== undefined ? { memory: String(memory) } : {}),
        ...(memoryReservation !== undefined ? { memoryReservation: String(memoryReservation) } : {}),
      };
    }),
    tags: launch.tags ?? NO_ITEMS,
    texts: new Map(),
  };
}

/** A member's text as `JSON.stringify` writes it within an object: `,"name":VALUE`, or '' when undefined. */
function member(name: string, value: unknown): string {
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? '' : `,"${name}":${text}`;
}

/** A number as `JSON.stringify` writes it. */
const numberText = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/**
 * The JSON of a launch's placed tasks, as created (RunTask's answer) and as stored a step on
 * (PENDING: launch-step.ts), in pieces made once per launch and bucket: each task's text is the
 * pieces joined around its own members (its ARN, its instance's ARN and zone, its containers' ARNs,
 * its ports), not a `JSON.stringify` of the task and of its record (issue 14: ~2.5 and ~3.7 us a
 * task placed, against well under 1 us). Each piece is the text `JSON.stringify` writes for the same
 * values `newTask` and the PENDING step put in the record, member by member in the same order
 * (`launch-text.test.ts` compares them for generated launches).
 */
interface LaunchText {
  /** `,"clusterArn":...,"taskDefinitionArn":...`. */
  afterArn: string;
  /** From `,"overrides"` to the containers' opening bracket, for each status. */
  headCreated: string;
  headPending: string;
  /** Each container's members after its `taskArn`, to its closing brace. */
  containerTails: string[];
  /** From the containers' closing bracket to `attributes`, for each version. */
  midCreated: string;
  midPending: string;
  /** `enableExecuteCommand` and what follows it before the tags. */
  beforeTags: string;
  /** `,"tags":TAGS}`; with the PENDING step's members before them. */
  tagsCreated: string;
  tagsPending: string;
  /** The record's members after the task: up to its ports, and after them. */
  recordHead: string;
  recordTail: string;
}

/**
 * The launch's texts for tasks of `bucket` (made once per launch and bucket), or null for a launch
 * whose tasks are written by `JSON.stringify` (Fargate, a network interface, waiting for capacity).
 */
function launchText(
  parts: LaunchParts,
  launch: TaskLaunch,
  bucket: Bucket,
  booking: Booking,
  nowMs: number,
  stepMs: number,
): LaunchText | null {
  let text = parts.texts.get(bucket);
  if (text === undefined) {
    text =
      bucket.launchType === 'EC2' && !launch.network
        ? makeLaunchText(parts, launch, bucket, booking, nowMs, stepMs)
        : null;
    parts.texts.set(bucket, text);
  }
  return text;
}

function makeLaunchText(
  parts: LaunchParts,
  launch: TaskLaunch,
  bucket: Bucket,
  booking: Booking,
  nowMs: number,
  stepMs: number,
): LaunchText {
  const td = launch.taskDefinition;
  const now = numberText(epochSeconds(nowMs));
  const head = (status: string) =>
    `${member('overrides', parts.overrides)},"lastStatus":"${status}","desiredStatus":"RUNNING"` +
    `${member('cpu', String(booking.cpu))}${member('memory', String(booking.memory))},"containers":[`;
  const mid = (version: number) =>
    `]${launch.startedBy ? member('startedBy', launch.startedBy) : ''},"version":${version},"createdAt":${now}` +
    `${member('group', launch.group)}${member('launchType', bucket.launchType)}` +
    `${bucket.capacityProviderName ? member('capacityProviderName', bucket.capacityProviderName) : ''}` +
    `,"attachments":[]${member('attributes', TASK_ATTRIBUTES)}`;
  const tags = `${member('tags', parts.tags)}}`;
  return {
    afterArn: `${member('clusterArn', launch.clusterArn)}${member('taskDefinitionArn', td.taskDefinitionArn)}`,
    headCreated: head('PROVISIONING'),
    headPending: head('PENDING'),
    containerTails: parts.containers.map(
      (c) =>
        `${member('name', c.name)}${member('image', c.image)},"lastStatus":"PENDING","networkBindings":[],` +
        `"networkInterfaces":[]${member('cpu', c.cpu)}${member('memory', c.memory)}` +
        `${member('memoryReservation', c.memoryReservation)}}`,
    ),
    midCreated: mid(1),
    midPending: mid(2),
    beforeTags:
      member('enableExecuteCommand', launch.enableExecuteCommand ?? false) +
      (td.ephemeralStorage ? member('ephemeralStorage', td.ephemeralStorage) : ''),
    tagsCreated: tags,
    tagsPending: `,"pullStartedAt":${now},"connectivity":"CONNECTED","connectivityAt":${now}${tags}`,
    recordHead:
      `${member('region', launch.region)}${launch.serviceArn ? member('serviceArn', launch.serviceArn) : ''}` +
      `${launch.deploymentId ? member('deploymentId', launch.deploymentId) : ''},"ports":`,
    recordTail:
      `${member('reservedCpu', booking.cpu)}${member('reservedMemory', booking.memory)}` +
      `,"nextTransitionAt":${numberText(nowMs + stepMs)},"history":[{"status":"PROVISIONING","at":${now}},` +
      `{"status":"PENDING","at":${now}}]}`,
  };
}

/**
 * The texts of a task its launch made (`newTask`, PROVISIONING) and is about to take a step on
 * (PENDING, `launchedPending`): `JSON.stringify` of the task as created (RunTask's answer) and of
 * its record as stored. The step changes none of the task's own members (its ARN, its instance's,
 * its containers, its zone), so both texts are made from the same pieces, before the step.
 */
function taskTexts(text: LaunchText, r: TaskRecord): { created: string; stored: string } {
  const t = r.task;
  const arn = JSON.stringify(t.taskArn);
  const start = `{"taskArn":${arn}${text.afterArn}${member('containerInstanceArn', t.containerInstanceArn)}`;
  let containers = '';
  const list = t.containers ?? NO_ITEMS;
  for (let i = 0; i < list.length; i++) {
    const c = list[i] as WireContainer;
    containers += `${i > 0 ? ',' : ''}{"containerArn":${JSON.stringify(c.containerArn)},"taskArn":${arn}${text.containerTails[i]}`;
  }
  const end = `${t.availabilityZone ? member('availabilityZone', t.availabilityZone) : ''}${text.beforeTags}`;
  const ports = r.ports.length === 0 ? '[]' : JSON.stringify(r.ports);
  return {
    created: `${start}${text.headCreated}${containers}${text.midCreated}${end}${text.tagsCreated}`,
    stored:
      `{"task":${start}${text.headPending}${containers}${text.midPending}${end}${text.tagsPending}` +
      `${text.recordHead}${ports}${text.recordTail}`,
  };
}

/** The zone an instance's attributes name, per (frozen, shared by its versions) attributes list. */
const zones = new WeakMap<object, { zone: string | undefined }>();

function zoneOf(ci: WireContainerInstance | undefined): string | undefined {
  const list = ci?.attributes;
  if (!list) return undefined;
  const known = zones.get(list);
  if (known) return known.zone;
  const zone = list.find((a) => a.name === 'ecs.availability-zone')?.value;
  if (Object.isFrozen(list)) zones.set(list, { zone });
  return zone;
}

/**
 * A new task as created (PROVISIONING, version 1). Members are assigned in the order ECS's answer
 * and the stored text have always had them, optional ones only when present (no object spread per
 * optional member: issue 14, every task placed).
 */
function newTask(
  launch: TaskLaunch,
  parts: LaunchParts,
  bucket: Bucket,
  nowMs: number,
  place: NewTaskPlace,
): TaskRecord {
  const td = launch.taskDefinition;
  const id = hexId();
  const taskArn = parts.taskArnPrefix + id;
  const now = epochSeconds(nowMs);
  const ci = place.instance?.containerInstance;
  const fargate = bucket.launchType === 'FARGATE';
  const instanceZone = zoneOf(ci);
  const subnet = place.waiting ? undefined : place.subnets(instanceZone);
  const az = instanceZone ?? (fargate ? subnet?.availabilityZone : undefined);
  const network = launch.network;
  const eni: TaskEni | undefined = network
    ? {
        attachmentId: uuid(),
        subnetId: subnet?.subnetId ?? '',
        securityGroups: network.securityGroups,
        assignPublicIp: network.assignPublicIp,
        clientToken: uuid(),
      }
    : undefined;
  const containers: WireContainer[] = [];
  for (const c of parts.containers) {
    const container: WireContainer = {
      containerArn: `${parts.containerArnPrefix}${id}/${uuid()}`,
      taskArn,
      name: c.name,
      image: c.image,
      lastStatus: 'PENDING',
      networkBindings: NO_ITEMS,
      networkInterfaces: NO_ITEMS,
      cpu: c.cpu,
    };
    if (c.memory !== undefined) container.memory = c.memory;
    if (c.memoryReservation !== undefined) container.memoryReservation = c.memoryReservation;
    containers.push(container);
  }
  const booking = place.booking;
  const task = {
    taskArn,
    clusterArn: launch.clusterArn,
    taskDefinitionArn: td.taskDefinitionArn,
  } as WireTask;
  if (ci) task.containerInstanceArn = ci.containerInstanceArn;
  task.overrides = parts.overrides;
  task.lastStatus = 'PROVISIONING';
  task.desiredStatus = 'RUNNING';
  task.cpu = String(booking.cpu);
  task.memory = String(booking.memory);
  task.containers = containers;
  if (launch.startedBy) task.startedBy = launch.startedBy;
  task.version = 1;
  task.createdAt = now;
  task.group = launch.group;
  task.launchType = bucket.launchType;
  if (bucket.capacityProviderName) task.capacityProviderName = bucket.capacityProviderName;
  if (fargate) {
    task.platformVersion = bucket.platformVersion ?? '1.4.0';
    task.platformFamily = 'Linux';
  }
  task.attachments = eni && subnet ? [eniAttachment(eni.attachmentId, subnet.subnetId)] : NO_ITEMS;
  task.attributes = TASK_ATTRIBUTES;
  if (az) task.availabilityZone = az;
  task.enableExecuteCommand = launch.enableExecuteCommand ?? false;
  if (fargate) {
    task.ephemeralStorage = td.ephemeralStorage ?? { sizeInGiB: 20 };
    task.fargateEphemeralStorage = { sizeInGiB: td.ephemeralStorage?.sizeInGiB ?? 20 };
  } else if (td.ephemeralStorage) task.ephemeralStorage = td.ephemeralStorage;
  // Last, as stored (task-json.ts): the store writes the task with one JSON.stringify.
  task.tags = parts.tags;
  const record: TaskRecord = { task, region: launch.region } as TaskRecord;
  if (launch.serviceArn) record.serviceArn = launch.serviceArn;
  if (launch.deploymentId) record.deploymentId = launch.deploymentId;
  record.ports = booking.ports;
  record.reservedCpu = place.instance ? booking.cpu : 0;
  record.reservedMemory = place.instance ? booking.memory : 0;
  if (!place.waiting) record.nextTransitionAt = nowMs;
  record.history = [{ status: 'PROVISIONING', at: now }];
  if (eni) record.eni = eni;
  if (place.waiting) {
    record.awaitingCapacity = {
      placementConstraints: launch.placementConstraints ?? [],
      placementStrategy: launch.placementStrategy ?? [],
      ...(network ? { network } : {}),
    };
  }
  return record;
}
