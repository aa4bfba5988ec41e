/**
 * What the reconciler sees of a service: its records mapped to the pure reconciler's facts
 * (reconcile.ts). No decisions here, and no words: only fields.
 */
import { epochSeconds } from '../common/clock';
import type { EcsCollections, ServiceRecord, TaskRecord } from '../ecs/model';
import type { InstanceState, ReconcileInput, ReconcileTask } from './reconcile';

export interface InputOptions {
  /** How long a task must be RUNNING to count as healthy (seconds). */
  stableSeconds: number;
  /** DAEMON services: the instances that should each run one task. */
  daemonInstances?: string[] | undefined;
  /** Epoch seconds. */
  now: number;
}

export function reconcileInput(
  rec: ServiceRecord,
  tasks: TaskRecord[],
  instanceState: (arn: string | undefined) => InstanceState,
  options: InputOptions,
): ReconcileInput {
  const svc = rec.service;
  const config = svc.deploymentConfiguration ?? {};
  const breaker = config.deploymentCircuitBreaker;
  return {
    status: svc.status,
    desiredCount: svc.desiredCount,
    minimumHealthyPercent: config.minimumHealthyPercent ?? 100,
    maximumPercent: config.maximumPercent ?? 200,
    deployments: svc.deployments.map((d) => ({
      id: d.id ?? '',
      status: d.status ?? '',
      ...(d.rolloutState ? { rolloutState: d.rolloutState } : {}),
      ...(d.createdAt !== undefined ? { createdAt: d.createdAt } : {}),
    })),
    tasks: tasks.map((t) => reconcileTaskOf(t, instanceState(t.task.containerInstanceArn))),
    stableSeconds: options.stableSeconds,
    ...(options.daemonInstances ? { daemonInstances: options.daemonInstances } : {}),
    wasSteady: rec.steadySince !== undefined,
    ...(breaker
      ? { circuitBreaker: { enable: breaker.enable ?? false, rollback: breaker.rollback ?? false } }
      : {}),
    now: options.now,
  };
}

/**
 * The reconciler's view of each shared (frozen) task document, made once per document and instance
 * state: a pass over a large service sees mostly the documents the previous pass saw.
 */
const views = new WeakMap<TaskRecord, ReconcileTask>();

function reconcileTaskOf(t: TaskRecord, instance: InstanceState): ReconcileTask {
  if (!Object.isFrozen(t)) return reconcileTask(t, instance);
  const seen = views.get(t);
  if (seen !== undefined && seen.instance === instance) return seen;
  const view = reconcileTask(t, instance);
  views.set(t, view);
  return view;
}

export function reconcileTask(t: TaskRecord, instance: InstanceState): ReconcileTask {
  const task = t.task;
  return {
    taskArn: task.taskArn,
    ...(t.deploymentId ? { deploymentId: t.deploymentId } : {}),
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    createdAt: task.createdAt ?? 0,
    instance,
    ...(task.containerInstanceArn ? { instanceArn: task.containerInstanceArn } : {}),
    ...(task.startedAt !== undefined ? { startedAt: task.startedAt } : {}),
    ...(t.nextTransitionAt !== undefined ? { nextStepAt: epochSeconds(t.nextTransitionAt) } : {}),
    ...(task.stoppedAt !== undefined ? { stoppedAt: task.stoppedAt } : {}),
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    ...(t.stopCause ? { stopCause: t.stopCause.kind } : {}),
    everRunning: t.history.some((h) => h.status === 'RUNNING'),
    ...(t.protectedUntil !== undefined ? { protectedUntil: t.protectedUntil } : {}),
  };
}

/** The state of each container instance the tasks run on (read once per instance). */
export function instanceStates(
  col: EcsCollections,
  tasks: TaskRecord[],
): (arn: string | undefined) => InstanceState {
  const cache = new Map<string, InstanceState>();
  for (const t of tasks) {
    const arn = t.task.containerInstanceArn;
    if (!arn || cache.has(arn) || t.task.lastStatus === 'STOPPED') continue;
    const status = col.containerInstances.peek(arn)?.containerInstance.status;
    cache.set(arn, status === 'ACTIVE' ? 'ACTIVE' : status === 'DRAINING' ? 'DRAINING' : 'GONE');
  }
  // A task with no instance (Fargate, or waiting for its capacity provider) has none to lose.
  return (arn) => (arn ? (cache.get(arn) ?? 'GONE') : 'ACTIVE');
}
