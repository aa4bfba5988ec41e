/**
 * The service scheduler: a level-triggered work queue keyed by service ARN (after the Kubernetes
 * sample controller). Bus events only enqueue keys; a periodic resync enqueues every service, and
 * so does start (recovery after a restart). Processing a key re-reads the service and its tasks,
 * reconciles (reconcile.ts), places (place.ts) and stops tasks, and writes deployments and events
 * in one transaction. Load balancer targets follow the RUNNING tasks, also level-triggered.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { epochSeconds } from '../common/clock';
import { uuid } from '../common/ids';
import type { LocalDeps, Runnable } from '../deps';
import {
  ecsCollections,
  PENDING_STATUSES,
  type EcsCollections,
  type TaskRecord,
  type Wire,
  type WireService,
} from '../ecs/model';
import { daemonInstances, launchTasks } from './place';
import { NO_INSTANCES } from './placement';
import { reconcile, type Decision, type InstanceState, type ReconcileTask } from './reconcile';
import { LoadBalancerSync, type UnhealthyTask } from './targets';

const MAX_EVENTS = 100;
const UNABLE_TO_PLACE_EVERY_S = 60;
const BACKOFF_FIRST_MS = 50;
const BACKOFF_MAX_MS = 10_000;
const STEADY = 'has reached a steady state.';
/** Lifecycle steps a deployment's tasks must stay RUNNING before it is COMPLETED (and the service steady). */
const STABLE_STEPS = 3;
const UNABLE = 'was unable to place a task';
const BLOCKED = 'was unable to stop or start tasks during a deployment';

/** Services' default placement when they name none: spread over zones, then over instances. */
const DEFAULT_SERVICE_STRATEGY: Wire<ecs.PlacementStrategy>[] = [
  { type: 'spread', field: 'attribute:ecs.availability-zone' },
  { type: 'spread', field: 'instanceId' },
];

export function createServiceScheduler(deps: LocalDeps): Runnable {
  return new ServiceScheduler(deps);
}

type ServiceEvent = Wire<ecs.ServiceEvent>;

export class ServiceScheduler implements Runnable {
  private readonly col: EcsCollections;
  private readonly targets: LoadBalancerSync;
  /** Services waiting to be processed (a set: repeated hints coalesce). */
  private readonly queue = new Set<string>();
  /** Hints not yet resolved to services (resolved in bulk when the queue is drained). */
  private readonly changedTasks = new Set<string>();
  private readonly dirtyClusters = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly rechecks = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribe: (() => void)[] = [];
  private resyncTimer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** Service passes done since start (a figure for tests and benchmarks). */
  passes = 0;

  constructor(private readonly deps: LocalDeps) {
    this.col = ecsCollections(deps.db);
    this.targets = new LoadBalancerSync(deps, this.col);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const { bus } = this.deps;
    this.unsubscribe.push(
      bus.on('ecs.service.dirty', (e) => this.enqueue(e.serviceArn)),
      bus.on('ecs.cluster.dirty', (e) => {
        this.dirtyClusters.add(e.clusterArn);
        this.kick();
      }),
      bus.on('ecs.task.changed', (e) => {
        this.changedTasks.add(e.taskArn);
        this.kick();
      }),
    );
    this.resyncTimer = setInterval(() => this.enqueueAll(), this.deps.config.resyncMs);
    this.resyncTimer.unref();
    this.enqueueAll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.resyncTimer = null;
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    this.rechecks.clear();
    this.queue.clear();
    this.changedTasks.clear();
    this.dirtyClusters.clear();
    await this.running;
  }

  /** Resolves when the queue is empty (tests). */
  async idle(): Promise<void> {
    while (this.running || this.scheduled) await (this.running ?? new Promise((r) => setImmediate(r)));
  }

  enqueue(serviceArn: string): void {
    this.queue.add(serviceArn);
    this.kick();
  }

  private enqueueAll(): void {
    for (const arn of this.col.services.ids()) this.queue.add(arn);
    this.kick();
  }

  private kick(): void {
    if (this.stopped || this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.stopped || this.running) return;
      this.running = this.drain().finally(() => {
        this.running = null;
        if (this.queue.size || this.changedTasks.size || this.dirtyClusters.size) this.kick();
      });
    });
  }

  private resolveHints(): void {
    for (const clusterArn of this.dirtyClusters) {
      for (const arn of this.col.services.ids({ cluster: clusterArn })) this.queue.add(arn);
    }
    this.dirtyClusters.clear();
    for (const taskArn of this.changedTasks) {
      const serviceArn = this.col.tasks.get(taskArn)?.serviceArn;
      if (serviceArn) this.queue.add(serviceArn);
    }
    this.changedTasks.clear();
  }

  private async drain(): Promise<void> {
    this.resolveHints();
    while (this.queue.size > 0 && !this.stopped) {
      const key = this.queue.values().next().value as string;
      this.queue.delete(key);
      try {
        await this.process(key);
        this.failures.delete(key);
      } catch (err) {
        this.retryLater(key, err);
      }
      // Let requests and the agent run between services.
      await new Promise((r) => setImmediate(r));
      this.resolveHints();
    }
  }

  /** Looks at a service again after `ms` (its tasks will have been RUNNING long enough by then). */
  private recheckLater(key: string, ms: number): void {
    if (this.rechecks.has(key)) return;
    const timer = setTimeout(
      () => {
        this.rechecks.delete(key);
        this.retryTimers.delete(timer);
        this.enqueue(key);
      },
      Math.max(1, Math.ceil(ms)),
    );
    timer.unref();
    this.rechecks.set(key, timer);
    this.retryTimers.add(timer);
  }

  private retryLater(key: string, err: unknown): void {
    const attempts = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, attempts);
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (attempts - 1));
    this.deps.log('scheduler: service pass failed, retrying', {
      serviceArn: key,
      attempts,
      delay,
      err: String(err),
    });
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.enqueue(key);
    }, delay);
    timer.unref();
    this.retryTimers.add(timer);
  }

  /** One pass over one service: targets first (async calls), then the reconcile transaction. */
  async process(serviceArn: string): Promise<void> {
    this.passes++;
    const { messages: events, unhealthy } = await this.targets.sync(serviceArn);
    if (events.length) this.deps.db.tx(() => this.appendEvents(serviceArn, events));
    const stopped = this.deps.db.tx(() => this.reconcileService(serviceArn, unhealthy));
    for (const t of stopped) {
      this.deps.bus.emit('ecs.task.changed', {
        clusterArn: t.task.clusterArn,
        taskArn: t.task.taskArn,
        ...(t.task.containerInstanceArn ? { containerInstanceArn: t.task.containerInstanceArn } : {}),
      });
    }
  }

  private appendEvents(serviceArn: string, messages: string[]): void {
    const rec = this.col.services.get(serviceArn);
    if (!rec) return;
    const now = epochSeconds(this.deps.clock.now());
    this.col.services.put(serviceArn, {
      ...rec,
      service: { ...rec.service, events: withEvents(rec.service.events, messages, now) },
    });
  }

  /** Reads, decides and applies; returns the tasks it asked to stop. Runs inside a transaction. */
  private reconcileService(serviceArn: string, unhealthy: UnhealthyTask[] = []): TaskRecord[] {
    const rec = this.col.services.get(serviceArn);
    if (!rec || rec.service.status === 'INACTIVE') return [];
    const svc = rec.service;
    const nowMs = this.deps.clock.now();
    const now = epochSeconds(nowMs);
    const messages: string[] = [];
    const stopped: TaskRecord[] = [];
    // Tasks that failed their load balancer's health checks go first; the reconciler replaces them.
    for (const u of unhealthy) {
      const t = this.col.tasks.get(u.taskArn);
      if (!t || t.task.lastStatus !== 'RUNNING' || t.task.desiredStatus !== 'RUNNING') continue;
      const next = stopTask(t, u.stoppedReason, false, nowMs);
      this.col.tasks.put(next.task.taskArn, next);
      stopped.push(next);
      messages.push(u.message);
    }
    const tasks = this.col.tasks.find({ service: serviceArn });
    const instanceState = this.instanceStates(tasks);
    const config = svc.deploymentConfiguration ?? {};
    const stableMs = STABLE_STEPS * this.deps.config.taskStepMs;
    // Counted once: what the circuit breaker judges is what the deployments report as failedTasks.
    const failures = new Map(
      svc.deployments.map((d) => [d.id ?? '', consecutiveFailures(tasks, d.id ?? '', stableMs, nowMs)]),
    );
    const daemon = svc.schedulingStrategy === 'DAEMON' ? this.daemonInstances(svc) : undefined;
    const decision = reconcile({
      status: svc.status,
      desiredCount: svc.desiredCount,
      minimumHealthyPercent: config.minimumHealthyPercent ?? 100,
      maximumPercent: config.maximumPercent ?? 200,
      deployments: svc.deployments.map((d) => ({
        id: d.id ?? '',
        status: d.status ?? '',
        ...(d.rolloutState ? { rolloutState: d.rolloutState } : {}),
        ...(d.createdAt !== undefined ? { createdAt: d.createdAt } : {}),
        failures: failures.get(d.id ?? '') ?? 0,
      })),
      tasks: tasks.map((t): ReconcileTask => ({
        taskArn: t.task.taskArn,
        ...(t.deploymentId ? { deploymentId: t.deploymentId } : {}),
        lastStatus: t.task.lastStatus,
        desiredStatus: t.task.desiredStatus,
        createdAt: t.task.createdAt ?? 0,
        instance: instanceState(t.task.containerInstanceArn),
        ...(t.task.containerInstanceArn ? { instanceArn: t.task.containerInstanceArn } : {}),
        ...(t.task.startedAt !== undefined ? { startedAt: t.task.startedAt } : {}),
        // A RUNNING task with a step due is a container about to exit (agent/exit.ts): if that comes
        // before the task would count as healthy, it never does, however late the agent runs.
        ...(exitsBeforeStable(t, stableMs) ? { exiting: true } : {}),
      })),
      stableSeconds: stableMs / 1000,
      ...(daemon ? { daemonInstances: daemon } : {}),
      wasSteady: svc.events[0]?.message?.endsWith(STEADY) ?? false,
      ...(config.deploymentCircuitBreaker
        ? {
            circuitBreaker: {
              enable: config.deploymentCircuitBreaker.enable ?? false,
              rollback: config.deploymentCircuitBreaker.rollback ?? false,
            },
          }
        : {}),
      now,
    });

    const byArn = new Map(tasks.map((t) => [t.task.taskArn, t]));
    for (const s of decision.stop) {
      const t = byArn.get(s.taskArn);
      if (!t) continue;
      const next = stopTask(t, s.reason, instanceState(t.task.containerInstanceArn) === 'GONE', nowMs);
      this.col.tasks.put(next.task.taskArn, next);
      byArn.set(next.task.taskArn, next);
      stopped.push(next);
    }
    if (stopped.length) {
      messages.push(
        `(service ${svc.serviceName}) has stopped ${stopped.length} running tasks: ${taskIds(stopped)}.`,
      );
    }

    const started: TaskRecord[] = [];
    let unable: string | undefined;
    for (const p of decision.place) {
      const result = this.place(svc, p.deploymentId, p.count, p.instanceArns);
      for (const t of result.tasks) byArn.set(t.task.taskArn, t);
      started.push(...result.tasks);
      unable ??= result.unable;
    }
    if (started.length) {
      messages.push(`(service ${svc.serviceName}) has started ${started.length} tasks: ${taskIds(started)}.`);
    }
    if (unable && !recentEvent(svc.events, UNABLE, now)) messages.push(unable);

    for (const e of decision.events) {
      if (e.kind === 'deploymentCompleted') {
        messages.push(`(service ${svc.serviceName}) (deployment ${e.deploymentId}) deployment completed.`);
      } else if (e.kind === 'deploymentBlocked' && !recentEvent(svc.events, BLOCKED, now)) {
        messages.push(
          `(service ${svc.serviceName}) ${BLOCKED} because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.`,
        );
      } else if (e.kind === 'deploymentFailed') {
        messages.push(
          `(service ${svc.serviceName}) (deployment ${e.deploymentId}) deployment failed: tasks failed to start.`,
        );
      } else if (e.kind === 'rollingBack') {
        messages.push(`(service ${svc.serviceName}) rolling back to deployment ${e.deploymentId}.`);
      } else if (e.kind === 'steady') {
        messages.push(`(service ${svc.serviceName}) ${STEADY}`);
      }
    }

    if (decision.recheckIn !== undefined) this.recheckLater(serviceArn, decision.recheckIn * 1000);
    const next = applyDecision(svc, decision, [...byArn.values()], failures, now);
    next.events = withEvents(svc.events, messages, now);
    if (JSON.stringify(next) !== JSON.stringify(svc))
      this.col.services.put(serviceArn, { ...rec, service: next });
    return stopped;
  }

  private instanceStates(tasks: TaskRecord[]): (arn: string | undefined) => InstanceState {
    const cache = new Map<string, InstanceState>();
    for (const t of tasks) {
      const arn = t.task.containerInstanceArn;
      if (!arn || cache.has(arn) || t.task.lastStatus === 'STOPPED') continue;
      const status = this.col.containerInstances.get(arn)?.containerInstance.status;
      cache.set(arn, status === 'ACTIVE' ? 'ACTIVE' : status === 'DRAINING' ? 'DRAINING' : 'GONE');
    }
    return (arn) => (arn ? (cache.get(arn) ?? 'GONE') : 'GONE');
  }

  /** DAEMON: the instances that should each run one task (undefined when the task definition is missing). */
  private daemonInstances(svc: WireService): string[] | undefined {
    const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
    const td = primary?.taskDefinition ? this.col.taskDefinitions.get(primary.taskDefinition) : undefined;
    if (!td) return undefined;
    return daemonInstances(this.deps, svc.clusterArn, td.taskDefinition, svc.placementConstraints ?? []);
  }

  private place(
    svc: WireService,
    deploymentId: string,
    count: number,
    instanceArns: string[] | undefined,
  ): { tasks: TaskRecord[]; unable?: string } {
    const deployment = svc.deployments.find((d) => d.id === deploymentId);
    const td = deployment?.taskDefinition
      ? this.col.taskDefinitions.get(deployment.taskDefinition)
      : undefined;
    if (!td) {
      this.deps.log('scheduler: task definition of deployment not found', { deploymentId });
      return { tasks: [] };
    }
    const region = svc.clusterArn.split(':')[3] ?? this.deps.config.defaultRegion;
    const result = launchTasks(this.deps, {
      clusterArn: svc.clusterArn,
      region,
      taskDefinition: td.taskDefinition,
      count,
      group: `service:${svc.serviceName}`,
      startedBy: deploymentId,
      placementConstraints: svc.placementConstraints ?? [],
      placementStrategy: svc.placementStrategy?.length ? svc.placementStrategy : DEFAULT_SERVICE_STRATEGY,
      ...(instanceArns ? { candidateInstanceArns: instanceArns } : {}),
      serviceArn: svc.serviceArn,
      deploymentId,
      launchType: 'EC2',
      ...(svc.propagateTags === 'SERVICE' && svc.tags ? { tags: svc.tags } : {}),
      ...(svc.enableExecuteCommand ? { enableExecuteCommand: true } : {}),
    });
    if (result.tasks.length >= count) return { tasks: result.tasks };
    return { tasks: result.tasks, unable: unableToPlace(svc.serviceName, result.failures, result.closest) };
  }
}

function taskIds(tasks: TaskRecord[]): string {
  return tasks.map((t) => `(task ${t.task.taskArn.slice(t.task.taskArn.lastIndexOf('/') + 1)})`).join(' ');
}

function recentEvent(events: ServiceEvent[], text: string, now: number): boolean {
  const last = events.find((e) => e.message?.includes(text));
  return last !== undefined && now - (last.createdAt ?? 0) < UNABLE_TO_PLACE_EVERY_S;
}

/** Newest first, at most 100: `messages` are in the order they happened. */
function withEvents(events: ServiceEvent[], messages: string[], now: number): ServiceEvent[] {
  if (messages.length === 0) return events;
  const added = messages.map((message) => ({ id: uuid(), createdAt: now, message })).reverse();
  return [...added, ...events].slice(0, MAX_EVENTS);
}

const CLOSEST: Record<string, string> = {
  'RESOURCE:CPU': 'has insufficient CPU units available.',
  'RESOURCE:MEMORY': 'has insufficient memory available.',
  'RESOURCE:PORTS': 'is already using a port required by your task.',
  'RESOURCE:PORTS_UDP': 'is already using a port required by your task.',
  AGENT: 'has a disconnected agent.',
  ATTRIBUTE: 'is missing an attribute required by your task.',
};

export function unableToPlace(
  serviceName: string,
  failures: Wire<ecs.Failure>[],
  closest: { instanceArn: string; reason: string } | undefined,
): string {
  const head = `(service ${serviceName}) was unable to place a task because no container instance met all of its requirements.`;
  const tail = 'For more information, see the Troubleshooting section.';
  if (!closest) {
    const reason = failures.find((f) => !f.arn)?.reason ?? NO_INSTANCES;
    return `${head} Reason: ${reason} ${tail}`;
  }
  const id = closest.instanceArn.slice(closest.instanceArn.lastIndexOf('/') + 1);
  const what = CLOSEST[closest.reason] ?? `encountered error "${closest.reason.replace(/\.$/, '')}".`;
  return `${head} The closest matching (container-instance ${id}) ${what} ${tail}`;
}

function stopTask(t: TaskRecord, reason: string, instanceGone: boolean, nowMs: number): TaskRecord {
  const now = epochSeconds(nowMs);
  const task = {
    ...t.task,
    desiredStatus: 'STOPPED',
    stopCode: 'ServiceSchedulerInitiated' as const,
    stoppedReason: reason,
    version: (t.task.version ?? 1) + 1,
  };
  if (!instanceGone) return { ...t, task, nextTransitionAt: nowMs };
  // No agent is left to walk it down: it is stopped where it stands (its instance's resources went with it).
  const { nextTransitionAt: _, ...rest } = t;
  return {
    ...rest,
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

const NOT_A_FAILURE = new Set(['ServiceSchedulerInitiated', 'UserInitiated', 'TerminationNotice']);

/**
 * A task that failed: it stopped on its own before it ever ran, an essential container exited, or
 * it failed its load balancer's health checks.
 */
function failedTask(t: TaskRecord): boolean {
  if (t.task.lastStatus !== 'STOPPED') return false;
  if (t.task.stoppedReason?.startsWith('Task failed ELB health checks')) return true;
  if (NOT_A_FAILURE.has(t.task.stopCode ?? '')) return false;
  return t.task.stopCode === 'EssentialContainerExited' || !t.history.some((h) => h.status === 'RUNNING');
}

/** Whether a RUNNING task's container is due to exit before it would count as healthy (agent/exit.ts). */
function exitsBeforeStable(t: TaskRecord, stableMs: number): boolean {
  return (
    t.task.lastStatus === 'RUNNING' &&
    t.task.desiredStatus === 'RUNNING' &&
    t.nextTransitionAt !== undefined &&
    t.nextTransitionAt <= (t.task.startedAt ?? 0) * 1000 + stableMs
  );
}

/**
 * A deployment's consecutive failed tasks (its `failedTasks`, what the circuit breaker counts): the
 * failures since one of its tasks still RUNNING became healthy (RUNNING for `stableMs`, not about to
 * exit), since a healthy task resets the count (resetOnHealthyTask, true by default).
 */
function consecutiveFailures(
  tasks: TaskRecord[],
  deploymentId: string,
  stableMs: number,
  nowMs: number,
): number {
  let healthySince = 0;
  for (const t of tasks) {
    if (
      t.deploymentId !== deploymentId ||
      t.task.lastStatus !== 'RUNNING' ||
      t.task.desiredStatus !== 'RUNNING'
    )
      continue;
    const healthyAt = (t.task.startedAt ?? 0) * 1000 + stableMs;
    if (healthyAt <= nowMs && !exitsBeforeStable(t, stableMs))
      healthySince = Math.max(healthySince, healthyAt);
  }
  let n = 0;
  for (const t of tasks) {
    if (t.deploymentId === deploymentId && failedTask(t) && (t.task.stoppedAt ?? 0) * 1000 >= healthySince)
      n++;
  }
  return n;
}

/** The service after the decision: deployments with counts from the tasks (running, pending, failed), status. */
function applyDecision(
  svc: WireService,
  decision: Decision,
  tasks: TaskRecord[],
  failures: Map<string, number>,
  now: number,
): WireService {
  const counts = new Map<string, { running: number; pending: number; failed: number }>();
  let running = 0;
  let pending = 0;
  for (const d of svc.deployments) {
    counts.set(d.id ?? '', { running: 0, pending: 0, failed: failures.get(d.id ?? '') ?? 0 });
  }
  for (const t of tasks) {
    const c = counts.get(t.deploymentId ?? '') ?? { running: 0, pending: 0, failed: 0 };
    counts.set(t.deploymentId ?? '', c);
    if (t.task.desiredStatus !== 'RUNNING') continue;
    if (t.task.lastStatus === 'RUNNING') {
      c.running++;
      running++;
    } else if (PENDING_STATUSES.has(t.task.lastStatus)) {
      c.pending++;
      pending++;
    }
  }
  const updates = new Map(decision.deploymentUpdates.map((u) => [u.id, u]));
  const deployments = svc.deployments.flatMap((d) => {
    const u = updates.get(d.id ?? '');
    if (u?.status === 'INACTIVE') return [];
    const c = counts.get(d.id ?? '') ?? { running: 0, pending: 0, failed: 0 };
    const changed = u && (u.rolloutState !== undefined || u.desiredCount !== d.desiredCount);
    return [
      {
        ...d,
        ...(u ? { status: u.status, desiredCount: u.desiredCount } : {}),
        ...(u?.rolloutState ? { rolloutState: u.rolloutState } : {}),
        ...(u?.rolloutStateReason ? { rolloutStateReason: u.rolloutStateReason } : {}),
        runningCount: c.running,
        pendingCount: c.pending,
        failedTasks: c.failed,
        ...(changed ||
        c.running !== d.runningCount ||
        c.pending !== d.pendingCount ||
        c.failed !== d.failedTasks
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
