/**
 * A task definition (with the task's overrides and booked host ports) as Docker Engine containers,
 * the way the ECS agent creates them on an EC2 instance: pure functions, no engine calls.
 *
 * Mapped: image, command, entryPoint, environment, workingDirectory, user, hostname, portMappings
 * (published on the container instance's loopback address at the booked host port; `host` network
 * mode is published the same way, since every simulated instance shares this machine), memory,
 * memoryReservation, cpu (CPU shares, at least 2), essential, links, dependsOn, healthCheck,
 * ulimits, volumes and mountPoints (host paths; named Docker volumes, task- or shared-scoped;
 * volumes without a source as task-scoped Docker volumes), volumesFrom, stopTimeout,
 * linuxParameters (init, capabilities, tmpfs, shared memory, swap), privileged,
 * readonlyRootFilesystem, dnsServers, dnsSearchDomains, extraHosts, dockerLabels, systemControls,
 * pseudoTerminal, interactive. Labels: those the ECS agent sets, plus the control plane's id.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import type { Wire, WireTask, WireTaskDefinition } from '../../ecs/model';
import type { PortRequest } from '../types';

export const LABELS = {
  cluster: 'com.amazonaws.ecs.cluster',
  containerName: 'com.amazonaws.ecs.container-name',
  taskArn: 'com.amazonaws.ecs.task-arn',
  family: 'com.amazonaws.ecs.task-definition-family',
  version: 'com.amazonaws.ecs.task-definition-version',
  /** The control plane that owns the container (only it adopts or removes it). */
  plane: 'com.ecs-console.plane-id',
} as const;

/** The ECS agent's default stop timeout (ECS_CONTAINER_STOP_TIMEOUT), seconds. */
export const DEFAULT_STOP_TIMEOUT_S = 30;
/** How long a container waits for its dependsOn conditions unless its startTimeout says (seconds). */
export const DEFAULT_START_TIMEOUT_S = 180;
export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';

const MIB = 1024 * 1024;
const NS_PER_S = 1_000_000_000;

export type DependencyCondition = 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY';

export interface ContainerPlan {
  name: string;
  dockerName: string;
  essential: boolean;
  image: string;
  stopTimeoutS: number;
  startTimeoutS: number;
  dependsOn: { containerName: string; condition: DependencyCondition }[];
  /** Containers that must be running before this one is created (links, volumesFrom). */
  needs: string[];
  awslogs: boolean;
  tty: boolean;
  hasHealthCheck: boolean;
  /** The body of POST /containers/create. */
  body: Record<string, unknown>;
}

export interface VolumePlan {
  /** The task definition's volume name. */
  name: string;
  /** Bind source (a host path) or Docker volume name. */
  source: string;
  kind: 'bind' | 'volume';
  /** POST /volumes/create body when the volume must exist first. */
  create?: {
    Name: string;
    Driver?: string;
    DriverOpts?: Record<string, string>;
    Labels: Record<string, string>;
  };
  /** Removed with the task. */
  taskScoped: boolean;
  /** Shared volumes not auto-provisioned must already exist. */
  mustExist?: boolean;
}

export interface TaskPlan {
  containers: ContainerPlan[];
  volumes: VolumePlan[];
}

export interface PlanInput {
  task: WireTask;
  definition: WireTaskDefinition;
  /** The container instance's address: host ports are published there. */
  address: string;
  ports: PortRequest[];
  planeId: string;
  /** Random suffix of the Docker names (as the agent's), unique per task. */
  suffix: string;
}

/** Why a task definition cannot run on the Docker runtime (the message ECS would show), if so. */
export class PlanError extends Error {
  constructor(
    readonly containerName: string,
    message: string,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

const clusterName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const safe = (s: string, max: number) => s.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, max);

export function dockerName(family: string, revision: number, container: string, suffix: string): string {
  return `ecs-${safe(family, 100)}-${revision}-${safe(container, 100)}-${suffix}`;
}

export function planTask(input: PlanInput): TaskPlan {
  const { task, definition: td } = input;
  const family = td.family;
  const revision = td.revision;
  const overrides = new Map((task.overrides?.containerOverrides ?? []).map((o) => [o.name ?? '', o]));
  const names = new Map(
    td.containerDefinitions.map((c) => [
      c.name ?? '',
      dockerName(family, revision, c.name ?? '', input.suffix),
    ]),
  );
  const baseLabels = {
    [LABELS.cluster]: clusterName(task.clusterArn),
    [LABELS.taskArn]: task.taskArn,
    [LABELS.family]: family,
    [LABELS.version]: String(revision),
    [LABELS.plane]: input.planeId,
  };
  const volumes = planVolumes(td, input, baseLabels);
  const byVolume = new Map(volumes.map((v) => [v.name, v]));
  const mode = td.networkMode ?? 'bridge';

  const containers = td.containerDefinitions.map((def): ContainerPlan => {
    const name = def.name ?? '';
    const o = overrides.get(name);
    const links = (def.links ?? []).map((l) => {
      const [target = '', alias] = l.split(':');
      const dn = names.get(target);
      if (!dn) throw new PlanError(name, `CannotCreateContainerError: link to unknown container ${target}`);
      return { target, spec: `${dn}:${alias ?? target}` };
    });
    const volumesFrom = (def.volumesFrom ?? []).map((v) => {
      const dn = names.get(v.sourceContainer ?? '');
      if (!dn)
        throw new PlanError(
          name,
          `CannotCreateContainerError: volumesFrom unknown container ${v.sourceContainer ?? ''}`,
        );
      return { target: v.sourceContainer ?? '', spec: `${dn}${v.readOnly ? ':ro' : ''}` };
    });
    const binds = (def.mountPoints ?? []).map((m) => {
      const v = byVolume.get(m.sourceVolume ?? '');
      if (!v)
        throw new PlanError(
          name,
          `CannotCreateContainerError: unknown source volume ${m.sourceVolume ?? ''}`,
        );
      return `${v.source}:${m.containerPath ?? ''}${m.readOnly ? ':ro' : ''}`;
    });

    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    if (mode !== 'awsvpc' && mode !== 'none') {
      for (const p of input.ports.filter((x) => x.containerName === name)) {
        const key = `${p.containerPort}/${p.protocol}`;
        exposed[key] = {};
        const list = bindings[key] ?? [];
        list.push({
          HostIp: p.previousAddress ?? input.address,
          HostPort: String(p.previousPort ?? p.hostPort),
        });
        bindings[key] = list;
      }
    }

    const memory = o?.memory ?? def.memory;
    const reservation = o?.memoryReservation ?? def.memoryReservation;
    const cpu = o?.cpu ?? def.cpu ?? 0;
    const linux = def.linuxParameters;
    const env = new Map<string, string>();
    for (const e of [...(def.environment ?? []), ...(o?.environment ?? [])])
      if (e.name) env.set(e.name, e.value ?? '');
    const command = o?.command ?? def.command;
    const log = def.logConfiguration;
    const health = def.healthCheck;

    const hostConfig: Record<string, unknown> = {
      NetworkMode: mode === 'none' ? 'none' : 'bridge',
      PortBindings: bindings,
      CpuShares: Math.max(2, cpu),
      Links: links.map((l) => l.spec),
      VolumesFrom: volumesFrom.map((v) => v.spec),
      Binds: binds,
      // Read back by the runtime (GET /containers/{id}/logs) and sent to CloudWatch Logs when awslogs.
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
      Privileged: def.privileged ?? false,
      ReadonlyRootfs: def.readonlyRootFilesystem ?? false,
      Ulimits: (def.ulimits ?? []).map((u) => ({ Name: u.name, Soft: u.softLimit, Hard: u.hardLimit })),
    };
    if (memory) hostConfig.Memory = memory * MIB;
    if (reservation) hostConfig.MemoryReservation = reservation * MIB;
    if (memory && linux?.maxSwap !== undefined) hostConfig.MemorySwap = (memory + linux.maxSwap) * MIB;
    if (linux?.swappiness !== undefined) hostConfig.MemorySwappiness = linux.swappiness;
    if (linux?.initProcessEnabled) hostConfig.Init = true;
    if (linux?.capabilities?.add?.length) hostConfig.CapAdd = linux.capabilities.add;
    if (linux?.capabilities?.drop?.length) hostConfig.CapDrop = linux.capabilities.drop;
    if (linux?.sharedMemorySize) hostConfig.ShmSize = linux.sharedMemorySize * MIB;
    if (linux?.tmpfs?.length) {
      hostConfig.Tmpfs = Object.fromEntries(
        linux.tmpfs.map((t) => [
          t.containerPath ?? '',
          [`size=${t.size ?? 0}m`, ...(t.mountOptions ?? [])].join(','),
        ]),
      );
    }
    if (def.dnsServers?.length) hostConfig.Dns = def.dnsServers;
    if (def.dnsSearchDomains?.length) hostConfig.DnsSearch = def.dnsSearchDomains;
    if (def.extraHosts?.length)
      hostConfig.ExtraHosts = def.extraHosts.map((h) => `${h.hostname ?? ''}:${h.ipAddress ?? ''}`);
    if (def.systemControls?.length)
      hostConfig.Sysctls = Object.fromEntries(
        def.systemControls.map((c) => [c.namespace ?? '', c.value ?? '']),
      );

    const stopTimeoutS = def.stopTimeout ?? DEFAULT_STOP_TIMEOUT_S;
    const body: Record<string, unknown> = {
      Image: def.image ?? '',
      Env: [...env].map(([k, v]) => `${k}=${v}`),
      Labels: { ...(def.dockerLabels ?? {}), ...baseLabels, [LABELS.containerName]: name },
      ExposedPorts: exposed,
      StopTimeout: stopTimeoutS,
      Tty: def.pseudoTerminal ?? false,
      OpenStdin: def.interactive ?? false,
      HostConfig: hostConfig,
    };
    if (command?.length) body.Cmd = command;
    if (def.entryPoint?.length) body.Entrypoint = def.entryPoint;
    if (def.workingDirectory) body.WorkingDir = def.workingDirectory;
    if (def.user) body.User = def.user;
    if (def.hostname && mode === 'bridge') body.Hostname = def.hostname;
    if (health?.command?.length) body.Healthcheck = healthCheck(health);

    return {
      name,
      dockerName: names.get(name) ?? name,
      essential: def.essential !== false,
      image: def.image ?? '',
      stopTimeoutS,
      startTimeoutS: def.startTimeout ?? DEFAULT_START_TIMEOUT_S,
      dependsOn: (def.dependsOn ?? []).map((d) => ({
        containerName: d.containerName ?? '',
        condition: (d.condition ?? 'START') as DependencyCondition,
      })),
      needs: [...new Set([...links.map((l) => l.target), ...volumesFrom.map((v) => v.target)])],
      awslogs: log?.logDriver === 'awslogs',
      tty: def.pseudoTerminal ?? false,
      hasHealthCheck: body.Healthcheck !== undefined,
      body,
    };
  });
  return { containers: startOrder(containers), volumes };
}

/** ECS health check (seconds, defaults 30/5/3/0) as Docker's (nanoseconds). */
function healthCheck(h: Wire<ecs.HealthCheck>): Record<string, unknown> {
  return {
    Test: h.command,
    Interval: (h.interval ?? 30) * NS_PER_S,
    Timeout: (h.timeout ?? 5) * NS_PER_S,
    Retries: h.retries ?? 3,
    StartPeriod: (h.startPeriod ?? 0) * NS_PER_S,
  };
}

function planVolumes(td: WireTaskDefinition, input: PlanInput, labels: Record<string, string>): VolumePlan[] {
  return (td.volumes ?? []).map((v): VolumePlan => {
    const name = v.name ?? '';
    const scoped = `${dockerName(td.family, td.revision, name, input.suffix)}`;
    if (v.host?.sourcePath) return { name, source: v.host.sourcePath, kind: 'bind', taskScoped: false };
    const docker = v.dockerVolumeConfiguration;
    if (docker) {
      const shared = docker.scope === 'shared';
      const volumeName = shared ? name : scoped;
      return {
        name,
        source: volumeName,
        kind: 'volume',
        taskScoped: !shared,
        ...(shared && !docker.autoprovision ? { mustExist: true } : {}),
        create: {
          Name: volumeName,
          ...(docker.driver ? { Driver: docker.driver } : {}),
          ...(docker.driverOpts ? { DriverOpts: docker.driverOpts } : {}),
          Labels: { ...(docker.labels ?? {}), ...(shared ? { [LABELS.plane]: input.planeId } : labels) },
        },
      };
    }
    if (v.efsVolumeConfiguration || v.fsxWindowsFileServerVolumeConfiguration) {
      throw new PlanError(
        '',
        `CannotCreateContainerError: volume ${name}: EFS and FSx volumes are not available on the local Docker runtime`,
      );
    }
    // No source path: a volume the agent manages for the task's lifetime.
    return {
      name,
      source: scoped,
      kind: 'volume',
      taskScoped: true,
      create: { Name: scoped, Labels: labels },
    };
  });
}

/**
 * Containers in an order that starts what each needs (links, volumesFrom, dependsOn) first.
 * Throws on a cycle (the task cannot start).
 */
function startOrder(containers: ContainerPlan[]): ContainerPlan[] {
  const byName = new Map(containers.map((c) => [c.name, c]));
  const out: ContainerPlan[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  // Iterative depth-first search (task definitions hold at most 10 containers, but never recurse on input).
  for (const root of containers) {
    if (state.get(root.name) === 'done') continue;
    const stack: { c: ContainerPlan; i: number }[] = [{ c: root, i: 0 }];
    state.set(root.name, 'visiting');
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { c: ContainerPlan; i: number };
      const deps = [...top.c.needs, ...top.c.dependsOn.map((d) => d.containerName)];
      if (top.i < deps.length) {
        const next = byName.get(deps[top.i++] ?? '');
        if (!next) continue;
        const s = state.get(next.name);
        if (s === 'visiting')
          throw new PlanError(top.c.name, `CannotStartContainerError: dependency cycle through ${next.name}`);
        if (s === 'done') continue;
        state.set(next.name, 'visiting');
        stack.push({ c: next, i: 0 });
      } else {
        stack.pop();
        state.set(top.c.name, 'done');
        out.push(top.c);
      }
    }
  }
  return out;
}

/** An image reference split as the engine's pull wants it (fromImage, tag or digest). */
export function imageRef(image: string): { repository: string; tag: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { repository: image.slice(0, at), tag: image.slice(at + 1) };
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon > slash) return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repository: image, tag: 'latest' };
}
