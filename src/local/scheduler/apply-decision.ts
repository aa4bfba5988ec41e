/**
 * Applying a decision to the records (pure functions; the worker writes their results in its
 * transaction): a task the scheduler stops, and the service after a pass (deployments with their
 * counts, rollout states and failures, the PRIMARY task definition, status).
 */
import { epochSeconds } from '../common/clock';
import { PENDING_STATUSES, type SchedulerStopCause, type TaskRecord, type WireService } from '../ecs/model';
import type { Decision } from './reconcile';
import { stoppedReason } from './service-events';

/**
 * The task once the scheduler asked it to stop: desired STOPPED, the agent walks it down now.
 * With its instance gone no agent is left to do that: it is STOPPED where it stands (its
 * instance's resources went with the instance).
 */
export function stoppedByScheduler(
  t: TaskRecord,
  cause: SchedulerStopCause,
  instanceGone: boolean,
  nowMs: number,
): TaskRecord {
  const now = epochSeconds(nowMs);
  const task = {
    ...t.task,
    desiredStatus: 'STOPPED',
    stopCode: 'ServiceSchedulerInitiated' as const,
    stoppedReason: stoppedReason(cause),
    version: (t.task.version ?? 1) + 1,
  };
  if (!instanceGone) return { ...t, task, stopCause: cause, nextTransitionAt: nowMs };
  // Stopped at once: no step is due any more, shown or written (TaskRecord.unwritten).
  const { nextTransitionAt: _, unwritten: _steps, ...rest } = t;
  return {
    ...rest,
    stopCause: cause,
    task: {
      ...task,
      lastStatus: 'STOPPED',
      stoppingAt: now,
      stoppedAt: now,
      executionStoppedAt: now,
      containers: (task.containers ?? []).map((c) => ({ ...c, lastStatus: 'STOPPED', networkBindings: [] })),
    },
    history: [...t.history, { status: 'STOPPED', at: now }],
  };
}

/** Running and pending tasks desired RUNNING, in all and by deployment (what a service and its deployments report). */
export interface DeploymentCounts {
  running: number;
  pending: number;
  byDeployment: Map<string, { running: number; pending: number }>;
}

/** The counts of `tasks` (those desired RUNNING, RUNNING or not yet). */
export function deploymentCounts(tasks: Iterable<TaskRecord>): DeploymentCounts {
  const byDeployment = new Map<string, { running: number; pending: number }>();
  let running = 0;
  let pending = 0;
  for (const t of tasks) {
    if (t.task.desiredStatus !== 'RUNNING') continue;
    const key = t.deploymentId ?? '';
    const c = byDeployment.get(key) ?? { running: 0, pending: 0 };
    byDeployment.set(key, c);
    if (t.task.lastStatus === 'RUNNING') {
      c.running++;
      running++;
    } else if (PENDING_STATUSES.has(t.task.lastStatus)) {
      c.pending++;
      pending++;
    }
  }
  return { running, pending, byDeployment };
}

/** What of a decision the service record takes. */
export type AppliedDecision = Pick<Decision, 'deploymentUpdates' | 'failedTasks' | 'serviceStatus'>;

/** The service after the decision: deployments with counts from the tasks (running, pending, failed), status. */
export function applyDecision(
  svc: WireService,
  decision: Decision,
  tasks: TaskRecord[],
  now: number,
): WireService {
  return applyCounts(svc, decision, deploymentCounts(tasks), now);
}

/** `applyDecision` with the counts already known (a continued pass reads them from the store's counters). */
export function applyCounts(
  svc: WireService,
  decision: AppliedDecision,
  taskCounts: DeploymentCounts,
  now: number,
): WireService {
  const failedOf = (id: string) => decision.failedTasks.get(id) ?? 0;
  const counts = taskCounts.byDeployment;
  const { running, pending } = taskCounts;
  const updates = new Map(decision.deploymentUpdates.map((u) => [u.id, u]));
  const deployments = svc.deployments.flatMap((d) => {
    const id = d.id ?? '';
    const u = updates.get(id);
    if (u?.status === 'INACTIVE') return [];
    const c = counts.get(id) ?? { running: 0, pending: 0 };
    const failed = failedOf(id);
    const changed = u && (u.rolloutState !== undefined || u.desiredCount !== d.desiredCount);
    return [
      {
        ...d,
        ...(u ? { status: u.status, desiredCount: u.desiredCount } : {}),
        ...(u?.rolloutState ? { rolloutState: u.rolloutState } : {}),
        ...(u?.rolloutStateReason ? { rolloutStateReason: u.rolloutStateReason } : {}),
        runningCount: c.running,
        pendingCount: c.pending,
        failedTasks: failed,
        ...(changed ||
        c.running !== d.runningCount ||
        c.pending !== d.pendingCount ||
        failed !== d.failedTasks
          ? { updatedAt: now }
          : {}),
      },
    ];
  });
  const primary = decision.deploymentUpdates.find((u) => u.status === 'PRIMARY');
  // PRIMARY first (a rollback makes an older deployment PRIMARY again); the service runs its task definition.
  deployments.sort((a, b) => Number(b.status === 'PRIMARY') - Number(a.status === 'PRIMARY'));
  const primaryTaskDefinition = deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition;
  return {
    ...svc,
    ...(primaryTaskDefinition ? { taskDefinition: primaryTaskDefinition } : {}),
    // A DAEMON service's desired count is the number of instances it should run on.
    ...(svc.schedulingStrategy === 'DAEMON' && primary ? { desiredCount: primary.desiredCount } : {}),
    ...(decision.serviceStatus ? { status: decision.serviceStatus } : {}),
    runningCount: running,
    pendingCount: pending,
    deployments,
  };
}
