/**
 * RegisterTaskDefinition (with ECS's validation), DescribeTaskDefinition, ListTaskDefinitions,
 * ListTaskDefinitionFamilies, DeregisterTaskDefinition, DeleteTaskDefinitions.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import {
  NAME_RE,
  batch,
  compareStrings,
  ecsResource,
  errors,
  findTaskDefinition,
  maxResultsOf,
  pageOf,
  taskDefinitionArnOf,
  validateTags,
  type Failure,
  type Scope,
} from './common';
import { RESERVED_HOST_PORTS } from '../../facts/container-instance';
import { FARGATE_TASK_SIZES } from '../../facts/fargate-sizes';
import type { TaskDefinitionRecord, Wire, WireTaskDefinition } from './model';

type ContainerDefinition = Wire<ecs.ContainerDefinition>;
type RegisterInput = Wire<ecs.RegisterTaskDefinitionRequest>;

const MAX_CONTAINERS = 10;
const MAX_TASK_DEFINITION_BYTES = 65_536;
const MIN_CONTAINER_MEMORY = 6;
const IMAGE_RE = /^[A-Za-z0-9_\-:./#@]{1,255}$/;

/** Whether `cpu` units and `memory` MiB are one of Fargate's task sizes. */
export function fargateSizeFits(cpu: number, memory: number): boolean {
  return FARGATE_TASK_SIZES.get(cpu)?.includes(memory) ?? false;
}

/** Task-level cpu: "256" (units) or "0.25 vCPU" / "1 vcpu". */
function parseTaskCpu(value: string): number | null {
  const units = /^\s*([0-9]{1,6})\s*$/.exec(value);
  if (units) return Number(units[1]);
  const vcpu = /^\s*([0-9]{1,3}(?:\.[0-9]{1,3})?)\s*vcpu\s*$/i.exec(value);
  return vcpu ? Math.round(Number(vcpu[1]) * 1024) : null;
}

/** Task-level memory: "512" (MiB) or "1GB" / "0.5 gb". */
function parseTaskMemory(value: string): number | null {
  const mib = /^\s*([0-9]{1,7})\s*$/.exec(value);
  if (mib) return Number(mib[1]);
  const gb = /^\s*([0-9]{1,4}(?:\.[0-9]{1,3})?)\s*gb\s*$/i.exec(value);
  return gb ? Math.round(Number(gb[1]) * 1024) : null;
}

const invalidContainer = (name: string, detail: string) =>
  errors.client(`Invalid setting for container '${name}'. ${detail}`);

/** Validates a RegisterTaskDefinition request; returns the definition as ECS stores and describes it. */
export function buildTaskDefinition(
  s: Scope,
  input: RegisterInput,
): Omit<WireTaskDefinition, 'taskDefinitionArn' | 'revision'> {
  if (Buffer.byteLength(JSON.stringify(input)) > MAX_TASK_DEFINITION_BYTES) {
    throw errors.client(
      `Actual length: task definition. Max allowed length is '${MAX_TASK_DEFINITION_BYTES}' bytes.`,
    );
  }
  const family = input.family ?? '';
  if (!NAME_RE.test(family)) {
    throw errors.client(
      'Family contains invalid characters: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.',
    );
  }
  const containers = input.containerDefinitions ?? [];
  if (containers.length === 0) throw errors.client('Container list cannot be empty.');
  if (containers.length > MAX_CONTAINERS) {
    throw errors.client(`Too many containers: a task definition can have at most ${MAX_CONTAINERS}.`);
  }
  const networkMode = input.networkMode ?? 'bridge';
  const compat = new Set<string>(input.requiresCompatibilities ?? []);
  const ec2Like = compat.size === 0 || compat.has('EC2') || compat.has('EXTERNAL');

  const taskCpu = input.cpu === undefined ? undefined : parseTaskCpu(input.cpu);
  if (taskCpu === null) throw errors.client(`Invalid 'cpu' setting for task: ${input.cpu}.`);
  if (taskCpu !== undefined && ec2Like && (taskCpu < 128 || taskCpu > 10240) && !compat.has('FARGATE')) {
    throw errors.client(
      "Invalid 'cpu' setting for task. For EC2 the task cpu must be between 128 and 10240 units.",
    );
  }
  const taskMemory = input.memory === undefined ? undefined : parseTaskMemory(input.memory);
  if (taskMemory === null || (taskMemory !== undefined && taskMemory < MIN_CONTAINER_MEMORY)) {
    throw errors.client(`Invalid 'memory' setting for task: ${input.memory}.`);
  }
  if (compat.has('FARGATE')) {
    if (networkMode !== 'awsvpc') throw errors.client("Fargate only supports network mode 'awsvpc'.");
    if (taskCpu === undefined)
      throw errors.client("Fargate requires that 'cpu' be defined at the task level.");
    if (taskMemory === undefined)
      throw errors.client("Fargate requires that 'memory' be defined at the task level.");
    if (!fargateSizeFits(taskCpu, taskMemory)) {
      throw errors.client(
        `No Fargate configuration exists for given values: ${input.cpu} CPU, ${input.memory} memory.`,
      );
    }
  }

  const volumeNames = new Set<string>();
  for (const v of input.volumes ?? []) {
    if (v.name === undefined || !NAME_RE.test(v.name)) {
      throw errors.client(
        'Volume name should be 1-255 letters (uppercase and lowercase), numbers, hyphens, and underscores.',
      );
    }
    if (volumeNames.has(v.name)) throw errors.client(`Duplicate volume name: ${v.name}.`);
    volumeNames.add(v.name);
  }

  const names = new Set<string>();
  for (const c of containers) {
    if (c.name === undefined || c.name === '')
      throw errors.client('Container.name should not be null or empty.');
    if (!NAME_RE.test(c.name)) {
      throw errors.client(
        `Container name '${c.name.slice(0, 255)}' is invalid: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.`,
      );
    }
    if (names.has(c.name)) throw errors.client(`Duplicate container name: ${c.name}.`);
    names.add(c.name);
  }

  let cpuSum = 0;
  let memorySum = 0;
  const normalized: ContainerDefinition[] = containers.map((c) => {
    const name = c.name as string;
    if (c.image === undefined || c.image === '')
      throw errors.client('Container.image should not be null or empty.');
    if (!IMAGE_RE.test(c.image)) {
      throw invalidContainer(
        name,
        'Image names can have up to 255 letters (uppercase and lowercase), numbers, hyphens, underscores, colons, periods, forward slashes, and number signs.',
      );
    }
    if (c.cpu !== undefined && (c.cpu < 0 || c.cpu > 10240)) {
      throw invalidContainer(name, "'cpu' must be between 0 and 10240 units.");
    }
    if (c.memory !== undefined && c.memory < MIN_CONTAINER_MEMORY) {
      throw errors.client(
        `Invalid 'memory' setting for container '${name}'. The minimum memory for a container is ${MIN_CONTAINER_MEMORY} MiB.`,
      );
    }
    if (c.memoryReservation !== undefined && c.memoryReservation < MIN_CONTAINER_MEMORY) {
      throw errors.client(
        `Invalid 'memoryReservation' setting for container '${name}'. The minimum memory for a container is ${MIN_CONTAINER_MEMORY} MiB.`,
      );
    }
    if (c.memory !== undefined && c.memoryReservation !== undefined && c.memory <= c.memoryReservation) {
      throw errors.client(
        `Invalid 'memory' setting for container '${name}'. 'memory' must be greater than 'memoryReservation' when both are specified.`,
      );
    }
    if (ec2Like && taskMemory === undefined && c.memory === undefined && c.memoryReservation === undefined) {
      throw invalidContainer(name, "At least one of 'memory' or 'memoryReservation' must be specified.");
    }
    cpuSum += c.cpu ?? 0;
    memorySum += c.memoryReservation ?? c.memory ?? 0;
    const portMappings = (c.portMappings ?? []).map((p) => normalizePort(name, networkMode, p));
    for (const link of c.links ?? []) {
      if (networkMode !== 'bridge') {
        throw errors.client(`Links are not supported when networkMode=${networkMode}.`);
      }
      const target = link.split(':')[0] ?? '';
      if (!names.has(target) || target === name) {
        throw invalidContainer(
          name,
          `Link target '${target}' is not another container in this task definition.`,
        );
      }
    }
    for (const d of c.dependsOn ?? []) {
      if (!names.has(d.containerName ?? '') || d.containerName === name) {
        throw invalidContainer(
          name,
          `dependsOn container '${d.containerName}' is not another container in this task definition.`,
        );
      }
    }
    for (const v of c.volumesFrom ?? []) {
      if (v.sourceContainer === undefined || !names.has(v.sourceContainer) || v.sourceContainer === name) {
        throw invalidContainer(
          name,
          `volumesFrom source container '${v.sourceContainer ?? ''}' is not another container in this task definition.`,
        );
      }
    }
    for (const m of c.mountPoints ?? []) {
      if (m.sourceVolume === undefined || !volumeNames.has(m.sourceVolume)) {
        throw invalidContainer(name, `Unknown volume '${m.sourceVolume ?? ''}' in mountPoints.`);
      }
      if (m.containerPath === undefined || m.containerPath === '') {
        throw invalidContainer(name, 'mountPoints containerPath should not be null or empty.');
      }
    }
    for (const e of c.environment ?? []) {
      if (e.name === undefined || e.name === '')
        throw invalidContainer(name, 'Environment variable names should not be empty.');
    }
    return {
      ...c,
      cpu: c.cpu ?? 0,
      portMappings,
      essential: c.essential ?? true,
      environment: c.environment ?? [],
      mountPoints: c.mountPoints ?? [],
      volumesFrom: c.volumesFrom ?? [],
    };
  });
  if (!normalized.some((c) => c.essential)) {
    throw errors.client('Invalid task definition: at least one essential container is required.');
  }
  if (taskCpu !== undefined && cpuSum > taskCpu) {
    throw errors.client(
      `The sum of the container 'cpu' values (${cpuSum}) is greater than the task 'cpu' (${taskCpu}).`,
    );
  }
  if (taskMemory !== undefined && memorySum > taskMemory) {
    throw errors.client(
      `The sum of the container memory reservations (${memorySum}) is greater than the task 'memory' (${taskMemory}).`,
    );
  }

  for (const pc of input.placementConstraints ?? []) {
    if (pc.type !== 'memberOf') {
      throw errors.client('Task definition placement constraints only support the memberOf type.');
    }
    if (!pc.expression) throw errors.client('A memberOf placement constraint requires an expression.');
  }
  if ((input.placementConstraints ?? []).length > 10) {
    throw errors.client('A task definition can have at most 10 placement constraints.');
  }
  if (compat.has('FARGATE') && (input.placementConstraints ?? []).length > 0) {
    throw errors.client('Placement constraints are not supported by Fargate.');
  }

  const fargateFit =
    networkMode === 'awsvpc' &&
    taskCpu !== undefined &&
    taskMemory !== undefined &&
    fargateSizeFits(taskCpu, taskMemory) &&
    (input.placementConstraints ?? []).length === 0;
  const compatibilities = [
    ...(networkMode === 'awsvpc' ? [] : ['EXTERNAL']),
    'EC2',
    ...(fargateFit ? ['FARGATE'] : []),
  ] as ecs.Compatibility[];

  const def: Omit<WireTaskDefinition, 'taskDefinitionArn' | 'revision'> = {
    containerDefinitions: normalized,
    family,
    ...(input.taskRoleArn !== undefined ? { taskRoleArn: input.taskRoleArn } : {}),
    ...(input.executionRoleArn !== undefined ? { executionRoleArn: input.executionRoleArn } : {}),
    networkMode,
    volumes: input.volumes ?? [],
    status: 'ACTIVE',
    requiresAttributes: requiredAttributes(input, normalized, networkMode),
    placementConstraints: input.placementConstraints ?? [],
    compatibilities,
    ...(input.requiresCompatibilities ? { requiresCompatibilities: input.requiresCompatibilities } : {}),
    ...(input.cpu !== undefined ? { cpu: String(taskCpu) } : {}),
    ...(input.memory !== undefined ? { memory: String(taskMemory) } : {}),
    ...(input.pidMode ? { pidMode: input.pidMode } : {}),
    ...(input.ipcMode ? { ipcMode: input.ipcMode } : {}),
    ...(input.proxyConfiguration ? { proxyConfiguration: input.proxyConfiguration } : {}),
    ...(input.ephemeralStorage ? { ephemeralStorage: input.ephemeralStorage } : {}),
    ...(input.runtimePlatform ? { runtimePlatform: input.runtimePlatform } : {}),
    ...(input.enableFaultInjection !== undefined ? { enableFaultInjection: input.enableFaultInjection } : {}),
    registeredAt: s.now,
    registeredBy: `arn:aws:iam::${s.accountId}:root`,
  };
  return def;
}

function normalizePort(
  container: string,
  networkMode: string,
  p: Wire<ecs.PortMapping>,
): Wire<ecs.PortMapping> {
  if (networkMode === 'none') throw errors.client('Port mappings are not supported when networkMode=none.');
  if (p.containerPortRange !== undefined) {
    if (p.containerPort !== undefined || p.hostPort !== undefined) {
      throw invalidContainer(
        container,
        'containerPortRange cannot be combined with containerPort or hostPort.',
      );
    }
    const m = /^([0-9]{1,5})-([0-9]{1,5})$/.exec(p.containerPortRange);
    if (!m || Number(m[1]) < 1 || Number(m[2]) > 65535 || Number(m[1]) >= Number(m[2])) {
      throw invalidContainer(container, `Invalid containerPortRange '${p.containerPortRange.slice(0, 32)}'.`);
    }
    return { ...p, protocol: p.protocol ?? 'tcp' };
  }
  if (p.containerPort === undefined)
    throw invalidContainer(container, 'portMappings containerPort must be specified.');
  if (p.containerPort < 1 || p.containerPort > 65535) {
    throw invalidContainer(
      container,
      `Invalid containerPort ${p.containerPort}: ports must be between 1 and 65535.`,
    );
  }
  if (p.hostPort !== undefined && (p.hostPort < 0 || p.hostPort > 65535)) {
    throw invalidContainer(container, `Invalid hostPort ${p.hostPort}: ports must be between 0 and 65535.`);
  }
  let hostPort = p.hostPort ?? 0;
  if (networkMode === 'awsvpc' || networkMode === 'host') {
    if (p.hostPort !== undefined && p.hostPort !== p.containerPort) {
      throw errors.client(
        `When networkMode=${networkMode}, the host ports and container ports in port mappings must match.`,
      );
    }
    hostPort = p.containerPort;
  }
  if (networkMode !== 'awsvpc' && RESERVED_HOST_PORTS.includes(hostPort)) {
    throw invalidContainer(
      container,
      `Host port ${hostPort} is reserved on container instances (reserved: ${RESERVED_HOST_PORTS.join(', ')}).`,
    );
  }
  return { ...p, containerPort: p.containerPort, hostPort, protocol: p.protocol ?? 'tcp' };
}

/** Attributes an instance must have to run the definition (a subset of what ECS computes). */
function requiredAttributes(
  input: RegisterInput,
  containers: ContainerDefinition[],
  networkMode: string,
): Wire<ecs.Attribute>[] {
  const names = new Set<string>();
  if (containers.some((c) => c.memoryReservation !== undefined))
    names.add('com.amazonaws.ecs.capability.docker-remote-api.1.21');
  if (input.taskRoleArn) names.add('com.amazonaws.ecs.capability.task-iam-role');
  if (networkMode === 'awsvpc') names.add('ecs.capability.task-eni');
  for (const c of containers) {
    const driver = c.logConfiguration?.logDriver;
    if (driver) {
      names.add(`com.amazonaws.ecs.capability.logging-driver.${driver}`);
      names.add('com.amazonaws.ecs.capability.docker-remote-api.1.19');
    }
    if (c.healthCheck) names.add('ecs.capability.container-health-check');
    if (c.dependsOn?.length) names.add('ecs.capability.container-ordering');
  }
  return [...names].sort().map((name) => ({ name }));
}

export function registerTaskDefinition(s: Scope, input: RegisterInput) {
  const def = buildTaskDefinition(s, input);
  const tags = validateTags(input.tags);
  return s.deps.db.tx(() => {
    const revision = s.deps.db.nextSeq(`ecs-task-definition:${s.region}:${def.family}`);
    const taskDefinitionArn = taskDefinitionArnOf(s, def.family, revision);
    const taskDefinition: WireTaskDefinition = { taskDefinitionArn, ...def, revision };
    const record: TaskDefinitionRecord = { taskDefinition, tags, region: s.region };
    s.col.taskDefinitions.put(taskDefinitionArn, record);
    return { taskDefinition, tags };
  });
}

export function describeTaskDefinition(s: Scope, input: Wire<ecs.DescribeTaskDefinitionRequest>) {
  const rec = findTaskDefinition(s, input.taskDefinition ?? '');
  if (!rec || rec.taskDefinition.status === 'DELETE_IN_PROGRESS') {
    throw errors.client('Unable to describe task definition.');
  }
  const withTags = (input.include ?? []).includes('TAGS');
  return { taskDefinition: rec.taskDefinition, ...(withTags ? { tags: rec.tags } : {}) };
}

const revisionKey = (r: TaskDefinitionRecord) =>
  `${r.taskDefinition.family}:${String(r.taskDefinition.revision).padStart(10, '0')}`;

export function listTaskDefinitions(s: Scope, input: Wire<ecs.ListTaskDefinitionsRequest>) {
  const max = maxResultsOf(input.maxResults, 100);
  const status = input.status ?? 'ACTIVE';
  const records =
    input.familyPrefix !== undefined
      ? s.col.taskDefinitions.find({ family: `${s.region}|${input.familyPrefix}` })
      : s.col.taskDefinitions.find({ regionStatus: `${s.region}|${status}` });
  const sorted = records
    .filter((r) => r.taskDefinition.status === status)
    .sort((a, b) => compareStrings(revisionKey(a), revisionKey(b)));
  if (input.sort === 'DESC') sorted.reverse();
  const query = `ListTaskDefinitions|${input.familyPrefix ?? ''}|${status}|${input.sort ?? 'ASC'}`;
  const { page, nextToken } = pageOf(sorted, revisionKey, input.nextToken, max, query);
  return {
    taskDefinitionArns: page.map((r) => r.taskDefinition.taskDefinitionArn),
    ...(nextToken ? { nextToken } : {}),
  };
}

export function listTaskDefinitionFamilies(s: Scope, input: Wire<ecs.ListTaskDefinitionFamiliesRequest>) {
  const max = maxResultsOf(input.maxResults, 100);
  const status = input.status ?? 'ALL';
  const active = new Set(
    s.col.taskDefinitions.find({ regionStatus: `${s.region}|ACTIVE` }).map((r) => r.taskDefinition.family),
  );
  const all = new Set<string>(active);
  if (status !== 'ACTIVE') {
    for (const r of s.col.taskDefinitions.find({ regionStatus: `${s.region}|INACTIVE` }))
      all.add(r.taskDefinition.family);
  }
  const families = [...all]
    .filter((f) => (status === 'ACTIVE' ? active.has(f) : status === 'INACTIVE' ? !active.has(f) : true))
    .filter((f) => input.familyPrefix === undefined || f.startsWith(input.familyPrefix))
    .sort(compareStrings);
  const query = `ListTaskDefinitionFamilies|${input.familyPrefix ?? ''}|${status}`;
  const { page, nextToken } = pageOf(families, (f) => f, input.nextToken, max, query);
  return { families: page, ...(nextToken ? { nextToken } : {}) };
}

/** `family:revision` or an ARN naming a revision; a bare family is refused like ECS does. */
function exactRevision(s: Scope, ref: string): TaskDefinitionRecord | null {
  const value = ref.startsWith('arn:') ? (ecsResource(s, ref)?.replace(/^task-definition\//, '') ?? '') : ref;
  if (!/:[0-9]+$/.test(value))
    throw errors.invalid(`Invalid revision number. Number: ${value.slice(0, 300)}`);
  return findTaskDefinition(s, ref);
}

export function deregisterTaskDefinition(s: Scope, input: Wire<ecs.DeregisterTaskDefinitionRequest>) {
  return s.deps.db.tx(() => {
    const rec = exactRevision(s, input.taskDefinition ?? '');
    if (!rec || rec.taskDefinition.status === 'DELETE_IN_PROGRESS') {
      throw errors.client('The specified task definition does not exist.');
    }
    if (rec.taskDefinition.status === 'ACTIVE') {
      rec.taskDefinition = { ...rec.taskDefinition, status: 'INACTIVE', deregisteredAt: s.now };
      s.col.taskDefinitions.put(rec.taskDefinition.taskDefinitionArn, rec);
    }
    return { taskDefinition: rec.taskDefinition };
  });
}

export function deleteTaskDefinitions(s: Scope, input: Wire<ecs.DeleteTaskDefinitionsRequest>) {
  const refs = batch(input.taskDefinitions, 'taskDefinitions', 10);
  return s.deps.db.tx(() => {
    const taskDefinitions: WireTaskDefinition[] = [];
    const failures: Failure[] = [];
    for (const ref of refs) {
      const rec = exactRevision(s, ref);
      if (!rec) {
        failures.push({ arn: ref, reason: 'The specified task definition does not exist.' });
      } else if (rec.taskDefinition.status === 'ACTIVE') {
        failures.push({
          arn: rec.taskDefinition.taskDefinitionArn,
          reason:
            'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
        });
      } else {
        if (rec.taskDefinition.status === 'INACTIVE') {
          rec.taskDefinition = {
            ...rec.taskDefinition,
            status: 'DELETE_IN_PROGRESS',
            deleteRequestedAt: s.now,
          };
          s.col.taskDefinitions.put(rec.taskDefinition.taskDefinitionArn, rec);
        }
        taskDefinitions.push(rec.taskDefinition);
      }
    }
    return { taskDefinitions, failures };
  });
}
