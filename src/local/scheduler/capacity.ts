/**
 * The capacity controller: managed scaling for Auto Scaling group capacity providers, as ECS runs it.
 *
 * Per cluster (key: its ARN), for each Auto Scaling group provider it lists:
 * 1. Instances of the group that registered with the cluster are marked as the provider's
 *    (`capacityProviderName` on the container instance), so its tasks can be placed there.
 * 2. Tasks waiting in PROVISIONING for the provider are placed on those instances when they have room
 *    (`placeWaitingTasks`), and the agent is told.
 * 3. CapacityProviderReservation = M / N x 100: M the instances the provider's tasks need (instances
 *    running tasks, instances still joining while tasks wait, and the new ones the waiting tasks need,
 *    within the scaling step sizes), N the group's instances. The desired capacity that brings the
 *    reservation to the target (ceil(M x 100 / target)), within the group's min and max, is set on the
 *    group with Auto Scaling's SetDesiredCapacity: at once to grow, after `capacityScaleInDelayMs` of
 *    lower figures to shrink (Auto Scaling records the activities and launches or terminates).
 * 4. Managed termination protection: instances running tasks are protected from scale-in, empty ones
 *    are not (SetInstanceProtection), so shrinking only ever takes empty instances.
 *
 * 5. CloudWatch: `ECS/ManagedScaling` CapacityProviderReservation (percent, by ClusterName and
 *    CapacityProviderName) for each provider with managed scaling on, every metrics interval, the
 *    figure of the latest pass (through the metric publisher, as ECS publishes it once a minute).
 *
 * Level-triggered: a pass re-reads everything; fed by `ecs.cluster.dirty` and a periodic resync, so
 * after a kill -9 the next pass converges. The figures are kept on the provider record (`scaling`).
 */
import { epochSeconds } from '../common/clock';
import { isAwsError } from '../protocol/errors';
import { createMetricPublisher, type MetricBatch } from '../common/metric-publisher';
import { WorkQueue } from '../common/work-queue';
import type { LocalDeps, Runnable } from '../deps';
import {
  ecsCollections,
  type CapacityProviderRecord,
  type CapacityScaling,
  type EcsCollections,
  type TaskRecord,
} from '../ecs/model';
import { liveOnInstance, taskKeys } from '../ecs/counts';
import { placeWaitingTasks } from './launch';
import { NOTICE_EVERY_S, withEvents } from './service-events';

interface AsgInstance {
  InstanceId?: string;
  LifecycleState?: string;
  ProtectedFromScaleIn?: boolean;
}

interface AsgGroup {
  AutoScalingGroupName?: string;
  MinSize?: number;
  MaxSize?: number;
  DesiredCapacity?: number;
  Instances?: AsgInstance[];
}

/** What one pass worked out for a provider (inside the transaction), acted on after it. */
interface Decision {
  placed: TaskRecord[];
  scaling: CapacityScaling;
  /** Instance id -> whether it runs tasks (for managed termination protection). */
  busy: Map<string, boolean>;
}

const LIVE_STATES = new Set(['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService']);
/** The lifecycle hook ECS puts on a provider's group for managed draining (its name on AWS). */
export const DRAINING_HOOK = 'ecs-managed-draining-termination-hook';
/** How long an instance may drain before the group terminates it anyway (the hook's heartbeat). */
const DRAINING_HEARTBEAT_S = 3600;
/** Queue keys of providers on no cluster (the other keys are cluster ARNs). */
const PROVIDER_KEY = 'provider|';

export class CapacityController implements Runnable {
  private readonly col: EcsCollections;
  private readonly queue: WorkQueue;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly publisher: Runnable;
  /** Groups whose managed-draining hook is known to be there (true) or gone (false), by setting. */
  private readonly hooks = new Map<string, boolean>();

  constructor(private readonly deps: LocalDeps) {
    this.col = ecsCollections(deps.db);
    this.publisher = createMetricPublisher(deps, 'capacity', () => this.metrics());
    this.queue = new WorkQueue({
      name: 'capacity',
      clock: deps.clock,
      log: deps.log,
      handle: ([key]) => (key === undefined ? undefined : this.handle(key)),
      backoff: { firstMs: 100, maxMs: 10_000 },
      resync: { everyMs: deps.config.resyncMs, keys: () => this.keys() },
    });
  }

  start(): void {
    this.unsubscribe.push(
      this.deps.bus.on('ecs.cluster.dirty', (e) => this.queue.add(e.clusterArn)),
      this.deps.bus.on('autoscaling.instances.waiting', () => {
        for (const key of this.keys()) this.queue.add(key);
      }),
    );
    this.queue.start();
    void this.publisher.start();
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    await this.queue.stop();
    await this.publisher.stop();
  }

  /** Resolves when nothing is due (tests). */
  async idle(): Promise<void> {
    await this.queue.idle();
    await this.publisher.idle?.();
  }

  /**
   * CapacityProviderReservation of each managed-scaling provider on an active cluster: the figure
   * the latest pass kept on the provider record (none before the first pass).
   */
  private metrics(): MetricBatch[] {
    const batches = new Map<string, MetricBatch>();
    for (const clusterArn of this.clustersWithProviders()) {
      const cluster = this.col.clusters.peek(clusterArn);
      if (!cluster) continue;
      const [, , , region = '', accountId = ''] = clusterArn.split(':');
      for (const name of cluster.cluster.capacityProviders ?? []) {
        const rec = this.col.capacityProviders.peek(
          `arn:aws:ecs:${region}:${accountId}:capacity-provider/${name}`,
        );
        const managed = rec?.capacityProvider.autoScalingGroupProvider?.managedScaling?.status === 'ENABLED';
        if (!rec?.scaling || !managed || rec.capacityProvider.status !== 'ACTIVE') continue;
        const key = `${region}|${accountId}`;
        let batch = batches.get(key);
        if (!batch) {
          batch = { region, accountId, namespace: 'ECS/ManagedScaling', data: [] };
          batches.set(key, batch);
        }
        batch.data.push({
          MetricName: 'CapacityProviderReservation',
          Dimensions: [
            { Name: 'ClusterName', Value: cluster.cluster.clusterName },
            { Name: 'CapacityProviderName', Value: name },
          ],
          Value: rec.scaling.reservation,
          Unit: 'Percent',
        });
      }
    }
    return [...batches.values()];
  }

  private clustersWithProviders(): string[] {
    const out: string[] = [];
    for (const rec of this.col.capacityProviders.all()) {
      if (!rec.autoScalingGroupName || rec.capacityProvider.status !== 'ACTIVE') continue;
      for (const c of this.col.clusters.find({ region: rec.region })) {
        if (
          c.cluster.status === 'ACTIVE' &&
          (c.cluster.capacityProviders ?? []).includes(rec.capacityProvider.name)
        )
          out.push(c.cluster.clusterArn);
      }
    }
    return [...new Set(out)];
  }

  /** The clusters with Auto Scaling group providers, and the providers on no cluster (`provider|ARN`). */
  private keys(): string[] {
    const clusters = this.clustersWithProviders();
    const onCluster = new Set<string>();
    for (const clusterArn of clusters) {
      const [, , , region = '', accountId = ''] = clusterArn.split(':');
      for (const name of this.col.clusters.peek(clusterArn)?.cluster.capacityProviders ?? [])
        onCluster.add(`arn:aws:ecs:${region}:${accountId}:capacity-provider/${name}`);
    }
    const alone = this.col.capacityProviders
      .all()
      .filter((r) => r.autoScalingGroupName && !onCluster.has(r.capacityProvider.capacityProviderArn))
      .map((r) => `${PROVIDER_KEY}${r.capacityProvider.capacityProviderArn}`);
    return [...clusters, ...alone];
  }

  private async handle(key: string): Promise<void> {
    if (key.startsWith(PROVIDER_KEY)) return this.lonelyProvider(key.slice(PROVIDER_KEY.length));
    const clusterArn = key;
    const cluster = this.col.clusters.peek(clusterArn);
    if (!cluster || cluster.cluster.status !== 'ACTIVE') return;
    const [, , , region = '', accountId = ''] = clusterArn.split(':');
    for (const name of cluster.cluster.capacityProviders ?? []) {
      const arn = `arn:aws:ecs:${region}:${accountId}:capacity-provider/${name}`;
      const rec = this.col.capacityProviders.peek(arn);
      if (!rec?.autoScalingGroupName || rec.capacityProvider.status !== 'ACTIVE') continue;
      await this.provider(clusterArn, rec, { region, accountId });
    }
  }

  private async provider(
    clusterArn: string,
    rec: CapacityProviderRecord,
    ctx: { region: string; accountId: string },
  ): Promise<void> {
    const groupName = rec.autoScalingGroupName as string;
    const out = await this.deps.services.call<{ AutoScalingGroups?: AsgGroup[] }>(
      'autoscaling',
      'DescribeAutoScalingGroups',
      { AutoScalingGroupNames: [groupName] },
      ctx,
    );
    const group = out.AutoScalingGroups?.[0];
    if (!group) return;
    const providerArn = rec.capacityProvider.capacityProviderArn;
    const decision = this.deps.db.tx(() => this.decide(clusterArn, providerArn, group));
    if (!decision) return;
    for (const t of decision.placed) {
      this.deps.bus.emit('ecs.task.changed', {
        clusterArn,
        taskArn: t.task.taskArn,
        ...(t.task.containerInstanceArn ? { containerInstanceArn: t.task.containerInstanceArn } : {}),
      });
      if (t.serviceArn) this.deps.bus.emit('ecs.service.dirty', { clusterArn, serviceArn: t.serviceArn });
    }
    const asg = rec.capacityProvider.autoScalingGroupProvider;
    const draining = asg?.managedDraining !== 'DISABLED';
    await this.drainingHook(groupName, draining, ctx);
    if (draining) await this.drain(clusterArn, groupName, group, ctx);
    if (asg?.managedScaling?.status !== 'ENABLED') return;
    if (asg.managedTerminationProtection === 'ENABLED')
      await this.protect(groupName, group, decision.busy, ctx);
    await this.scale(clusterArn, providerArn, groupName, group, decision.scaling, ctx);
  }

  /** Marks the group's instances, places waiting tasks, works out the reservation (one transaction). */
  private decide(clusterArn: string, providerArn: string, group: AsgGroup): Decision | null {
    const rec = this.col.capacityProviders.get(providerArn);
    if (!rec || rec.capacityProvider.status !== 'ACTIVE') return null;
    const name = rec.capacityProvider.name;
    const live = (group.Instances ?? []).filter((i) => LIVE_STATES.has(i.LifecycleState ?? ''));
    const liveIds = new Set(live.map((i) => i.InstanceId ?? ''));
    // The cached instances (shared, frozen; nothing here changes them in place).
    const instances = this.col.containerInstances.peekMany({ cluster: clusterArn });
    for (const ci of instances) {
      const c = ci.containerInstance;
      if (c.capacityProviderName || !liveIds.has(c.ec2InstanceId ?? '') || c.status === 'INACTIVE') continue;
      this.col.containerInstances.put(c.containerInstanceArn, {
        ...ci,
        containerInstance: { ...c, capacityProviderName: name },
      });
    }
    const placed = placeWaitingTasks(this.deps, clusterArn, name);

    const mine = this.col.containerInstances
      .peekMany({ cluster: clusterArn })
      .filter(
        (r) => r.containerInstance.capacityProviderName === name && r.containerInstance.status !== 'INACTIVE',
      );
    const registered = new Set(mine.map((r) => r.containerInstance.ec2InstanceId ?? ''));
    const busy = new Map<string, boolean>();
    let busyCount = 0;
    let perInstance: { cpu: number; memory: number } | undefined;
    for (const r of mine) {
      const runs = liveOnInstance(this.col.tasks, r.containerInstance.containerInstanceArn) > 0;
      busy.set(r.containerInstance.ec2InstanceId ?? '', runs);
      if (runs) busyCount++;
      const res = r.containerInstance.registeredResources ?? [];
      perInstance ??= {
        cpu: res.find((x) => x.name === 'CPU')?.integerValue ?? 0,
        memory: res.find((x) => x.name === 'MEMORY')?.integerValue ?? 0,
      };
    }
    // Counters and lookup keys kept with each task (ecs/counts.ts): no pass reads the cluster's tasks.
    const waiting = this.col.tasks
      .peekByKey(taskKeys.awaitingCapacity(clusterArn, name))
      .filter((t) => t.awaitingCapacity && t.task.capacityProviderName === name);
    const joining = live.filter((i) => !registered.has(i.InstanceId ?? '')).length;
    this.noticeWaiting(waiting, name);

    const scaling = rec.capacityProvider.autoScalingGroupProvider?.managedScaling ?? {};
    const minStep = scaling.minimumScalingStepSize ?? 1;
    const maxStep = scaling.maximumScalingStepSize ?? 10_000;
    let needed = 0;
    if (waiting.length > 0) {
      // How many waiting tasks one new instance holds (like the group's registered instances).
      const cpu = Math.max(...waiting.map((t) => Number(t.task.cpu ?? 0)));
      const memory = Math.max(...waiting.map((t) => Number(t.task.memory ?? 0)));
      const fits = perInstance
        ? Math.max(
            1,
            Math.min(
              cpu > 0 ? Math.floor(perInstance.cpu / cpu) : waiting.length,
              memory > 0 ? Math.floor(perInstance.memory / memory) : waiting.length,
            ),
          )
        : undefined;
      const fresh = fits === undefined ? minStep : Math.ceil(waiting.length / fits);
      needed = Math.max(0, fresh - joining);
      if (needed > 0) needed = Math.min(maxStep, Math.max(minStep, needed));
    }
    const m = busyCount + (waiting.length > 0 ? joining : 0) + needed;
    const n = live.length;
    const target = scaling.targetCapacity ?? 100;
    const reservation = n === 0 ? (m > 0 ? 200 : 100) : Math.round((m / n) * 100 * 100) / 100;
    const desired = Math.ceil((m * 100) / target);
    const now = this.deps.clock.now();
    const previous = rec.scaling;
    const low = desired < (group.DesiredCapacity ?? 0);
    const next: CapacityScaling = {
      reservation,
      instancesNeeded: m,
      instances: n,
      desiredCapacity: desired,
      waitingTasks: waiting.length,
      updatedAt: epochSeconds(now),
      ...(low ? { lowSince: previous?.lowSince ?? now } : {}),
      ...(previous?.lastScaling ? { lastScaling: previous.lastScaling } : {}),
    };
    this.col.capacityProviders.put(providerArn, { ...rec, scaling: next });
    return { placed, scaling: next, busy };
  }

  /** An event on each service whose tasks wait for the provider's capacity (at most once a minute). */
  private noticeWaiting(waiting: TaskRecord[], provider: string): void {
    const perService = new Map<string, number>();
    for (const t of waiting)
      if (t.serviceArn) perService.set(t.serviceArn, (perService.get(t.serviceArn) ?? 0) + 1);
    const now = epochSeconds(this.deps.clock.now());
    for (const [arn, count] of perService) {
      const rec = this.col.services.get(arn);
      if (!rec) continue;
      const last = rec.lastNotice?.waitingForCapacity;
      if (last !== undefined && now - last < NOTICE_EVERY_S) continue;
      const message = `(service ${rec.service.serviceName}) has ${count} ${count === 1 ? 'task' : 'tasks'} in PROVISIONING waiting for capacity provider ${provider}: managed scaling is launching instances.`;
      this.col.services.put(arn, {
        ...rec,
        service: { ...rec.service, events: withEvents(rec.service.events, [message], now) },
        lastNotice: { ...rec.lastNotice, waitingForCapacity: now },
      });
    }
  }

  /**
   * Managed draining's lifecycle hook on the group: there while the provider drains (ACTIVE, draining
   * ENABLED, the default), gone otherwise. Checked once per group and setting in this process (a
   * restart checks again).
   */
  private async drainingHook(
    groupName: string,
    wanted: boolean,
    ctx: { region: string; accountId: string },
  ): Promise<void> {
    const key = `${ctx.region}|${ctx.accountId}|${groupName}`;
    if (this.hooks.get(key) === wanted) return;
    const out = await this.deps.services.call<{ LifecycleHooks?: unknown[] }>(
      'autoscaling',
      'DescribeLifecycleHooks',
      { AutoScalingGroupName: groupName, LifecycleHookNames: [DRAINING_HOOK] },
      ctx,
    );
    const present = (out.LifecycleHooks ?? []).length > 0;
    if (wanted && !present) {
      await this.deps.services.call(
        'autoscaling',
        'PutLifecycleHook',
        {
          AutoScalingGroupName: groupName,
          LifecycleHookName: DRAINING_HOOK,
          LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
          HeartbeatTimeout: DRAINING_HEARTBEAT_S,
          DefaultResult: 'CONTINUE',
        },
        ctx,
      );
    } else if (!wanted && present) {
      await this.deps.services.call(
        'autoscaling',
        'DeleteLifecycleHook',
        { AutoScalingGroupName: groupName, LifecycleHookName: DRAINING_HOOK },
        ctx,
      );
    }
    this.hooks.set(key, wanted);
  }

  /**
   * Managed draining: an instance the group is taking out (`Terminating:Wait` on the hook) is set
   * DRAINING, so that its services' tasks are replaced elsewhere; once it runs no task, its
   * lifecycle action is completed and the group terminates it.
   */
  private async drain(
    clusterArn: string,
    groupName: string,
    group: AsgGroup,
    ctx: { region: string; accountId: string },
  ): Promise<void> {
    const waiting = (group.Instances ?? []).filter((i) => i.LifecycleState === 'Terminating:Wait');
    if (waiting.length === 0) return;
    const byEc2 = new Map(
      this.col.containerInstances
        .peekMany({ cluster: clusterArn })
        .filter((r) => r.containerInstance.status !== 'INACTIVE')
        .map((r) => [r.containerInstance.ec2InstanceId ?? '', r.containerInstance] as const),
    );
    for (const i of waiting) {
      const ci = byEc2.get(i.InstanceId ?? '');
      if (ci?.status === 'ACTIVE') {
        await this.deps.services.call(
          'ecs',
          'UpdateContainerInstancesState',
          { cluster: clusterArn, containerInstances: [ci.containerInstanceArn], status: 'DRAINING' },
          ctx,
        );
      }
      if (ci && liveOnInstance(this.col.tasks, ci.containerInstanceArn) > 0) continue;
      await this.complete(groupName, i.InstanceId ?? '', ctx);
    }
  }

  private async complete(
    groupName: string,
    instanceId: string,
    ctx: { region: string; accountId: string },
  ): Promise<void> {
    try {
      await this.deps.services.call(
        'autoscaling',
        'CompleteLifecycleAction',
        {
          AutoScalingGroupName: groupName,
          LifecycleHookName: DRAINING_HOOK,
          LifecycleActionResult: 'CONTINUE',
          InstanceId: instanceId,
        },
        ctx,
      );
    } catch (err) {
      // Completed meanwhile, or the hook was removed: nothing waits any more.
      if (!isAwsError(err) || err.status >= 500) throw err;
    }
  }

  /**
   * A provider on no cluster has no tasks to move: its group's instances are let go at once; an
   * INACTIVE (deleted) provider's hook is removed.
   */
  private async lonelyProvider(providerArn: string): Promise<void> {
    const rec = this.col.capacityProviders.peek(providerArn);
    if (!rec?.autoScalingGroupName) return;
    const [, , , region = '', accountId = ''] = providerArn.split(':');
    const ctx = { region, accountId };
    const groupName = rec.autoScalingGroupName;
    const active = rec.capacityProvider.status === 'ACTIVE';
    const draining = active && rec.capacityProvider.autoScalingGroupProvider?.managedDraining !== 'DISABLED';
    try {
      await this.drainingHook(groupName, draining, ctx);
    } catch (err) {
      // A deleted group has no hook to keep or remove.
      if (isAwsError(err) && err.status < 500) return;
      throw err;
    }
    if (!draining) return;
    const out = await this.deps.services.call<{ AutoScalingGroups?: AsgGroup[] }>(
      'autoscaling',
      'DescribeAutoScalingGroups',
      { AutoScalingGroupNames: [groupName] },
      ctx,
    );
    for (const i of out.AutoScalingGroups?.[0]?.Instances ?? []) {
      if (i.LifecycleState === 'Terminating:Wait') await this.complete(groupName, i.InstanceId ?? '', ctx);
    }
  }

  /** Managed termination protection: protect instances running tasks, release empty ones. */
  private async protect(
    groupName: string,
    group: AsgGroup,
    busy: Map<string, boolean>,
    ctx: { region: string; accountId: string },
  ): Promise<void> {
    const change = new Map<boolean, string[]>([
      [true, []],
      [false, []],
    ]);
    for (const i of group.Instances ?? []) {
      const id = i.InstanceId ?? '';
      if (!busy.has(id) || i.LifecycleState !== 'InService') continue;
      const want = busy.get(id) === true;
      if ((i.ProtectedFromScaleIn ?? false) !== want) change.get(want)?.push(id);
    }
    for (const [protectedFromScaleIn, ids] of change) {
      if (ids.length === 0) continue;
      await this.deps.services.call(
        'autoscaling',
        'SetInstanceProtection',
        { AutoScalingGroupName: groupName, InstanceIds: ids, ProtectedFromScaleIn: protectedFromScaleIn },
        ctx,
      );
    }
  }

  /** Sets the group's desired capacity: at once to grow, after the scale-in delay to shrink. */
  private async scale(
    clusterArn: string,
    providerArn: string,
    groupName: string,
    group: AsgGroup,
    scaling: CapacityScaling,
    ctx: { region: string; accountId: string },
  ): Promise<void> {
    const current = group.DesiredCapacity ?? 0;
    const bounded = Math.min(group.MaxSize ?? 0, Math.max(group.MinSize ?? 0, scaling.desiredCapacity));
    if (bounded === current) return;
    const now = this.deps.clock.now();
    if (bounded < current) {
      const due = (scaling.lowSince ?? now) + this.deps.config.capacityScaleInDelayMs;
      if (due > now) {
        this.queue.addAt(clusterArn, due);
        return;
      }
    }
    await this.deps.services.call(
      'autoscaling',
      'SetDesiredCapacity',
      { AutoScalingGroupName: groupName, DesiredCapacity: bounded, HonorCooldown: false },
      ctx,
    );
    this.deps.log('capacity: managed scaling set the desired capacity', {
      groupName,
      from: current,
      to: bounded,
    });
    this.deps.db.tx(() => {
      const rec = this.col.capacityProviders.get(providerArn);
      if (!rec?.scaling) return;
      const { lowSince: _, ...rest } = rec.scaling;
      this.col.capacityProviders.put(providerArn, {
        ...rec,
        scaling: { ...rest, lastScaling: { from: current, to: bounded, at: epochSeconds(now) } },
      });
    });
  }
}

export function createCapacityController(deps: LocalDeps): CapacityController {
  return new CapacityController(deps);
}
