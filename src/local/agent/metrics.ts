/**
 * What the agents publish to CloudWatch at each interval (common/metric-publisher.ts):
 *
 * - `AWS/ECS` CPUUtilization and MemoryUtilization by ClusterName+ServiceName and by ClusterName
 *   (used over reserved, in percent, over the RUNNING tasks), CPUReservation and MemoryReservation by
 *   ClusterName (booked over registered, over the ACTIVE container instances);
 * - `AWS/EC2` CPUUtilization by InstanceId (what its tasks use over its CPU).
 *
 * What a container uses comes from the usage model below for simulated containers, driven by the
 * HTTP requests it really answered, and from the engine's stats (`TaskRuntime.stats`) for real ones.
 *
 * The usage model (docs/local-runtime.md), per container, tunable through its environment or docker
 * labels (the label wins):
 *   CPU units/s  = idle + requests/s × ECS_LOCAL_CPU_MS_PER_REQUEST × 1.024   (1024 units = one vCPU-second per second)
 *   memory (MiB) = ECS_LOCAL_MEMORY_BASE_MIB + open connections × ECS_LOCAL_MEMORY_MIB_PER_CONNECTION
 * where idle is ECS_LOCAL_IDLE_CPU_PERCENT of the container's CPU units and open connections are
 * estimated as requests/s × the CPU time of one request (Little's law). CPU is capped by the
 * container's CPU units (the instance's when it reserves none) and memory by its hard limit (else its
 * reservation).
 */
import type { LocalDeps } from '../deps';
import type { MetricBatch } from '../common/metric-publisher';
import { ecsCollections, type TaskRecord } from '../ecs/model';
import { taskKeys } from '../ecs/counts';
import type { ServedRequest } from '../logs/containers';
import type { TaskRuntime } from '../runtime/types';

export const USAGE_DEFAULTS = {
  cpuMsPerRequest: 20,
  idleCpuPercent: 1,
  memoryBaseMiB: 32,
  memoryMiBPerConnection: 2,
};

const SETTINGS = {
  cpuMsPerRequest: ['ECS_LOCAL_CPU_MS_PER_REQUEST', 'ecs-local.cpu-ms-per-request'],
  idleCpuPercent: ['ECS_LOCAL_IDLE_CPU_PERCENT', 'ecs-local.idle-cpu-percent'],
  memoryBaseMiB: ['ECS_LOCAL_MEMORY_BASE_MIB', 'ecs-local.memory-base-mib'],
  memoryMiBPerConnection: ['ECS_LOCAL_MEMORY_MIB_PER_CONNECTION', 'ecs-local.memory-mib-per-connection'],
} as const;

export type UsageSettings = typeof USAGE_DEFAULTS;

interface ContainerSpec {
  name?: string;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  environment?: { name?: string; value?: string }[];
  dockerLabels?: Record<string, string>;
}

/** A container's usage settings: defaults, then its environment, then its docker labels. */
export function usageSettings(c: ContainerSpec): UsageSettings {
  const out = { ...USAGE_DEFAULTS };
  for (const [key, [env, label]] of Object.entries(SETTINGS) as [
    keyof UsageSettings,
    readonly [string, string],
  ][]) {
    const fromEnv = c.environment?.find((e) => e.name === env)?.value;
    const fromLabel =
      c.dockerLabels && Object.hasOwn(c.dockerLabels, label) ? c.dockerLabels[label] : undefined;
    for (const v of [fromEnv, fromLabel]) {
      const n = Number(v);
      if (v !== undefined && v !== '' && Number.isFinite(n) && n >= 0) out[key] = n;
    }
  }
  return out;
}

/** CPU units per second and MiB a simulated container uses at `rps` requests per second (pure). */
export function simulatedUsage(
  settings: UsageSettings,
  rps: number,
  limits: { cpuUnits: number; memoryMiB: number },
): { cpuUnits: number; memoryMiB: number } {
  const idle = (settings.idleCpuPercent / 100) * limits.cpuUnits;
  const cpu = idle + rps * settings.cpuMsPerRequest * 1.024;
  const connections = rps * (settings.cpuMsPerRequest / 1000);
  const memory = settings.memoryBaseMiB + connections * settings.memoryMiBPerConnection;
  return { cpuUnits: Math.min(cpu, limits.cpuUnits), memoryMiB: Math.min(memory, limits.memoryMiB) };
}

const resource = (list: { name?: string; integerValue?: number }[] | undefined, name: string) =>
  list?.find((r) => r.name === name)?.integerValue ?? 0;

interface Usage {
  cpuUsed: number;
  cpuReserved: number;
  memUsed: number;
  memReserved: number;
}

const pct = (used: number, reserved: number) => (reserved > 0 ? (100 * used) / reserved : 0);

export interface TaskMetrics {
  requestServed(r: ServedRequest): void;
  forget(taskArn: string): void;
  collect(from: number, to: number): Promise<MetricBatch[]>;
}

/** Tasks read per turn of the event loop when the minute's metrics are collected. */
const METRICS_PAGE = 500;

export function createTaskMetrics(deps: LocalDeps, runtime: TaskRuntime): TaskMetrics {
  const col = ecsCollections(deps.db);
  /** Requests answered per task and container since the last collect. */
  let served = new Map<string, number>();

  async function taskUsage(
    rec: TaskRecord,
    seconds: number,
    counts: Map<string, number>,
    instanceCpu: number,
  ): Promise<Usage> {
    const task = rec.task;
    const def = col.taskDefinitions.peek(task.taskDefinitionArn ?? '')?.taskDefinition;
    const containers = (def?.containerDefinitions ?? []) as ContainerSpec[];
    const taskCpu = Number(task.cpu ?? def?.cpu ?? 0);
    const taskMem = Number(task.memory ?? def?.memory ?? 0);
    const cpuReserved = taskCpu || containers.reduce((a, c) => a + (c.cpu ?? 0), 0) || instanceCpu;
    const memReserved = taskMem || containers.reduce((a, c) => a + (c.memoryReservation ?? c.memory ?? 0), 0);
    let cpuUsed = 0;
    let memUsed = 0;
    if (runtime.realContainers) {
      for (const st of await runtime.stats(task.taskArn as string).catch(() => [])) {
        cpuUsed += st.cpuUnits;
        memUsed += st.memoryBytes / 1048576;
      }
    } else {
      for (const c of containers) {
        const rps = (counts.get(`${task.taskArn}|${c.name}`) ?? 0) / seconds;
        const u = simulatedUsage(usageSettings(c), rps, {
          cpuUnits: c.cpu || (containers.length === 1 && taskCpu) || instanceCpu,
          memoryMiB: c.memory ?? c.memoryReservation ?? (taskMem || 512),
        });
        cpuUsed += u.cpuUnits;
        memUsed += u.memoryMiB;
      }
    }
    return { cpuUsed, cpuReserved, memUsed, memReserved };
  }

  /**
   * A cluster's RUNNING tasks, read a page at a time with a turn of the event loop between pages:
   * with 100k tasks held, one minute's metrics never hold the loop for more than a page (issue 14).
   * Read without keeping them parsed (`get`), so the records the API reads stay cached.
   */
  async function* runningTasksOf(clusterArn: string): AsyncGenerator<TaskRecord> {
    let after: string | undefined;
    for (;;) {
      const ids = col.tasks.idsByKey(taskKeys.cluster(clusterArn, 'RUNNING'), { after, limit: METRICS_PAGE });
      if (ids.length === 0) return;
      after = ids[ids.length - 1];
      for (const id of ids) {
        const rec = col.tasks.peekCached(id) ?? col.tasks.get(id);
        if (rec?.task.lastStatus === 'RUNNING') yield rec;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  return {
    requestServed(r) {
      const key = `${r.taskArn}|${r.containerName}`;
      served.set(key, (served.get(key) ?? 0) + 1);
    },
    forget(taskArn) {
      for (const k of served.keys()) if (k.startsWith(`${taskArn}|`)) served.delete(k);
    },
    async collect(from, to) {
      const counts = served;
      served = new Map();
      const seconds = Math.max(1, (to - from) / 1000);
      const batches: MetricBatch[] = [];
      for (const cluster of col.clusters.find({ status: 'ACTIVE' })) {
        const clusterArn = cluster.cluster.clusterArn;
        const clusterName = cluster.cluster.clusterName;
        const accountId = clusterArn.split(':')[4] ?? deps.config.accountId;
        const ecsData: MetricBatch['data'] = [];
        const ec2Data: MetricBatch['data'] = [];
        const byCluster = { Name: 'ClusterName', Value: clusterName };
        const instances = col.containerInstances
          .peekMany({ cluster: clusterArn })
          .filter((i) => i.containerInstance.status === 'ACTIVE');
        const instanceCpu = new Map<string, number>();
        let regCpu = 0;
        let regMem = 0;
        let freeCpu = 0;
        let freeMem = 0;
        for (const i of instances) {
          const ci = i.containerInstance;
          const cpu = resource(ci.registeredResources, 'CPU');
          instanceCpu.set(ci.containerInstanceArn as string, cpu);
          regCpu += cpu;
          regMem += resource(ci.registeredResources, 'MEMORY');
          freeCpu += resource(ci.remainingResources, 'CPU');
          freeMem += resource(ci.remainingResources, 'MEMORY');
        }
        if (instances.length) {
          ecsData.push(
            {
              MetricName: 'CPUReservation',
              Dimensions: [byCluster],
              Value: pct(regCpu - freeCpu, regCpu),
              Unit: 'Percent',
            },
            {
              MetricName: 'MemoryReservation',
              Dimensions: [byCluster],
              Value: pct(regMem - freeMem, regMem),
              Unit: 'Percent',
            },
          );
        }
        const byService = new Map<string, Usage>();
        const onInstance = new Map<string, number>();
        const all: Usage = { cpuUsed: 0, cpuReserved: 0, memUsed: 0, memReserved: 0 };
        let runningTasks = 0;
        for await (const rec of runningTasksOf(clusterArn)) {
          runningTasks++;
          const ciArn = rec.task.containerInstanceArn ?? '';
          const u = await taskUsage(rec, seconds, counts, instanceCpu.get(ciArn) || 1024);
          onInstance.set(ciArn, (onInstance.get(ciArn) ?? 0) + u.cpuUsed);
          const group = rec.task.group ?? '';
          const targets = [
            all,
            ...(group.startsWith('service:')
              ? [byService.get(group) ?? { cpuUsed: 0, cpuReserved: 0, memUsed: 0, memReserved: 0 }]
              : []),
          ];
          for (const into of targets) {
            into.cpuUsed += u.cpuUsed;
            into.cpuReserved += u.cpuReserved;
            into.memUsed += u.memUsed;
            into.memReserved += u.memReserved;
          }
          if (group.startsWith('service:')) byService.set(group, targets[1] as Usage);
        }
        const util = (dims: MetricBatch['data'][number]['Dimensions'], u: Usage) => [
          {
            MetricName: 'CPUUtilization',
            Dimensions: dims,
            Value: pct(u.cpuUsed, u.cpuReserved),
            Unit: 'Percent',
          },
          {
            MetricName: 'MemoryUtilization',
            Dimensions: dims,
            Value: pct(u.memUsed, u.memReserved),
            Unit: 'Percent',
          },
        ];
        if (runningTasks) ecsData.push(...util([byCluster], all));
        for (const [group, u] of byService)
          ecsData.push(
            ...util([byCluster, { Name: 'ServiceName', Value: group.slice('service:'.length) }], u),
          );
        for (const i of instances) {
          const id = i.containerInstance.ec2InstanceId;
          if (!id) continue;
          const cpu = instanceCpu.get(i.containerInstance.containerInstanceArn as string) || 1024;
          const used = onInstance.get(i.containerInstance.containerInstanceArn as string) ?? 0;
          ec2Data.push({
            MetricName: 'CPUUtilization',
            Dimensions: [{ Name: 'InstanceId', Value: id }],
            Value: Math.min(100, pct(used, cpu) + 0.5),
            Unit: 'Percent',
          });
        }
        if (ecsData.length)
          batches.push({ region: cluster.region, accountId, namespace: 'AWS/ECS', data: ecsData });
        if (ec2Data.length)
          batches.push({ region: cluster.region, accountId, namespace: 'AWS/EC2', data: ec2Data });
      }
      return batches;
    },
  };
}
