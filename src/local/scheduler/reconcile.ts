/**
 * The service reconciler (after Nomad's): sees only facts (the service's spec, its tasks, whether
 * their instances are draining or gone, now) and returns a decision record. It never picks an
 * instance; the worker places through the placement pipeline and applies the decision.
 *
 * Rolling deployments follow ECS: during a deployment at most floor(desiredCount x maximumPercent
 * / 100) tasks are RUNNING or PENDING, and at least ceil(desiredCount x minimumHealthyPercent /
 * 100) stay RUNNING while old ones are stopped. Tasks on DRAINING instances are replaced within
 * the same bounds. Replacing failed tasks and plain scaling are not bounded by maximumPercent.
 *
 * The deployment circuit breaker (when enabled) fails an IN_PROGRESS deployment once its consecutive
 * failed tasks reach the threshold: with rollback, the latest COMPLETED deployment becomes PRIMARY
 * again and the failed one drains like any old deployment; without, the FAILED deployment launches
 * nothing more and stops nothing (the service keeps what still runs).
 *
 * The failure and health rules live here too (`failedTask`, `exitsBeforeStable`,
 * `consecutiveFailures`): what counts as a failed task, when a RUNNING task counts as healthy, and
 * how many failures in a row a deployment has. Times are epoch seconds, compared in whole ms.
 */
import type { SchedulerStopCause } from '../ecs/model';

export type InstanceState = 'ACTIVE' | 'DRAINING' | 'GONE';

export interface ReconcileTask {
  taskArn: string;
  deploymentId?: string;
  lastStatus: string;
  desiredStatus: string;
  /** Epoch seconds. */
  createdAt: number;
  instance: InstanceState;
  /** The container instance (DAEMON services place per instance). */
  instanceArn?: string;
  /** When it became RUNNING (epoch seconds). */
  startedAt?: number;
  /**
   * When the agent's next step is due (epoch seconds). For a task RUNNING and desired RUNNING that
   * is its container exiting (agent/exit.ts): if that comes before it would count as healthy, it never does.
   */
  nextStepAt?: number;
  /** When it reached STOPPED (epoch seconds). */
  stoppedAt?: number;
  /** ECS's stopCode (TaskFailedToStart, EssentialContainerExited, UserInitiated, ...). */
  stopCode?: string;
  /** Why the scheduler stopped it (stopCode ServiceSchedulerInitiated). */
  stopCause?: SchedulerStopCause['kind'];
  /** Whether it was ever RUNNING. */
  everRunning?: boolean;
  /** Scale-in protection (UpdateTaskProtection) until then (epoch seconds): scaling does not stop it. */
  protectedUntil?: number;
}

export interface ReconcileDeployment {
  id: string;
  status: string;
  rolloutState?: string;
  /** Epoch seconds (a rollback goes to the latest COMPLETED deployment). */
  createdAt?: number;
}

export interface ReconcileInput {
  status: string;
  desiredCount: number;
  minimumHealthyPercent: number;
  maximumPercent: number;
  deployments: ReconcileDeployment[];
  /** The service's tasks, STOPPED ones included (they are its failures). */
  tasks: ReconcileTask[];
  /**
   * DAEMON services only: the ACTIVE container instances that satisfy the service's constraints.
   * One task runs on each, and desiredCount is their number.
   */
  daemonInstances?: string[];
  /** Whether the service was in a steady state after the previous pass (a new steady state is an event). */
  wasSteady: boolean;
  /**
   * How long (seconds) a deployment's tasks must have been RUNNING before it counts as COMPLETED
   * (and the service as steady): a container that crashes right after it starts is not a success.
   */
  stableSeconds?: number;
  /** deploymentConfiguration.deploymentCircuitBreaker. */
  circuitBreaker?: { enable: boolean; rollback: boolean };
  /** Epoch seconds. */
  now: number;
}

export interface DeploymentUpdate {
  id: string;
  /** INACTIVE deployments are dropped from the service's list. */
  status: string;
  rolloutState?: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason?: string;
  desiredCount: number;
  updatedAt?: number;
}

export type ReconcileEvent =
  | { kind: 'steady' }
  | { kind: 'deploymentCompleted'; deploymentId: string }
  | { kind: 'deploymentBlocked' }
  | { kind: 'scaleInProtected'; tasks: number }
  | { kind: 'deploymentFailed'; deploymentId: string }
  | { kind: 'rollingBack'; deploymentId: string };

export interface Decision {
  /** `instanceArns` (DAEMON): one task on each of these instances; otherwise placement picks. */
  place: { deploymentId: string; count: number; instanceArns?: string[] }[];
  stop: { taskArn: string; cause: SchedulerStopCause }[];
  /** Each deployment's consecutive failed tasks (its `failedTasks`, what the circuit breaker counts). */
  failedTasks: Map<string, number>;
  deploymentUpdates: DeploymentUpdate[];
  events: ReconcileEvent[];
  /** Set when a DRAINING service has nothing left and becomes INACTIVE. */
  serviceStatus?: 'INACTIVE';
  /** Whether the service is in a steady state once this decision applies with nothing else to do. */
  steady: boolean;
  /** Seconds after which to look again: tasks that will have been RUNNING long enough by then. */
  recheckIn?: number;
  /** When the protection of each task it would have stopped but for its protection ends (epoch seconds). */
  protectedHeld?: number[];
}

export const minimumHealthy = (desired: number, percent: number): number =>
  Math.ceil((desired * percent) / 100);
export const maximumTotal = (desired: number, percent: number): number =>
  Math.floor((desired * percent) / 100);

/** Failed tasks that trip the circuit breaker: half the desired count, at least 3, at most 200. */
export const circuitBreakerThreshold = (desired: number): number =>
  Math.min(200, Math.max(3, Math.ceil(desired * 0.5)));

export const CIRCUIT_BREAKER_FAILED = 'ECS deployment circuit breaker: tasks failed to start.';

const scaling = (deploymentId: string): SchedulerStopCause => ({ kind: 'scaling', deploymentId });

/** Epoch seconds to whole milliseconds, so sums of seconds compare exactly. */
const ms = (seconds: number): number => Math.round(seconds * 1000);

const NOT_A_FAILURE = new Set(['ServiceSchedulerInitiated', 'UserInitiated', 'TerminationNotice']);

/**
 * A task that failed: it stopped on its own before it ever ran, an essential container exited, or
 * the scheduler stopped it because it failed its load balancer's health checks.
 */
export function failedTask(t: ReconcileTask): boolean {
  if (t.lastStatus !== 'STOPPED') return false;
  if (t.stopCause === 'unhealthyTarget') return true;
  if (NOT_A_FAILURE.has(t.stopCode ?? '')) return false;
  return t.stopCode === 'EssentialContainerExited' || !t.everRunning;
}

/** Whether a RUNNING task's container is due to exit before it would count as healthy. */
export function exitsBeforeStable(t: ReconcileTask, stableSeconds: number): boolean {
  return (
    t.lastStatus === 'RUNNING' &&
    t.desiredStatus === 'RUNNING' &&
    t.nextStepAt !== undefined &&
    ms(t.nextStepAt) <= ms(t.startedAt ?? 0) + ms(stableSeconds)
  );
}

/** Whether a task counts as healthy at `now`: RUNNING for `stableSeconds`, desired RUNNING, not about to exit. */
export function healthyAt(t: ReconcileTask, stableSeconds: number, now: number): boolean {
  return (
    t.lastStatus === 'RUNNING' &&
    t.desiredStatus === 'RUNNING' &&
    !exitsBeforeStable(t, stableSeconds) &&
    ms(t.startedAt ?? 0) + ms(stableSeconds) <= ms(now)
  );
}

/**
 * A deployment's consecutive failed tasks: the failures since one of its tasks still RUNNING became
 * healthy, since a healthy task resets the count (resetOnHealthyTask, true by default).
 */
export function consecutiveFailures(
  tasks: ReconcileTask[],
  deploymentId: string,
  stableSeconds: number,
  now: number,
): number {
  let healthySince = 0;
  for (const t of tasks) {
    if (t.deploymentId === deploymentId && healthyAt(t, stableSeconds, now))
      healthySince = Math.max(healthySince, ms(t.startedAt ?? 0) + ms(stableSeconds));
  }
  let n = 0;
  for (const t of tasks) {
    if (t.deploymentId === deploymentId && failedTask(t) && ms(t.stoppedAt ?? 0) >= healthySince) n++;
  }
  return n;
}

const stopRank = (t: ReconcileTask) => (t.lastStatus !== 'RUNNING' ? 0 : t.instance === 'DRAINING' ? 1 : 2);

/** Stop order: not yet RUNNING first, then on draining instances, then the newest. */
function stopOrder(a: ReconcileTask, b: ReconcileTask): number {
  return stopRank(a) - stopRank(b) || b.createdAt - a.createdAt || (a.taskArn < b.taskArn ? -1 : 1);
}

export function reconcile(input: ReconcileInput): Decision {
  const stable = input.stableSeconds ?? 0;
  // Counted once: what the circuit breaker judges is what the deployments report as failedTasks.
  const failures = new Map(
    input.deployments.map((d) => [d.id, consecutiveFailures(input.tasks, d.id, stable, input.now)]),
  );
  return { ...decide(input, failures), failedTasks: failures };
}

function decide(input: ReconcileInput, failures: Map<string, number>): Decision {
  const primary = input.deployments.find((d) => d.status === 'PRIMARY');
  const decision: Decision = {
    place: [],
    stop: [],
    failedTasks: failures,
    deploymentUpdates: [],
    events: [],
    steady: false,
  };
  const stopping = (t: ReconcileTask) => t.desiredStatus === 'STOPPED' && t.lastStatus !== 'STOPPED';
  const alive = input.tasks.filter((t) => t.desiredStatus !== 'STOPPED' && t.lastStatus !== 'STOPPED');

  // Tasks whose instance is gone never come back: stop them and count them as nothing.
  const gone = alive.filter((t) => t.instance === 'GONE');
  for (const t of gone) decision.stop.push({ taskArn: t.taskArn, cause: { kind: 'instanceGone' } });
  const live = alive.filter((t) => t.instance !== 'GONE');

  if (input.status === 'DRAINING' || !primary) {
    const cause = scaling(primary?.id ?? input.deployments[0]?.id ?? 'unknown');
    for (const t of live) decision.stop.push({ taskArn: t.taskArn, cause });
    const anyStopping = input.tasks.some((t) => stopping(t) && t.instance !== 'GONE');
    if (input.status === 'DRAINING' && live.length === 0 && !anyStopping) decision.serviceStatus = 'INACTIVE';
    return decision;
  }

  const daemon = input.daemonInstances !== undefined;
  const desired = daemon ? (input.daemonInstances ?? []).length : Math.max(0, input.desiredCount);

  const cb = input.circuitBreaker;
  let tripped = false;
  if (
    cb?.enable &&
    primary.rolloutState === 'IN_PROGRESS' &&
    (failures.get(primary.id) ?? 0) >= circuitBreakerThreshold(desired)
  ) {
    const target = cb.rollback
      ? input.deployments
          .filter((d) => d.id !== primary.id && d.rolloutState === 'COMPLETED')
          .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))[0]
      : undefined;
    if (target) return rollBack(input, failures, primary, target);
    tripped = true;
  }
  const failed = tripped || primary.rolloutState === 'FAILED';

  const stableFor = input.stableSeconds ?? 0;
  // RUNNING long enough to count towards minimumHealthyPercent: a task that just started may crash.
  const healthy = (t: ReconcileTask) => healthyAt(t, stableFor, input.now);
  const plan = {
    primary,
    desired,
    live,
    decision,
    minimumHealthyPercent: input.minimumHealthyPercent,
    healthy,
    isProtected: (t: ReconcileTask) => (t.protectedUntil ?? 0) > input.now,
  };
  const { excess, started } = failed
    ? { excess: 0, started: 0 }
    : daemon
      ? planDaemon({ ...plan, eligible: new Set(input.daemonInstances), tasks: input.tasks })
      : planReplica({ ...plan, maximumPercent: input.maximumPercent });

  const stoppedNow = new Set(decision.stop.map((s) => s.taskArn));
  const liveAfter = live.filter((t) => !stoppedNow.has(t.taskArn));
  const stoppingAfter =
    input.tasks.some((t) => stopping(t) && t.instance !== 'GONE') || decision.stop.length > gone.length;
  const deploymentOf = new Map(input.tasks.map((t) => [t.taskArn, t.deploymentId]));
  const stoppedFrom = new Set(decision.stop.map((s) => deploymentOf.get(s.taskArn)));

  const held = decision.protectedHeld ?? [];
  if (held.length) decision.events.push({ kind: 'scaleInProtected', tasks: held.length });
  if (excess > 0 && started === 0 && decision.stop.length === gone.length && held.length === 0) {
    // Blocked only when nothing can change by itself: no task still starting, becoming stable or about to exit.
    const inFlight = live.some((t) => !healthy(t)) || stoppingAfter;
    if (!inFlight) decision.events.push({ kind: 'deploymentBlocked' });
  }

  // Deployments: old ones with nothing left are retired; the others track what they still run.
  for (const d of input.deployments) {
    if (d.id === primary.id) continue;
    const remaining = liveAfter.filter((t) => t.deploymentId === d.id).length;
    const draining = input.tasks.some((t) => t.deploymentId === d.id && stopping(t) && t.instance !== 'GONE');
    const leaving = remaining === 0 && !draining && !stoppedFrom.has(d.id);
    decision.deploymentUpdates.push({
      id: d.id,
      status: leaving ? 'INACTIVE' : d.status,
      desiredCount: remaining,
      ...(leaving ? { updatedAt: input.now } : {}),
    });
  }
  const oldsLeft = decision.deploymentUpdates.some((u) => u.status !== 'INACTIVE');

  const primaryRunning = liveAfter.filter(
    (t) => t.deploymentId === primary.id && isRunning(t) && t.instance === 'ACTIVE',
  );
  const settled =
    decision.place.length === 0 &&
    decision.stop.length === 0 &&
    !oldsLeft &&
    !stoppingAfter &&
    liveAfter.length === desired &&
    primaryRunning.length === desired &&
    primaryRunning.every(healthy);
  // Tasks not yet RUNNING long enough change the picture when they are: look again then.
  const young = liveAfter
    .filter((t) => isRunning(t) && !exitsBeforeStable(t, stableFor) && !healthy(t))
    .map((t) => t.startedAt ?? 0);
  if (young.length) decision.recheckIn = Math.max(0.001, Math.min(...young) + stableFor - input.now);
  // Protected tasks that should go are looked at again when their protection ends.
  if (held.length) {
    const until = Math.max(0.001, Math.min(...held) - input.now);
    decision.recheckIn = Math.min(decision.recheckIn ?? until, until);
  }

  const update: DeploymentUpdate = { id: primary.id, status: 'PRIMARY', desiredCount: desired };
  if (tripped) {
    update.rolloutState = 'FAILED';
    update.rolloutStateReason = CIRCUIT_BREAKER_FAILED;
    update.updatedAt = input.now;
    decision.events.push({ kind: 'deploymentFailed', deploymentId: primary.id });
  } else if (settled && primary.rolloutState === 'IN_PROGRESS') {
    update.rolloutState = 'COMPLETED';
    update.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
    update.updatedAt = input.now;
    decision.events.push({ kind: 'deploymentCompleted', deploymentId: primary.id });
  }
  decision.deploymentUpdates.unshift(update);
  decision.steady = settled;
  if (settled && !input.wasSteady) decision.events.push({ kind: 'steady' });
  return decision;
}

/**
 * The circuit breaker tripped with rollback: `target` (the latest COMPLETED deployment) is PRIMARY
 * again, IN_PROGRESS until it completes anew; the failed deployment is an old one that drains.
 */
function rollBack(
  input: ReconcileInput,
  failures: Map<string, number>,
  failed: ReconcileDeployment,
  target: ReconcileDeployment,
): Decision {
  // The target starts over: its old failures do not trip the breaker again.
  const decision = decide(
    {
      ...input,
      deployments: input.deployments.map((d) =>
        d.id === failed.id
          ? { ...d, status: 'ACTIVE', rolloutState: 'FAILED' }
          : d.id === target.id
            ? { ...d, status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }
            : d,
      ),
    },
    new Map(failures).set(target.id, 0),
  );
  decision.failedTasks = failures;
  for (const u of decision.deploymentUpdates) {
    if (u.id === failed.id) {
      u.rolloutState = 'FAILED';
      u.rolloutStateReason = CIRCUIT_BREAKER_FAILED;
      u.updatedAt = input.now;
    } else if (u.id === target.id && u.rolloutState !== 'COMPLETED') {
      u.rolloutState = 'IN_PROGRESS';
      u.rolloutStateReason = `ECS deployment circuit breaker: rolling back to deploymentId ${target.id}.`;
      u.updatedAt = input.now;
    }
  }
  decision.events.unshift(
    { kind: 'deploymentFailed', deploymentId: failed.id },
    { kind: 'rollingBack', deploymentId: target.id },
  );
  return decision;
}

interface Plan {
  primary: ReconcileDeployment;
  desired: number;
  /** Tasks desired RUNNING, not stopped, on instances that still exist. */
  live: ReconcileTask[];
  decision: Decision;
  minimumHealthyPercent: number;
  /** RUNNING long enough to count as healthy. */
  healthy: (t: ReconcileTask) => boolean;
  /** Under scale-in protection now. */
  isProtected: (t: ReconcileTask) => boolean;
}

const isRunning = (t: ReconcileTask) => t.lastStatus === 'RUNNING';

/**
 * Stops `candidates` in order; a RUNNING one only while more than minimumHealthyPercent would
 * stay RUNNING (unless `always` says it must go regardless).
 */
function stopWithinMinimum(
  p: Plan,
  candidates: ReconcileTask[],
  always: (t: ReconcileTask) => boolean,
): void {
  let stoppableHealthy = Math.max(
    0,
    p.live.filter(p.healthy).length - minimumHealthy(p.desired, p.minimumHealthyPercent),
  );
  for (const t of candidates) {
    if (isRunning(t) && !always(t)) {
      if (stoppableHealthy === 0) continue;
      stoppableHealthy--;
    }
    const cause: SchedulerStopCause =
      t.instance === 'DRAINING' && t.deploymentId === p.primary.id
        ? { kind: 'instanceDraining' }
        : scaling(p.primary.id);
    // Scale-in protection keeps a task from scaling and deployments (not from a draining instance).
    if (cause.kind === 'scaling' && p.isProtected(t)) {
      (p.decision.protectedHeld ??= []).push(t.protectedUntil ?? 0);
      continue;
    }
    p.decision.stop.push({ taskArn: t.taskArn, cause });
  }
}

/** REPLICA: desiredCount tasks of the PRIMARY deployment anywhere, within the percent bounds. */
function planReplica(p: Plan & { maximumPercent: number }): { excess: number; started: number } {
  const maxTotal = maximumTotal(p.desired, p.maximumPercent);
  // Protected tasks are kept first: scaling in stops unprotected ones. (No order to choose when
  // every candidate is kept: no sort, which is most passes of a large service.)
  const candidates = p.live.filter((t) => t.deploymentId === p.primary.id && t.instance === 'ACTIVE');
  const keepers =
    candidates.length <= p.desired
      ? candidates
      : candidates
          .sort((a, b) => Number(p.isProtected(b)) - Number(p.isProtected(a)) || stopOrder(b, a))
          .slice(0, p.desired);
  const keeperSet = new Set(keepers.map((t) => t.taskArn));
  // Everything else must go: old deployments, tasks on draining instances, surplus.
  const excess = p.live.filter((t) => !keeperSet.has(t.taskArn)).sort(stopOrder);
  const missing = p.desired - keepers.length;
  const start = excess.length > 0 ? Math.min(missing, Math.max(0, maxTotal - p.live.length)) : missing;
  if (start > 0) p.decision.place.push({ deploymentId: p.primary.id, count: start });
  stopWithinMinimum(p, excess, () => false);
  return { excess: excess.length, started: Math.max(0, start) };
}

/**
 * DAEMON: one PRIMARY task on each eligible instance. Tasks on other instances (draining, no longer
 * matching) and duplicates go at once; old deployments' tasks go within minimumHealthyPercent, and
 * the new task starts on an instance once nothing of the service is left on it (ports, resources).
 */
function planDaemon(p: Plan & { eligible: Set<string>; tasks: ReconcileTask[] }): {
  excess: number;
  started: number;
} {
  const keep = new Map<string, ReconcileTask>();
  const best = p.live
    .filter((t) => t.deploymentId === p.primary.id)
    .sort(stopOrder)
    .reverse();
  for (const t of best) {
    if (
      t.instanceArn &&
      p.eligible.has(t.instanceArn) &&
      t.instance === 'ACTIVE' &&
      !keep.has(t.instanceArn)
    ) {
      keep.set(t.instanceArn, t);
    }
  }
  const kept = new Set([...keep.values()].map((t) => t.taskArn));
  const excess = p.live.filter((t) => !kept.has(t.taskArn)).sort(stopOrder);
  const mustGo = (t: ReconcileTask) =>
    t.deploymentId === p.primary.id ||
    !t.instanceArn ||
    !p.eligible.has(t.instanceArn) ||
    t.instance !== 'ACTIVE';
  stopWithinMinimum(p, excess, mustGo);
  const occupied = new Set(
    p.tasks
      .filter((t) => t.lastStatus !== 'STOPPED' && t.instance !== 'GONE' && t.instanceArn)
      .map((t) => t.instanceArn),
  );
  const targets = [...p.eligible].filter((arn) => !keep.has(arn) && !occupied.has(arn)).sort();
  if (targets.length)
    p.decision.place.push({ deploymentId: p.primary.id, count: targets.length, instanceArns: targets });
  return { excess: excess.length, started: targets.length };
}
