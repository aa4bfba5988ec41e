import type { Task } from '@aws-sdk/client-ecs';
import { TRANSITION_POLL_MS } from '../../../aws/poll';

/** The ECS tasks-running/stopped waiters poll every 6 s; a task in transition is watched every 2 s. */
export const TASKS_POLL_MS = 6_000;

const transitional = new Set([
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
]);

export function taskInTransition(t: Task): boolean {
  return (
    transitional.has(t.lastStatus ?? '') || (t.lastStatus !== 'STOPPED' && t.desiredStatus === 'STOPPED')
  );
}

export function tasksPollMs(tasks: Task[] | undefined): number {
  return tasks?.some(taskInTransition) ? TRANSITION_POLL_MS : TASKS_POLL_MS;
}
