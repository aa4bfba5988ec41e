/**
 * The scheduler's words: service events and stop reasons in ECS's wording, derived from the
 * decision and the structured causes on the records. Nothing reads these words back: state is
 * kept in fields (`TaskRecord.stopCause`, `ServiceRecord.steadySince`, `ServiceRecord.lastNotice`).
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { uuid } from '../common/ids';
import type { SchedulerStopCause, TaskRecord, Wire } from '../ecs/model';
import { NO_INSTANCES } from './placement';
import type { ReconcileEvent } from './reconcile';
import type { UnhealthyTask } from './targets';

type ServiceEvent = Wire<ecs.ServiceEvent>;

/** ECS keeps the newest 100 events of a service. */
const MAX_EVENTS = 100;

/** "Unable to place" and "deployment blocked" are repeated at most this often (seconds). */
export const NOTICE_EVERY_S = 60;

/** The task's stoppedReason for a scheduler stop. */
export function stoppedReason(cause: SchedulerStopCause): string {
  switch (cause.kind) {
    case 'scaling':
      return `Scaling activity initiated by (deployment ${cause.deploymentId})`;
    case 'instanceDraining':
      return 'Container instance is being drained';
    case 'instanceGone':
      return 'Container instance was deregistered';
    case 'unhealthyTarget':
      return `Task failed ELB health checks in (target-group ${cause.targetGroupArn})`;
  }
}

const taskIds = (tasks: TaskRecord[]): string =>
  tasks.map((t) => `(task ${t.task.taskArn.slice(t.task.taskArn.lastIndexOf('/') + 1)})`).join(' ');

/**
 * Tasks named by one "has started" or "has stopped" event: ECS launches and stops a service's
 * tasks in batches of at most 10 (RunTask's and StartTask's limit) and reports each batch. One
 * event naming thousands of tasks would make the service record (and every DescribeServices
 * answer) hundreds of kilobytes.
 */
export const TASKS_PER_EVENT = 10;

/** `tasks` in batches of TASKS_PER_EVENT, keeping only the batches the newest 100 events can hold. */
function batches(tasks: TaskRecord[]): TaskRecord[][] {
  const out: TaskRecord[][] = [];
  const first = Math.max(0, Math.ceil(tasks.length / TASKS_PER_EVENT) - MAX_EVENTS) * TASKS_PER_EVENT;
  for (let i = first; i < tasks.length; i += TASKS_PER_EVENT) out.push(tasks.slice(i, i + TASKS_PER_EVENT));
  return out;
}

/** The "has stopped" events for `tasks`, in the order they were stopped. */
export const stoppedTasksMessages = (serviceName: string, tasks: TaskRecord[]): string[] =>
  batches(tasks).map((b) => `(service ${serviceName}) has stopped ${b.length} running tasks: ${taskIds(b)}.`);

/** The "has started" events for `tasks`, in the order they were started. */
export const startedTasksMessages = (serviceName: string, tasks: TaskRecord[]): string[] =>
  batches(tasks).map((b) => `(service ${serviceName}) has started ${b.length} tasks: ${taskIds(b)}.`);

export const unhealthyTargetMessage = (serviceName: string, u: UnhealthyTask): string =>
  `(service ${serviceName}) (port ${u.port}) is unhealthy in (target-group ${u.targetGroupArn}) due to (reason ${u.reason}).`;

/** The event for something the reconciler decided. */
export function decisionMessage(serviceName: string, e: ReconcileEvent): string {
  switch (e.kind) {
    case 'steady':
      return `(service ${serviceName}) has reached a steady state.`;
    case 'deploymentCompleted':
      return `(service ${serviceName}) (deployment ${e.deploymentId}) deployment completed.`;
    case 'scaleInProtected':
      return `(service ${serviceName}) was unable to scale in due to (reason ${e.tasks} tasks under protection).`;
    case 'deploymentBlocked':
      return `(service ${serviceName}) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.`;
    case 'deploymentFailed':
      return `(service ${serviceName}) (deployment ${e.deploymentId}) deployment failed: tasks failed to start.`;
    case 'rollingBack':
      return `(service ${serviceName}) rolling back to deployment ${e.deploymentId}.`;
  }
}

const CLOSEST: Record<string, string> = {
  'RESOURCE:CPU': 'has insufficient CPU units available.',
  'RESOURCE:MEMORY': 'has insufficient memory available.',
  'RESOURCE:PORTS': 'is already using a port required by your task.',
  'RESOURCE:PORTS_UDP': 'is already using a port required by your task.',
  AGENT: 'has a disconnected agent.',
  ATTRIBUTE: 'is missing an attribute required by your task.',
};

/** "Unable to place a task", naming the closest matching instance and what it lacked, as ECS does. */
export function unableToPlace(
  serviceName: string,
  failures: Wire<ecs.Failure>[],
  closest: { instanceArn: string; reason: string } | undefined,
): string {
  const head = `(service ${serviceName}) was unable to place a task because no container instance met all of its requirements.`;
  const tail = 'For more information, see the Troubleshooting section.';
  if (!closest) {
    const reason = failures.find((f) => !f.arn)?.reason ?? NO_INSTANCES;
    return `${head} Reason: ${reason} ${tail}`;
  }
  const id = closest.instanceArn.slice(closest.instanceArn.lastIndexOf('/') + 1);
  const what = CLOSEST[closest.reason] ?? `encountered error "${closest.reason.replace(/\.$/, '')}".`;
  return `${head} The closest matching (container-instance ${id}) ${what} ${tail}`;
}

/** Newest first, at most 100: `messages` are in the order they happened. */
export function withEvents(events: ServiceEvent[], messages: string[], now: number): ServiceEvent[] {
  if (messages.length === 0) return events;
  const added = messages
    .slice(-MAX_EVENTS)
    .map((message) => ({ id: uuid(), createdAt: now, message }))
    .reverse();
  return [...added, ...events].slice(0, MAX_EVENTS);
}
