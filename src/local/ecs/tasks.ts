/**
 * RunTask, StartTask, StopTask, DescribeTasks, ListTasks. This file validates and records intent;
 * placement and booking are the scheduler's (scheduler/launch.ts launchTasks), the lifecycle the
 * agent's: StopTask only sets desiredStatus.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { launchTasks, type TaskLaunch } from '../scheduler/launch';
import {
  activeCluster,
  anyCluster,
  batch,
  encodeToken,
  decodeToken,
  errors,
  findInstance,
  peekInstance,
  findTask,
  taskArnIn,
  peekTaskDefinition,
  serviceArnOf,
  validateTags,
  maxResultsOf,
  NAME_RE,
  type Failure,
  type Scope,
} from './common';
import { JsonBytes, keepJson } from '../protocol/json-body';
import { stoppedTaskBytes, storedTaskCut, taskJsonOf, untaggedTaskBytes } from './task-json';
import type { Collection } from '../store/collection';
import { applyTransition, asOf, quietStop, stopsQuietly } from '../agent/lifecycle';
import { parseFilter } from './instances';
import { copyMembers } from '../common/copy-members';
import { taskKeys, type ListFilter } from './counts';
import {
  awsvpcConfiguration,
  checkFargateOverrides,
  launchCapacity,
  resolveNetwork,
  runsOnFargate,
} from './launch-capacity';
import type {
  LaunchCapacity,
  ResolvedNetwork,
  TaskDefinitionRecord,
  TaskRecord,
  Wire,
  WireTask,
  WireTaskDefinition,
} from './model';

const STARTED_BY_RE = /^[A-Za-z0-9_/-]{1,128}$/;
const MAX_GROUP_LENGTH = 255;

/** Placement constraints and strategies as RunTask/CreateService/UpdateService accept them. */
export function validatePlacement(
  constraints: Wire<ecs.PlacementConstraint>[] | undefined,
  strategies: Wire<ecs.PlacementStrategy>[] | undefined,
): void {
  if ((constraints ?? []).length > 10)
    throw errors.invalid('The number of placement constraints exceeds the limit of 10.');
  for (const c of constraints ?? []) {
    if (c.type === undefined) throw errors.invalid('A placement constraint must have a type.');
    if (c.type === 'distinctInstance' && c.expression !== undefined) {
      throw errors.invalid('distinctInstance placement constraints cannot have an expression.');
    }
    if (c.type === 'memberOf') {
      if (c.expression === undefined || c.expression === '') {
        throw errors.invalid('memberOf placement constraints require an expression.');
      }
      parseFilter(c.expression);
    }
  }
  if ((strategies ?? []).length > 5)
    throw errors.invalid('The number of placement strategies exceeds the limit of 5.');
  for (const st of strategies ?? []) {
    if (st.type === undefined) throw errors.invalid('A placement strategy must have a type.');
    if (st.type === 'random' && st.field !== undefined)
      throw errors.invalid('The random placement strategy takes no field.');
    if (st.type === 'binpack' && st.field !== 'cpu' && st.field !== 'memory') {
      throw errors.invalid('Invalid field for the binpack placement strategy: use cpu or memory.');
    }
    if (st.type === 'spread') {
      const field = st.field ?? '';
      if (field !== 'instanceId' && field !== 'host' && !/^attribute:[A-Za-z0-9_./-]{1,128}$/.test(field)) {
        throw errors.invalid(
          'Invalid field for the spread placement strategy: use instanceId, host or attribute:NAME.',
        );
      }
    }
  }
}

/**
 * The launch type a task set asks for (task-sets.ts): task sets run on EC2 capacity only here
 * (RunTask and services resolve FARGATE and strategies in launch-capacity.ts).
 */
export function validateLaunchType(
  launchType: string | undefined,
  capacityProviderStrategy: unknown[] | undefined,
  td: WireTaskDefinition,
): 'EC2' {
  if ((capacityProviderStrategy ?? []).length > 0) {
    throw errors.invalid('Capacity provider strategies are not supported here; use launchType EC2.');
  }
  const type = launchType ?? 'EC2';
  if (type !== 'EC2') {
    throw errors.invalid(`Launch type ${type} is not supported by the local control plane; use EC2.`);
  }
  const requires = td.requiresCompatibilities ?? [];
  if (requires.length > 0 && !requires.includes('EC2') && !requires.includes('EXTERNAL')) {
    throw errors.invalid('Task definition does not support launch_type EC2.');
  }
  return 'EC2';
}

/** awsvpc needs a network configuration; other modes refuse one. */
export function validateNetworkConfiguration(
  td: WireTaskDefinition,
  config: Wire<ecs.NetworkConfiguration> | undefined,
): void {
  const awsvpc = td.networkMode === 'awsvpc';
  if (awsvpc && !config?.awsvpcConfiguration) {
    throw errors.invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  if (!awsvpc && config?.awsvpcConfiguration) {
    throw errors.invalid(
      'Network Configuration is not valid for the given networkMode of this task definition.',
    );
  }
  const vpc = config?.awsvpcConfiguration;
  if (vpc) {
    const subnets = vpc.subnets ?? [];
    if (subnets.length === 0 || subnets.length > 16) throw errors.invalid('subnets can have 1 to 16 items.');
    if ((vpc.securityGroups ?? []).length > 5)
      throw errors.invalid('securityGroups can have at most 5 items.');
  }
}

function validateOverrides(td: WireTaskDefinition, overrides: Wire<ecs.TaskOverride> | undefined): void {
  for (const o of overrides?.containerOverrides ?? []) {
    if (o.name === undefined || !td.containerDefinitions.some((c) => c.name === o.name)) {
      throw errors.invalid(
        `Override for container named ${(o.name ?? '').slice(0, 255)} is not a container in the TaskDefinition.`,
      );
    }
    if (o.cpu !== undefined && (o.cpu < 0 || o.cpu > 10240)) throw errors.invalid('Invalid cpu override.');
    if (o.memory !== undefined && o.memory < 6) throw errors.invalid('Invalid memory override.');
    if (o.memoryReservation !== undefined && o.memoryReservation < 6) {
      throw errors.invalid('Invalid memoryReservation override.');
    }
    const def = td.containerDefinitions.find((c) => c.name === o.name);
    const memory = o.memory ?? def?.memory;
    const reservation = o.memoryReservation ?? def?.memoryReservation;
    if (memory !== undefined && reservation !== undefined && memory <= reservation) {
      throw errors.invalid(
        `Invalid memory override for container ${o.name}: memory must be greater than memoryReservation.`,
      );
    }
  }
  if (overrides?.cpu !== undefined && !/^[0-9]{1,6}$/.test(overrides.cpu))
    throw errors.invalid('Invalid cpu override.');
  if (overrides?.memory !== undefined && !/^[0-9]{1,7}$/.test(overrides.memory)) {
    throw errors.invalid('Invalid memory override.');
  }
}

/** A task definition that RunTask/StartTask may use: a family's latest ACTIVE revision or an exact revision. */
function runnableTaskDefinition(s: Scope, ref: string | undefined): Readonly<TaskDefinitionRecord> {
  const rec = peekTaskDefinition(s, ref ?? '');
  if (!rec || rec.taskDefinition.status === 'DELETE_IN_PROGRESS')
    throw errors.invalid('TaskDefinition not found.');
  return rec;
}

function validateStartedByAndGroup(startedBy: string | undefined, group: string | undefined): void {
  if (startedBy !== undefined && !STARTED_BY_RE.test(startedBy)) {
    throw errors.invalid(
      'startedBy can have up to 128 letters (uppercase and lowercase), numbers, hyphens, forward slashes and underscores.',
    );
  }
  if (group !== undefined && (group.length === 0 || group.length > MAX_GROUP_LENGTH)) {
    throw errors.invalid(`group must be 1 to ${MAX_GROUP_LENGTH} characters.`);
  }
}

/** The task without its tags, per frozen record (a store write makes a new record). */
const untagged = new WeakMap<TaskRecord, WireTask>();

/**
 * The task as DescribeTasks shows it. From a frozen record (Collection.peek, putShared) the answer
 * is frozen too and its JSON is kept for the response (json-body.ts): a task described again before
 * its next write is not serialised again.
 */
function wireTask(t: TaskRecord, withTags: boolean, tasks?: Collection<TaskRecord>): WireTask {
  if (!Object.isFrozen(t)) {
    if (withTags) return t.task;
    const { tags: _tags, ...rest } = t.task;
    return rest;
  }
  if (withTags) return keepJson(t.task);
  let rest = untagged.get(t);
  if (rest === undefined) {
    const { tags: _tags, ...fields } = t.task;
    // The text the store write made of this record (task-json.ts), when it made it.
    const bytes = untaggedTaskBytes(t, tasks?.writtenText(t.task.taskArn, t));
    rest = keepJson(Object.freeze(fields), bytes);
    untagged.set(t, rest);
  }
  return rest;
}

export function runTask(s: Scope, input: Wire<ecs.RunTaskRequest>) {
  const count = input.count ?? 1;
  if (count < 1 || count > 10) throw errors.invalid('The count parameter must be between 1 and 10.');
  validateStartedByAndGroup(input.startedBy, input.group);
  validatePlacement(input.placementConstraints, input.placementStrategy);
  const tags = validateTags(input.tags);
  // What EC2 must confirm (subnets, groups) is asked before the transaction, with what it says now.
  const first = activeCluster(s, input.cluster);
  const firstTd = runnableTaskDefinition(s, input.taskDefinition).taskDefinition;
  const firstCapacity = launchCapacity(s, first.cluster, input, firstTd);
  // Without an awsvpc configuration nothing is asked of EC2: placed at once, with no promise and
  // no turn of the event loop in between (issue 14).
  if (awsvpcConfiguration(firstTd, input.networkConfiguration) === undefined)
    return launchRun(s, input, firstTd, tags, undefined);
  return resolveNetwork(s, firstTd, input.networkConfiguration, firstCapacity).then((network) =>
    launchRun(s, input, firstTd, tags, network),
  );
}

/** RunTask's transaction: checks the cluster and definition again, then places and writes the tasks. */
function launchRun(
  s: Scope,
  input: Wire<ecs.RunTaskRequest>,
  firstTd: WireTaskDefinition,
  tags: ReturnType<typeof validateTags>,
  network: ResolvedNetwork | undefined,
) {
  return s.deps.db.tx(() => {
    const cluster = activeCluster(s, input.cluster);
    const td = runnableTaskDefinition(s, firstTd.taskDefinitionArn).taskDefinition;
    const capacity = launchCapacity(s, cluster.cluster, input, td);
    validateOverrides(td, input.overrides);
    if (runsOnFargate(capacity)) checkFargateOverrides(td, input.overrides);
    const launch: TaskLaunch = {
      clusterArn: cluster.cluster.clusterArn,
      region: s.region,
      taskDefinition: td,
      count: input.count ?? 1,
      group: input.group ?? `family:${td.family}`,
      capacity,
      answered: true,
      ...(network ? { network } : {}),
      tags,
      ...(input.startedBy !== undefined ? { startedBy: input.startedBy } : {}),
      ...(input.placementConstraints ? { placementConstraints: input.placementConstraints } : {}),
      ...(input.placementStrategy ? { placementStrategy: input.placementStrategy } : {}),
      ...(input.overrides ? { overrides: input.overrides } : {}),
      ...(input.enableExecuteCommand !== undefined
        ? { enableExecuteCommand: input.enableExecuteCommand }
        : {}),
    };
    const { created, failures } = launchTasks(s.deps, launch);
    return { tasks: launchedTasks(created, s.col.tasks), failures };
  });
}

const NO_TAGS = Buffer.from(',"tags":[]}');

/**
 * The tasks RunTask answers (`launchedTask`): when their launch gave the text of each (the usual
 * case), the list as one piece of bytes (one encoding, not one a task).
 */
function launchedTasks(created: (TaskRecord | string)[], tasks: Collection<TaskRecord>): WireTask[] {
  if (created.every((t) => typeof t === 'string'))
    return new JsonBytes(Buffer.from(`[${created.join(',')}]`)) as unknown as WireTask[];
  return created.map((t) => launchedTask(t, tasks));
}

/**
 * A task as RunTask answers it, tags included. A task its launch stored a step on (PENDING:
 * launch-step.ts) is answered as created, which no store write made the text of: the launch gives
 * that text itself (scheduler/launch.ts `LaunchResult.created`). A task stored as
 * created: the text the store write made of its record (task-json.ts, the task without its tags)
 * with the tags after the other members, not serialised again (json-body.ts `JsonBytes`); the task
 * itself when the write made no such text.
 */
function launchedTask(t: TaskRecord | string, tasks: Collection<TaskRecord>): WireTask {
  if (typeof t === 'string') return new JsonBytes(Buffer.from(t)) as unknown as WireTask;
  const head = untaggedTaskBytes(t, tasks.writtenText(t.task.taskArn, t))?.[0];
  const tags = t.task.tags;
  if (head === undefined || head.length <= 1 || !Array.isArray(tags)) return t.task;
  const tail = tags.length === 0 ? NO_TAGS : Buffer.from(`,"tags":${JSON.stringify(tags)}}`);
  return new JsonBytes([head, tail]) as unknown as WireTask;
}

export async function startTask(s: Scope, input: Wire<ecs.StartTaskRequest>) {
  const refs = batch(input.containerInstances, 'containerInstances', 10);
  validateStartedByAndGroup(input.startedBy, input.group);
  const tags = validateTags(input.tags);
  const first = activeCluster(s, input.cluster);
  const firstTd = runnableTaskDefinition(s, input.taskDefinition).taskDefinition;
  const ec2: LaunchCapacity = { launchType: 'EC2' };
  launchCapacity(s, first.cluster, { launchType: 'EC2' }, firstTd);
  const network = await resolveNetwork(s, firstTd, input.networkConfiguration, ec2);
  return s.deps.db.tx(() => {
    const cluster = activeCluster(s, input.cluster);
    const td = runnableTaskDefinition(s, firstTd.taskDefinitionArn).taskDefinition;
    validateOverrides(td, input.overrides);
    const failures: Failure[] = [];
    const candidates: string[] = [];
    for (const ref of refs) {
      const rec = findInstance(s, cluster, ref);
      if (rec) candidates.push(rec.containerInstance.containerInstanceArn);
      else failures.push({ arn: ref, reason: 'MISSING' });
    }
    if (candidates.length === 0) return { tasks: [], failures };
    const result = launchTasks(s.deps, {
      clusterArn: cluster.cluster.clusterArn,
      region: s.region,
      taskDefinition: td,
      count: candidates.length,
      candidateInstanceArns: candidates,
      group: input.group ?? `family:${td.family}`,
      capacity: ec2,
      answered: true,
      ...(network ? { network } : {}),
      tags,
      ...(input.startedBy !== undefined ? { startedBy: input.startedBy } : {}),
      ...(input.overrides ? { overrides: input.overrides } : {}),
      ...(input.enableExecuteCommand !== undefined
        ? { enableExecuteCommand: input.enableExecuteCommand }
        : {}),
    });
    return { tasks: launchedTasks(result.created, s.col.tasks), failures: [...failures, ...result.failures] };
  });
}

export function stopTask(s: Scope, input: Wire<ecs.StopTaskRequest>) {
  if (input.reason !== undefined && input.reason.length > 1024) {
    throw errors.invalid('reason can have at most 1024 characters.');
  }
  const { record, changed, dueAt, before, beforeText } = s.deps.db.tx(() => {
    const cluster = activeCluster(s, input.cluster);
    const found = findTask(s, cluster, input.task ?? '');
    if (!found) throw errors.invalid('The referenced task was not found.');
    // The task as shown now (its unwritten steps that are due applied: lifecycle.ts asOf).
    const rec = asOf(found, s.deps.clock.now());
    if (rec.task.desiredStatus === 'STOPPED')
      return { record: rec, changed: false, dueAt: undefined, before: undefined, beforeText: undefined };
    const stopped = withMembers(rec, {
      task: {
        ...rec.task,
        desiredStatus: 'STOPPED',
        stopCode: 'UserInitiated',
        stoppedReason: input.reason ?? 'Task stopped by user',
        stoppingAt: s.now,
        version: (rec.task.version ?? 1) + 1,
      },
      // The agent takes the first stopping step at its next look, as for a service's stops: no
      // write of its own just to set the due time (issue 14).
      nextTransitionAt: s.deps.clock.now(),
    });
    const quiet = quietStopFrom(s, stopped);
    // A quiet stop stores another record: the answer's text is made from the one before
    // (stoppedTaskJson), from the text its write stored, read before this write replaces it.
    const written = quiet ? s.col.tasks.writtenText(rec.task.taskArn, rec) : undefined;
    s.col.tasks.putShared(stopped.task.taskArn, quiet ?? stopped);
    return {
      record: stopped,
      changed: true,
      dueAt: quiet?.nextTransitionAt,
      before: quiet ? rec : undefined,
      beforeText: written,
    };
  });
  if (changed) {
    const t = record.task;
    s.deps.bus.emit('ecs.task.changed', {
      clusterArn: t.clusterArn,
      taskArn: t.taskArn,
      ...(t.containerInstanceArn ? { containerInstanceArn: t.containerInstanceArn } : {}),
      // A quiet stop's next write is its STOPPED step: the agent has nothing to do before (issue 14).
      ...(dueAt !== undefined ? { dueAt } : {}),
    });
    if (record.serviceArn)
      s.deps.bus.emit('ecs.service.dirty', { clusterArn: t.clusterArn, serviceArn: record.serviceArn });
  }
  const json = before === undefined ? undefined : stoppedTaskJson(before, beforeText, record.task);
  return {
    task:
      json === undefined
        ? wireTask(record, false, s.col.tasks)
        : (new JsonBytes(json) as unknown as WireTask),
  };
}

/**
 * `{ ...rec, ...members }`, copied member by member: a record at rest has had a member deleted (the
 * agent drops `nextTransitionAt` at RUNNING), which leaves V8's object in dictionary mode, and an
 * object spread of one takes V8's slow path (~1 us; the loop ~0.25: issue 14, every StopTask). The
 * members come out in the same order as the spread's.
 */
function withMembers(rec: TaskRecord, members: Partial<TaskRecord>): TaskRecord {
  const copy = copyMembers(rec);
  return copy === undefined ? { ...rec, ...members } : Object.assign(copy, members);
}

/** The members StopTask adds to a task, in the order it adds them (`stopped` above). */
const STOP_MEMBERS = ['stopCode', 'stoppedReason', 'stoppingAt'] as const;

/**
 * StopTask's answer (the task without its tags, as `JSON.stringify` writes it, in UTF-8) for a stop
 * whose record the answer is not stored as (a quiet stop): made from the text the store write made of
 * the record before the stop (`written`: task-json.ts `stoppedTaskBytes`), not serialised again.
 * `after` is `before`'s task with `desiredStatus` and `version` set and STOP_MEMBERS added, as
 * StopTask makes it. Undefined (write it) when that text is missing, or a member to change does not
 * occur in it exactly once.
 */
function stoppedTaskJson(
  before: TaskRecord,
  written: string | undefined,
  after: WireTask,
): Buffer | undefined {
  const was = before.task;
  if (was.desiredStatus !== 'RUNNING' || after.desiredStatus !== 'STOPPED') return undefined;
  if (typeof was.version !== 'number' || typeof after.version !== 'number') return undefined;
  let tail = '';
  for (const name of STOP_MEMBERS) {
    if (Object.hasOwn(was, name)) return undefined;
    const value = JSON.stringify(after[name]) as string | undefined;
    if (value === undefined) return undefined;
    tail += `,"${name}":${value}`;
  }
  return stoppedTaskBytes(before, written, after.version, tail);
}

/**
 * A RUNNING task whose stop needs nothing done between its steps (no network interface, no ports,
 * simulated containers) is stored at DEACTIVATING by StopTask
 * itself, as a quiet stop (`TaskRecord.unwritten`): the step the agent would write at once, in the
 * same write (issue 14). The answer is the task as StopTask leaves it (RUNNING, desired STOPPED), as
 * before; DescribeTasks shows DEACTIVATING from then on, as it did once the agent had looked.
 */
function quietStopFrom(s: Scope, stopped: TaskRecord): TaskRecord | undefined {
  const t = stopped.task;
  if (t.lastStatus !== 'RUNNING' || !stopsQuietly(stopped)) return undefined;
  if (s.deps.config.runtime === 'docker' || !t.containerInstanceArn) return undefined;
  const stepMs = s.deps.config.taskStepMs;
  const nowMs = s.deps.clock.now();
  // A new record (applyTransition copies what it changes): given the quiet stop's members in
  // place, not spread again with them.
  const deactivating = applyTransition(stopped, { to: 'DEACTIVATING', nowMs, stepMs });
  return Object.assign(deactivating, quietStop(nowMs, stepMs));
}

/**
 * The task of a record read as stored bytes (Collection.peekOrBytes: not in the cache): its JSON is
 * cut out of them (task-json.ts `storedTaskCut`, `taskJsonOf`), neither parsed nor written again,
 * and the answer stands in for the task with those bytes (json-body.ts `JsonBytes`: the HTTP body
 * copies them, an in-process caller gets them parsed).
 */
function storedTask(s: Scope, bytes: Buffer, withTags: boolean): WireTask {
  const cut = storedTaskCut(bytes);
  // A record with unwritten steps: those due by now are shown (lifecycle.ts asOf). `unwritten` is a
  // member of the record, not of its task: looked for in the members after the task alone.
  if (cut === undefined || bytes.indexOf(UNWRITTEN_MEMBER, cut.end) >= 0)
    return wireTask(asOf(JSON.parse(bytes.toString('utf8')) as TaskRecord, s.deps.clock.now()), withTags);
  return new JsonBytes(taskJsonOf(bytes, cut, withTags)) as unknown as WireTask;
}

/** How a stored record with unwritten steps (`TaskRecord.unwritten`) is recognised in its text. */
const UNWRITTEN_MEMBER = Buffer.from('"unwritten":');

/** The last answer made for a cached record with unwritten steps, and how many of them it applied. */
const shown = new WeakMap<TaskRecord, { due: number; record: TaskRecord }>();

/**
 * A cached record as DescribeTasks shows it now: itself, or with its unwritten steps that are due
 * applied (lifecycle.ts asOf), made once per step and frozen, so a task described again before its
 * next step is not serialised again (its JSON is kept, as a stored record's is).
 */
function shownNow(rec: TaskRecord, nowMs: number): TaskRecord {
  const steps = rec.unwritten;
  if (steps === undefined || !Object.isFrozen(rec)) return asOf(rec, nowMs);
  let due = 0;
  while (due < steps.length && (steps[due]?.at ?? Infinity) <= nowMs) due++;
  if (due === 0) return rec;
  const last = shown.get(rec);
  if (last?.due === due) return last.record;
  const record = Object.freeze(asOf(rec, nowMs));
  shown.set(rec, { due, record });
  return record;
}

export function describeTasks(s: Scope, input: Wire<ecs.DescribeTasksRequest>) {
  const refs = batch(input.tasks, 'Tasks', 100);
  const cluster = anyCluster(s, input.cluster);
  const withTags = (input.include ?? []).includes('TAGS');
  const tasks: WireTask[] = [];
  const failures: Failure[] = [];
  const arns = refs.map((ref) => taskArnIn(s, cluster, ref));
  // Cached records as they are; the others' stored bytes in one read, not parsed (O(1) per task
  // whatever the number of tasks held, and the cache keeps the tasks being worked on).
  const found = s.col.tasks.peekOrBytes(arns.filter((arn): arn is string => arn !== null));
  let next = 0;
  refs.forEach((ref, i) => {
    const rec = arns[i] === null ? undefined : found[next++];
    if (rec === undefined) failures.push({ arn: ref, reason: 'MISSING' });
    else if (Buffer.isBuffer(rec)) tasks.push(storedTask(s, rec, withTags));
    else tasks.push(wireTask(shownNow(rec, s.deps.clock.now()), withTags, s.col.tasks));
  });
  return { tasks, failures };
}

const SCAN_CHUNK = 500;

/**
 * ListTasks: every filter is a derived key of the store (counts.ts `taskKeys`: the cluster and desired
 * status, family, startedBy, launchType, serviceName, containerInstance). The most selective one is read in id order; the others are checked on each task, so a page
 * costs what the chosen key holds, never all the cluster's tasks.
 */
export function listTasks(s: Scope, input: Wire<ecs.ListTasksRequest>) {
  const max = maxResultsOf(input.maxResults, 100);
  const cluster = anyCluster(s, input.cluster);
  const clusterArn = cluster.cluster.clusterArn;
  const desired = input.desiredStatus ?? 'RUNNING';
  const query = `ListTasks|${clusterArn}|${desired}|${input.containerInstance ?? ''}|${input.family ?? ''}|${
    input.serviceName ?? ''
  }|${input.startedBy ?? ''}|${input.launchType ?? ''}`;
  let after = decodeToken(input.nextToken, query);
  // Nothing ever wants PENDING, and no EXTERNAL tasks exist here.
  if (desired === 'PENDING' || input.launchType === 'EXTERNAL') return { taskArns: [] };

  let instanceArn: string | undefined;
  if (input.containerInstance !== undefined) {
    const ci = peekInstance(s, cluster, input.containerInstance);
    if (!ci) throw errors.invalid('The referenced container instance was not found.');
    instanceArn = ci.containerInstance.containerInstanceArn;
  }
  let serviceArn: string | undefined;
  if (input.serviceName !== undefined) {
    if (!NAME_RE.test(input.serviceName)) return { taskArns: [] };
    serviceArn = serviceArnOf(s, cluster.cluster.clusterName, input.serviceName);
  }
  const filters: [ListFilter, string | undefined][] = [
    ['service', serviceArn],
    ['startedBy', input.startedBy],
    ['family', input.family],
    ['launchType', input.launchType],
  ];
  const keyed = filters.filter((f): f is [ListFilter, string] => f[1] !== undefined);
  // The source read in id order: the instance's tasks, else the first keyed filter, else the cluster's.
  const [first, ...rest] = keyed;
  const source = (options: { after?: string; limit: number }): string[] =>
    instanceArn !== undefined
      ? s.col.tasks.idsByKey(taskKeys.onInstance(instanceArn, desired), options)
      : first
        ? s.col.tasks.idsByKey(taskKeys.listed(clusterArn, desired, first[0], first[1]), options)
        : s.col.tasks.idsByKey(taskKeys.cluster(clusterArn, desired), options);
  // The other filters: one probe of their key each (the cluster and the desired status are in every
  // key, and the instance is one of the cluster's), no document read.
  const checks = (instanceArn !== undefined ? keyed : rest).map(([filter, value]) =>
    taskKeys.listed(clusterArn, desired, filter, value),
  );
  const keep = (arn: string): boolean => checks.every((key) => s.col.tasks.hasKey(key, arn));

  const taskArns: string[] = [];
  // Without checks every id read is listed: a page and one more (to know there is a next page).
  const chunkSize = checks.length === 0 ? max + 1 : SCAN_CHUNK;
  for (;;) {
    const chunk = source({ limit: chunkSize, ...(after !== undefined ? { after } : {}) });
    for (const arn of chunk) {
      if (!keep(arn)) continue;
      if (taskArns.length === max) {
        return { taskArns, nextToken: encodeToken(taskArns[taskArns.length - 1] as string, query) };
      }
      taskArns.push(arn);
    }
    if (chunk.length < chunkSize) break;
    after = chunk[chunk.length - 1];
  }
  return { taskArns };
}
