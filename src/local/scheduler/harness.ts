/**
 * Scheduler test harness (after Nomad's `Harness`): an in-memory store, a manual clock, recorded
 * calls to other services, fixture factories for clusters, instances, task definitions and
 * services, and a fake agent that walks tasks to RUNNING or STOPPED and releases resources.
 * Used only by tests.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { Bus } from '../common/bus';
import { ManualClock, epochSeconds } from '../common/clock';
import { hexId } from '../common/ids';
import type { LocalConfig, LocalDeps } from '../deps';
import {
  ecsCollections,
  type ContainerInstanceRecord,
  type EcsCollections,
  type ServiceRecord,
  type TaskRecord,
  type Wire,
  type WireTaskDefinition,
} from '../ecs/model';
import type { ServiceId } from '../protocol/types';
import { Db } from '../store/db';
import { RESERVED_HOST_PORTS } from '../../facts/container-instance';
import { registeredCapacity, releaseResources, remainingCapacity } from './resources';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';

export interface RecordedCall {
  service: ServiceId;
  action: string;
  input: unknown;
}

export interface InstanceFixture {
  cpu?: number;
  memory?: number;
  status?: string;
  agentConnected?: boolean;
  instanceType?: string;
  availabilityZone?: string;
  attributes?: Record<string, string>;
}

export interface ContainerFixture {
  name?: string;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  ports?: { containerPort: number; hostPort?: number; protocol?: 'tcp' | 'udp' }[];
}

export interface ServiceFixture {
  name: string;
  taskDefinition: WireTaskDefinition;
  desiredCount: number;
  minimumHealthyPercent?: number;
  maximumPercent?: number;
  loadBalancers?: Wire<ecs.LoadBalancer>[];
  placementConstraints?: Wire<ecs.PlacementConstraint>[];
  placementStrategy?: Wire<ecs.PlacementStrategy>[];
  schedulingStrategy?: 'REPLICA' | 'DAEMON';
}

export class Harness {
  readonly db = new Db(null);
  readonly bus = new Bus();
  readonly col: EcsCollections = ecsCollections(this.db);
  readonly calls: RecordedCall[] = [];
  /** Make calls to a service action fail (e.g. ELB not there yet). */
  failing = new Set<string>();
  /** Answers for `${service}:${action}` calls (the default is an empty answer). */
  readonly answers = new Map<string, (input: unknown) => unknown>();
  /** Frozen: time moves when a test says (`clock.advance`, or `nowMs +=`), timers fire then. */
  readonly clock = new ManualClock({ start: 1_700_000_000_000 });
  readonly deps: LocalDeps;
  readonly clusterArn: string;
  private instanceCount = 0;

  constructor(config: Partial<LocalConfig> = {}) {
    this.deps = {
      db: this.db,
      bus: this.bus,
      clock: this.clock,
      services: {
        call: async <T>(service: ServiceId, action: string, input: unknown): Promise<T> => {
          if (this.failing.has(`${service}:${action}`))
            throw new Error(`${service} ${action} is not available`);
          this.calls.push({ service, action, input });
          const answer = this.answers.get(`${service}:${action}`);
          if (answer) return answer(input) as T;
          return (action === 'DescribeTargetHealth' ? { TargetHealthDescriptions: [] } : {}) as T;
        },
      },
      config: {
        accountId: ACCOUNT,
        defaultRegion: REGION,
        taskStepMs: 20,
        instanceBootMs: 20,
        resyncMs: 60_000,
        stoppedTaskRetentionMs: 3_600_000,
        fallbackAddress: '127.0.0.1',
        perInstanceAddresses: false,
        addressBlock: 0,
        metricsIntervalMs: 60_000,
        capacityScaleInDelayMs: 1000,
        ...config,
      },
      log: () => {},
    };
    this.clusterArn = this.addCluster('default');
  }

  get nowMs(): number {
    return this.clock.now();
  }

  /** Moves the clock forward to `ms` (never back), firing the timers due on the way. */
  set nowMs(ms: number) {
    this.clock.advance(ms - this.clock.now());
  }

  addCluster(name: string): string {
    const clusterArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`;
    this.col.clusters.put(clusterArn, {
      cluster: { clusterArn, clusterName: name, status: 'ACTIVE' },
      region: REGION,
    });
    return clusterArn;
  }

  addInstance(f: InstanceFixture = {}, clusterArn = this.clusterArn): ContainerInstanceRecord {
    const n = ++this.instanceCount;
    const clusterName = clusterArn.slice(clusterArn.indexOf('cluster/') + 8);
    const containerInstanceArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${clusterName}/${hexId()}`;
    const registered: Wire<ecs.Resource>[] = [
      { name: 'CPU', type: 'INTEGER', integerValue: f.cpu ?? 1024 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: f.memory ?? 993 },
      { name: 'PORTS', type: 'STRINGSET', stringSetValue: RESERVED_HOST_PORTS.map(String) },
      { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
    ];
    const attributes = {
      'ecs.instance-type': f.instanceType ?? 't2.micro',
      'ecs.availability-zone': f.availabilityZone ?? `${REGION}${'abc'[n % 3]}`,
      'ecs.os-type': 'linux',
      ...f.attributes,
    };
    const rec: ContainerInstanceRecord = {
      containerInstance: {
        containerInstanceArn,
        ec2InstanceId: `i-${n.toString(16).padStart(17, '0')}`,
        status: f.status ?? 'ACTIVE',
        agentConnected: f.agentConnected ?? true,
        registeredResources: registered,
        remainingResources: registered,
        attributes: Object.entries(attributes).map(([name, value]) => ({ name, value })),
        registeredAt: epochSeconds(this.nowMs),
        versionInfo: { agentVersion: '1.99.0' },
      },
      clusterArn,
      region: REGION,
      address: `127.1.0.${n}`,
      simulated: true,
    };
    this.col.containerInstances.put(containerInstanceArn, rec);
    return rec;
  }

  setInstanceStatus(arn: string, status: string): void {
    const rec = this.col.containerInstances.get(arn);
    if (!rec) throw new Error(`no instance ${arn}`);
    this.col.containerInstances.put(arn, { ...rec, containerInstance: { ...rec.containerInstance, status } });
  }

  taskDefinition(
    family: string,
    containers: ContainerFixture[],
    extra: Partial<WireTaskDefinition> = {},
  ): WireTaskDefinition {
    const revision = this.db.nextSeq(`td:${family}`);
    const taskDefinitionArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;
    const td: WireTaskDefinition = {
      taskDefinitionArn,
      family,
      revision,
      status: 'ACTIVE',
      networkMode: 'bridge',
      containerDefinitions: containers.map((c, i) => ({
        name: c.name ?? `c${i}`,
        image: 'httpd:2.4',
        cpu: c.cpu ?? 0,
        ...(c.memory !== undefined ? { memory: c.memory } : {}),
        ...(c.memoryReservation !== undefined ? { memoryReservation: c.memoryReservation } : {}),
        portMappings: (c.ports ?? []).map((p) => ({
          containerPort: p.containerPort,
          hostPort: p.hostPort ?? 0,
          protocol: p.protocol ?? 'tcp',
        })),
        essential: true,
      })),
      ...extra,
    };
    this.col.taskDefinitions.put(taskDefinitionArn, { taskDefinition: td, tags: [], region: REGION });
    return td;
  }

  addService(f: ServiceFixture, clusterArn = this.clusterArn): ServiceRecord {
    const clusterName = clusterArn.slice(clusterArn.indexOf('cluster/') + 8);
    const serviceArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${clusterName}/${f.name}`;
    const now = epochSeconds(this.nowMs);
    const rec: ServiceRecord = {
      service: {
        serviceArn,
        serviceName: f.name,
        clusterArn,
        status: 'ACTIVE',
        desiredCount: f.desiredCount,
        runningCount: 0,
        pendingCount: 0,
        launchType: 'EC2',
        taskDefinition: f.taskDefinition.taskDefinitionArn,
        deploymentConfiguration: {
          minimumHealthyPercent: f.minimumHealthyPercent ?? 100,
          maximumPercent: f.maximumPercent ?? 200,
        },
        deployments: [
          {
            id: `ecs-svc/${randomDigits()}`,
            status: 'PRIMARY',
            taskDefinition: f.taskDefinition.taskDefinitionArn,
            desiredCount: f.desiredCount,
            pendingCount: 0,
            runningCount: 0,
            failedTasks: 0,
            createdAt: now,
            updatedAt: now,
            launchType: 'EC2',
            rolloutState: 'IN_PROGRESS',
            rolloutStateReason: 'ECS deployment ecs-svc/0 in progress.',
          },
        ],
        events: [],
        loadBalancers: f.loadBalancers ?? [],
        placementConstraints: f.placementConstraints ?? [],
        placementStrategy: f.placementStrategy ?? [],
        schedulingStrategy: f.schedulingStrategy ?? 'REPLICA',
        createdAt: now,
      },
      region: REGION,
    };
    this.col.services.put(serviceArn, rec);
    return rec;
  }

  /** UpdateService with a new task definition: a new PRIMARY deployment, the old one ACTIVE. */
  deploy(serviceArn: string, td: WireTaskDefinition, desiredCount?: number): string {
    const rec = this.service(serviceArn);
    const id = `ecs-svc/${randomDigits()}`;
    const now = epochSeconds(this.nowMs);
    const count = desiredCount ?? rec.service.desiredCount;
    this.col.services.put(serviceArn, {
      ...rec,
      service: {
        ...rec.service,
        desiredCount: count,
        taskDefinition: td.taskDefinitionArn,
        deployments: [
          {
            id,
            status: 'PRIMARY',
            taskDefinition: td.taskDefinitionArn,
            desiredCount: count,
            pendingCount: 0,
            runningCount: 0,
            failedTasks: 0,
            createdAt: now,
            updatedAt: now,
            rolloutState: 'IN_PROGRESS',
          },
          ...rec.service.deployments.map((d) => ({ ...d, status: 'ACTIVE' })),
        ],
      },
    });
    return id;
  }

  updateService(serviceArn: string, change: Partial<ServiceRecord['service']>): void {
    const rec = this.service(serviceArn);
    this.col.services.put(serviceArn, { ...rec, service: { ...rec.service, ...change } });
  }

  service(serviceArn: string): ServiceRecord {
    const rec = this.col.services.get(serviceArn);
    if (!rec) throw new Error(`no service ${serviceArn}`);
    return rec;
  }

  tasks(): TaskRecord[] {
    return this.col.tasks.all();
  }

  liveTasks(serviceArn?: string): TaskRecord[] {
    return this.tasks().filter(
      (t) => t.task.lastStatus !== 'STOPPED' && (serviceArn === undefined || t.serviceArn === serviceArn),
    );
  }

  /** The fake agent: desired RUNNING goes to RUNNING, desired STOPPED to STOPPED (resources released). */
  settle(filter: (t: TaskRecord) => boolean = () => true): void {
    this.db.tx(() => {
      for (const t of this.tasks()) {
        if (!filter(t) || t.task.lastStatus === 'STOPPED') continue;
        this.setLastStatus(t, t.task.desiredStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING');
      }
    });
  }

  /** Sets a task's lastStatus as the agent would; at STOPPED its resources go back to the instance. */
  setLastStatus(t: TaskRecord, status: string): void {
    const current = this.col.tasks.get(t.task.taskArn) ?? t;
    const next: TaskRecord = {
      ...current,
      task: {
        ...current.task,
        lastStatus: status,
        ...(status === 'STOPPED' ? { desiredStatus: 'STOPPED' } : {}),
        containers: (current.task.containers ?? []).map((c) => ({
          ...c,
          lastStatus: status === 'STOPPED' ? 'STOPPED' : status === 'RUNNING' ? 'RUNNING' : 'PENDING',
          networkBindings:
            status === 'RUNNING'
              ? current.ports
                  .filter((p) => p.containerName === c.name)
                  .map((p) => ({
                    bindIP: '0.0.0.0',
                    containerPort: p.containerPort,
                    hostPort: p.hostPort,
                    protocol: p.protocol,
                  }))
              : (c.networkBindings ?? []),
        })),
      },
      history: [...current.history, { status, at: epochSeconds(this.nowMs) }],
    };
    this.col.tasks.put(current.task.taskArn, next);
    const instanceArn = current.task.containerInstanceArn;
    if (status === 'STOPPED' && current.task.lastStatus !== 'STOPPED' && instanceArn) {
      const ci = this.col.containerInstances.get(instanceArn);
      if (ci) {
        this.col.containerInstances.put(instanceArn, {
          ...ci,
          containerInstance: releaseResources(ci.containerInstance, {
            cpu: current.reservedCpu,
            memory: current.reservedMemory,
            ports: current.ports,
          }),
        });
      }
    }
  }

  /**
   * The booking invariant: on every instance, registered - remaining equals the sum over its
   * not-STOPPED tasks (CPU, memory), and the ports in use are exactly the reserved ports plus the
   * tasks' ports, none held twice. Returns the violations (empty when consistent).
   */
  bookingViolations(): string[] {
    const problems: string[] = [];
    const tasks = this.tasks().filter((t) => t.task.lastStatus !== 'STOPPED');
    for (const rec of this.col.containerInstances.all()) {
      const ci = rec.containerInstance;
      const mine = tasks.filter((t) => t.task.containerInstanceArn === ci.containerInstanceArn);
      const reg = registeredCapacity(ci);
      const rem = remainingCapacity(ci);
      const cpu = mine.reduce((s, t) => s + t.reservedCpu, 0);
      const memory = mine.reduce((s, t) => s + t.reservedMemory, 0);
      if (reg.cpu - rem.cpu !== cpu)
        problems.push(`${ci.ec2InstanceId}: cpu booked ${reg.cpu - rem.cpu}, tasks ${cpu}`);
      if (reg.memory - rem.memory !== memory) {
        problems.push(`${ci.ec2InstanceId}: memory booked ${reg.memory - rem.memory}, tasks ${memory}`);
      }
      if (rem.cpu < 0 || rem.memory < 0) problems.push(`${ci.ec2InstanceId}: oversubscribed`);
      for (const protocol of ['tcp', 'udp'] as const) {
        const expected = new Set(reg[protocol]);
        for (const t of mine) {
          for (const p of t.ports.filter((x) => x.protocol === protocol)) {
            if (expected.has(p.hostPort))
              problems.push(`${ci.ec2InstanceId}: ${protocol} ${p.hostPort} held twice`);
            expected.add(p.hostPort);
          }
        }
        const actual = rem[protocol];
        if (expected.size !== actual.size || [...expected].some((p) => !actual.has(p))) {
          problems.push(
            `${ci.ec2InstanceId}: ${protocol} ports booked ${[...actual]}, expected ${[...expected]}`,
          );
        }
      }
    }
    return problems;
  }

  close(): void {
    this.db.close();
  }
}

function randomDigits(): string {
  return String(BigInt(`0x${hexId(8)}`) % 10n ** 19n);
}
