/**
 * The task lifecycle as the ECS agent walks it, as pure functions on records:
 *   PROVISIONING -> PENDING -> ACTIVATING -> RUNNING -> DEACTIVATING -> STOPPING -> DEPROVISIONING -> STOPPED
 * A task whose desiredStatus becomes STOPPED before it reached RUNNING goes straight to STOPPED
 * (its containers never started). The driver (driver.ts) decides when; these decide what.
 */
import { epochSeconds } from '../common/clock';
import { copyMembers } from '../common/copy-members';
import { PENDING_STATUSES, type TaskRecord, type Wire } from '../ecs/model';
import type * as ecs from '@aws-sdk/client-ecs';

export type TaskStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'DEPROVISIONING'
  | 'STOPPED';

/** Every status of a task's life, in the order the agent walks them (a stopped task's history lists them so). */
export const TASK_STATUSES: readonly TaskStatus[] = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
];

const NEXT_WHEN_RUNNING: Record<string, TaskStatus> = {
  PROVISIONING: 'PENDING',
  PENDING: 'ACTIVATING',
  ACTIVATING: 'RUNNING',
};
const NEXT_WHEN_STOPPING: Record<string, TaskStatus> = {
  RUNNING: 'DEACTIVATING',
  DEACTIVATING: 'STOPPING',
  STOPPING: 'DEPROVISIONING',
  DEPROVISIONING: 'STOPPED',
};

/** The status the task moves to next, or null when it is at rest (RUNNING and wanted, or STOPPED). */
export function nextStatus(lastStatus: string, desiredStatus: string): TaskStatus | null {
  if (lastStatus === 'STOPPED') return null;
  if (desiredStatus === 'STOPPED') {
    if (PENDING_STATUSES.has(lastStatus)) return 'STOPPED';
    return NEXT_WHEN_STOPPING[lastStatus] ?? 'STOPPED';
  }
  if (lastStatus === 'RUNNING') return null;
  // Once a task has begun stopping it never starts again, whatever desiredStatus says.
  return NEXT_WHEN_RUNNING[lastStatus] ?? NEXT_WHEN_STOPPING[lastStatus] ?? null;
}

export type NetworkBinding = Wire<ecs.NetworkBinding>;

export interface TransitionInput {
  to: TaskStatus;
  nowMs: number;
  stepMs: number;
  /** Per container name: the bindings the runtime actually serves (RUNNING only). */
  bindings?: Map<string, NetworkBinding[]>;
  /** Container runtime ids (docker ids), per container name (RUNNING only). */
  runtimeIds?: Map<string, string>;
}

/**
 * The record after moving to `input.to`: timestamps, containers, history and the next due time
 * (absent when the task is at rest). Returns a new record; the argument is not modified, unless
 * `owned` says it is a record a previous step made for the caller alone (unfrozen, shared with
 * nobody): then it is stepped in place, without another copy (a quiet stop's STOPPING and
 * DEPROVISIONING applied in memory, then its STOPPED written: one copy of the task, not three).
 */
export function applyTransition(record: TaskRecord, input: TransitionInput, owned = false): TaskRecord {
  const tags = record.task.tags;
  const changesContainers = CHANGES_CONTAINERS.has(input.to);
  const from = record.task.lastStatus;
  const r = owned ? ownedCopy(record, changesContainers) : editableCopy(record, changesContainers);
  const t = r.task;
  const now = epochSeconds(input.nowMs);
  const wasRunning = !PENDING_STATUSES.has(from);
  switch (input.to) {
    case 'PENDING':
      t.pullStartedAt ??= now;
      t.connectivity = 'CONNECTED';
      t.connectivityAt ??= now;
      break;
    case 'ACTIVATING':
      t.pullStoppedAt ??= now;
      break;
    case 'RUNNING':
      t.startedAt = now;
      for (const c of t.containers ?? []) {
        c.lastStatus = 'RUNNING';
        const id = c.name ? input.runtimeIds?.get(c.name) : undefined;
        if (id) c.runtimeId = id;
        c.networkBindings = (c.name ? input.bindings?.get(c.name) : undefined) ?? [];
      }
      break;
    case 'DEACTIVATING':
      t.stoppingAt ??= now;
      break;
    case 'STOPPING':
      t.stoppingAt ??= now;
      break;
    case 'DEPROVISIONING':
      t.executionStoppedAt ??= now;
      stopContainers(r, 0);
      break;
    case 'STOPPED':
      t.stoppingAt ??= now;
      t.executionStoppedAt ??= now;
      t.stoppedAt = now;
      // Stopped before RUNNING: the containers never started, so they have no exit code.
      stopContainers(r, wasRunning ? 0 : undefined);
      break;
    case 'PROVISIONING':
      break;
  }
  // Last, after the fields this step added (see `editableCopy`).
  if (tags !== undefined) t.tags = tags;
  t.lastStatus = input.to;
  t.version = (t.version ?? 1) + 1;
  if (r.history.length === 0) r.history.push({ status: from, at: t.createdAt ?? now });
  r.history.push({ status: input.to, at: now });
  const more = nextStatus(t.lastStatus, t.desiredStatus) !== null;
  if (more) r.nextTransitionAt = input.nowMs + input.stepMs;
  else delete r.nextTransitionAt;
  return r;
}

/** The step each unwritten step follows (`TaskRecord.unwritten`). */
const UNWRITTEN_AFTER: ReadonlyMap<string, TaskStatus> = new Map([
  ['STOPPING', 'DEACTIVATING'],
  ['DEPROVISIONING', 'STOPPING'],
]);

/**
 * The record as of `nowMs`: its unwritten steps (`TaskRecord.unwritten`: a quiet stop's STOPPING
 * and DEPROVISIONING) that are due by then applied at their times, as the agent would have written them; `nextTransitionAt` (the agent's next write) kept.
 * Any other record, or one with nothing due, is returned as it is.
 */
export function asOf(record: TaskRecord, nowMs: number): TaskRecord {
  const steps = record.unwritten;
  if (steps === undefined) return record;
  let r = record;
  let taken = 0;
  for (const step of steps) {
    if (step.at > nowMs || UNWRITTEN_AFTER.get(step.status) !== r.task.lastStatus) break;
    // The first step copies the record; the next ones step that copy in place.
    r = applyTransition(r, { to: step.status, nowMs: step.at, stepMs: 0 }, taken > 0);
    taken++;
  }
  if (taken === 0) return record;
  if (record.nextTransitionAt === undefined) delete r.nextTransitionAt;
  else r.nextTransitionAt = record.nextTransitionAt;
  if (taken === steps.length) delete r.unwritten;
  else r.unwritten = steps.slice(taken);
  return r;
}

/**
 * Whether a task's stop needs nothing done between its steps, as far as the record tells: no network
 * interface to detach, no ports whose sockets close (the runtime must also run simulated containers).
 * StopTask and the agent both ask it, so they agree on which stops are quiet.
 */
export function stopsQuietly(rec: TaskRecord): boolean {
  return !rec.eni && rec.ports.length === 0;
}

/** The unwritten steps of a quiet stop from DEACTIVATING at `nowMs`, and when STOPPED is due. */
export function quietStop(nowMs: number, stepMs: number): Pick<TaskRecord, 'unwritten' | 'nextTransitionAt'> {
  return {
    unwritten: [
      { status: 'STOPPING', at: nowMs + stepMs },
      { status: 'DEPROVISIONING', at: nowMs + 2 * stepMs },
    ],
    nextTransitionAt: nowMs + 3 * stepMs,
  };
}

/** The steps that change the containers (the others keep the record's containers as they are). */
const CHANGES_CONTAINERS: ReadonlySet<TaskStatus> = new Set(['RUNNING', 'DEPROVISIONING', 'STOPPED']);

/**
 * A copy of exactly what a transition changes (task fields, each container's fields when asked,
 * the history), sharing the rest: records may come frozen from the store's cache, and a deep copy
 * on every lifecycle step of 10,000 tasks is measurable (a step that leaves the containers alone
 * shares them, and the store does not write their JSON again). Nested values (bindings,
 * overrides) are replaced, never edited.
 *
 * The task's copy leaves out its `tags`: the step adds its fields, then puts the tags back last.
 * The store writes a task with its tags last (task-json.ts), so a task laid out otherwise is copied
 * again, member by member, at every write (issue 14: about a third of the task's serialisation).
 */
function editableCopy(record: TaskRecord, withContainers: boolean): TaskRecord {
  const task = withoutTags(record.task);
  if (withContainers) task.containers = record.task.containers?.map((c) => ({ ...c }));
  return { ...record, task, history: [...record.history] };
}

/**
 * `record` (made by `editableCopy` for the caller alone) ready for its next step in place: its
 * task's tags taken out again (they are its last member: a cheap delete), its containers copied when
 * the step changes them (the previous step may have shared them with the record it copied).
 */
function ownedCopy(record: TaskRecord, withContainers: boolean): TaskRecord {
  const task = record.task;
  if (task.tags !== undefined) delete task.tags;
  if (withContainers) task.containers = task.containers?.map((c) => ({ ...c }));
  return record;
}

/** A copy of the task without its `tags` member (the other members in their order). */
function withoutTags(task: TaskRecord['task']): TaskRecord['task'] {
  if (task.tags === undefined) return { ...task };
  let last: string | undefined;
  for (const key in task) last = key;
  // The last member: deleting it leaves the copy as if it had never had it.
  if (last === 'tags') return withTagsDeleted(task);
  // Anywhere else a delete would leave the copy slow to read and to serialise: copied member by
  // member (with a `__proto__` member, never one of a task made here, the slow copy, still correct).
  return copyMembers(task, 'tags') ?? withTagsDeleted(task);
}

function withTagsDeleted(task: TaskRecord['task']): TaskRecord['task'] {
  const copy = { ...task };
  delete copy.tags;
  return copy;
}

function stopContainers(r: TaskRecord, exitCode: number | undefined): void {
  for (const c of r.task.containers ?? []) {
    if (c.lastStatus === 'STOPPED') continue;
    c.lastStatus = 'STOPPED';
    if (exitCode !== undefined && c.exitCode === undefined) c.exitCode = exitCode;
    c.networkBindings = [];
  }
}

export interface KillReason {
  stopCode: string;
  stoppedReason: string;
  /** Exit code of containers that were running (137: SIGKILL). */
  exitCode: number;
  /** Reason on each container, when the runtime gives one (e.g. CannotStartContainerError). */
  containerReason?: string;
}

/**
 * The record of a task stopped at once, from whatever status (host terminated, container failed
 * to start): everything STOPPED now, with the given codes.
 */
export function kill(record: TaskRecord, reason: KillReason, nowMs: number): TaskRecord {
  const tags = record.task.tags;
  const r = editableCopy(record, true);
  const t = r.task;
  const now = epochSeconds(nowMs);
  t.desiredStatus = 'STOPPED';
  t.stopCode = reason.stopCode as ecs.TaskStopCode;
  t.stoppedReason = reason.stoppedReason;
  t.stoppingAt ??= now;
  t.executionStoppedAt ??= now;
  t.stoppedAt = now;
  for (const c of t.containers ?? []) {
    if (c.lastStatus === 'STOPPED') continue;
    if (c.lastStatus === 'RUNNING') c.exitCode = reason.exitCode;
    if (reason.containerReason) c.reason = reason.containerReason;
    c.lastStatus = 'STOPPED';
    c.networkBindings = [];
  }
  if (tags !== undefined) t.tags = tags;
  if (r.history.length === 0) r.history.push({ status: t.lastStatus, at: t.createdAt ?? now });
  t.lastStatus = 'STOPPED';
  t.version = (t.version ?? 1) + 1;
  r.history.push({ status: 'STOPPED', at: now });
  delete r.nextTransitionAt;
  return r;
}
