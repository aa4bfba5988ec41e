/**
 * Tasks as DescribeTasks (and StopTask's answer) shows them: a frozen record's answer is frozen too
 * and its JSON kept for the response (protocol/json-body.ts), made once per record version; a
 * record with unwritten steps (`TaskRecord.unwritten`, ecs/quiet-steps.ts) is shown as of now, each
 * step's version made once and kept with the cached record. The agent makes a quiet start's
 * versions and their JSON in its background batch (`prepareShown`), as it made them when it wrote
 * each step, so a DescribeTasks while tasks start finds them made.
 */
import { keepJson } from '../protocol/json-body';
import { unwrittenDue, withUnwritten } from '../agent/lifecycle';
import { untaggedTaskJson } from './task-json';
import type { TaskRecord, WireTask } from './model';

/** The task without its tags, per frozen record (a store write makes a new record). */
const untagged = new WeakMap<TaskRecord, WireTask>();

/**
 * The task as DescribeTasks shows it. From a frozen record (Collection.peek, putShared) the answer
 * is frozen too and its JSON is kept for the response (json-body.ts): a task described again before
 * its next write is not serialised again.
 */
export function wireTask(t: TaskRecord, withTags: boolean): WireTask {
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
    const text = untaggedTaskJson(t);
    rest = keepJson(Object.freeze(fields), text === undefined ? undefined : Buffer.from(text));
    untagged.set(t, rest);
  }
  return rest;
}

/** Per frozen record with unwritten steps: its version after each of them (index = steps taken - 1). */
const versions = new WeakMap<TaskRecord, TaskRecord[]>();

/**
 * A record as shown now: itself, or with its unwritten steps that are due applied (lifecycle.ts
 * `asOf`). For a frozen (cached) record each step's version is made once, frozen and kept, so a task
 * described again before its next step is neither copied nor serialised again.
 */
export function shownNow(rec: TaskRecord, nowMs: number): TaskRecord {
  if (rec.unwritten === undefined) return rec;
  const due = unwrittenDue(rec, nowMs);
  if (due === 0) return rec;
  if (!Object.isFrozen(rec)) return withUnwritten(rec, due);
  return versionsOf(rec, due)[due - 1] as TaskRecord;
}

/**
 * Makes, ahead of time, every version a frozen record with a quiet start's steps will show and
 * their untagged JSON (DescribeTasks' answer): the agent calls it in its background batch, at its
 * first look at the task. Other records (a quiet stop's, whose versions are made when first shown)
 * are left alone.
 */
export function prepareShown(rec: TaskRecord): void {
  const first = rec.unwritten?.[0];
  if (first === undefined || (first.status !== 'PENDING' && first.status !== 'ACTIVATING')) return;
  if (!Object.isFrozen(rec)) return;
  const count = unwrittenDue(rec, Infinity);
  if (count === 0) return;
  for (const version of versionsOf(rec, count)) wireTask(version, false);
}

/** The record's kept versions, made up to `count` steps taken (each from the one before it). */
function versionsOf(rec: TaskRecord, count: number): TaskRecord[] {
  let list = versions.get(rec);
  if (list === undefined) {
    list = [];
    versions.set(rec, list);
  }
  for (let i = list.length; i < count; i++) {
    const before = i === 0 ? rec : (list[i - 1] as TaskRecord);
    list.push(Object.freeze(withUnwritten(before, 1)));
  }
  return list;
}
