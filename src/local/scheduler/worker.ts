/**
 * The service scheduler, a controller on the common work queue (common/work-queue.ts) keyed by
 * service ARN. Bus hints only add keys: `ecs.service.dirty` a service, `ecs.cluster.dirty` the
 * cluster's ARN, which expands to its services when handled. The queue's resync adds every
 * service, on start too (recovery after a restart); a failed pass is retried with backoff.
 *
 * A pass re-reads the service and its tasks: load balancer targets first (calls to ELB), then, in
 * one transaction, the decision (reconcile.ts, on facts from service-input.ts), tasks placed
 * (launch.ts) and stopped, and the service written with its deployments (apply-decision.ts) and
 * events (service-events.ts).
 *
 * Cost at scale (issue 14): the simulation hints a service for every batch of its tasks that moves
 * (up to 100 at a time), so hints coalesce: a hinted service is passed no sooner than
 * `hintGapMs` (and twice its last pass's duration) after its previous pass ended. API actions on
 * the service (`prompt` hints), rechecks and the resync keep their timing. A service its last full
 * pass found steady is passed without reading its tasks while nothing that pass relied on changed
 * (`SteadyMemo`): its record, its running, pending and desired-RUNNING counts (store counters
 * and one index count), and the instances its tasks run on. Likewise a service scaling up with
 * nothing else to do (`PlacingMemo`): the passes after a full one place the next tasks (1,000 a
 * pass), write the counts while the placed tasks start, and wait for the last to be RUNNING long
 * enough, without reading the service's tasks; a full pass then finds it steady.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { epochSeconds } from '../common/clock';
import { WorkQueue } from '../common/work-queue';
import type { LocalDeps, Runnable } from '../deps';
import { resolvedStrategy } from '../ecs/capacity-providers';
import { taskCounts, taskKeys } from '../ecs/counts';
import { runsOnFargate } from '../ecs/launch-capacity';
import {
  PENDING_STATUSES,
  ecsCollections,
  type EcsCollections,
  type LaunchCapacity,
  type ResolvedNetwork,
  type ServiceRecord,
  type TaskRecord,
  type Wire,
  type WireService,
} from '../ecs/model';
import { applyCounts, applyDecision, stoppedByScheduler } from './apply-decision';
import { recordServiceDeployments } from './deployment-history';
import { daemonInstances, launchTasks } from './launch';
import {
  exitsBeforeStable,
  reconcile,
  type Decision,
  type DeploymentUpdate,
  type InstanceState,
  type ReconcileTask,
} from './reconcile';
import { instanceStates, reconcileInput } from './service-input';
import { reconciledServiceTasks, sameValue, serviceRecordChanged } from './service-tasks';
import {
  NOTICE_EVERY_S,
  decisionMessage,
  startedTasksMessages,
  stoppedTasksMessages,
  unableToPlace,
  unhealthyTargetMessage,
  withEvents,
} from './service-events';
import { LoadBalancerSync, type TargetSync } from './targets';
import { taskSetPass } from './task-set-pass';
import { upgradeSchedulerRecords } from './upgrade';

/** Lifecycle steps a deployment's tasks must stay RUNNING before it is COMPLETED (and the service steady). */
const STABLE_STEPS = 3;

/** Services' default placement when they name none: spread over zones, then over instances. */
const DEFAULT_SERVICE_STRATEGY: Wire<ecs.PlacementStrategy>[] = [
  { type: 'spread', field: 'attribute:ecs.availability-zone' },
  { type: 'spread', field: 'instanceId' },
];

export function createServiceScheduler(deps: LocalDeps): Runnable {
  return new ServiceScheduler(deps);
}

/** What a pass did, for what comes after its transaction. */
interface PassResult {
  stopped: TaskRecord[];
  /** It started or stopped tasks: look again (their hints are the scheduler's own). */
  changed: boolean;
  /** Look again after this many seconds (tasks will have been RUNNING long enough by then). */
  recheckIn?: number;
  /** The service is steady and this is what it relied on (a full pass of a REPLICA service, or of its task sets). */
  steady?: SteadyMemo;
  /** The service is still steady: nothing was read but the memo's facts. */
  unchanged?: boolean;
  /** The service is gone (or INACTIVE): forget what is kept about it. */
  gone?: boolean;
  /** It placed as many tasks as one pass may and more are to be placed: look again at once. */
  more?: boolean;
  /** ... and the next pass may go on placing without reading the tasks again (see PlacingMemo). */
  placing?: PlacingMemo;
  /** The service is DRAINING (deleted): its hints are not held back, so it is INACTIVE as soon as its last task stops. */
  draining?: boolean;
}

const NOTHING: PassResult = { stopped: [], changed: false };

/**
 * What a full pass that found a service steady relied on. Only a full pass starts a service's tasks,
 * so while the service record is the one that pass left and the counts have not moved, its tasks
 * are the ones it saw: a task that stops, or is asked to, moves a count; a draining or
 * deregistered instance is seen on the instances. The reconciler would then decide nothing.
 */
interface SteadyMemo {
  /** The record as the pass left it (events included: any write to it since means a full pass). */
  record: ServiceRecord;
  running: number;
  pending: number;
  /** Tasks desired RUNNING (the ListTasks index of the service), whatever their last status. */
  desiredRunning: number;
  /** The container instances its tasks run on: each must still be ACTIVE. */
  instances: string[];
}

/**
 * What a full pass over a service scaling up with nothing else to do relied on (one deployment,
 * every task of it desired RUNNING on an ACTIVE instance, none stopping, failed or protected, none
 * it could not place): tasks still to place, or tasks placed that are not all RUNNING yet. While
 * the record is the one the last pass left, no task has left the running and pending counts nor
 * stopped being desired RUNNING, and the instances are ACTIVE, the reconciler would decide the
 * same again: place the rest (up to 1,000 a pass), stop nothing, not steady while fewer than the
 * desired count run (whichever tasks have been RUNNING long enough). So the next passes place the
 * next tasks and write the counts (from the store's counters) without reading and reconciling all
 * of the service's tasks: while a service is scaled 0 -> 10,000 that was up to 10,000 task records
 * a pass, about 15 times. Once all run, a full pass judges their health: if they are not all
 * RUNNING long enough yet, the memo says when the last of them will be (`settleAtMs`), and passes
 * before then decide nothing without reading the tasks (a full pass would decide the same: the
 * tasks are the same RUNNING ones), the next full pass comes then. Anything else that changes
 * makes the next pass a full one.
 */
interface PlacingMemo {
  record: ServiceRecord;
  /** Running plus pending tasks (store counters): a task placed moves from one to the other. */
  live: number;
  desiredRunning: number;
  /** The container instances the service's tasks run on: each must still be ACTIVE. */
  instances: Set<string>;
  /** The PRIMARY deployment's update as the full pass decided it (its desired count, no rollout change). */
  update: DeploymentUpdate;
  /** Tasks still to place for it (0: all placed, not all RUNNING yet). */
  remaining: number;
  /** Tasks desired RUNNING by capacity provider (placement's strategy shares). */
  existing: Map<string, number>;
  /** All placed and RUNNING: when the last of them will have been RUNNING long enough (clock ms, whole). */
  settleAtMs?: number;
}

/** Epoch seconds to whole milliseconds, as the reconciler compares times. */
const wholeMs = (seconds: number): number => Math.round(seconds * 1000);

/** Hinted passes of a service are at least this far apart (ms; less when a lifecycle step is shorter). */
const HINT_GAP_MS = 250;
/** ... and at least this many times as long as the service's last pass took, up to MAX_HINT_GAP_MS. */
const GAP_PER_PASS = 2;
const MAX_HINT_GAP_MS = 2000;

/**
 * One pass places at most this many tasks; the next pass places more at once. A request then
 * waits behind one such pass, not behind the 10,000 placements of a service scaled at once (each
 * pass reads the service's tasks again, and each placement call has a set-up cost: fewer, larger
 * passes place faster, so the bound is wide).
 */
const MAX_PLACED_PER_PASS = 1000;

/** A cluster key stands for all of the cluster's services. */
const isClusterArn = (arn: string): boolean => /^arn:[^:]+:ecs:[^:]*:[^:]*:cluster\//.test(arn);

export class ServiceScheduler implements Runnable {
  private readonly col: EcsCollections;
  private readonly targets: LoadBalancerSync;
  private readonly queue: WorkQueue;
  private readonly unsubscribe: (() => void)[] = [];
  /** Service passes done since start (a figure for tests and benchmarks). */
  passes = 0;
  /** Of those, passes that found the service still steady without reading its tasks. */
  steadyPasses = 0;
  /** Task records the passes read (a figure for benchmarks: what a pass costs grows with it). */
  tasksRead = 0;
  /** Tasks the passes placed. */
  tasksPlaced = 0;
  private readonly hintGapMs: number;
  /** When each service's last pass ended and how long it took (clock ms): hints wait for the gap after it. */
  private readonly lastPass = new Map<string, { endedAt: number; tookMs: number }>();
  /** Services being passed now, and those of them hinted meanwhile (looked at a gap after the pass). */
  private readonly passing = new Set<string>();
  private readonly hintedDuring = new Set<string>();
  private readonly steady = new Map<string, SteadyMemo>();
  private readonly placing = new Map<string, PlacingMemo>();
  /** Of the passes, those that went on placing without reading the service's tasks (PlacingMemo). */
  placingPasses = 0;
  private readonly draining = new Set<string>();

  constructor(private readonly deps: LocalDeps) {
    this.col = ecsCollections(deps.db);
    this.hintGapMs = Math.max(0, Math.min(HINT_GAP_MS, deps.config.taskStepMs));
    this.targets = new LoadBalancerSync(deps, this.col);
    this.queue = new WorkQueue({
      name: 'scheduler',
      clock: deps.clock,
      log: deps.log,
      handle: ([key]) => (key === undefined ? undefined : this.handle(key)),
      backoff: { firstMs: 50, maxMs: 10_000 },
      resync: { everyMs: deps.config.resyncMs, keys: () => this.col.services.ids() },
    });
  }

  start(): void {
    upgradeSchedulerRecords(this.deps, this.col);
    const { bus } = this.deps;
    this.unsubscribe.push(
      bus.on('ecs.service.dirty', (e) => (e.prompt ? this.queue.add(e.serviceArn) : this.hint(e.serviceArn))),
      bus.on('ecs.cluster.dirty', (e) => this.queue.add(e.clusterArn)),
    );
    this.queue.start();
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    await this.queue.stop();
  }

  /** Resolves when nothing is due (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  busy(): boolean {
    return this.queue.busy;
  }

  enqueue(serviceArn: string): void {
    this.queue.add(serviceArn);
  }

  private async handle(key: string): Promise<void> {
    if (!isClusterArn(key)) return this.process(key);
    // A cluster's hint (capacity or tasks moved) is a hint to each of its services. The agent sends
    // one after each batch that stops tasks: the ids are kept until a service is added or removed.
    for (const arn of this.col.services.peekIds({ cluster: key })) this.hint(arn);
  }

  /**
   * A hint from the simulation: look at the service once its hint gap after its previous pass has
   * passed (now, if that was long enough ago); during a pass, the gap after that pass.
   */
  private hint(serviceArn: string): void {
    if (this.passing.has(serviceArn)) {
      this.hintedDuring.add(serviceArn);
      return;
    }
    this.queue.addAt(serviceArn, this.notBefore(serviceArn, this.deps.clock.now()));
  }

  /**
   * When an unprompted pass (a hint, a recheck) may look at the service again, at `due` or later: its
   * hint gap after its previous pass (none while it drains or before its first pass).
   */
  private notBefore(serviceArn: string, due: number): number {
    const last = this.lastPass.get(serviceArn);
    if (!last || this.draining.has(serviceArn)) return due;
    const gap = Math.max(this.hintGapMs, Math.min(MAX_HINT_GAP_MS, GAP_PER_PASS * last.tookMs));
    return Math.max(due, last.endedAt + gap);
  }

  /** One pass over one service: targets first (async calls), then the reconcile transaction. */
  async process(serviceArn: string): Promise<void> {
    this.passes++;
    const startedAt = this.deps.clock.now();
    this.passing.add(serviceArn);
    let result: PassResult = NOTHING;
    try {
      const sync = await this.targets.sync(serviceArn);
      result = this.deps.db.tx(() => this.pass(serviceArn, sync));
    } catch (err) {
      this.steady.delete(serviceArn);
      this.placing.delete(serviceArn);
      throw err;
    } finally {
      this.passing.delete(serviceArn);
      const endedAt = this.deps.clock.now();
      if (result.draining) this.draining.add(serviceArn);
      else this.draining.delete(serviceArn);
      if (result.placing) this.placing.set(serviceArn, result.placing);
      else this.placing.delete(serviceArn);
      if (result.gone) {
        this.lastPass.delete(serviceArn);
        this.steady.delete(serviceArn);
      } else {
        this.lastPass.set(serviceArn, { endedAt, tookMs: endedAt - startedAt });
      }
      if (this.hintedDuring.delete(serviceArn)) this.hint(serviceArn);
    }
    if (result.unchanged) this.steadyPasses++;
    else if (result.steady) this.steady.set(serviceArn, result.steady);
    else this.steady.delete(serviceArn);
    for (const t of result.stopped) {
      this.deps.bus.emit('ecs.task.changed', {
        clusterArn: t.task.clusterArn,
        taskArn: t.task.taskArn,
        ...(t.task.containerInstanceArn ? { containerInstanceArn: t.task.containerInstanceArn } : {}),
      });
    }
    if (result.more) this.queue.add(serviceArn);
    else if (result.changed) this.hint(serviceArn);
    // A recheck (a task becomes stable, a protection ends) is due then or after the hint gap: while
    // 10,000 tasks start, each becomes stable a few ms after the last, and a pass per task reading
    // them all took more than half the time of a scale-up.
    if (result.recheckIn !== undefined) {
      const due = this.deps.clock.now() + Math.ceil(result.recheckIn * 1000);
      this.queue.addAt(serviceArn, this.notBefore(serviceArn, due));
    }
  }

  /** Whether the service is as its last full pass left it, steady (see SteadyMemo): O(its instances). */
  private stillSteady(rec: ServiceRecord): boolean {
    const arn = rec.service.serviceArn;
    const memo = this.steady.get(arn);
    if (!memo || !sameValue(memo.record, rec)) return false;
    const counts = taskCounts.service(this.col.tasks, arn);
    if (counts.running !== memo.running || counts.pending !== memo.pending) return false;
    if (this.desiredRunning(rec) !== memo.desiredRunning) return false;
    return memo.instances.every(
      (i) => this.col.containerInstances.peek(i)?.containerInstance.status === 'ACTIVE',
    );
  }

  private desiredRunning(rec: ServiceRecord): number {
    const svc = rec.service;
    return this.col.tasks.countByKey(taskKeys.listed(svc.clusterArn, 'RUNNING', 'service', svc.serviceArn));
  }

  /** Reads, decides and applies. Runs inside a transaction. */
  private pass(serviceArn: string, sync: TargetSync): PassResult {
    const rec = this.col.services.get(serviceArn);
    if (!rec) return { ...NOTHING, gone: true };
    const nowMs = this.deps.clock.now();
    const now = epochSeconds(nowMs);
    const svc = rec.service;
    const messages = [...sync.messages];
    if (svc.status === 'INACTIVE') {
      if (messages.length)
        this.putService(rec, { ...rec, service: { ...svc, events: withEvents(svc.events, messages, now) } });
      return { ...NOTHING, gone: true };
    }
    if (messages.length === 0 && sync.unhealthy.length === 0 && this.stillSteady(rec))
      return { ...NOTHING, unchanged: true };
    const placingMemo = this.placing.get(serviceArn);
    if (
      placingMemo &&
      messages.length === 0 &&
      sync.unhealthy.length === 0 &&
      this.stillPlacing(placingMemo, rec, nowMs)
    )
      return this.continuePlacing(rec, placingMemo, nowMs);
    const stopped: TaskRecord[] = [];
    // Tasks that failed their load balancer's health checks go first; the reconciler replaces them.
    for (const u of sync.unhealthy) {
      const t = this.col.tasks.get(u.taskArn);
      if (!t || t.task.lastStatus !== 'RUNNING' || t.task.desiredStatus !== 'RUNNING') continue;
      const cause = { kind: 'unhealthyTarget' as const, targetGroupArn: u.targetGroupArn };
      const next = stoppedByScheduler(t, cause, false, nowMs);
      this.col.tasks.put(next.task.taskArn, next);
      stopped.push(next);
      messages.push(unhealthyTargetMessage(svc.serviceName, u));
    }
    const tasks = reconciledServiceTasks(this.col, serviceArn);
    this.tasksRead += tasks.length;
    const instanceState = instanceStates(this.col, tasks);
    if ((svc.deploymentController?.type ?? 'ECS') !== 'ECS') {
      return this.taskSetPass(
        rec,
        tasks,
        instanceState,
        stopped,
        messages,
        nowMs,
        sync.messages.length === 0,
      );
    }
    const input = reconcileInput(rec, tasks, instanceState, {
      stableSeconds: (STABLE_STEPS * this.deps.config.taskStepMs) / 1000,
      daemonInstances: svc.schedulingStrategy === 'DAEMON' ? this.daemonInstances(svc) : undefined,
      now,
    });
    const decision = reconcile(input);

    const byArn = new Map(tasks.map((t) => [t.task.taskArn, t]));
    for (const s of decision.stop) {
      const t = byArn.get(s.taskArn);
      if (!t) continue;
      const gone = instanceState(t.task.containerInstanceArn) === 'GONE';
      const next = stoppedByScheduler(t, s.cause, gone, nowMs);
      this.col.tasks.put(next.task.taskArn, next);
      byArn.set(next.task.taskArn, next);
      stopped.push(next);
    }
    if (stopped.length) messages.push(...stoppedTasksMessages(svc.serviceName, stopped));

    const existing = existingByProvider(tasks);
    const started: TaskRecord[] = [];
    let unable: string | undefined;
    let room = MAX_PLACED_PER_PASS;
    let more = false;
    for (const p of decision.place) {
      const count = Math.min(p.count, room);
      more ||= count < p.count;
      if (count <= 0) continue;
      room -= count;
      const instanceArns = p.instanceArns?.slice(0, count);
      const result = this.place(rec, existing, p.deploymentId, count, instanceArns);
      for (const t of result.tasks) byArn.set(t.task.taskArn, t);
      started.push(...result.tasks);
      unable ??= result.unable;
    }
    this.tasksPlaced += started.length;
    if (started.length) messages.push(...startedTasksMessages(svc.serviceName, started));

    const notices = { ...rec.lastNotice };
    const due = (at: number | undefined) => at === undefined || now - at >= NOTICE_EVERY_S;
    if (unable && due(notices.unableToPlace)) {
      messages.push(unable);
      notices.unableToPlace = now;
    }
    for (const e of decision.events) {
      if (e.kind === 'deploymentBlocked' || e.kind === 'scaleInProtected') {
        if (!due(notices.deploymentBlocked)) continue;
        notices.deploymentBlocked = now;
      }
      messages.push(decisionMessage(svc.serviceName, e));
    }

    const service = applyDecision(svc, decision, [...byArn.values()], now);
    service.events = withEvents(svc.events, messages, now);
    recordServiceDeployments(this.col, service, decision.events, now);
    const { steadySince: _, lastNotice: __, ...base } = rec;
    const steadySince = decision.steady ? (rec.steadySince ?? now) : undefined;
    const after: ServiceRecord = {
      ...base,
      service,
      ...(steadySince !== undefined ? { steadySince } : {}),
      ...(Object.keys(notices).length ? { lastNotice: notices } : {}),
    };
    this.putService(rec, after);
    const settled =
      decision.steady &&
      decision.recheckIn === undefined &&
      stopped.length === 0 &&
      started.length === 0 &&
      sync.messages.length === 0 &&
      svc.schedulingStrategy !== 'DAEMON' &&
      service.status === 'ACTIVE';
    const placing =
      !decision.steady && unable === undefined && stopped.length === 0 && sync.messages.length === 0
        ? this.placingMemo(after, decision, tasks, input.tasks, started, existing, input.stableSeconds ?? 0)
        : undefined;
    return {
      stopped,
      changed: stopped.length > 0 || started.length > 0,
      ...(decision.recheckIn !== undefined ? { recheckIn: decision.recheckIn } : {}),
      ...(settled ? { steady: this.steadyMemo(after, tasks) } : {}),
      ...(more && started.length > 0 ? { more: true } : {}),
      ...(placing ? { placing } : {}),
      ...(service.status === 'DRAINING' ? { draining: true } : {}),
    };
  }

  /**
   * After a full pass over a service scaling up: what the next passes may rely on (PlacingMemo), or
   * undefined when the service has anything else to do. Read after the pass's writes, in its
   * transaction.
   */
  private placingMemo(
    record: ServiceRecord,
    decision: Decision,
    tasks: TaskRecord[],
    views: readonly ReconcileTask[],
    started: TaskRecord[],
    existing: ReadonlyMap<string, number>,
    stableSeconds: number,
  ): PlacingMemo | undefined {
    const svc = record.service;
    const [place, ...otherPlaces] = decision.place;
    const [update, ...otherUpdates] = decision.deploymentUpdates;
    if (
      svc.status !== 'ACTIVE' ||
      svc.schedulingStrategy === 'DAEMON' ||
      otherPlaces.length > 0 ||
      place?.instanceArns !== undefined ||
      !update ||
      otherUpdates.length > 0 ||
      (place && update.id !== place.deploymentId) ||
      update.status !== 'PRIMARY' ||
      update.rolloutState !== undefined ||
      decision.stop.length > 0 ||
      decision.events.length > 0 ||
      decision.serviceStatus !== undefined ||
      (decision.protectedHeld?.length ?? 0) > 0 ||
      [...decision.failedTasks.values()].some((n) => n !== 0)
    )
      return undefined;
    const instances = new Set<string>();
    let live = 0;
    for (const t of [...tasks, ...started]) {
      const task = t.task;
      if (task.lastStatus === 'STOPPED') continue;
      // Every task not STOPPED is one of the deployment's, desired RUNNING, counted and on an ACTIVE
      // instance (not waiting for its capacity provider to give it one the memo would not watch).
      if (
        t.awaitingCapacity !== undefined ||
        task.desiredStatus !== 'RUNNING' ||
        t.deploymentId !== update.id ||
        (task.lastStatus !== 'RUNNING' && !PENDING_STATUSES.has(task.lastStatus))
      )
        return undefined;
      live++;
      const arn = task.containerInstanceArn;
      if (!arn || instances.has(arn)) continue;
      if (this.col.containerInstances.peek(arn)?.containerInstance.status !== 'ACTIVE') return undefined;
      instances.add(arn);
    }
    const counts = taskCounts.service(this.col.tasks, svc.serviceArn);
    if (counts.running + counts.pending !== live) return undefined;
    const remaining = (place?.count ?? 0) - started.length;
    if (remaining < 0) return undefined;
    let settleAtMs: number | undefined;
    if (remaining === 0 && counts.running >= update.desiredCount) {
      // All RUNNING, some not long enough yet (the decision is not steady): when will the last be?
      if (counts.running !== update.desiredCount || live !== update.desiredCount) return undefined;
      settleAtMs = 0;
      for (const v of views) {
        if (v.lastStatus === 'STOPPED') continue;
        if (exitsBeforeStable(v, stableSeconds)) return undefined;
        settleAtMs = Math.max(settleAtMs, wholeMs(v.startedAt ?? 0) + wholeMs(stableSeconds));
      }
      if (settleAtMs <= wholeMs(epochSeconds(this.deps.clock.now()))) return undefined;
    }
    const placedExisting = new Map(existing);
    for (const t of started) {
      const name = t.task.capacityProviderName;
      if (name) placedExisting.set(name, (placedExisting.get(name) ?? 0) + 1);
    }
    return {
      record,
      live,
      desiredRunning: this.desiredRunning(record),
      instances,
      update,
      remaining,
      existing: placedExisting,
      ...(settleAtMs !== undefined ? { settleAtMs } : {}),
    };
  }

  /** Whether a pass may go on from the memo (see PlacingMemo): O(the service's instances). */
  private stillPlacing(memo: PlacingMemo, rec: ServiceRecord, nowMs: number): boolean {
    if (!sameValue(memo.record, rec)) return false;
    const counts = taskCounts.service(this.col.tasks, rec.service.serviceArn);
    // (A task that leaves these counts is no longer desired RUNNING either, but the counts are what the memo is of.)
    if (counts.running + counts.pending !== memo.live) return false;
    // All placed and all RUNNING: whether they have been long enough (steady) needs the tasks, unless
    // the memo knows it is not yet time.
    if (memo.remaining === 0 && counts.running >= memo.update.desiredCount) {
      if (memo.settleAtMs === undefined || counts.running !== memo.live) return false;
      if (wholeMs(epochSeconds(nowMs)) >= memo.settleAtMs) return false;
    }
    if (this.desiredRunning(rec) !== memo.desiredRunning) return false;
    for (const i of memo.instances) {
      if (this.col.containerInstances.peek(i)?.containerInstance.status !== 'ACTIVE') return false;
    }
    return true;
  }

  /**
   * A pass that goes on from the last one (see PlacingMemo): the next tasks placed with their "has
   * started" events, and the service's and deployment's counts from the store's counters (as the
   * full pass counts them from the tasks: here every task not STOPPED is the deployment's and
   * desired RUNNING).
   */
  private continuePlacing(rec: ServiceRecord, memo: PlacingMemo, nowMs: number): PassResult {
    this.placingPasses++;
    const now = epochSeconds(nowMs);
    const svc = rec.service;
    const id = memo.update.id;
    const count = Math.min(memo.remaining, MAX_PLACED_PER_PASS);
    const result = count > 0 ? this.place(rec, memo.existing, id, count, undefined) : { tasks: [] };
    const started = result.tasks;
    this.tasksPlaced += started.length;
    const messages = started.length ? startedTasksMessages(svc.serviceName, started) : [];
    const notices = { ...rec.lastNotice };
    if (
      result.unable &&
      (notices.unableToPlace === undefined || now - notices.unableToPlace >= NOTICE_EVERY_S)
    ) {
      messages.push(result.unable);
      notices.unableToPlace = now;
    }
    const { running, pending } = taskCounts.service(this.col.tasks, svc.serviceArn);
    const service = applyCounts(
      svc,
      { deploymentUpdates: [memo.update], failedTasks: new Map([[id, 0]]) },
      { running, pending, byDeployment: new Map([[id, { running, pending }]]) },
      now,
    );
    service.events = withEvents(svc.events, messages, now);
    recordServiceDeployments(this.col, service, [], now);
    const after: ServiceRecord = {
      ...rec,
      service,
      ...(Object.keys(notices).length ? { lastNotice: notices } : {}),
    };
    this.putService(rec, after);
    const remaining = memo.remaining - started.length;
    if (memo.settleAtMs !== undefined) {
      // All RUNNING, not long enough yet: nothing changed (the record neither), look again then.
      return {
        stopped: [],
        changed: false,
        recheckIn: (memo.settleAtMs - wholeMs(now)) / 1000,
        placing: { ...memo, record: after },
      };
    }
    let next: PlacingMemo | undefined;
    const waiting = started.some((t) => t.awaitingCapacity !== undefined);
    if (started.length === count && !waiting && (remaining > 0 || running < memo.update.desiredCount)) {
      const instances = new Set(memo.instances);
      const existing = new Map(memo.existing);
      for (const t of started) {
        if (t.task.containerInstanceArn) instances.add(t.task.containerInstanceArn);
        const name = t.task.capacityProviderName;
        if (name) existing.set(name, (existing.get(name) ?? 0) + 1);
      }
      next = {
        record: after,
        live: running + pending,
        // What stillPlacing read at the start of this pass, and the tasks it placed since.
        desiredRunning: memo.desiredRunning + started.length,
        instances,
        update: memo.update,
        remaining,
        existing,
      };
    }
    return {
      stopped: [],
      changed: started.length > 0,
      // As a full pass: more to place than one pass may, some placed: the next pass comes at once.
      ...(count < memo.remaining && started.length > 0 ? { more: true } : {}),
      ...(next ? { placing: next } : {}),
    };
  }

  /** What a steady pass relied on, read after its writes (in its transaction). */
  private steadyMemo(record: ServiceRecord, tasks: TaskRecord[]): SteadyMemo {
    const arn = record.service.serviceArn;
    const instances = new Set<string>();
    for (const t of tasks) {
      if (t.task.lastStatus !== 'STOPPED' && t.task.containerInstanceArn)
        instances.add(t.task.containerInstanceArn);
    }
    return {
      record,
      ...taskCounts.service(this.col.tasks, arn),
      desiredRunning: this.desiredRunning(record),
      instances: [...instances],
    };
  }

  /** A pass over a service whose tasks run in task sets (EXTERNAL, CODE_DEPLOY): task-set-pass.ts. */
  private taskSetPass(
    rec: ServiceRecord,
    tasks: TaskRecord[],
    instanceState: (arn: string | undefined) => InstanceState,
    stopped: TaskRecord[],
    messages: string[],
    nowMs: number,
    quietTargets: boolean,
  ): PassResult {
    const now = epochSeconds(nowMs);
    const r = taskSetPass({
      deps: this.deps,
      col: this.col,
      rec,
      tasks,
      instanceState,
      stableSeconds: (STABLE_STEPS * this.deps.config.taskStepMs) / 1000,
      placementStrategy: DEFAULT_SERVICE_STRATEGY,
      nowMs,
      now,
      maxPlaced: MAX_PLACED_PER_PASS,
    });
    messages.push(...r.messages);
    if (r.steady && rec.steadySince === undefined)
      messages.push(decisionMessage(rec.service.serviceName, { kind: 'steady' }));
    stopped.push(...r.stopped);
    r.service.events = withEvents(rec.service.events, messages, now);
    const { steadySince: _, lastNotice: __, ...base } = rec;
    const steadySince = r.steady ? (rec.steadySince ?? now) : undefined;
    const notices = {
      ...rec.lastNotice,
      ...(r.unableToPlaceAt !== undefined ? { unableToPlace: r.unableToPlaceAt } : {}),
    };
    const after: ServiceRecord = {
      ...base,
      service: r.service,
      ...(steadySince !== undefined ? { steadySince } : {}),
      ...(Object.keys(notices).length ? { lastNotice: notices } : {}),
    };
    this.putService(rec, after);
    // As for the service pass: a steady pass with nothing left to look at again is remembered.
    const settled =
      r.steady &&
      r.recheckIn === undefined &&
      stopped.length === 0 &&
      r.started.length === 0 &&
      quietTargets &&
      r.service.status === 'ACTIVE';
    return {
      stopped,
      changed: stopped.length > 0 || r.started.length > 0,
      ...(r.recheckIn !== undefined ? { recheckIn: r.recheckIn } : {}),
      ...(settled ? { steady: this.steadyMemo(after, tasks) } : {}),
      ...(r.more ? { more: true } : {}),
      ...(r.service.status === 'DRAINING' ? { draining: true } : {}),
    };
  }

  /** Writes the service record when the pass changed it. */
  private putService(before: ServiceRecord, after: ServiceRecord): void {
    if (serviceRecordChanged(before, after)) this.col.services.put(before.service.serviceArn, after);
  }

  /** DAEMON: the instances that should each run one task (undefined when the task definition is missing). */
  private daemonInstances(svc: WireService): string[] | undefined {
    const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
    const td = primary?.taskDefinition ? this.col.taskDefinitions.get(primary.taskDefinition) : undefined;
    if (!td) return undefined;
    return daemonInstances(this.deps, svc.clusterArn, td.taskDefinition, svc.placementConstraints ?? []);
  }

  private place(
    rec: ServiceRecord,
    existing: ReadonlyMap<string, number>,
    deploymentId: string,
    count: number,
    instanceArns: string[] | undefined,
  ): { tasks: TaskRecord[]; unable?: string } {
    const svc = rec.service;
    const deployment = svc.deployments.find((d) => d.id === deploymentId);
    const td = deployment?.taskDefinition
      ? this.col.taskDefinitions.get(deployment.taskDefinition)
      : undefined;
    if (!td || !deployment) {
      this.deps.log('scheduler: task definition of deployment not found', { deploymentId });
      return { tasks: [] };
    }
    const region = svc.clusterArn.split(':')[3] ?? this.deps.config.defaultRegion;
    const accountId = svc.clusterArn.split(':')[4] ?? this.deps.config.accountId;
    const capacity = deploymentCapacity(this.col, region, accountId, deployment);
    if (!capacity) {
      this.deps.log('scheduler: no capacity provider of the strategy is active', { deploymentId });
      return { tasks: [] };
    }
    const network = serviceNetwork(rec, deployment);
    const result = launchTasks(this.deps, {
      clusterArn: svc.clusterArn,
      region,
      taskDefinition: td.taskDefinition,
      count,
      group: `service:${svc.serviceName}`,
      startedBy: deploymentId,
      placementConstraints: svc.placementConstraints ?? [],
      placementStrategy: svc.placementStrategy?.length
        ? svc.placementStrategy
        : runsOnFargate(capacity)
          ? []
          : DEFAULT_SERVICE_STRATEGY,
      ...(instanceArns ? { candidateInstanceArns: instanceArns } : {}),
      serviceArn: svc.serviceArn,
      deploymentId,
      capacity,
      ...(network ? { network } : {}),
      existingByProvider: existing,
      ...(svc.propagateTags === 'SERVICE' && svc.tags ? { tags: svc.tags } : {}),
      ...(svc.enableExecuteCommand ? { enableExecuteCommand: true } : {}),
    });
    if (result.tasks.length >= count) return { tasks: result.tasks };
    return { tasks: result.tasks, unable: unableToPlace(svc.serviceName, result.failures, result.closest) };
  }
}

/** A service's tasks desired RUNNING by capacity provider (placement's strategy shares). */
function existingByProvider(tasks: TaskRecord[]): Map<string, number> {
  const existing = new Map<string, number>();
  for (const t of tasks) {
    if (t.task.desiredStatus !== 'RUNNING' || !t.task.capacityProviderName) continue;
    existing.set(t.task.capacityProviderName, (existing.get(t.task.capacityProviderName) ?? 0) + 1);
  }
  return existing;
}

/** Where a deployment's tasks run: its launch type or strategy (providers no longer ACTIVE left out). */
function deploymentCapacity(
  col: EcsCollections,
  region: string,
  accountId: string,
  d: Wire<ecs.Deployment>,
): LaunchCapacity | undefined {
  const strategy = d.capacityProviderStrategy ?? [];
  if (strategy.length > 0) {
    const items = resolvedStrategy({ region, accountId, col }, strategy);
    if (items.length === 0) return undefined;
    return { strategy: items, ...(d.platformVersion ? { platformVersion: d.platformVersion } : {}) };
  }
  if (d.launchType === 'FARGATE')
    return { launchType: 'FARGATE', platformVersion: d.platformVersion ?? '1.4.0' };
  return { launchType: 'EC2' };
}

/** A deployment's awsvpc configuration with its subnets' zones (kept on the service record). */
function serviceNetwork(rec: ServiceRecord, d: Wire<ecs.Deployment>): ResolvedNetwork | undefined {
  const vpc = d.networkConfiguration?.awsvpcConfiguration;
  if (!vpc) return undefined;
  const zones = new Map(rec.subnetZones ?? []);
  return {
    subnets: (vpc.subnets ?? []).map((subnetId) => ({
      subnetId,
      availabilityZone: zones.get(subnetId) ?? '',
    })),
    securityGroups: vpc.securityGroups ?? [],
    assignPublicIp: vpc.assignPublicIp === 'ENABLED',
  };
}
