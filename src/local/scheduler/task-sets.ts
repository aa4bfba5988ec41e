/**
 * The task set reconciler, beside the service reconciler (reconcile.ts) and as pure: services with
 * the EXTERNAL or CODE_DEPLOY deployment controller run their tasks in task sets, each keeping
 * `computedDesiredCount` tasks (the service's desiredCount x the set's scale, rounded up). The
 * external controller moves traffic and scale between sets, so no percent bounds apply here: a set
 * below its count starts tasks, one above it stops the surplus (not yet RUNNING first, then the
 * newest), tasks on draining instances are replaced, tasks on instances that are gone and tasks of
 * no set are stopped. A DRAINING set (DeleteTaskSet) stops everything and leaves once nothing of it
 * is left; a DRAINING service drains every set and becomes INACTIVE.
 *
 * A set is STEADY_STATE when its RUNNING tasks (stable for `stableSeconds`) equal its count, none
 * pending, none on draining instances: ECS's stability rule.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import type { SchedulerStopCause, Wire, WireService } from '../ecs/model';
import { exitsBeforeStable, healthyAt, type ReconcileTask } from './reconcile';

export interface TaskSetFacts {
  id: string;
  /** PRIMARY, ACTIVE or DRAINING. */
  status: string;
  computedDesiredCount: number;
}

export interface TaskSetInput {
  /** The service's status (ACTIVE, DRAINING). */
  serviceStatus: string;
  taskSets: TaskSetFacts[];
  /** The service's tasks (`deploymentId` is the task set's id), STOPPED ones included. */
  tasks: ReconcileTask[];
  stableSeconds: number;
  /** Epoch seconds. */
  now: number;
}

export interface TaskSetState {
  id: string;
  runningCount: number;
  pendingCount: number;
  stable: boolean;
  /** A DRAINING set with nothing left: it leaves the service. */
  removed: boolean;
}

export interface TaskSetDecision {
  place: { taskSetId: string; count: number }[];
  stop: { taskArn: string; cause: SchedulerStopCause }[];
  taskSets: TaskSetState[];
  serviceStatus?: 'INACTIVE';
  /** Every set stable and none draining. */
  steady: boolean;
  /** Seconds after which to look again (tasks that will have been RUNNING long enough by then). */
  recheckIn?: number;
}

const PENDING = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

/** ceil(desiredCount x scale%), exact for percentages with up to six decimals. */
export function computedDesiredCount(desiredCount: number, scalePercent: number): number {
  const scaled = Math.round(desiredCount * scalePercent * 1e6);
  return Math.ceil(scaled / 1e8);
}

/** Stop order: not yet RUNNING first, then on draining instances, then the newest. */
function stopFirst(a: ReconcileTask, b: ReconcileTask): number {
  const rank = (t: ReconcileTask) => (t.lastStatus !== 'RUNNING' ? 0 : t.instance === 'DRAINING' ? 1 : 2);
  return rank(a) - rank(b) || b.createdAt - a.createdAt || (a.taskArn < b.taskArn ? -1 : 1);
}

export function reconcileTaskSets(input: TaskSetInput): TaskSetDecision {
  const decision: TaskSetDecision = { place: [], stop: [], taskSets: [], steady: false };
  const stopping = (t: ReconcileTask) =>
    t.desiredStatus === 'STOPPED' && t.lastStatus !== 'STOPPED' && t.instance !== 'GONE';
  const alive = input.tasks.filter((t) => t.desiredStatus !== 'STOPPED' && t.lastStatus !== 'STOPPED');
  const draining = input.serviceStatus !== 'ACTIVE';
  const sets = new Map(input.taskSets.map((s) => [s.id, s]));
  const stop = (t: ReconcileTask, cause: SchedulerStopCause) =>
    decision.stop.push({ taskArn: t.taskArn, cause });

  for (const t of alive) {
    if (t.instance === 'GONE') stop(t, { kind: 'instanceGone' });
    else if (!sets.has(t.deploymentId ?? ''))
      stop(t, { kind: 'scaling', deploymentId: t.deploymentId ?? 'unknown' });
  }
  const healthy = (t: ReconcileTask) => healthyAt(t, input.stableSeconds, input.now);
  let steady = true;
  for (const set of input.taskSets) {
    const own = alive.filter((t) => t.deploymentId === set.id && t.instance !== 'GONE');
    const scaling: SchedulerStopCause = { kind: 'scaling', deploymentId: set.id };
    const leaving = draining || set.status === 'DRAINING';
    const want = leaving ? 0 : Math.max(0, set.computedDesiredCount);
    // Keep the best `want` tasks on ACTIVE instances; the rest go (draining instances' are replaced).
    const keepers = own
      .filter((t) => t.instance === 'ACTIVE')
      .sort(stopFirst)
      .reverse()
      .slice(0, want);
    const kept = new Set(keepers.map((t) => t.taskArn));
    for (const t of own.filter((x) => !kept.has(x.taskArn)).sort(stopFirst)) {
      stop(t, t.instance === 'DRAINING' ? { kind: 'instanceDraining' } : scaling);
    }
    const missing = want - keepers.length;
    if (missing > 0) decision.place.push({ taskSetId: set.id, count: missing });
    const stillStopping = input.tasks.some((t) => t.deploymentId === set.id && stopping(t));
    const running = keepers.filter((t) => t.lastStatus === 'RUNNING').length;
    const pending = keepers.filter((t) => PENDING.has(t.lastStatus)).length;
    const stable =
      missing <= 0 &&
      keepers.length === own.length &&
      pending === 0 &&
      running === want &&
      keepers.every(healthy);
    const removed = leaving && own.length === 0 && !stillStopping;
    decision.taskSets.push({ id: set.id, runningCount: running, pendingCount: pending, stable, removed });
    if (!stable || leaving) steady = false;
  }
  const young = alive
    .filter((t) => t.lastStatus === 'RUNNING' && t.instance === 'ACTIVE')
    .filter((t) => !exitsBeforeStable(t, input.stableSeconds) && !healthy(t))
    .map((t) => t.startedAt ?? 0);
  if (young.length) {
    decision.recheckIn = Math.max(0.001, Math.min(...young) + input.stableSeconds - input.now);
  }
  if (draining && alive.length === 0 && !input.tasks.some(stopping)) decision.serviceStatus = 'INACTIVE';
  decision.steady = steady && decision.stop.length === 0 && !draining;
  return decision;
}

/**
 * The load balancers whose targets the service's tasks are: the service's own, and each task set's
 * for that set's tasks (`owners`, the task set ids). A DRAINING set's tasks are on their way out.
 */
export function serviceLoadBalancers(
  svc: WireService,
): { lb: Wire<ecs.LoadBalancer>; owners?: ReadonlySet<string> }[] {
  const type = svc.deploymentController?.type ?? 'ECS';
  if (type === 'ECS') return (svc.loadBalancers ?? []).map((lb) => ({ lb }));
  const byName = new Map<string, { lb: Wire<ecs.LoadBalancer>; owners: Set<string> }>();
  for (const set of svc.taskSets ?? []) {
    if (set.status === 'DRAINING' || !set.id) continue;
    for (const lb of set.loadBalancers ?? []) {
      const name = `${lb.targetGroupArn ?? lb.loadBalancerName ?? ''}|${lb.containerName ?? ''}|${lb.containerPort ?? ''}`;
      const entry = byName.get(name) ?? { lb, owners: new Set<string>() };
      entry.owners.add(set.id);
      byName.set(name, entry);
    }
  }
  return [...byName.values()];
}
