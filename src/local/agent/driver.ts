/**
 * Walks every task of the store through its lifecycle, on whichever container instance it runs
 * (simulated EC2 instances and instances registered through the API alike).
 *
 * Level-triggered, on the common work queue (common/work-queue.ts) keyed by task ARN: a key waits
 * until its next step is due; looking re-reads the record and takes at most one step.
 * `ecs.task.changed` only adds the key, and on start a scan of the store refills the queue
 * (recovery after a restart: `nextTransitionAt` is persisted with every step). One timer serves all
 * tasks. Due tasks are looked at in batches, each batch one `db.tx`: the status writes and, at
 * STOPPED, the release of the resources booked on the instance. A task reaching RUNNING first gets its ports opened by the
 * runtime (asynchronously); the RUNNING write then records the ports actually served.
 */
import { epochSeconds } from '../common/clock';
import { hexId } from '../common/ids';
import { WorkQueue } from '../common/work-queue';
import type { LocalDeps } from '../deps';
import { PUBLIC_IP_TAG } from '../common/addresses';
import {
  ecsCollections,
  type ContainerInstanceRecord,
  type EcsCollections,
  type TaskEni,
  type TaskRecord,
  type WireTask,
} from '../ecs/model';
import { tasksOnInstance } from '../ecs/counts';
import { isAwsError } from '../protocol/errors';
import {
  TaskStartError,
  type ContainerExit,
  type RuntimeEvent,
  type ServedPort,
  type StartedTask,
  type TaskRuntime,
  type TaskToRun,
} from '../runtime/types';
import { releaseResources } from '../scheduler/resources';
import { withContainerExits, withContainerHealth, withExitedContainer } from './container-events';
import { containerExited, simulatedExit, type SimulatedExit } from './exit';
import {
  applyTransition,
  asOf,
  kill,
  nextStatus,
  quietStop,
  stopsQuietly,
  type KillReason,
  type NetworkBinding,
  type TaskStatus,
} from './lifecycle';

export interface DriverOptions {
  /** How long STOPPED tasks are kept before they are deleted (ECS keeps them about an hour). */
  stoppedTaskRetentionMs: number;
  /** Most tasks handled in one transaction before yielding to the event loop. */
  batchSize: number;
}

/** About how long one batch of lifecycle steps may hold the event loop (issue 14). */
const BATCH_BUDGET_MS = 2;

export const defaultDriverOptions: DriverOptions = { stoppedTaskRetentionMs: 60 * 60 * 1000, batchSize: 100 };

/** Told, after commit, of tasks that reached RUNNING or STOPPED (the container logs). */
export interface TaskObserver {
  running(task: WireTask): void;
  stopped(task: WireTask): void;
}

/** What a batch of steps asks for once its transaction has committed. */
interface Effects {
  close: string[];
  /** Real containers killed at once (their host is gone). */
  kill: string[];
  /** Images to pull before ACTIVATING (real containers). */
  prepare: TaskRecord[];
  open: TaskRecord[];
  /** awsvpc: network interfaces to create (PROVISIONING) and to delete (DEPROVISIONING, or after a kill). */
  attach: TaskRecord[];
  detach: TaskRecord[];
  services: Map<string, string>;
  clusters: Set<string>;
  /**
   * A batch's instances with the resources of its stopped tasks given back, by container instance
   * ARN, written once each at the end of the batch (`writeReleases`), in its transaction: tasks
   * stopping together often share an instance. Absent: each release is written at once.
   */
  released?: Map<string, ContainerInstanceRecord>;
  running: WireTask[];
  stopped: WireTask[];
}

const newEffects = (): Effects => ({
  close: [],
  kill: [],
  prepare: [],
  open: [],
  attach: [],
  detach: [],
  services: new Map(),
  clusters: new Set(),
  running: [],
  stopped: [],
});

export class TaskDriver {
  private readonly col: EcsCollections;
  private readonly queue: WorkQueue;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Real containers being stopped: STOPPING waits for them, and takes their exit codes. */
  private readonly stopping = new Map<string, Promise<ContainerExit[]>>();
  /** Containers that exited while their task was still starting (applied once it is RUNNING). */
  private readonly earlyExits = new Map<string, RuntimeEvent[]>();
  private readonly unsubscribe: (() => void)[] = [];
  private running = false;

  constructor(
    private readonly deps: LocalDeps,
    private readonly runtime: TaskRuntime,
    private readonly options: DriverOptions = defaultDriverOptions,
    private readonly observer?: TaskObserver,
  ) {
    this.col = ecsCollections(deps.db);
    this.queue = new WorkQueue({
      name: 'agent',
      clock: deps.clock,
      log: deps.log,
      handle: (arns) => this.step(arns),
      batchSize: options.batchSize,
      // A request arriving during a burst waits for one batch at most, and batches are kept short
      // (`budgetMs`): the next turn of the loop reads the sockets that became ready meanwhile.
      betweenBatches: 'setImmediate',
      budgetMs: BATCH_BUDGET_MS,
      // Steps due within one tick are taken together: one batch, one transaction (issue 14).
      alignMs: Math.min(50, Math.floor(deps.config.taskStepMs / 4)),
      backoff: { firstMs: Math.max(1000, deps.config.taskStepMs), maxMs: 30_000 },
    });
  }

  /** Tasks the driver has not yet taken (at rest tasks are not counted). For tests. */
  get pending(): number {
    return this.queue.size + this.inFlight.size;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unsubscribe.push(this.deps.bus.on('ecs.task.changed', (e) => this.poke(e.taskArn, e.dueAt)));
    this.unsubscribe.push(this.runtime.subscribe((e) => this.runtimeEvent(e)));
    this.queue.start();
    await this.recover();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const u of this.unsubscribe.splice(0)) u();
    await this.queue.stop();
    await Promise.allSettled([...this.inFlight.values()]);
    await this.runtime.shutdown();
    this.stopping.clear();
    this.earlyExits.clear();
  }

  /** Whether a task step is due now or a port opening is in flight. */
  busy(): boolean {
    return this.queue.busy || this.inFlight.size > 0;
  }

  /** Resolves once no task step is due now and no port opening is in flight (tests). */
  async idle(): Promise<void> {
    for (;;) {
      await this.queue.idle();
      if (this.inFlight.size === 0) return;
      await Promise.allSettled([...this.inFlight.values()]);
    }
  }

  /**
   * Look at this task soon, or at `dueAt` when the hint says its record needs nothing before then
   * (a hint: the record says what, if anything, to do).
   */
  poke(taskArn: string, dueAt?: number): void {
    if (dueAt === undefined) this.queue.add(taskArn);
    else this.queue.addAt(taskArn, dueAt);
  }

  /**
   * Stops every unstopped task on a container instance at once (its host is gone): STOPPED with
   * the given codes, resources released, sockets closed. Returns the tasks stopped.
   */
  killTasksOnInstance(containerInstanceArn: string, reason: KillReason): string[] {
    const fx = newEffects();
    const now = this.deps.clock.now();
    const killed: string[] = [];
    this.deps.db.tx(() => {
      for (const rec of tasksOnInstance(this.col.tasks, containerInstanceArn)) {
        if (rec.task.lastStatus === 'STOPPED') continue;
        this.stopNow(rec, reason, now, fx);
        killed.push(rec.task.taskArn);
      }
    });
    this.applyEffects(fx);
    return killed;
  }

  // -------------------------------------------------------------------------------------------

  /** Refills the queue from the store and reopens the sockets of RUNNING tasks. */
  private async recover(): Promise<void> {
    const now = this.deps.clock.now();
    const reopen: TaskRecord[] = [];
    let after: string | undefined;
    for (;;) {
      const ids = this.col.tasks.ids({}, { after, limit: 1000 });
      if (ids.length === 0) break;
      after = ids[ids.length - 1];
      for (const id of ids) {
        const rec = this.col.tasks.get(id);
        if (!rec) continue;
        const t = rec.task;
        if (t.lastStatus === 'STOPPED') this.scheduleDeletion(rec, now);
        else if (nextStatus(t.lastStatus, t.desiredStatus) !== null)
          this.queue.addAt(id, rec.nextTransitionAt ?? now);
        else {
          // RUNNING: its container may be due to exit (simulated), and its ports are served again.
          if (rec.nextTransitionAt !== undefined) this.queue.addAt(id, rec.nextTransitionAt);
          if (this.servedPorts(rec).length > 0 || this.runtime.realContainers) reopen.push(rec);
        }
        // Real containers that were being stopped when the process ended: stop them again.
        if (this.runtime.realContainers && (t.lastStatus === 'DEACTIVATING' || t.lastStatus === 'STOPPING'))
          this.startStop(id, 'graceful');
      }
    }
    for (let i = 0; i < reopen.length; i += 50) {
      await Promise.all(reopen.slice(i, i + 50).map((rec) => this.reopen(rec)));
    }
  }

  private async reopen(rec: TaskRecord): Promise<void> {
    const arn = rec.task.taskArn;
    const work = this.runtime.start(this.toServe(rec, true)).then(
      (started) => this.complete(arn, () => this.afterReopen(arn, started.ports)),
      (err: unknown) => this.complete(arn, () => this.afterFailedStart(arn, err, 'reopen')),
    );
    this.inFlight.set(arn, work);
    await work;
  }

  /** One batch of due tasks, one transaction: a step each at most. A task whose step throws retries alone. */
  private step(arns: string[]): void {
    const now = this.deps.clock.now();
    const fx = newEffects();
    fx.released = new Map();
    // If the transaction itself fails, nothing happened: the queue retries the whole batch.
    this.deps.db.tx(() => {
      for (const arn of arns) {
        try {
          this.visit(arn, now, fx);
        } catch (err) {
          this.queue.retry(arn, err);
        }
      }
      this.writeReleases(fx);
    });
    this.applyEffects(fx);
  }

  /** Runs a completion (after the runtime answered) without letting an error escape the promise chain. */
  private complete(arn: string, fn: () => void): void {
    this.inFlight.delete(arn);
    if (!this.running) return;
    try {
      fn();
    } catch (err) {
      this.queue.retry(arn, err);
    }
  }

  /** One look at one task (inside the batch transaction). */
  private visit(arn: string, now: number, fx: Effects): void {
    if (this.inFlight.has(arn)) return; // its completion looks again
    // Shared and frozen (Collection.peek): every change below writes a new record. A quiet stop's
    // steps that came due are applied in memory (never written): the next write is STOPPED.
    const stored = this.col.tasks.peek(arn);
    if (!stored) return;
    const rec = asOf(stored, now);
    const t = rec.task;
    if (t.lastStatus === 'STOPPED') {
      // Stopped by someone else (or long ago): make sure nothing is served, then keep it for a while.
      if (this.runtime.isServing(arn)) fx.close.push(arn);
      if (holdsEni(rec)) fx.detach.push(rec);
      if (now >= this.deletionDue(rec, now)) this.col.tasks.delete(arn);
      else this.scheduleDeletion(rec, now);
      return;
    }
    // Waiting in PROVISIONING for its capacity provider: the capacity controller places it.
    if (rec.awaitingCapacity && t.desiredStatus === 'RUNNING') return;
    const next = nextStatus(t.lastStatus, t.desiredStatus);
    if (next === null) {
      if (t.lastStatus === 'RUNNING' && this.spotInterruption(rec, now, fx)) return;
      const exit = rec.nextTransitionAt !== undefined && t.lastStatus === 'RUNNING' ? this.exitOf(rec) : null;
      if (exit && rec.nextTransitionAt !== undefined) {
        if (rec.nextTransitionAt > now) this.queue.addAt(arn, rec.nextTransitionAt);
        else this.exit(rec, exit, now, fx);
        return;
      }
      const spot = t.lastStatus === 'RUNNING' ? this.spotDue(rec) : undefined;
      if (spot !== undefined) {
        this.queue.addAt(arn, spot);
        return;
      }
      if (rec.nextTransitionAt !== undefined) {
        const { nextTransitionAt: _done, ...atRest } = rec;
        this.col.tasks.putShared(arn, atRest);
      }
      return;
    }
    if (rec.nextTransitionAt === undefined) {
      // First look at a new task (or at a stop request): the step comes one delay from now.
      const due = now + this.deps.config.taskStepMs;
      this.col.tasks.putShared(arn, {
        ...rec,
        nextTransitionAt: due,
        history:
          rec.history.length === 0
            ? [{ status: t.lastStatus, at: t.createdAt ?? epochSeconds(now) }]
            : rec.history,
      });
      this.queue.addAt(arn, due);
      return;
    }
    if (rec.nextTransitionAt > now) {
      this.queue.addAt(arn, rec.nextTransitionAt);
      return;
    }
    if (next === 'PENDING' && rec.eni && !rec.eni.networkInterfaceId) {
      fx.attach.push(rec);
      return;
    }
    if (next === 'STOPPED' && holdsEni(rec)) {
      fx.detach.push(rec);
      return;
    }
    if (next === 'ACTIVATING' && this.runtime.realContainers) {
      fx.prepare.push(rec);
      return;
    }
    if (next === 'RUNNING' && (this.servedPorts(rec).length > 0 || this.runtime.realContainers)) {
      fx.open.push(rec);
      return;
    }
    const stopping = next === 'DEPROVISIONING' ? this.stopping.get(arn) : undefined;
    if (stopping) {
      this.waitForStop(arn, stopping);
      return;
    }
    const { record, to } = this.catchUp(rec, next, now);
    // A record made here (`asOf`, `catchUp`) is this look's alone: its step is taken in place.
    this.transition(record, to, now, fx, undefined, record !== stored);
  }

  /**
   * Behind schedule (a burst kept the agent busy), the steps that came due meanwhile are taken
   * together and written once: a step that has no effect but the record (PENDING, ACTIVATING,
   * STOPPING) is applied in memory, at the time it was due, when the step after it is due too and
   * needs nothing first (an interface, an image, ports, a container stop). The history and
   * timestamps read as if each step had been written on time.
   */
  private catchUp(rec: TaskRecord, next: TaskStatus, now: number): { record: TaskRecord; to: TaskStatus } {
    const stepMs = this.deps.config.taskStepMs;
    let record = rec;
    let to = next;
    for (let n = 0; n < 3; n++) {
      const due = record.nextTransitionAt;
      if (due === undefined || due + stepMs > now) break;
      if (to !== 'PENDING' && to !== 'ACTIVATING' && to !== 'STOPPING') break;
      if (to === 'PENDING' && record.eni && !record.eni.networkInterfaceId) break;
      if (to === 'ACTIVATING' && this.runtime.realContainers) break;
      const stepped = applyTransition(record, { to, nowMs: due, stepMs });
      const then = nextStatus(stepped.task.lastStatus, stepped.task.desiredStatus);
      if (then === null || this.waitsFirst(stepped, then)) break;
      record = stepped;
      to = then;
    }
    return { record, to };
  }

  /** Whether the step to `to` needs something done before it (see `visit`), so cannot be caught up. */
  private waitsFirst(rec: TaskRecord, to: TaskStatus): boolean {
    const arn = rec.task.taskArn;
    if (to === 'PENDING') return rec.eni !== undefined && !rec.eni.networkInterfaceId;
    if (to === 'STOPPED') return holdsEni(rec);
    if (to === 'ACTIVATING') return this.runtime.realContainers;
    if (to === 'RUNNING') return this.servedPorts(rec).length > 0 || this.runtime.realContainers;
    if (to === 'DEPROVISIONING') return this.stopping.has(arn);
    return false;
  }

  /**
   * Writes one step (caller holds the transaction) and notes its effects. `owned`: `rec` was made
   * for this step alone (see `applyTransition`).
   */
  private transition(
    rec: TaskRecord,
    to: TaskStatus,
    now: number,
    fx: Effects,
    started?: StartedTask,
    owned = false,
  ): void {
    const arn = rec.task.taskArn;
    let runtimeIds: Map<string, string> | undefined;
    let bindings: Map<string, NetworkBinding[]> | undefined;
    if (to === 'RUNNING') {
      runtimeIds =
        started?.runtimeIds ?? new Map((rec.task.containers ?? []).map((c) => [c.name ?? '', hexId(32)]));
      bindings = this.bindingsOf(rec, started?.ports ?? []);
    }
    const stepped = applyTransition(
      rec,
      { to, nowMs: now, stepMs: this.deps.config.taskStepMs, bindings, runtimeIds },
      owned,
    );
    const eniStatus = to === 'DEPROVISIONING' ? 'DETACHING' : to === 'STOPPED' ? 'DELETED' : undefined;
    const updated = rec.eni && eniStatus ? withAttachmentStatus(stepped, eniStatus) : stepped;
    delete updated.unwritten;
    if (to === 'DEACTIVATING' && this.quiet(updated))
      Object.assign(updated, quietStop(now, this.deps.config.taskStepMs));
    if (to === 'RUNNING' && updated.task.desiredStatus === 'RUNNING') {
      const exit = this.exitOf(updated);
      const spot = this.spotDue(updated);
      const due = [exit ? now + (exit.afterMs ?? this.deps.config.taskStepMs) : undefined, spot].filter(
        (x): x is number => x !== undefined,
      );
      if (due.length) updated.nextTransitionAt = Math.min(...due);
    }
    if (to === 'DEACTIVATING' || (to === 'STOPPED' && this.runtime.isServing(arn))) fx.close.push(arn);
    this.col.tasks.putShared(arn, updated);
    // After the task's write: a write that throws leaves no release in the batch (`Effects.released`).
    if (to === 'STOPPED') this.release(updated, fx);
    if (updated.nextTransitionAt !== undefined) this.queue.addAt(arn, updated.nextTransitionAt);
    if (to === 'STOPPED') this.scheduleDeletion(updated, now);
    if (to === 'RUNNING') fx.running.push(updated.task);
    if (to === 'STOPPED') fx.stopped.push(updated.task);
    if ((to === 'RUNNING' || to === 'STOPPED') && rec.serviceArn)
      fx.services.set(rec.serviceArn, rec.task.clusterArn);
  }

  /**
   * Whether a task's stop needs nothing done between its steps (issue 14: two writes instead of
   * four): no network interface to detach, no real containers to wait for, no ports served (their
   * sockets close at DEACTIVATING; kept out so a stop that had sockets reads as before).
   */
  private quiet(rec: TaskRecord): boolean {
    return stopsQuietly(rec) && !this.runtime.realContainers && !this.runtime.isServing(rec.task.taskArn);
  }

  /** The essential container that will exit on its own (simulated from its command), if any. */
  private exitOf(rec: TaskRecord): SimulatedExit | null {
    if (!this.runtime.simulatesExits) return null;
    const td = this.col.taskDefinitions.peek(rec.task.taskDefinitionArn ?? '');
    if (!td) return null;
    return simulatedExit(
      td.taskDefinition.containerDefinitions ?? [],
      rec.task.overrides?.containerOverrides,
    );
  }

  /** An essential container exited: the task stops, and its service hears of it. */
  private exit(rec: TaskRecord, exit: SimulatedExit, now: number, fx: Effects): void {
    const updated = containerExited(rec, exit, now, this.deps.config.taskStepMs);
    this.col.tasks.putShared(updated.task.taskArn, updated);
    this.queue.addAt(updated.task.taskArn, updated.nextTransitionAt ?? now);
    if (rec.serviceArn) fx.services.set(rec.serviceArn, rec.task.clusterArn);
  }

  private stopNow(rec: TaskRecord, reason: KillReason, now: number, fx: Effects): void {
    const { unwritten: _shown, ...updated } = kill(asOf(rec, now), reason, now);
    if (holdsEni(updated)) fx.detach.push(updated);
    this.col.tasks.putShared(updated.task.taskArn, updated);
    this.release(updated, fx);
    (this.runtime.realContainers ? fx.kill : fx.close).push(updated.task.taskArn);
    fx.stopped.push(updated.task);
    if (rec.serviceArn) fx.services.set(rec.serviceArn, rec.task.clusterArn);
    this.scheduleDeletion(updated, now);
  }

  /**
   * Returns the task's booked CPU, memory and ports to its instance (caller holds the transaction):
   * written at once, or kept for the end of the batch (`Effects.released`).
   */
  private release(rec: TaskRecord, fx: Effects): void {
    const ciArn = rec.task.containerInstanceArn;
    fx.clusters.add(rec.task.clusterArn);
    if (!ciArn) return;
    const instance = fx.released?.get(ciArn) ?? this.col.containerInstances.peek(ciArn);
    if (!instance) return;
    const booking = { cpu: rec.reservedCpu, memory: rec.reservedMemory, ports: rec.ports };
    const released = {
      ...instance,
      containerInstance: releaseResources(instance.containerInstance, booking),
    };
    if (fx.released) fx.released.set(ciArn, released);
    else this.col.containerInstances.putShared(ciArn, released);
  }

  /** Writes the instances a batch gave resources back to, once each (inside its transaction). */
  private writeReleases(fx: Effects): void {
    if (!fx.released) return;
    for (const [ciArn, instance] of fx.released) this.col.containerInstances.putShared(ciArn, instance);
    fx.released = undefined;
  }

  private bindingsOf(rec: TaskRecord, served: ServedPort[]): Map<string, NetworkBinding[]> {
    const instanceAddress = this.addressOf(rec);
    const out = new Map<string, NetworkBinding[]>();
    for (const s of served) {
      // awsvpc: the task's own address serves containerPort, as ECS reports it (no bindings), unless
      // the runtime had to serve it elsewhere (then the binding says where).
      if (rec.eni && s.servedAddress === instanceAddress && s.servedPort === s.containerPort) continue;
      const list = out.get(s.containerName) ?? [];
      list.push({
        // ECS reports 0.0.0.0; a port served on the fallback address names that address instead.
        bindIP: s.servedAddress === instanceAddress ? '0.0.0.0' : s.servedAddress,
        containerPort: s.containerPort,
        hostPort: s.servedPort,
        protocol: s.protocol,
      });
      out.set(s.containerName, list);
    }
    return out;
  }

  private addressOf(rec: TaskRecord): string {
    if (rec.eni?.privateIp) return rec.eni.privateIp;
    const ciArn = rec.task.containerInstanceArn;
    const instance = ciArn ? this.col.containerInstances.peek(ciArn) : undefined;
    return instance?.address ?? this.deps.config.fallbackAddress;
  }

  private toServe(rec: TaskRecord, withPrevious: boolean): TaskToRun {
    const t = rec.task;
    const ciArn = t.containerInstanceArn ?? '';
    const instance = ciArn ? this.col.containerInstances.peek(ciArn) : undefined;
    const previous = new Map<string, NetworkBinding>();
    if (withPrevious) {
      for (const c of t.containers ?? []) {
        for (const b of c.networkBindings ?? [])
          previous.set(`${c.name}|${b.containerPort}|${b.protocol ?? 'tcp'}`, b);
      }
    }
    const serve: TaskToRun = {
      task: t,
      definition: this.col.taskDefinitions.peek(t.taskDefinitionArn ?? '')?.taskDefinition,
      resume: withPrevious,
      taskArn: t.taskArn,
      taskDefinitionArn: t.taskDefinitionArn ?? '',
      clusterArn: t.clusterArn,
      containerInstanceArn: ciArn,
      address: this.addressOf(rec),
      images: new Map((t.containers ?? []).map((c) => [c.name ?? '', c.image ?? ''])),
      ports: this.servedPorts(rec).map((p) => {
        const before = previous.get(`${p.containerName}|${p.containerPort}|${p.protocol}`);
        const port = { ...p };
        if (before?.hostPort !== undefined) {
          return {
            ...port,
            previousPort: before.hostPort,
            ...(before.bindIP && before.bindIP !== '0.0.0.0' ? { previousAddress: before.bindIP } : {}),
          };
        }
        return port;
      }),
    };
    const ec2 = instance?.containerInstance.ec2InstanceId;
    if (ec2 && instance?.simulated) serve.ec2InstanceId = ec2;
    return serve;
  }

  private applyEffects(fx: Effects): void {
    for (const arn of fx.close) this.startStop(arn, 'graceful');
    for (const arn of fx.kill) this.startStop(arn, 'kill');
    for (const rec of fx.prepare) this.startPrepare(rec);
    for (const rec of fx.open) this.startOpen(rec);
    for (const rec of fx.attach) this.startAttach(rec);
    for (const rec of fx.detach) this.startDetach(rec);
    for (const [serviceArn, clusterArn] of fx.services)
      this.deps.bus.emit('ecs.service.dirty', { clusterArn, serviceArn });
    for (const clusterArn of fx.clusters) this.deps.bus.emit('ecs.cluster.dirty', { clusterArn });
    for (const task of fx.running) this.observer?.running(task);
    for (const task of fx.stopped) this.observer?.stopped(task);
  }

  private startOpen(rec: TaskRecord): void {
    const arn = rec.task.taskArn;
    const work = this.runtime.start(this.toServe(rec, false)).then(
      (started) => this.complete(arn, () => this.afterOpen(arn, started)),
      (err: unknown) => this.complete(arn, () => this.afterFailedStart(arn, err, 'start')),
    );
    this.inFlight.set(arn, work);
  }

  // -- Real containers (runtime.realContainers): pulls, stops and container events -------------

  /** PENDING: the runtime pulls the images; ACTIVATING once it has them. */
  private startPrepare(rec: TaskRecord): void {
    const arn = rec.task.taskArn;
    const work = this.runtime.prepare(this.toServe(rec, false)).then(
      () => this.complete(arn, () => this.afterPrepare(arn)),
      (err: unknown) => this.complete(arn, () => this.afterFailedStart(arn, err, 'prepare')),
    );
    this.inFlight.set(arn, work);
  }

  private afterPrepare(arn: string): void {
    const fx = newEffects();
    this.deps.db.tx(() => {
      const rec = this.col.tasks.get(arn);
      if (!rec || rec.task.lastStatus !== 'PENDING' || rec.task.desiredStatus === 'STOPPED') return;
      this.transition(rec, 'ACTIVATING', this.deps.clock.now(), fx);
    });
    this.applyEffects(fx);
    this.poke(arn);
  }

  /** Asks the runtime to stop the task's containers; STOPPING waits for that (real containers). */
  private startStop(arn: string, how: 'graceful' | 'kill'): void {
    const work = this.runtime.stop(arn, how).catch((err: unknown) => {
      this.deps.log('agent: stopping containers failed', { arn, err: String(err) });
      return [] as ContainerExit[];
    });
    const status = this.col.tasks.peek(arn)?.task.lastStatus;
    if (this.runtime.realContainers && (status === 'DEACTIVATING' || status === 'STOPPING'))
      this.stopping.set(arn, work);
  }

  private waitForStop(arn: string, stopping: Promise<ContainerExit[]>): void {
    this.stopping.delete(arn);
    this.inFlight.set(
      arn,
      stopping.then((exits) => this.complete(arn, () => this.afterStop(arn, exits))),
    );
  }

  /** The containers have stopped: their exit codes, then DEPROVISIONING. */
  private afterStop(arn: string, exits: ContainerExit[]): void {
    const fx = newEffects();
    this.deps.db.tx(() => {
      const rec = this.col.tasks.get(arn);
      if (!rec || rec.task.lastStatus !== 'STOPPING') return;
      this.transition(withContainerExits(rec, exits), 'DEPROVISIONING', this.deps.clock.now(), fx);
    });
    this.applyEffects(fx);
    this.poke(arn);
  }

  /** A container exited on its own, or its health changed (reported by the runtime). */
  private runtimeEvent(e: RuntimeEvent): void {
    if (!this.running) return;
    const fx = newEffects();
    try {
      this.deps.db.tx(() => {
        const rec = this.col.tasks.get(e.taskArn);
        if (!rec || rec.task.lastStatus === 'STOPPED') return;
        const now = this.deps.clock.now();
        if (e.kind === 'health') {
          const defs = this.col.taskDefinitions.peek(rec.task.taskDefinitionArn ?? '')?.taskDefinition
            .containerDefinitions;
          const checked = (name: string) =>
            defs?.some((d) => d.name === name && d.essential !== false && d.healthCheck !== undefined) ??
            false;
          this.col.tasks.put(e.taskArn, withContainerHealth(rec, e.containerName, e.healthStatus, checked));
          return;
        }
        if (rec.task.lastStatus !== 'RUNNING' && rec.task.desiredStatus !== 'STOPPED') {
          // Still starting: the exit is applied once RUNNING is written.
          this.earlyExits.set(e.taskArn, [...(this.earlyExits.get(e.taskArn) ?? []), e]);
          return;
        }
        const updated = withExitedContainer(rec, e, e.essential, now, this.deps.config.taskStepMs);
        this.col.tasks.put(e.taskArn, updated);
        if (updated.nextTransitionAt !== undefined) this.queue.addAt(e.taskArn, updated.nextTransitionAt);
        if (rec.serviceArn) fx.services.set(rec.serviceArn, rec.task.clusterArn);
      });
    } catch (err) {
      this.deps.log('agent: container event not recorded', { taskArn: e.taskArn, err: String(err) });
    }
    this.applyEffects(fx);
  }

  /** Ports are open: write RUNNING, unless the task was stopped meanwhile. */
  private afterOpen(arn: string, started: StartedTask): void {
    const fx = newEffects();
    let abandoned = false;
    this.deps.db.tx(() => {
      const rec = this.col.tasks.get(arn);
      if (!rec || rec.task.lastStatus !== 'ACTIVATING' || rec.task.desiredStatus === 'STOPPED') {
        abandoned = true;
        return;
      }
      this.transition(rec, 'RUNNING', this.deps.clock.now(), fx, started);
    });
    if (abandoned) fx.close.push(arn);
    this.applyEffects(fx);
    const early = this.earlyExits.get(arn);
    this.earlyExits.delete(arn);
    for (const e of early ?? []) this.runtimeEvent(e);
    this.poke(arn);
  }

  /** Sockets reopened after a restart: record where they are served if that changed. */
  private afterReopen(arn: string, served: ServedPort[]): void {
    let stillRunning = false;
    this.deps.db.tx(() => {
      const rec = this.col.tasks.get(arn);
      if (!rec || rec.task.lastStatus !== 'RUNNING') return;
      stillRunning = true;
      const bindings = this.bindingsOf(rec, served);
      let changed = false;
      for (const c of rec.task.containers ?? []) {
        const next = bindings.get(c.name ?? '') ?? [];
        if (JSON.stringify(next) !== JSON.stringify(c.networkBindings ?? [])) {
          c.networkBindings = next;
          changed = true;
        }
      }
      if (changed) this.col.tasks.put(arn, rec);
    });
    if (!stillRunning) this.startStop(arn, 'graceful');
    this.poke(arn);
  }

  /** A port could not be served: the task fails to start (or, after a restart, its container exits). */
  private afterFailedStart(arn: string, err: unknown, when: 'attach' | 'prepare' | 'start' | 'reopen'): void {
    this.earlyExits.delete(arn);
    const message = err instanceof TaskStartError ? err.message : `CannotStartContainerError: ${String(err)}`;
    this.deps.log('agent: container could not serve its ports', { taskArn: arn, err: message });
    const fx = newEffects();
    this.deps.db.tx(() => {
      const rec = this.col.tasks.get(arn);
      if (!rec || rec.task.lastStatus === 'STOPPED') return;
      const expected = when === 'attach' ? 'PROVISIONING' : when === 'prepare' ? 'PENDING' : 'ACTIVATING';
      if (when !== 'reopen' && (rec.task.lastStatus !== expected || rec.task.desiredStatus === 'STOPPED'))
        return;
      const reason: KillReason =
        when !== 'reopen'
          ? { stopCode: 'TaskFailedToStart', stoppedReason: message, exitCode: 1, containerReason: message }
          : {
              stopCode: 'EssentialContainerExited',
              stoppedReason: 'Essential container in task exited',
              exitCode: 1,
              containerReason: message,
            };
      this.stopNow(rec, reason, this.deps.clock.now(), fx);
    });
    this.applyEffects(fx);
    this.poke(arn);
  }

  // -- awsvpc: the task's network interface, through EC2 as ECS's service-linked role calls it ----

  /** The ports a task serves: booked host ports, or on awsvpc its containers' ports on its own address. */
  private servedPorts(rec: TaskRecord): TaskRecord['ports'] {
    if (!rec.eni) return rec.ports;
    const td = this.col.taskDefinitions.peek(rec.task.taskDefinitionArn ?? '')?.taskDefinition;
    return (td?.containerDefinitions ?? []).flatMap((c) =>
      (c.portMappings ?? []).flatMap((m) =>
        m.containerPort === undefined
          ? []
          : [
              {
                containerName: c.name ?? '',
                containerPort: m.containerPort,
                hostPort: m.containerPort,
                protocol: m.protocol === 'udp' ? ('udp' as const) : ('tcp' as const),
              },
            ],
      ),
    );
  }

  private ec2 = <T>(rec: TaskRecord, action: string, input: unknown): Promise<T> => {
    const [, , , region, accountId] = rec.task.taskArn.split(':');
    return this.deps.services.call<T>('ec2', action, input, {
      ...(region ? { region } : {}),
      ...(accountId ? { accountId } : {}),
    });
  };

  /** PROVISIONING: create the interface (idempotent by its client token), attach it to the EC2 instance. */
  private startAttach(rec: TaskRecord): void {
    const arn = rec.task.taskArn;
    const work = this.attachEni(rec).then(
      (eni) => this.complete(arn, () => this.afterAttach(arn, eni)),
      (err: unknown) => this.complete(arn, () => this.afterFailedStart(arn, err, 'attach')),
    );
    this.inFlight.set(arn, work);
  }

  private async attachEni(rec: TaskRecord): Promise<TaskEni> {
    const eni = rec.eni as TaskEni;
    const [, , , region, accountId] = rec.task.taskArn.split(':');
    const created = await this.ec2<{ NetworkInterface?: Ec2Interface }>(rec, 'CreateNetworkInterface', {
      SubnetId: eni.subnetId,
      ...(eni.securityGroups.length ? { Groups: eni.securityGroups } : {}),
      Description: `arn:aws:ecs:${region ?? ''}:${accountId ?? ''}:attachment/${eni.attachmentId}`,
      ClientToken: eni.clientToken,
      ...(eni.assignPublicIp
        ? {
            TagSpecifications: [
              { ResourceType: 'network-interface', Tags: [{ Key: PUBLIC_IP_TAG, Value: 'true' }] },
            ],
          }
        : {}),
    });
    const ni = created.NetworkInterface;
    if (!ni?.NetworkInterfaceId) throw new Error('CreateNetworkInterface returned no interface');
    const out: TaskEni = {
      ...eni,
      networkInterfaceId: ni.NetworkInterfaceId,
      ...(ni.MacAddress ? { macAddress: ni.MacAddress } : {}),
      ...(ni.PrivateIpAddress ? { privateIp: ni.PrivateIpAddress } : {}),
    };
    const instanceId = this.ec2InstanceOf(rec);
    if (!instanceId || ni.Attachment?.InstanceId === instanceId) {
      return ni.Attachment?.AttachmentId ? { ...out, ec2AttachmentId: ni.Attachment.AttachmentId } : out;
    }
    // On an EC2 instance: the next free device index (another task may take one at the same time).
    let lastError: unknown;
    for (let deviceIndex = 1; deviceIndex < 16; deviceIndex++) {
      try {
        const attached = await this.ec2<{ AttachmentId?: string }>(rec, 'AttachNetworkInterface', {
          NetworkInterfaceId: ni.NetworkInterfaceId,
          InstanceId: instanceId,
          DeviceIndex: deviceIndex,
        });
        return { ...out, ...(attached.AttachmentId ? { ec2AttachmentId: attached.AttachmentId } : {}) };
      } catch (err) {
        lastError = err;
        if (!isAwsError(err) || err.code !== 'InvalidParameterValue') break;
      }
    }
    await this.ec2(rec, 'DeleteNetworkInterface', { NetworkInterfaceId: ni.NetworkInterfaceId }).catch(
      () => {},
    );
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }

  /** The EC2 instance behind the task's container instance (simulated instances only). */
  private ec2InstanceOf(rec: TaskRecord): string | undefined {
    const ciArn = rec.task.containerInstanceArn;
    const instance = ciArn ? this.col.containerInstances.peek(ciArn) : undefined;
    return instance?.simulated ? instance.containerInstance.ec2InstanceId : undefined;
  }

  /** The interface exists: the task records it and moves to PENDING (unless it was stopped meanwhile). */
  private afterAttach(arn: string, eni: TaskEni): void {
    const fx = newEffects();
    this.deps.db.tx(() => {
      const rec = this.col.tasks.get(arn);
      if (!rec?.eni || rec.eni.networkInterfaceId) return;
      const attached = withAttachedEni(rec, eni);
      if (rec.task.lastStatus !== 'PROVISIONING' || rec.task.desiredStatus === 'STOPPED') {
        // Stopped meanwhile: keep the interface's id so the stop deletes it.
        this.col.tasks.put(arn, attached);
        return;
      }
      this.transition(attached, 'PENDING', this.deps.clock.now(), fx);
    });
    this.applyEffects(fx);
    this.poke(arn);
  }

  /** DEPROVISIONING (or a task stopped at once): detach and delete the interface. */
  private startDetach(rec: TaskRecord): void {
    const arn = rec.task.taskArn;
    if (this.inFlight.has(arn)) return;
    const work = this.detachEni(rec).then(
      () => this.complete(arn, () => this.afterDetach(arn)),
      (err: unknown) =>
        this.complete(arn, () => {
          throw err instanceof Error ? err : new Error(String(err));
        }),
    );
    this.inFlight.set(arn, work);
  }

  private async detachEni(rec: TaskRecord): Promise<void> {
    const eni = rec.eni;
    if (!eni?.networkInterfaceId) return;
    const gone = (err: unknown) => {
      if (isAwsError(err) && /NotFound/.test(err.code)) return;
      throw err;
    };
    if (eni.ec2AttachmentId) {
      await this.ec2(rec, 'DetachNetworkInterface', { AttachmentId: eni.ec2AttachmentId, Force: true }).catch(
        gone,
      );
    }
    await this.ec2(rec, 'DeleteNetworkInterface', { NetworkInterfaceId: eni.networkInterfaceId }).catch(gone);
  }

  private afterDetach(arn: string): void {
    this.deps.db.tx(() => {
      const rec = this.col.tasks.get(arn);
      if (!rec?.eni || rec.eni.deleted) return;
      const deleted: TaskRecord = { ...rec, eni: { ...rec.eni, deleted: true } };
      this.col.tasks.put(
        arn,
        rec.task.lastStatus === 'STOPPED' ? withAttachmentStatus(deleted, 'DELETED') : deleted,
      );
    });
    this.poke(arn);
  }

  // -- FARGATE_SPOT interruptions (LocalConfig.fargateSpotInterruptAfterMs) -----------------------

  /** When a RUNNING Spot task is due to be interrupted (epoch ms), if ever. */
  private spotDue(rec: TaskRecord): number | undefined {
    const after = this.deps.config.fargateSpotInterruptAfterMs;
    if (after === undefined || rec.task.capacityProviderName !== 'FARGATE_SPOT') return undefined;
    if (rec.task.desiredStatus !== 'RUNNING' || rec.task.startedAt === undefined) return undefined;
    return rec.task.startedAt * 1000 + after;
  }

  /** Interrupts a Spot task that is due (SpotInterruption, as AWS reclaims the capacity). */
  private spotInterruption(rec: TaskRecord, now: number, fx: Effects): boolean {
    const due = this.spotDue(rec);
    if (due === undefined || due > now) return false;
    const t = rec.task;
    const updated: TaskRecord = {
      ...rec,
      task: {
        ...t,
        desiredStatus: 'STOPPED',
        stopCode: 'SpotInterruption',
        stoppedReason: 'Your Spot Task was interrupted.',
        stoppingAt: epochSeconds(now),
        version: (t.version ?? 1) + 1,
      },
      nextTransitionAt: now,
    };
    this.col.tasks.putShared(t.taskArn, updated);
    this.queue.addAt(t.taskArn, now);
    if (rec.serviceArn) fx.services.set(rec.serviceArn, t.clusterArn);
    return true;
  }

  private deletionDue(rec: TaskRecord, now: number): number {
    const stoppedMs = rec.task.stoppedAt !== undefined ? rec.task.stoppedAt * 1000 : now;
    return stoppedMs + this.options.stoppedTaskRetentionMs;
  }

  private scheduleDeletion(rec: TaskRecord, now: number): void {
    if (!Number.isFinite(this.options.stoppedTaskRetentionMs)) return;
    this.queue.addAt(rec.task.taskArn, this.deletionDue(rec, now));
  }
}

/** An interface as EC2 describes it (the members the driver reads). */
interface Ec2Interface {
  NetworkInterfaceId?: string;
  MacAddress?: string;
  PrivateIpAddress?: string;
  Attachment?: { AttachmentId?: string; InstanceId?: string };
}

/** Whether the task still holds a network interface to delete. */
const holdsEni = (rec: TaskRecord): boolean => rec.eni?.networkInterfaceId !== undefined && !rec.eni.deleted;

/** The task's network interface attachment with a new status (ATTACHED, DETACHING, DELETED). */
function withAttachmentStatus(rec: TaskRecord, status: string): TaskRecord {
  const id = rec.eni?.attachmentId;
  return {
    ...rec,
    task: {
      ...rec.task,
      attachments: (rec.task.attachments ?? []).map((a) => (a.id === id ? { ...a, status } : a)),
    },
  };
}

/** The task once its interface exists: the attachment's details, the containers' interfaces. */
function withAttachedEni(rec: TaskRecord, eni: TaskEni): TaskRecord {
  const address = eni.privateIp ?? '';
  const attachment = {
    id: eni.attachmentId,
    type: 'ElasticNetworkInterface',
    status: 'ATTACHED',
    details: [
      { name: 'subnetId', value: eni.subnetId },
      { name: 'networkInterfaceId', value: eni.networkInterfaceId ?? '' },
      { name: 'macAddress', value: eni.macAddress ?? '' },
      { name: 'privateDnsName', value: address },
      { name: 'privateIPv4Address', value: address },
    ],
  };
  const others = (rec.task.attachments ?? []).filter((a) => a.id !== eni.attachmentId);
  return {
    ...rec,
    eni,
    task: {
      ...rec.task,
      attachments: [attachment, ...others],
      containers: (rec.task.containers ?? []).map((c) => ({
        ...c,
        networkInterfaces: [{ attachmentId: eni.attachmentId, privateIpv4Address: address }],
      })),
    },
  };
}
