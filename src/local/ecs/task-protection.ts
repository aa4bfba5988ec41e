/**
 * GetTaskProtection and UpdateTaskProtection: task scale-in protection. A protected task of a
 * service is not stopped by scaling in or by a deployment until its protection expires (the
 * scheduler's reconciler reads `TaskRecord.protectedUntil`, and looks again when it ends); a task
 * on a draining instance still goes. Only tasks of services can be protected: others fail with
 * TASK_NOT_VALID, unknown ones with MISSING, as ECS answers.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { activeCluster, batch, errors, findTask, type Failure, type Scope } from './common';
import type { TaskRecord, Wire } from './model';

/** Protection lasts 2 hours unless asked otherwise, at most 48. */
export const DEFAULT_PROTECTION_MINUTES = 120;
const MAX_PROTECTION_MINUTES = 2880;

function protectedTask(rec: TaskRecord, now: number): Wire<ecs.ProtectedTask> {
  const until = rec.protectedUntil;
  return until !== undefined && until > now
    ? { taskArn: rec.task.taskArn, protectionEnabled: true, expirationDate: until }
    : { taskArn: rec.task.taskArn, protectionEnabled: false };
}

/** The tasks named, each found in the cluster and part of a service, or a failure. */
function resolve(s: Scope, clusterRef: string | undefined, refs: string[]) {
  const cluster = activeCluster(s, clusterRef);
  const found: TaskRecord[] = [];
  const failures: Failure[] = [];
  for (const ref of refs) {
    const rec = findTask(s, cluster, ref);
    const arn = rec?.task.taskArn ?? ref.slice(0, 1600);
    if (!rec || rec.task.lastStatus === 'STOPPED') failures.push({ arn, reason: 'MISSING' });
    else if (!rec.serviceArn) {
      failures.push({ arn, reason: 'TASK_NOT_VALID', detail: 'The task is not part of a service.' });
    } else found.push(rec);
  }
  return { found, failures };
}

export function getTaskProtection(s: Scope, input: Wire<ecs.GetTaskProtectionRequest>) {
  const refs = batch(input.tasks, 'tasks', 100);
  const { found, failures } = resolve(s, input.cluster, refs);
  return { protectedTasks: found.map((t) => protectedTask(t, s.now)), failures };
}

export function updateTaskProtection(s: Scope, input: Wire<ecs.UpdateTaskProtectionRequest>) {
  const refs = batch(input.tasks, 'tasks', 10);
  const minutes = input.expiresInMinutes ?? DEFAULT_PROTECTION_MINUTES;
  if (input.protectionEnabled && (minutes < 1 || minutes > MAX_PROTECTION_MINUTES)) {
    throw errors.invalid('expiresInMinutes must be between 1 and 2880.');
  }
  const { updated, failures } = s.deps.db.tx(() => {
    const { found, failures } = resolve(s, input.cluster, refs);
    const updated = found.map((rec) => {
      const { protectedUntil: _, ...rest } = rec;
      const next: TaskRecord = input.protectionEnabled
        ? { ...rest, protectedUntil: s.now + minutes * 60 }
        : rest;
      s.col.tasks.put(rec.task.taskArn, next);
      return next;
    });
    return { updated, failures };
  });
  // Unprotected tasks may now go: the scheduler looks at their services again.
  for (const serviceArn of new Set(updated.map((t) => t.serviceArn ?? ''))) {
    const clusterArn = updated.find((t) => t.serviceArn === serviceArn)?.task.clusterArn ?? '';
    s.deps.bus.emit('ecs.service.dirty', { clusterArn, serviceArn, prompt: true });
  }
  return { protectedTasks: updated.map((t) => protectedTask(t, s.now)), failures };
}
