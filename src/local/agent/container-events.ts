/**
 * What real containers report, written onto the task record (pure functions, as lifecycle.ts):
 * a container that exited on its own (an essential one stops the task as ECS stops it), the exit
 * codes collected when the task's containers were stopped, and health check results (the
 * container's `healthStatus` and the task's, which ECS derives from its essential containers).
 */
import type { TaskRecord } from '../ecs/model';
import type { ContainerExit, HealthStatus } from '../runtime/types';

const copy = (record: TaskRecord): TaskRecord => ({
  ...record,
  task: { ...record.task, containers: record.task.containers?.map((c) => ({ ...c })) },
});

/**
 * A container exited while its task ran. An essential container stops the task (stopCode
 * EssentialContainerExited, "Essential container in task exited"; the agent walks it down from
 * RUNNING one step later); another only records its exit.
 */
export function withExitedContainer(
  record: TaskRecord,
  exit: ContainerExit,
  essential: boolean,
  nowMs: number,
  stepMs: number,
): TaskRecord {
  const r = copy(record);
  const t = r.task;
  const c = t.containers?.find((x) => x.name === exit.containerName);
  if (!c || c.lastStatus === 'STOPPED') return record;
  c.lastStatus = 'STOPPED';
  if (exit.exitCode !== undefined) c.exitCode = exit.exitCode;
  if (exit.reason) c.reason = exit.reason;
  c.networkBindings = [];
  if (c.healthStatus) c.healthStatus = 'UNKNOWN';
  t.version = (t.version ?? 1) + 1;
  if (essential && t.desiredStatus !== 'STOPPED') {
    t.desiredStatus = 'STOPPED';
    t.stopCode = 'EssentialContainerExited';
    t.stoppedReason = 'Essential container in task exited';
    r.nextTransitionAt = nowMs + stepMs;
  }
  return r;
}

/** Exit codes (and reasons) of the containers as they were stopped; earlier exits are kept. */
export function withContainerExits(record: TaskRecord, exits: ContainerExit[]): TaskRecord {
  if (exits.length === 0) return record;
  const r = copy(record);
  for (const exit of exits) {
    const c = r.task.containers?.find((x) => x.name === exit.containerName);
    if (!c || c.exitCode !== undefined) continue;
    // A container that never ran (e.g. its dependency failed) has no exit code.
    if (c.lastStatus !== 'RUNNING' && c.lastStatus !== 'STOPPED') continue;
    if (exit.exitCode !== undefined) c.exitCode = exit.exitCode;
    if (exit.reason && !c.reason) c.reason = exit.reason;
  }
  return r;
}

/**
 * A container's health check result. The task is HEALTHY when every essential container with a
 * health check is (`checked` names them), UNHEALTHY when one of them is, UNKNOWN otherwise.
 */
export function withContainerHealth(
  record: TaskRecord,
  containerName: string,
  status: HealthStatus,
  checked: (containerName: string) => boolean,
): TaskRecord {
  const r = copy(record);
  const c = r.task.containers?.find((x) => x.name === containerName);
  if (!c || c.healthStatus === status) return record;
  c.healthStatus = status;
  r.task.healthStatus = taskHealth(r, checked);
  r.task.version = (r.task.version ?? 1) + 1;
  return r;
}

function taskHealth(record: TaskRecord, checked: (containerName: string) => boolean): HealthStatus {
  const counted = (record.task.containers ?? []).filter((c) => checked(c.name ?? ''));
  if (counted.length === 0) return 'UNKNOWN';
  if (counted.some((c) => c.healthStatus === 'UNHEALTHY')) return 'UNHEALTHY';
  return counted.every((c) => c.healthStatus === 'HEALTHY') ? 'HEALTHY' : 'UNKNOWN';
}
