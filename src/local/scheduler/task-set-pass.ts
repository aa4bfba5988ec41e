/**
 * A scheduler pass over a service whose tasks run in task sets (EXTERNAL and CODE_DEPLOY deployment
 * controllers), inside the worker's transaction: the decision (task-sets.ts) on the same facts the
 * service reconciler sees (service-input.ts), tasks placed through launch.ts with each set's task
 * definition, launch type and placement (at most `maxPlaced` a pass, as the service pass), tasks
 * stopped as the worker stops them, and the service written with each set's counts and stability.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import type { LocalDeps } from '../deps';
import type { EcsCollections, ServiceRecord, TaskRecord, Wire, WireService } from '../ecs/model';
import { stoppedByScheduler } from './apply-decision';
import { launchTasks } from './launch';
import type { InstanceState } from './reconcile';
import { NOTICE_EVERY_S, startedTasksMessages, stoppedTasksMessages, unableToPlace } from './service-events';
import { reconcileTask } from './service-input';
import { reconcileTaskSets } from './task-sets';

export interface TaskSetPassContext {
  deps: LocalDeps;
  col: EcsCollections;
  rec: ServiceRecord;
  tasks: TaskRecord[];
  instanceState: (arn: string | undefined) => InstanceState;
  stableSeconds: number;
  placementStrategy: Wire<ecs.PlacementStrategy>[];
  nowMs: number;
  now: number;
  /** At most this many tasks are placed (the worker's per-pass bound); the rest on the next pass. */
  maxPlaced: number;
}

export interface TaskSetPassResult {
  service: WireService;
  stopped: TaskRecord[];
  started: TaskRecord[];
  messages: string[];
  steady: boolean;
  unableToPlaceAt?: number;
  recheckIn?: number;
  /** It placed `maxPlaced` tasks and more are to be placed: look again at once. */
  more: boolean;
}

export function taskSetPass(c: TaskSetPassContext): TaskSetPassResult {
  const svc = c.rec.service;
  const sets = svc.taskSets ?? [];
  const decision = reconcileTaskSets({
    serviceStatus: svc.status,
    taskSets: sets.map((x) => ({
      id: x.id ?? '',
      status: x.status ?? 'ACTIVE',
      computedDesiredCount: x.computedDesiredCount ?? 0,
    })),
    tasks: c.tasks.map((t) => reconcileTask(t, c.instanceState(t.task.containerInstanceArn))),
    stableSeconds: c.stableSeconds,
    now: c.now,
  });
  const messages: string[] = [];
  const byArn = new Map(c.tasks.map((t) => [t.task.taskArn, t]));
  const stopped: TaskRecord[] = [];
  for (const s of decision.stop) {
    const t = byArn.get(s.taskArn);
    if (!t) continue;
    const gone = c.instanceState(t.task.containerInstanceArn) === 'GONE';
    const next = stoppedByScheduler(t, s.cause, gone, c.nowMs);
    c.col.tasks.put(next.task.taskArn, next);
    byArn.set(next.task.taskArn, next);
    stopped.push(next);
  }
  if (stopped.length) messages.push(...stoppedTasksMessages(svc.serviceName, stopped));

  const started: TaskRecord[] = [];
  let unable: string | undefined;
  let room = c.maxPlaced;
  let more = false;
  for (const p of decision.place) {
    const count = Math.min(p.count, room);
    more ||= count < p.count;
    if (count <= 0) continue;
    const set = sets.find((x) => x.id === p.taskSetId);
    const td = set?.taskDefinition ? c.col.taskDefinitions.get(set.taskDefinition) : undefined;
    if (!set || !td) continue;
    room -= count;
    const region = svc.clusterArn.split(':')[3] ?? c.deps.config.defaultRegion;
    const result = launchTasks(c.deps, {
      clusterArn: svc.clusterArn,
      region,
      taskDefinition: td.taskDefinition,
      count,
      group: `service:${svc.serviceName}`,
      startedBy: set.startedBy ?? p.taskSetId,
      placementConstraints: svc.placementConstraints ?? [],
      placementStrategy: svc.placementStrategy?.length ? svc.placementStrategy : c.placementStrategy,
      serviceArn: svc.serviceArn,
      deploymentId: p.taskSetId,
      capacity: { launchType: 'EC2' }, // task sets run on EC2 capacity here (validateLaunchType)
      ...(svc.propagateTags === 'SERVICE' && svc.tags ? { tags: svc.tags } : {}),
      ...(svc.enableExecuteCommand ? { enableExecuteCommand: true } : {}),
    });
    for (const t of result.tasks) byArn.set(t.task.taskArn, t);
    started.push(...result.tasks);
    if (result.tasks.length < count)
      unable ??= unableToPlace(svc.serviceName, result.failures, result.closest);
  }
  if (started.length) messages.push(...startedTasksMessages(svc.serviceName, started));
  const last = c.rec.lastNotice?.unableToPlace;
  let unableToPlaceAt: number | undefined;
  if (unable && (last === undefined || c.now - last >= NOTICE_EVERY_S)) {
    messages.push(unable);
    unableToPlaceAt = c.now;
  }

  // Counts from the tasks as they are after this pass (placed ones are pending).
  const counts = new Map<string, { running: number; pending: number }>();
  for (const t of byArn.values()) {
    if (t.task.desiredStatus !== 'RUNNING' || !t.deploymentId) continue;
    const n = counts.get(t.deploymentId) ?? { running: 0, pending: 0 };
    if (t.task.lastStatus === 'RUNNING') n.running++;
    else if (t.task.lastStatus !== 'STOPPED') n.pending++;
    counts.set(t.deploymentId, n);
  }
  const states = new Map(decision.taskSets.map((x) => [x.id, x]));
  const taskSets = sets.flatMap((x) => {
    const state = states.get(x.id ?? '');
    if (state?.removed) return [];
    const n = counts.get(x.id ?? '') ?? { running: 0, pending: 0 };
    const stability: ecs.StabilityStatus =
      state?.stable && started.length === 0 ? 'STEADY_STATE' : 'STABILIZING';
    const changed =
      n.running !== x.runningCount || n.pending !== x.pendingCount || stability !== x.stabilityStatus;
    return [
      {
        ...x,
        runningCount: n.running,
        pendingCount: n.pending,
        stabilityStatus: stability,
        ...(changed ? { updatedAt: c.now } : {}),
        ...(stability !== x.stabilityStatus ? { stabilityStatusAt: c.now } : {}),
      },
    ];
  });
  const primary = taskSets.find((x) => x.status === 'PRIMARY');
  let running = 0;
  let pending = 0;
  for (const n of counts.values()) {
    running += n.running;
    pending += n.pending;
  }
  const service: WireService = {
    ...svc,
    taskSets,
    runningCount: running,
    pendingCount: pending,
    ...(primary?.taskDefinition ? { taskDefinition: primary.taskDefinition } : {}),
    ...(decision.serviceStatus ? { status: decision.serviceStatus } : {}),
  };
  return {
    service,
    stopped,
    started,
    messages,
    steady: decision.steady && started.length === 0,
    more: more && started.length > 0,
    ...(unableToPlaceAt !== undefined ? { unableToPlaceAt } : {}),
    ...(decision.recheckIn !== undefined ? { recheckIn: decision.recheckIn } : {}),
  };
}
