/**
 * The simulated container instances: one agent per EC2 instance whose UserData configures ECS
 * (registration, deregistration when the instance terminates), one task driver for every task of
 * the store, and the runtime that serves the containers' ports.
 *
 * Registration and deregistration run on a work queue keyed by EC2 instance id: the EC2 events
 * only record what happened and add the key; a failed call is retried with backoff (the real
 * ecs-init restarts the agent likewise), and a terminated instance wins over a pending registration.
 */
import type { LocalDeps, Runnable } from '../deps';
import { ecsCollections } from '../ecs/model';
import type { LocalEvents } from '../common/bus';
import { WorkQueue } from '../common/work-queue';
import { createContainerLogWriter } from '../logs/containers';
import { DockerEngine } from '../runtime/docker/engine';
import { DockerRuntime } from '../runtime/docker/runtime';
import { ContainerRuntime, type RuntimeOptions } from '../runtime/runtime';
import type { TaskRuntime } from '../runtime/types';
import { createMetricPublisher } from '../common/metric-publisher';
import { defaultDriverOptions, TaskDriver, type DriverOptions } from './driver';
import { createTaskMetrics, type TaskMetrics } from './metrics';
import { clusterFromUserData, registrationInput } from './registration';

export interface AgentHostOptions extends Partial<DriverOptions> {
  runtime?: Pick<RuntimeOptions, 'privilegedPortsBindable'>;
  /** Run the tasks as real containers on a Docker Engine instead of simulating them. */
  docker?: DockerHostOptions;
}

export interface DockerHostOptions {
  /** This control plane's id: its containers carry it, and only its own are adopted or removed. */
  planeId: string;
  /** State kept on disk: containers outlive the process and are adopted at the next start. */
  keepContainersOnShutdown: boolean;
  /** The engine (default DOCKER_HOST, else the default socket). */
  dockerHost?: string;
  sweepMs?: number;
}

export interface AgentHost extends Runnable {
  readonly driver: TaskDriver;
  readonly runtime: TaskRuntime;
  /** Resolves once no registration, deregistration or task step is due, nor a port opening (tests). */
  idle(): Promise<void>;
  busy(): boolean;
}

export function createAgentHost(deps: LocalDeps, options: AgentHostOptions = {}): AgentHost {
  const logs = createContainerLogWriter(deps);
  // Created once the runtime exists (it reads the engine's stats); the runtime tells it of requests.
  const metricsRef: { current?: TaskMetrics } = {};
  const runtime: TaskRuntime = options.docker
    ? new DockerRuntime({
        engine: new DockerEngine(options.docker.dockerHost),
        deps,
        planeId: options.docker.planeId,
        keepContainersOnShutdown: options.docker.keepContainersOnShutdown,
        onOutput: logs.containerOutput,
        lastLogAt: logs.lastEventAt,
        ...(options.docker.sweepMs !== undefined ? { sweepMs: options.docker.sweepMs } : {}),
      })
    : new ContainerRuntime({
        fallbackAddress: deps.config.fallbackAddress,
        log: deps.log,
        onRequest: (r) => {
          logs.requestServed(r);
          metricsRef.current?.requestServed(r);
        },
        ...options.runtime,
      });
  const { runtime: _runtime, docker: _docker, ...driverOverrides } = options;
  const driver = new TaskDriver(
    deps,
    runtime,
    { ...defaultDriverOptions, ...driverOverrides },
    // Real containers write their own lines; simulated ones get lines shaped after their image.
    runtime.realContainers
      ? { running: () => {}, stopped: (task) => logs.forget(task.taskArn) }
      : { running: logs.taskRunning, stopped: logs.taskStopped },
  );
  const taskMetrics = createTaskMetrics(deps, runtime);
  metricsRef.current = taskMetrics;
  const publisher = createMetricPublisher(deps, 'agent', (from, to) => taskMetrics.collect(from, to));
  const col = ecsCollections(deps.db);
  /** EC2 instances to register (their launch event and cluster) and to deregister, by instance id. */
  const launched = new Map<string, { ev: LocalEvents['ec2.instance.running']; cluster: string }>();
  const terminatedIds = new Map<string, LocalEvents['ec2.instance.terminated']>();
  const unsubscribe: (() => void)[] = [];
  let running = false;
  const queue = new WorkQueue({
    name: 'agent: instance',
    clock: deps.clock,
    log: deps.log,
    handle: ([instanceId]) => (instanceId === undefined ? undefined : instanceStep(instanceId)),
    concurrency: Infinity,
    backoff: { firstMs: 500, maxMs: 30_000 },
  });

  /** One look at an instance: deregister it if it terminated, else register it if it is not yet. */
  async function instanceStep(instanceId: string): Promise<void> {
    const gone = terminatedIds.get(instanceId);
    if (gone) {
      launched.delete(instanceId);
      await terminated(gone);
      terminatedIds.delete(instanceId);
      return;
    }
    const pending = launched.get(instanceId);
    if (!pending) return;
    await register(pending.ev, pending.cluster);
    launched.delete(instanceId);
  }

  const registered = (instanceId: string, region: string) =>
    col.containerInstances
      .find({ ec2InstanceId: instanceId })
      .filter((ci) => ci.region === region && ci.containerInstance.status !== 'INACTIVE');

  async function register(ev: LocalEvents['ec2.instance.running'], cluster: string) {
    if (!running || registered(ev.instanceId, ev.region).length > 0) return;
    const ctx = { region: ev.region, accountId: ev.accountId };
    // The agent creates the default cluster when it is missing; any other must exist.
    if (cluster === 'default')
      await deps.services.call('ecs', 'CreateCluster', { clusterName: 'default' }, ctx);
    await deps.services.call('ecs', 'RegisterContainerInstance', registrationInput(cluster, ev), ctx);
    deps.log('agent: registered', { instanceId: ev.instanceId, cluster });
  }

  async function terminated(ev: LocalEvents['ec2.instance.terminated']) {
    if (!running) return;
    for (const ci of registered(ev.instanceId, ev.region)) {
      const arn = ci.containerInstance.containerInstanceArn;
      driver.killTasksOnInstance(arn, {
        stopCode: 'TerminationNotice',
        stoppedReason: `Host EC2 (instance ${ev.instanceId}) terminated.`,
        exitCode: 137,
      });
      await deps.services.call(
        'ecs',
        'DeregisterContainerInstance',
        { cluster: ci.clusterArn, containerInstance: arn, force: true },
        { region: ev.region, accountId: ev.accountId },
      );
    }
  }

  /**
   * After a restart: instances whose EC2 instance terminated while the process was down (or before
   * their agent deregistered them) are cleaned up now, as the termination event would have done.
   */
  async function terminatedWhileDown() {
    const byRegion = new Map<string, Map<string, string>>();
    for (const ci of col.containerInstances.all()) {
      if (!ci.simulated || ci.containerInstance.status === 'INACTIVE') continue;
      const accounts = byRegion.get(ci.region) ?? new Map<string, string>();
      accounts.set(
        ci.containerInstance.ec2InstanceId,
        ci.containerInstance.containerInstanceArn.split(':')[4] ?? '',
      );
      byRegion.set(ci.region, accounts);
    }
    for (const [region, accounts] of byRegion) {
      const out = await deps.services.call<{
        Reservations?: { Instances?: { InstanceId?: string }[] }[];
      }>(
        'ec2',
        'DescribeInstances',
        { Filters: [{ Name: 'instance-state-name', Values: ['terminated'] }] },
        { region },
      );
      for (const r of out.Reservations ?? []) {
        for (const i of r.Instances ?? []) {
          const accountId = i.InstanceId ? accounts.get(i.InstanceId) : undefined;
          if (i.InstanceId && accountId !== undefined) {
            terminatedIds.set(i.InstanceId, { instanceId: i.InstanceId, region, accountId });
            queue.add(i.InstanceId);
          }
        }
      }
    }
  }

  return {
    driver,
    runtime,
    async idle() {
      await queue.idle();
      await driver.idle();
      await publisher.idle?.();
    },
    busy: () => queue.busy || driver.busy() || (publisher.busy?.() ?? false),
    async start() {
      if (running) return;
      await runtime.ready();
      running = true;
      // The queue handles keys on a later turn: the events may be emitted inside the EC2 provider's transaction.
      unsubscribe.push(
        deps.bus.on('ec2.instance.running', (ev) => {
          const cluster = clusterFromUserData(ev.userData);
          if (!cluster) return;
          launched.set(ev.instanceId, { ev, cluster });
          queue.add(ev.instanceId);
        }),
        deps.bus.on('ec2.instance.terminated', (ev) => {
          terminatedIds.set(ev.instanceId, ev);
          queue.add(ev.instanceId);
        }),
      );
      queue.start();
      await driver.start();
      await publisher.start();
      setImmediate(() =>
        terminatedWhileDown().catch((err: unknown) =>
          deps.log('agent: could not check for terminated instances', { err: String(err) }),
        ),
      );
    },
    async stop() {
      running = false;
      for (const u of unsubscribe.splice(0)) u();
      await publisher.stop();
      await queue.stop();
      launched.clear();
      terminatedIds.clear();
      await driver.stop();
      await logs.stop();
    },
  };
}
