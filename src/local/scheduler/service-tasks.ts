/**
 * What a service pass reads, and how it tells whether it changed anything, without touching every
 * task the service ever had. The store keeps derived keys with each task (ecs/counts.ts): a
 * service's live tasks (not STOPPED) and its failed ones (the circuit breaker's). The STOPPED tasks
 * kept for an hour that are no failure are read by nobody: the reconciler ignores them.
 */
import { taskKeys } from '../ecs/counts';
import type { EcsCollections, ServiceRecord, TaskRecord } from '../ecs/model';

/** A service's tasks not STOPPED yet (shared, frozen documents: copy what you change), by ARN. */
export function liveServiceTasks(col: EcsCollections, serviceArn: string): TaskRecord[] {
  return col.tasks.peekByKey(taskKeys.liveOfService(serviceArn));
}

/**
 * What the reconciler needs of a service's tasks: the live ones and the STOPPED ones that count as
 * failures (shared, frozen documents), by ARN as `find({ service })` gave them.
 */
export function reconciledServiceTasks(col: EcsCollections, serviceArn: string): TaskRecord[] {
  const live = liveServiceTasks(col, serviceArn);
  const failed = col.tasks.peekByKey(taskKeys.failedOfService(serviceArn));
  if (failed.length === 0) return live;
  const out: TaskRecord[] = [];
  let i = 0;
  let j = 0;
  while (i < live.length || j < failed.length) {
    const a = live[i];
    const b = failed[j];
    if (b === undefined || (a !== undefined && a.task.taskArn < b.task.taskArn)) {
      out.push(a as TaskRecord);
      i++;
    } else {
      out.push(b);
      j++;
    }
  }
  return out;
}

/** Deeper than any service record: past it, records are taken as changed (and written). */
const MAX_DEPTH = 32;

/**
 * Whether two values are structurally equal (own enumerable keys, any order; undefined members
 * count as absent, as in JSON). Shared references are equal at once: a pass builds its record from
 * the one it read, so what it did not change costs nothing to compare.
 */
export function sameValue(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i], depth + 1)) return false;
    return true;
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth + 1))
      return false;
  }
  return true;
}

/** Whether a pass changed the service record (what it would write). */
export function serviceRecordChanged(before: ServiceRecord, after: ServiceRecord): boolean {
  return !sameValue(before, after);
}
