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
import { ecsCollections, type EcsCollections, type TaskRecord, type WireTask } from '../ecs/model';
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
  kill,
  nextStatus,
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
  services: Map<string, string>;
  clusters: Set<string>;
  running: WireTask[];
  stopped: WireTask[];
}

const newEffects = (): Effects => ({
  close: [],
  kill: [],
  prepare: [],
  open: [],
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
      // As the agent always did: a timer between batches, so API requests keep their pace during a burst.
      betweenBatches: 'setTimeout',
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
    this.unsubscribe.push(this.deps.bus.on('ecs.task.changed', (e) => this.poke(e.taskArn)));
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

  /** Look at this task soon (a hint: the record says what, if anything, to do). */
  poke(taskArn: string): void {
    this.queue.add(taskArn);
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
      for (const rec of this.col.tasks.find({ instance: containerInstanceArn })) {
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
          if (rec.ports.length > 0 || this.runtime.realContainers) reopen.push(rec);
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
    // If the transaction itself fails, nothing happened: the queue retries the whole batch.
    this.deps.db.tx(() => {
      for (const arn of arns) {
        try {
          this.visit(arn, now, fx);
        } catch (err) {
          this.queue.retry(arn, err);
        }
      }
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
    // Shared and frozen (Collection.peek): every change below writes a new record.
    const rec = this.col.tasks.peek(arn);
    if (!rec) return;
    const t = rec.task;
    if (t.lastStatus === 'STOPPED') {
      // Stopped by someone else (or long ago): make sure nothing is served, then keep it for a while.
      if (this.runtime.isServing(arn)) fx.close.push(arn);
      if (now >= this.deletionDue(rec, now)) this.col.tasks.delete(arn);
      else this.scheduleDeletion(rec, now);
      return;
    }
    const next = nextStatus(t.lastStatus, t.desiredStatus);
    if (next === null) {
      const exit = rec.nextTransitionAt !== undefined && t.lastStatus === 'RUNNING' ? this.exitOf(rec) : null;
      if (exit && rec.nextTransitionAt !== undefined) {
        if (rec.nextTransitionAt > now) this.queue.addAt(arn, rec.nextTransitionAt);
        else this.exit(rec, exit, now, fx);
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
    if (next === 'ACTIVATING' && this.runtime.realContainers) {
      fx.prepare.push(rec);
      return;
    }
    if (next === 'RUNNING' && (rec.ports.length > 0 || this.runtime.realContainers)) {
      fx.open.push(rec);
      return;
    }
    const stopping = next === 'DEPROVISIONING' ? this.stopping.get(arn) : undefined;
    if (stopping) {
      this.waitForStop(arn, stopping);
      return;
    }
    this.transition(rec, next, now, fx);
  }

  /** Writes one step (caller holds the transaction) and notes its effects. */
  private transition(rec: TaskRecord, to: TaskStatus, now: number, fx: Effects, started?: StartedTask): void {
    const arn = rec.task.taskArn;
    let runtimeIds: Map<string, string> | undefined;
    let bindings: Map<string, NetworkBinding[]> | undefined;
    if (to === 'RUNNING') {
      runtimeIds =
        started?.runtimeIds ?? new Map((rec.task.containers ?? []).map((c) => [c.name ?? '', hexId(32)]));
      bindings = this.bindingsOf(rec, started?.ports ?? []);
    }
    const updated = applyTransition(rec, {
      to,
      nowMs: now,
      stepMs: this.deps.config.taskStepMs,
      bindings,
      runtimeIds,
    });
    if (to === 'RUNNING' && updated.task.desiredStatus === 'RUNNING') {
      const exit = this.exitOf(updated);
      if (exit) updated.nextTransitionAt = now + (exit.afterMs ?? this.deps.config.taskStepMs);
    }
    if (to === 'DEACTIVATING' || (to === 'STOPPED' && this.runtime.isServing(arn))) fx.close.push(arn);
    if (to === 'STOPPED') this.release(updated, fx);
    this.col.tasks.putShared(arn, updated);
    if (updated.nextTransitionAt !== undefined) this.queue.addAt(arn, updated.nextTransitionAt);
    if (to === 'STOPPED') this.scheduleDeletion(updated, now);
    if (to === 'RUNNING') fx.running.push(updated.task);
    if (to === 'STOPPED') fx.stopped.push(updated.task);
    if ((to === 'RUNNING' || to === 'STOPPED') && rec.serviceArn)
      fx.services.set(rec.serviceArn, rec.task.clusterArn);
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
    const updated = kill(rec, reason, now);
    this.release(updated, fx);
    this.col.tasks.putShared(updated.task.taskArn, updated);
    (this.runtime.realContainers ? fx.kill : fx.close).push(updated.task.taskArn);
    fx.stopped.push(updated.task);
    if (rec.serviceArn) fx.services.set(rec.serviceArn, rec.task.clusterArn);
    this.scheduleDeletion(updated, now);
  }

  /** Returns the task's booked CPU, memory and ports to its instance (caller holds the transaction). */
  private release(rec: TaskRecord, fx: Effects): void {
    const ciArn = rec.task.containerInstanceArn;
    fx.clusters.add(rec.task.clusterArn);
    if (!ciArn) return;
    const instance = this.col.containerInstances.peek(ciArn);
    if (!instance) return;
    const booking = { cpu: rec.reservedCpu, memory: rec.reservedMemory, ports: rec.ports };
    this.col.containerInstances.putShared(ciArn, {
      ...instance,
      containerInstance: releaseResources(instance.containerInstance, booking),
    });
  }

  private bindingsOf(rec: TaskRecord, served: ServedPort[]): Map<string, NetworkBinding[]> {
    const instanceAddress = this.addressOf(rec);
    const out = new Map<string, NetworkBinding[]>();
    for (const s of served) {
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
      address: instance?.address ?? this.deps.config.fallbackAddress,
      images: new Map((t.containers ?? []).map((c) => [c.name ?? '', c.image ?? ''])),
      ports: rec.ports.map((p) => {
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
  private afterFailedStart(arn: string, err: unknown, when: 'prepare' | 'start' | 'reopen'): void {
    this.earlyExits.delete(arn);
    const message = err instanceof TaskStartError ? err.message : `CannotStartContainerError: ${String(err)}`;
    this.deps.log('agent: container could not serve its ports', { taskArn: arn, err: message });
    const fx = newEffects();
    this.deps.db.tx(() => {
      const rec = this.col.tasks.get(arn);
      if (!rec || rec.task.lastStatus === 'STOPPED') return;
      const expected = when === 'prepare' ? 'PENDING' : 'ACTIVATING';
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

  private deletionDue(rec: TaskRecord, now: number): number {
    const stoppedMs = rec.task.stoppedAt !== undefined ? rec.task.stoppedAt * 1000 : now;
    return stoppedMs + this.options.stoppedTaskRetentionMs;
  }

  private scheduleDeletion(rec: TaskRecord, now: number): void {
    if (!Number.isFinite(this.options.stoppedTaskRetentionMs)) return;
    this.queue.addAt(rec.task.taskArn, this.deletionDue(rec, now));
  }
}
