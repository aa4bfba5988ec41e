import type { Task } from '@aws-sdk/client-ecs';

export interface LifecycleStep {
  id: string;
  label: string;
  at: Date | undefined;
}

/** The task's lifecycle timestamps in the order ECS sets them. */
export function lifecycleSteps(t: Task): LifecycleStep[] {
  return [
    { id: 'createdAt', label: 'Created', at: t.createdAt },
    { id: 'pullStartedAt', label: 'Image pull started', at: t.pullStartedAt },
    { id: 'pullStoppedAt', label: 'Image pull stopped', at: t.pullStoppedAt },
    { id: 'startedAt', label: 'Started', at: t.startedAt },
    { id: 'stoppingAt', label: 'Stopping', at: t.stoppingAt },
    { id: 'executionStoppedAt', label: 'Execution stopped', at: t.executionStoppedAt },
    { id: 'stoppedAt', label: 'Stopped', at: t.stoppedAt },
  ];
}

/** "+1.2 s" from the previous step that happened. */
export function sinceCreated(t: Task, at: Date | undefined): string {
  if (!at || !t.createdAt) return '';
  const ms = at.getTime() - t.createdAt.getTime();
  return ms < 1000 ? `+${ms} ms` : `+${(ms / 1000).toFixed(1)} s`;
}
