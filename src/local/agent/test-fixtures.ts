/** Records and deps for agent and runtime tests, written straight into the ECS collections. */
import { Bus } from '../common/bus';
import { systemClock } from '../common/clock';
import { hexId } from '../common/ids';
import { defaultConfig, type LocalConfig, type LocalDeps } from '../deps';
import type { ContainerInstanceRecord, PortBinding, TaskRecord } from '../ecs/model';
import type { Db } from '../store/db';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';
export const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/default`;

export function testDeps(db: Db, overrides: Partial<LocalConfig> = {}): LocalDeps & { logs: string[] } {
  const logs: string[] = [];
  return {
    db,
    bus: new Bus(),
    clock: systemClock,
    services: {
      call: () => Promise.reject(new Error('no services in this test')),
    },
    config: {
      ...defaultConfig,
      accountId: ACCOUNT,
      defaultRegion: REGION,
      taskStepMs: 20,
      instanceBootMs: 20,
      resyncMs: 60_000,
      perInstanceAddresses: true,
      ...overrides,
    },
    log: (message, detail) => logs.push(`${message} ${detail ? JSON.stringify(detail) : ''}`),
    logs,
  };
}

export function instanceRecord(
  n: number,
  address: string,
  cpu = 1024,
  memory = 993,
): ContainerInstanceRecord {
  const id = hexId();
  return {
    containerInstance: {
      containerInstanceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/default/${id}`,
      ec2InstanceId: `i-0000000000000000${n}`,
      status: 'ACTIVE',
      agentConnected: true,
      registeredResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: cpu },
        { name: 'MEMORY', type: 'INTEGER', integerValue: memory },
        { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2375', '2376', '51678', '51679'] },
        { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
      ],
      remainingResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: cpu },
        { name: 'MEMORY', type: 'INTEGER', integerValue: memory },
        { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2375', '2376', '51678', '51679'] },
        { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
      ],
    },
    clusterArn: CLUSTER_ARN,
    region: REGION,
    address,
    simulated: true,
  };
}

export interface TaskSpec {
  instance: ContainerInstanceRecord;
  ports?: PortBinding[];
  cpu?: number;
  memory?: number;
  image?: string;
  serviceArn?: string;
}

/**
 * A task as the scheduler leaves it: PROVISIONING, desired RUNNING, resources booked on the
 * instance (the instance record is updated in place; put it back after booking).
 */
export function placeTask(spec: TaskSpec): TaskRecord {
  const id = hexId();
  const taskArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/default/${id}`;
  const cpu = spec.cpu ?? 10;
  const memory = spec.memory ?? 300;
  const ports = spec.ports ?? [];
  const ci = spec.instance.containerInstance;
  for (const r of ci.remainingResources ?? []) {
    if (r.name === 'CPU') r.integerValue = (r.integerValue ?? 0) - cpu;
    if (r.name === 'MEMORY') r.integerValue = (r.integerValue ?? 0) - memory;
    if (r.name === 'PORTS')
      r.stringSetValue = [
        ...(r.stringSetValue ?? []),
        ...ports.filter((p) => p.protocol === 'tcp').map((p) => String(p.hostPort)),
      ];
    if (r.name === 'PORTS_UDP')
      r.stringSetValue = [
        ...(r.stringSetValue ?? []),
        ...ports.filter((p) => p.protocol === 'udp').map((p) => String(p.hostPort)),
      ];
  }
  const record: TaskRecord = {
    task: {
      taskArn,
      clusterArn: CLUSTER_ARN,
      containerInstanceArn: ci.containerInstanceArn,
      taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/console-sample-app-static:1`,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      launchType: 'EC2',
      createdAt: Date.now() / 1000,
      cpu: String(cpu),
      memory: String(memory),
      containers: [
        {
          containerArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:container/default/${id}/${hexId()}`,
          taskArn,
          name: 'simple-app',
          image: spec.image ?? 'httpd:2.4',
          lastStatus: 'PENDING',
          networkBindings: [],
        },
      ],
    },
    region: REGION,
    ports,
    reservedCpu: cpu,
    reservedMemory: memory,
    history: [],
  };
  if (spec.serviceArn) record.serviceArn = spec.serviceArn;
  return record;
}

export const tcp = (hostPort: number, containerPort = 80): PortBinding => ({
  containerName: 'simple-app',
  containerPort,
  hostPort,
  protocol: 'tcp',
});

export const resource = (ci: ContainerInstanceRecord, name: string) =>
  ci.containerInstance.remainingResources?.find((r) => r.name === name);

/** Resolves when `check` returns a value (polled every 10 ms), or rejects after `ms`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 5000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
