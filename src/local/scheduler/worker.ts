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
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { epochSeconds } from '../common/clock';
import { WorkQueue } from '../common/work-queue';
import type { LocalDeps, Runnable } from '../deps';
import { resolvedStrategy } from '../ecs/capacity-providers';
import { runsOnFargate } from '../ecs/launch-capacity';
import {
  ecsCollections,
  type EcsCollections,
  type LaunchCapacity,
  type ResolvedNetwork,
  type ServiceRecord,
  type TaskRecord,
  type Wire,
  type WireService,
} from '../ecs/model';
import { applyDecision, stoppedByScheduler } from './apply-decision';
import { recordServiceDeployments } from './deployment-history';
import { daemonInstances, launchTasks } from './launch';
import { reconcile, type InstanceState } from './reconcile';
import { instanceStates, reconcileInput } from './service-input';
import { reconciledServiceTasks, serviceRecordChanged } from './service-tasks';
import {
  NOTICE_EVERY_S,
  decisionMessage,
  startedTasksMessage,
  stoppedTasksMessage,
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
}

const NOTHING: PassResult = { stopped: [], changed: false };

/** A cluster key stands for all of the cluster's services. */
const isClusterArn = (arn: string): boolean => /^arn:[^:]+:ecs:[^:]*:[^:]*:cluster\//.test(arn);

export class ServiceScheduler implements Runnable {
  private readonly col: EcsCollections;
  private readonly targets: LoadBalancerSync;
  private readonly queue: WorkQueue;
  private readonly unsubscribe: (() => void)[] = [];
  /** Service passes done since start (a figure for tests and benchmarks). */
  passes = 0;

  constructor(private readonly deps: LocalDeps) {
    this.col = ecsCollections(deps.db);
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
      bus.on('ecs.service.dirty', (e) => this.queue.add(e.serviceArn)),
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
    for (const arn of this.col.services.ids({ cluster: key })) this.queue.add(arn);
  }

  /** One pass over one service: targets first (async calls), then the reconcile transaction. */
  async process(serviceArn: string): Promise<void> {
    this.passes++;
    const sync = await this.targets.sync(serviceArn);
    const result = this.deps.db.tx(() => this.pass(serviceArn, sync));
    for (const t of result.stopped) {
      this.deps.bus.emit('ecs.task.changed', {
        clusterArn: t.task.clusterArn,
        taskArn: t.task.taskArn,
        ...(t.task.containerInstanceArn ? { containerInstanceArn: t.task.containerInstanceArn } : {}),
      });
    }
    if (result.changed) this.queue.add(serviceArn);
    if (result.recheckIn !== undefined) this.queue.addAfter(serviceArn, Math.ceil(result.recheckIn * 1000));
  }

  /** Reads, decides and applies. Runs inside a transaction. */
  private pass(serviceArn: string, sync: TargetSync): PassResult {
    const rec = this.col.services.get(serviceArn);
    if (!rec) return NOTHING;
    const nowMs = this.deps.clock.now();
    const now = epochSeconds(nowMs);
    const svc = rec.service;
    const messages = [...sync.messages];
    if (svc.status === 'INACTIVE') {
      if (messages.length)
        this.putService(rec, { ...rec, service: { ...svc, events: withEvents(svc.events, messages, now) } });
      return NOTHING;
    }
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
    const instanceState = instanceStates(this.col, tasks);
    if ((svc.deploymentController?.type ?? 'ECS') !== 'ECS') {
      return this.taskSetPass(rec, tasks, instanceState, stopped, messages, nowMs);
    }
    const decision = reconcile(
      reconcileInput(rec, tasks, instanceState, {
        stableSeconds: (STABLE_STEPS * this.deps.config.taskStepMs) / 1000,
        daemonInstances: svc.schedulingStrategy === 'DAEMON' ? this.daemonInstances(svc) : undefined,
        now,
      }),
    );

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
    if (stopped.length) messages.push(stoppedTasksMessage(svc.serviceName, stopped));

    const started: TaskRecord[] = [];
    let unable: string | undefined;
    for (const p of decision.place) {
      const result = this.place(rec, tasks, p.deploymentId, p.count, p.instanceArns);
      for (const t of result.tasks) byArn.set(t.task.taskArn, t);
      started.push(...result.tasks);
      unable ??= result.unable;
    }
    if (started.length) messages.push(startedTasksMessage(svc.serviceName, started));

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
    this.putService(rec, {
      ...base,
      service,
      ...(steadySince !== undefined ? { steadySince } : {}),
      ...(Object.keys(notices).length ? { lastNotice: notices } : {}),
    });
    return {
      stopped,
      changed: stopped.length > 0 || started.length > 0,
      ...(decision.recheckIn !== undefined ? { recheckIn: decision.recheckIn } : {}),
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
    this.putService(rec, {
      ...base,
      service: r.service,
      ...(steadySince !== undefined ? { steadySince } : {}),
      ...(Object.keys(notices).length ? { lastNotice: notices } : {}),
    });
    return {
      stopped,
      changed: r.stopped.length > 0 || r.started.length > 0,
      ...(r.recheckIn !== undefined ? { recheckIn: r.recheckIn } : {}),
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
    tasks: TaskRecord[],
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
    const existing = new Map<string, number>();
    for (const t of tasks) {
      if (t.task.desiredStatus !== 'RUNNING' || !t.task.capacityProviderName) continue;
      existing.set(t.task.capacityProviderName, (existing.get(t.task.capacityProviderName) ?? 0) + 1);
    }
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
