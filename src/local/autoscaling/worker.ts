/**
 * Level-triggered capacity worker on the common work queue (common/work-queue.ts), keyed by group:
 * for each group it re-reads the group and its instances' EC2 states, then launches or terminates
 * through EC2 until the group holds its desired capacity. Launches are recorded (with a client
 * token) before RunInstances is called, so a restart retries the same launch instead of
 * duplicating it. Events only add a group's key; the queue's resync adds every group, and a pass
 * that throws is retried with backoff. Groups are worked on concurrently, each by one pass at a time.
 */
import { randomUUID } from 'node:crypto';
import { WorkQueue } from '../common/work-queue';
import type { LocalDeps, Runnable } from '../deps';
import { isAwsError } from '../protocol/errors';
import { enterTransition, nextTimeout, timeOutWaits } from './lifecycle-hooks';
import {
  groupKey,
  LAUNCHING,
  newActivity,
  terminating,
  TERMINATING,
  type ActivityRecord,
  type AutoScalingStore,
  type GroupInstance,
  type GroupRecord,
  type LaunchIntent,
} from './model';

export interface CapacityWorker extends Runnable {
  /** Look at the group with this key (a hint: the worker re-reads it). */
  kick(key: string): void;
  /** Resolves once no group is due (tests). */
  idle(): Promise<void>;
  busy(): boolean;
}

/** An instance as EC2's DescribeInstances returns it. */
interface Ec2Instance {
  InstanceId: string;
  InstanceType: string;
  ImageId: string;
  State: { Name: string };
  Placement: { AvailabilityZone: string };
}

const LAUNCH_BACKOFF_MS = 5000;
const ACTIVITY_MARKER = 'autoscaling:activity-instance';

export function createCapacityWorker(deps: LocalDeps, store: AutoScalingStore): CapacityWorker {
  const unsubscribe: (() => void)[] = [];
  const queue = new WorkQueue({
    name: 'autoscaling',
    clock: deps.clock,
    log: deps.log,
    handle: ([key]) => (key === undefined ? undefined : reconcile(key)),
    concurrency: Infinity,
    backoff: { firstMs: 200, maxMs: 10_000 },
    resync: { everyMs: Math.max(50, Math.min(deps.config.resyncMs, 1000)), keys: () => store.groups.ids() },
  });

  /** Applies `fn` to the freshly read group inside one transaction. */
  const mutate = (key: string, fn: (g: GroupRecord) => void): GroupRecord | undefined =>
    deps.db.tx(() => {
      const g = store.groups.get(key);
      if (!g) return undefined;
      fn(g);
      store.groups.put(key, g);
      return g;
    });

  const activity = (
    g: GroupRecord,
    instanceId: string | undefined,
    description: string,
    cause: string,
    status: ActivityRecord['statusCode'],
    message?: string,
  ) => {
    const a = newActivity(g, deps.clock.now(), description, cause, status, message);
    store.activities.put(a.activityId, instanceId ? { ...a, instanceId } : a);
  };

  /** Completes the in-progress activities about an instance once it is gone. */
  const finishActivities = (key: string, instanceId: string): void => {
    for (const a of store.activities.find({ group: key })) {
      if (a.statusCode !== 'InProgress' || a.instanceId !== instanceId) continue;
      store.activities.put(a.activityId, {
        ...a,
        statusCode: 'Successful',
        progress: 100,
        endTime: deps.clock.now(),
      });
    }
  };

  const call = <T>(
    g: GroupRecord,
    service: 'ec2' | 'elasticloadbalancing' | 'elasticloadbalancingv2',
    action: string,
    input: unknown,
  ) => deps.services.call<T>(service, action, input, { region: g.region, accountId: g.accountId });

  const describe = async (g: GroupRecord, ids: string[]): Promise<Map<string, Ec2Instance>> => {
    const out = new Map<string, Ec2Instance>();
    if (ids.length === 0) return out;
    const res = await call<{ Reservations?: { Instances?: Ec2Instance[] }[] }>(
      g,
      'ec2',
      'DescribeInstances',
      {
        Filters: [{ Name: 'instance-id', Values: ids }],
      },
    );
    for (const r of res.Reservations ?? []) for (const i of r.Instances ?? []) out.set(i.InstanceId, i);
    return out;
  };

  /** RunInstances for one recorded intent; adopts the instance or records the failure. */
  const launch = async (key: string, g: GroupRecord, intent: LaunchIntent): Promise<void> => {
    let input: Record<string, unknown>;
    const propagated = g.tags.filter((t) => t.propagateAtLaunch).map((t) => ({ Key: t.key, Value: t.value }));
    const tags = [{ Key: 'aws:autoscaling:groupName', Value: g.name }, ...propagated];
    const base = {
      MinCount: 1,
      MaxCount: 1,
      ClientToken: intent.clientToken,
      TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
      ...(intent.subnetId
        ? { SubnetId: intent.subnetId }
        : { Placement: { AvailabilityZone: intent.availabilityZone } }),
    };
    if (g.launchTemplate) {
      input = {
        ...base,
        LaunchTemplate: {
          LaunchTemplateId: g.launchTemplate.launchTemplateId,
          LaunchTemplateName: g.launchTemplate.launchTemplateId
            ? undefined
            : g.launchTemplate.launchTemplateName,
          Version: g.launchTemplate.version ?? '$Default',
        },
      };
    } else {
      const lc = g.launchConfigurationName
        ? store.launchConfigs.get(groupKey(g.region, g.launchConfigurationName))
        : undefined;
      if (!lc) {
        mutate(key, (cur) => {
          cur.intents = cur.intents.filter((i) => i.clientToken !== intent.clientToken);
          cur.launchBackoffUntil = deps.clock.now() + LAUNCH_BACKOFF_MS;
        });
        return;
      }
      const profile = lc.iamInstanceProfile;
      input = {
        ...base,
        ImageId: lc.imageId,
        InstanceType: lc.instanceType,
        KeyName: lc.keyName,
        UserData: lc.userData === undefined ? undefined : asBase64(lc.userData),
        SecurityGroupIds: lc.securityGroups.filter((s) => s.startsWith('sg-')),
        SecurityGroups: lc.securityGroups.filter((s) => !s.startsWith('sg-')),
        IamInstanceProfile: profile
          ? profile.startsWith('arn:')
            ? { Arn: profile }
            : { Name: profile }
          : undefined,
      };
    }
    try {
      const res = await call<{ Instances: Ec2Instance[] }>(g, 'ec2', 'RunInstances', input);
      const inst = res.Instances[0];
      mutate(key, (cur) => {
        cur.intents = cur.intents.filter((i) => i.clientToken !== intent.clientToken);
        if (!inst || cur.instances.some((m) => m.instanceId === inst.InstanceId)) return;
        const member: GroupInstance = {
          instanceId: inst.InstanceId,
          availabilityZone: inst.Placement.AvailabilityZone,
          instanceType: inst.InstanceType,
          imageId: inst.ImageId,
          lifecycleState: 'Pending',
          healthStatus: 'Healthy',
          launchConfigurationName: cur.launchTemplate ? undefined : cur.launchConfigurationName,
          launchTemplate: cur.launchTemplate,
          launchedAt: deps.clock.now(),
          ...(cur.newInstancesProtectedFromScaleIn ? { protectedFromScaleIn: true } : {}),
        };
        cur.instances.push(member);
        activity(
          cur,
          inst.InstanceId,
          `Launching a new EC2 instance: ${inst.InstanceId}`,
          `an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${cur.instances.length - 1} to ${cur.instances.length}.`,
          'Successful',
        );
      });
    } catch (e) {
      if (!isAwsError(e)) throw e;
      mutate(key, (cur) => {
        cur.intents = cur.intents.filter((i) => i.clientToken !== intent.clientToken);
        cur.launchBackoffUntil = deps.clock.now() + LAUNCH_BACKOFF_MS;
        activity(
          cur,
          undefined,
          'Launching a new EC2 instance.  Status Reason: ' + e.message,
          'an instance was started in response to a difference between desired and actual capacity.',
          'Failed',
          `${e.message} Launching EC2 instance failed.`,
        );
      });
    }
  };

  const registerTargets = async (g: GroupRecord, ids: string[], register: boolean): Promise<void> => {
    if (ids.length === 0) return;
    for (const name of g.loadBalancerNames) {
      await call(
        g,
        'elasticloadbalancing',
        register ? 'RegisterInstancesWithLoadBalancer' : 'DeregisterInstancesFromLoadBalancer',
        {
          LoadBalancerName: name,
          Instances: ids.map((InstanceId) => ({ InstanceId })),
        },
      ).catch((err) =>
        deps.log('autoscaling: load balancer registration failed', { name, err: String(err) }),
      );
    }
    for (const arn of g.targetGroupArns) {
      await call(g, 'elasticloadbalancingv2', register ? 'RegisterTargets' : 'DeregisterTargets', {
        TargetGroupArn: arn,
        Targets: ids.map((Id) => ({ Id })),
      }).catch((err) => deps.log('autoscaling: target registration failed', { arn, err: String(err) }));
    }
  };

  /** In-service members past their grace period that a target group or classic load balancer reports unhealthy. */
  const elbUnhealthy = async (g: GroupRecord): Promise<Set<string>> => {
    const out = new Set<string>();
    if (g.healthCheckType !== 'ELB') return out;
    const graceEnd = deps.clock.now() - g.healthCheckGracePeriod * 1000;
    const candidates = new Set(
      g.instances
        .filter((m) => m.lifecycleState === 'InService' && m.launchedAt <= graceEnd)
        .map((m) => m.instanceId),
    );
    if (candidates.size === 0) return out;
    for (const arn of g.targetGroupArns) {
      const res = await call<{
        TargetHealthDescriptions?: { Target: { Id: string }; TargetHealth: { State: string } }[];
      }>(g, 'elasticloadbalancingv2', 'DescribeTargetHealth', { TargetGroupArn: arn }).catch(() => undefined);
      for (const d of res?.TargetHealthDescriptions ?? []) {
        if (d.TargetHealth.State === 'unhealthy' && candidates.has(d.Target.Id)) out.add(d.Target.Id);
      }
    }
    for (const name of g.loadBalancerNames) {
      const res = await call<{
        InstanceStates?: { InstanceId: string; State: string; ReasonCode: string }[];
      }>(g, 'elasticloadbalancing', 'DescribeInstanceHealth', { LoadBalancerName: name }).catch(
        () => undefined,
      );
      for (const st of res?.InstanceStates ?? []) {
        if (st.State === 'OutOfService' && st.ReasonCode === 'Instance' && candidates.has(st.InstanceId))
          out.add(st.InstanceId);
      }
    }
    return out;
  };

  async function reconcile(key: string): Promise<void> {
    let g = store.groups.get(key);
    if (!g) return;

    // 1. Retry launches recorded before a restart (their client tokens make this idempotent).
    for (const intent of g.intents) await launch(key, g, intent);
    g = store.groups.get(key);
    if (!g) return;

    // 2. Observe: EC2 state of every member.
    const states = await describe(
      g,
      g.instances.map((i) => i.instanceId),
    );
    const nowInService: string[] = [];
    g = mutate(key, (cur) => {
      const kept: GroupInstance[] = [];
      for (const m of cur.instances) {
        const state = states.get(m.instanceId)?.State.Name ?? 'terminated';
        const gone = state === 'terminated' || state === 'shutting-down';
        const was = m.lifecycleState;
        if (terminating(m)) {
          if (state !== 'terminated') kept.push(m);
          else finishActivities(key, m.instanceId);
          continue;
        }
        if (gone) {
          activity(
            cur,
            m.instanceId,
            `Terminating EC2 instance: ${m.instanceId}`,
            `an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`,
            'Successful',
          );
          continue;
        }
        // A launched instance waits for the group's launch hooks, if any, before it is InService.
        if (state === 'running' && m.lifecycleState === 'Pending')
          enterTransition(cur, m, LAUNCHING, deps.clock.now());
        if (m.lifecycleState === 'Pending:Proceed') m.lifecycleState = 'InService';
        if (m.lifecycleState === 'InService' && was !== 'InService') nowInService.push(m.instanceId);
        kept.push(m);
      }
      cur.instances = kept;
      timeOutWaits(cur, deps.clock.now());
    });
    if (!g) return;
    await registerTargets(g, nowInService, true);

    // 2b. With HealthCheckType ELB, instances the load balancers find unhealthy (after the grace period) are replaced.
    const unhealthy = await elbUnhealthy(g);
    if (unhealthy.size > 0) {
      g = mutate(key, (cur) => {
        for (const m of cur.instances) {
          if (!unhealthy.has(m.instanceId) || m.lifecycleState !== 'InService') continue;
          m.healthStatus = 'Unhealthy';
          enterTransition(cur, m, TERMINATING, deps.clock.now());
          activity(
            cur,
            m.instanceId,
            `Terminating EC2 instance: ${m.instanceId}`,
            'an instance was taken out of service in response to an ELB system health check failure.',
            'InProgress',
          );
        }
      });
      if (!g) return;
    }

    // 3. Decide: drain a group being deleted, otherwise move towards the desired capacity.
    const toTerminate: string[] = [];
    const intents: LaunchIntent[] = [];
    g = mutate(key, (cur) => {
      const live = cur.instances.filter((m) => !terminating(m));
      if (cur.deleting) {
        // A forced delete drops the outstanding lifecycle actions, as AWS does.
        for (const m of cur.instances) {
          if (m.lifecycleState === 'Terminating:Wait') m.lifecycleState = 'Terminating:Proceed';
          delete m.lifecycleAction;
        }
        for (const m of live) m.lifecycleState = 'Terminating';
        toTerminate.push(...live.map((m) => m.instanceId));
        return;
      }
      const have = live.length + cur.intents.length;
      if (have < cur.desiredCapacity && (cur.launchBackoffUntil ?? 0) <= deps.clock.now()) {
        const counts = zoneCounts(cur);
        for (let n = have; n < cur.desiredCapacity; n++) {
          const zone = pickZone(cur, counts, 'fewest');
          if (!zone) break;
          counts.set(zone, (counts.get(zone) ?? 0) + 1);
          const intent: LaunchIntent = {
            clientToken: randomUUID(),
            availabilityZone: zone,
            subnetId: cur.subnets.find((s) => s.availabilityZone === zone)?.subnetId,
            createdAt: deps.clock.now(),
          };
          cur.intents.push(intent);
          intents.push(intent);
        }
      } else if (live.length > cur.desiredCapacity) {
        const counts = zoneCounts(cur);
        for (let n = live.length; n > cur.desiredCapacity; n--) {
          const zone = pickZone(cur, counts, 'most');
          // Protected instances are never picked; a zone with only protected ones yields to the others.
          const unprotected = cur.instances.filter((m) => !terminating(m) && !m.protectedFromScaleIn);
          const inZone = unprotected.filter((m) => !zone || m.availabilityZone === zone);
          const victims = (inZone.length ? inZone : unprotected).sort((a, b) => a.launchedAt - b.launchedAt);
          const victim = victims[0];
          if (!victim) break;
          enterTransition(cur, victim, TERMINATING, deps.clock.now());
          counts.set(victim.availabilityZone, (counts.get(victim.availabilityZone) ?? 1) - 1);
          toTerminate.push(victim.instanceId);
          activity(
            cur,
            victim.instanceId,
            `Terminating EC2 instance: ${victim.instanceId}`,
            `a user request explicitly set group desired capacity changing the desired capacity, shrinking the capacity from ${live.length} to ${cur.desiredCapacity}.`,
            'Successful',
          );
        }
      }
    });
    if (!g) return;

    // 4. Act. Members marked Terminating whose instances still run are terminated (again, after a restart).
    const stillAlive = g.instances
      .filter((m) => m.lifecycleState === 'Terminating' || m.lifecycleState === 'Terminating:Proceed')
      .map((m) => m.instanceId)
      .filter((id) => {
        const s = states.get(id)?.State.Name;
        return s === undefined || s === 'pending' || s === 'running' || toTerminate.includes(id);
      });
    if (stillAlive.length) {
      await registerTargets(g, stillAlive, false);
      await call(g, 'ec2', 'TerminateInstances', { InstanceIds: stillAlive }).catch((err) =>
        deps.log('autoscaling: terminate failed', { group: key, err: String(err) }),
      );
    }
    for (const intent of intents) await launch(key, g, intent);

    // 5. A group being deleted disappears once it holds nothing.
    const final = store.groups.get(key);
    if (final?.deleting && final.instances.length === 0 && final.intents.length === 0) {
      deps.db.tx(() => {
        store.groups.delete(key);
        for (const a of store.activities.find({ group: key })) store.activities.delete(a.activityId);
        for (const a of store.policies.find({ group: key }))
          store.policies.delete(`${key}|${a.policy.PolicyName}`);
      });
      return;
    }
    // 6. Launches held back after a failure: look again when the hold ends.
    if (final?.launchBackoffUntil !== undefined && final.launchBackoffUntil > deps.clock.now())
      queue.addAt(key, final.launchBackoffUntil);
    // 7. Instances waiting for lifecycle hooks: say so (a hint), and look again when the first
    // wait times out.
    const timeout = final ? nextTimeout(final) : undefined;
    if (final && timeout !== undefined) {
      deps.bus.emit('autoscaling.instances.waiting', {
        groupName: final.name,
        region: final.region,
        accountId: final.accountId,
      });
      queue.addAt(key, timeout);
    }
  }

  /**
   * Activities written before they kept their instance id: derive it once (a meta marker) from
   * the description AWS words it in ("...: i-..."), so an in-progress one still completes.
   */
  const upgradeActivities = (): void => {
    if (deps.db.getMeta(ACTIVITY_MARKER)) return;
    deps.db.tx(() => {
      for (const a of store.activities.all()) {
        const instanceId = /: (i-[0-9a-f]+)$/.exec(a.description)?.[1];
        if (a.instanceId === undefined && instanceId)
          store.activities.put(a.activityId, { ...a, instanceId });
      }
      deps.db.setMeta(ACTIVITY_MARKER, '1');
    });
  };

  const addAll = (): void => {
    for (const key of store.groups.ids()) queue.add(key);
  };

  return {
    kick: (key) => queue.add(key),
    idle: () => queue.idle(),
    busy: () => queue.busy,
    start() {
      upgradeActivities();
      unsubscribe.push(
        deps.bus.on('ec2.instance.running', addAll),
        deps.bus.on('ec2.instance.terminated', addAll),
      );
      queue.start();
    },
    async stop() {
      for (const u of unsubscribe.splice(0)) u();
      // Waits for the passes in flight, so nothing writes after stop.
      await queue.stop();
    },
  };
}

function zoneCounts(g: GroupRecord): Map<string, number> {
  const counts = new Map<string, number>(g.availabilityZones.map((z) => [z, 0]));
  for (const m of g.instances) {
    if (!terminating(m)) counts.set(m.availabilityZone, (counts.get(m.availabilityZone) ?? 0) + 1);
  }
  for (const i of g.intents) counts.set(i.availabilityZone, (counts.get(i.availabilityZone) ?? 0) + 1);
  return counts;
}

/** The zone with the fewest (to launch) or most (to terminate) instances; ties go to the first listed zone. */
function pickZone(g: GroupRecord, counts: Map<string, number>, which: 'fewest' | 'most'): string | undefined {
  let best: string | undefined;
  for (const z of g.availabilityZones) {
    const n = counts.get(z) ?? 0;
    const b = best === undefined ? undefined : (counts.get(best) ?? 0);
    if (b === undefined || (which === 'fewest' ? n < b : n > b)) best = z;
  }
  return best;
}

/** Launch configuration user data is base64 on the wire; plain text from older callers is encoded. */
function asBase64(value: string): string {
  const compact = value.replace(/[\r\n]/g, '');
  if (compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return value;
  return Buffer.from(value, 'utf8').toString('base64');
}
