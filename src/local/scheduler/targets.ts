/**
 * Load balancer targets of services, level-triggered: the RUNNING tasks of a service (desired
 * RUNNING) are its targets; anything else the scheduler knows as registered is deregistered.
 * Target groups (ELBv2) get `instanceId:hostPort` targets, or `ip:containerPort` for awsvpc tasks
 * (Fargate's included), classic load balancers the instances.
 * Calls go through `deps.services` like the wire; a failed call is logged and retried on the next
 * pass. What is registered is remembered in memory and, after a restart, read back once with
 * DescribeTargetHealth / DescribeInstanceHealth.
 *
 * As ECS does, a RUNNING task whose target has failed its target group's health checks (once its
 * service's healthCheckGracePeriodSeconds since the task started have passed) is reported, so that
 * the worker stops it and the reconciler replaces it.
 */
import type { LocalDeps } from '../deps';
import type { EcsCollections, TaskRecord } from '../ecs/model';
import { liveServiceTasks } from './service-tasks';
import { serviceLoadBalancers } from './task-sets';

interface Target {
  /** EC2 instance id. */
  id: string;
  /** Host port (target groups only). */
  port?: number;
}

interface Binding {
  kind: 'targetGroup' | 'classic';
  /** Target group ARN or classic load balancer name. */
  name: string;
  containerName?: string;
  containerPort?: number;
  /** Task sets whose tasks are the targets (all the service's tasks when absent). */
  owners?: ReadonlySet<string>;
}

/** A RUNNING task whose target failed its health checks: the worker stops it. */
export interface UnhealthyTask {
  taskArn: string;
  targetGroupArn: string;
  /** The target's port. */
  port: number;
  /** The target group's description of the failure. */
  reason: string;
}

export interface TargetSync {
  messages: string[];
  unhealthy: UnhealthyTask[];
}

interface TargetHealthDescription {
  Target?: { Id?: string; Port?: number | string };
  TargetHealth?: { State?: string; Reason?: string; Description?: string };
}

const keyOf = (t: Target): string => (t.port === undefined ? t.id : `${t.id}:${t.port}`);

export class LoadBalancerSync {
  /** `${serviceArn}|${kind}|${name}` -> target keys registered. */
  private readonly known = new Map<string, Map<string, Target>>();

  constructor(
    private readonly deps: LocalDeps,
    private readonly col: EcsCollections,
  ) {}

  /**
   * Brings the service's targets in line with its RUNNING tasks; returns service event messages and
   * the tasks whose targets are unhealthy past the grace period.
   */
  async sync(serviceArn: string): Promise<TargetSync> {
    const rec = this.col.services.get(serviceArn);
    const active = rec !== undefined && rec.service.status !== 'INACTIVE';
    // The service's load balancers, and its task sets' (whose targets are that task set's tasks).
    const entries = active ? serviceLoadBalancers(rec.service) : [];
    const bindings: Binding[] = entries.flatMap(({ lb, owners }): Binding[] => {
      const scope = owners ? { owners } : {};
      if (lb.targetGroupArn) {
        return [
          {
            kind: 'targetGroup',
            name: lb.targetGroupArn,
            ...(lb.containerName ? { containerName: lb.containerName } : {}),
            ...(lb.containerPort !== undefined ? { containerPort: lb.containerPort } : {}),
            ...scope,
          },
        ];
      }
      return lb.loadBalancerName ? [{ kind: 'classic', name: lb.loadBalancerName, ...scope }] : [];
    });
    // Bindings removed from the service (or a deleted service) still need their targets deregistered.
    const prefix = `${serviceArn}|`;
    for (const key of this.known.keys()) {
      if (!key.startsWith(prefix)) continue;
      const [kind, ...rest] = key.slice(prefix.length).split('|');
      const name = rest.join('|');
      if (!bindings.some((b) => b.kind === kind && b.name === name)) {
        bindings.push({ kind: kind === 'classic' ? 'classic' : 'targetGroup', name });
      }
    }
    if (bindings.length === 0) return { messages: [], unhealthy: [] };

    const serviceName = rec?.service.serviceName ?? serviceArn.slice(serviceArn.lastIndexOf('/') + 1);
    const tasks = active ? liveServiceTasks(this.col, serviceArn) : [];
    const runningTasks = tasks.filter(
      (t) => t.task.lastStatus === 'RUNNING' && t.task.desiredStatus === 'RUNNING',
    );
    const configured = new Set(entries.map(({ lb }) => lb.targetGroupArn ?? lb.loadBalancerName));
    const tasksOf = (b: Binding) =>
      b.owners ? runningTasks.filter((t) => b.owners?.has(t.deploymentId ?? '')) : runningTasks;
    const messages: string[] = [];
    const unhealthy: UnhealthyTask[] = [];
    for (const b of bindings) {
      const desired = configured.has(b.name) ? this.desiredTargets(b, tasksOf(b)) : new Map<string, Target>();
      const key = `${serviceArn}|${b.kind}|${b.name}`;
      const known = this.known.get(key) ?? (await this.readRegistered(b));
      if (!known) continue;
      this.known.set(key, known);
      const add = [...desired].filter(([k]) => !known.has(k)).map(([, t]) => t);
      const remove = [...known].filter(([k]) => !desired.has(k)).map(([, t]) => t);
      const unit = b.kind === 'classic' ? 'instances' : 'targets';
      const where = b.kind === 'classic' ? `(elb ${b.name})` : `(target-group ${b.name})`;
      if (remove.length && (await this.call(b, 'deregister', remove))) {
        for (const t of remove) known.delete(keyOf(t));
        messages.push(`(service ${serviceName}) deregistered ${remove.length} ${unit} in ${where}`);
      }
      if (add.length && (await this.call(b, 'register', add))) {
        for (const t of add) known.set(keyOf(t), t);
        messages.push(`(service ${serviceName}) registered ${add.length} ${unit} in ${where}`);
      }
      if (known.size === 0 && !configured.has(b.name)) this.known.delete(key);
      if (b.kind === 'targetGroup' && configured.has(b.name) && desired.size > 0 && rec) {
        const grace = rec.service.healthCheckGracePeriodSeconds ?? 0;
        unhealthy.push(...(await this.unhealthyTasks(b, tasksOf(b), grace)));
      }
    }
    return { messages, unhealthy };
  }

  /** The running tasks whose target in `b` is unhealthy, past `graceSeconds` after they started. */
  private async unhealthyTasks(
    b: Binding,
    tasks: TaskRecord[],
    graceSeconds: number,
  ): Promise<UnhealthyTask[]> {
    let health: TargetHealthDescription[];
    try {
      const res = await this.deps.services.call<{ TargetHealthDescriptions?: TargetHealthDescription[] }>(
        'elasticloadbalancingv2',
        'DescribeTargetHealth',
        { TargetGroupArn: b.name },
      );
      health = res?.TargetHealthDescriptions ?? [];
    } catch {
      return []; // read again on the next pass
    }
    const sick = new Map<string, TargetHealthDescription>();
    for (const d of health) {
      if (d.TargetHealth?.State !== 'unhealthy' || !d.Target?.Id) continue;
      sick.set(keyOf({ id: d.Target.Id, port: Number(d.Target.Port) }), d);
    }
    if (sick.size === 0) return [];
    const now = this.deps.clock.now() / 1000;
    const out: UnhealthyTask[] = [];
    for (const t of tasks) {
      if ((t.task.startedAt ?? now) + graceSeconds > now) continue;
      for (const [key, target] of this.desiredTargets(b, [t])) {
        const d = sick.get(key);
        if (!d) continue;
        out.push({
          taskArn: t.task.taskArn,
          targetGroupArn: b.name,
          port: target.port ?? 0,
          reason: d.TargetHealth?.Description ?? d.TargetHealth?.Reason ?? 'Health checks failed',
        });
        break;
      }
    }
    return out;
  }

  private desiredTargets(b: Binding, tasks: TaskRecord[]): Map<string, Target> {
    const out = new Map<string, Target>();
    for (const t of tasks) {
      // An awsvpc task (every Fargate task) is its interface's address, at the container port
      // (CreateService has checked the target group is of type ip): what ECS registers.
      const eni = t.task.attachments?.find((a) => a.type === 'ElasticNetworkInterface');
      if (eni) {
        const ip = eni.details?.find((d) => d.name === 'privateIPv4Address')?.value;
        if (b.kind === 'classic' || !ip || eni.status !== 'ATTACHED' || b.containerPort === undefined)
          continue;
        if (b.containerName !== undefined && !t.task.containers?.some((c) => c.name === b.containerName))
          continue;
        const target = { id: ip, port: b.containerPort };
        out.set(keyOf(target), target);
        continue;
      }
      const arn = t.task.containerInstanceArn;
      const id = arn ? this.col.containerInstances.get(arn)?.containerInstance.ec2InstanceId : undefined;
      if (!id) continue;
      if (b.kind === 'classic') {
        out.set(id, { id });
        continue;
      }
      // The port the container is really served on (networkBindings), which can differ from the
      // booked one when a privileged port was substituted (docs/local-runtime.md).
      const port = t.task.containers
        ?.filter((c) => b.containerName === undefined || c.name === b.containerName)
        .flatMap((c) => c.networkBindings ?? [])
        .find(
          (nb) =>
            (nb.protocol ?? 'tcp') === 'tcp' &&
            (b.containerPort === undefined || nb.containerPort === b.containerPort),
        );
      if (port?.hostPort === undefined) continue;
      const target = { id, port: port.hostPort };
      out.set(keyOf(target), target);
    }
    return out;
  }

  private async readRegistered(b: Binding): Promise<Map<string, Target> | undefined> {
    const out = new Map<string, Target>();
    try {
      if (b.kind === 'classic') {
        const res = await this.deps.services.call<{ InstanceStates?: { InstanceId?: string }[] }>(
          'elasticloadbalancing',
          'DescribeInstanceHealth',
          { LoadBalancerName: b.name },
        );
        for (const s of res?.InstanceStates ?? [])
          if (s.InstanceId) out.set(s.InstanceId, { id: s.InstanceId });
      } else {
        const res = await this.deps.services.call<{
          TargetHealthDescriptions?: { Target?: { Id?: string; Port?: number | string } }[];
        }>('elasticloadbalancingv2', 'DescribeTargetHealth', { TargetGroupArn: b.name });
        for (const d of res?.TargetHealthDescriptions ?? []) {
          if (!d.Target?.Id) continue;
          const target = {
            id: d.Target.Id,
            ...(d.Target.Port !== undefined ? { port: Number(d.Target.Port) } : {}),
          };
          out.set(keyOf(target), target);
        }
      }
      return out;
    } catch (err) {
      this.deps.log('scheduler: reading load balancer targets failed; will retry', {
        name: b.name,
        err: String(err),
      });
      return undefined;
    }
  }

  private async call(b: Binding, op: 'register' | 'deregister', targets: Target[]): Promise<boolean> {
    try {
      if (b.kind === 'classic') {
        const action =
          op === 'register' ? 'RegisterInstancesWithLoadBalancer' : 'DeregisterInstancesFromLoadBalancer';
        await this.deps.services.call('elasticloadbalancing', action, {
          LoadBalancerName: b.name,
          Instances: targets.map((t) => ({ InstanceId: t.id })),
        });
      } else {
        const action = op === 'register' ? 'RegisterTargets' : 'DeregisterTargets';
        await this.deps.services.call('elasticloadbalancingv2', action, {
          TargetGroupArn: b.name,
          Targets: targets.map((t) => ({
            Id: t.id,
            ...(t.port !== undefined ? { Port: t.port } : {}),
          })),
        });
      }
      return true;
    } catch (err) {
      this.deps.log(`scheduler: ${op} targets failed; will retry`, { name: b.name, err: String(err) });
      return false;
    }
  }
}
