/**
 * A task record's stored JSON, assembled around the task's JSON without its tags, which is kept
 * with the record: DescribeTasks answers a record written by `putShared` with that text (tasks.ts
 * `wireTask`), so a lifecycle step serialises a task once, for the store and for the next
 * DescribeTasks alike. The stored text is the record's JSON with `task` first and the task's
 * `tags` last (the same document once parsed).
 */
import type { TaskRecord } from './model';

const untagged = new WeakMap<TaskRecord, string>();

/** The tasks collection's `serialize` (Collection options). */
export function taskRecordJson(r: TaskRecord): string {
  const { tags, ...fields } = r.task;
  const text = JSON.stringify(fields);
  untagged.set(r, text);
  const tagged =
    tags === undefined
      ? text
      : `${text.length > 2 ? `${text.slice(0, -1)},` : '{'}"tags":${JSON.stringify(tags)}}`;
  const { task: _task, ...rest } = r;
  const others = JSON.stringify(rest);
  return others.length > 2 ? `{"task":${tagged},${others.slice(1)}` : `{"task":${tagged}}`;
}

/**
 * The JSON of `r.task` without its tags, as `taskRecordJson` wrote it for this record: only for a
 * frozen record (one written by `putShared`), which cannot have changed since.
 */
export function untaggedTaskJson(r: TaskRecord): string | undefined {
  return Object.isFrozen(r) ? untagged.get(r) : undefined;
}
