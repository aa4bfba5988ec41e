/**
 * RegisterContainerInstance, DeregisterContainerInstance, DescribeContainerInstances,
 * ListContainerInstances, UpdateContainerInstancesState.
 *
 * Registered resources are what the instance offers (CPU, MEMORY, PORTS with the reserved ports,
 * PORTS_UDP); remaining resources start equal and are booked by the scheduler at placement and
 * released by the agent at STOPPED (scheduler/resources.ts).
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { allocateAddress } from '../common/addresses';
import { ec2Id, hexId } from '../common/ids';
import {
  QuerySyntaxError,
  evaluateClusterQuery,
  parseClusterQuery,
  type QueryNode,
} from '../scheduler/cluster-query';
import {
  activeCluster,
  anyCluster,
  batch,
  errors,
  findInstance,
  peekInstance,
  instanceArnOf,
  maxResultsOf,
  pageOf,
  validateTags,
  type Failure,
  type Scope,
} from './common';
import { type ContainerInstanceRecord, type Wire, type WireContainerInstance } from './model';
import { countKeys, liveOnInstance, taskCounts, tasksOnInstance } from './counts';
import { keepJson } from '../protocol/json-body';
import { AGENT_LOG_DRIVERS, RESERVED_HOST_PORTS, registeredMemoryMiB } from '../../facts/container-instance';
import { INSTANCE_TYPES, instanceTypeInfo } from '../../facts/instance-types';

type Resource = Wire<ecs.Resource>;

const DOCKER_API_VERSIONS = Array.from({ length: 28 }, (_, i) => `1.${17 + i}`);

function defaultAttributes(instanceType: string, zone: string, amiId: string): Wire<ecs.Attribute>[] {
  return [
    { name: 'ecs.instance-type', value: instanceType },
    { name: 'ecs.availability-zone', value: zone },
    { name: 'ecs.os-type', value: 'linux' },
    { name: 'ecs.os-family', value: 'LINUX' },
    { name: 'ecs.ami-id', value: amiId },
    { name: 'ecs.cpu-architecture', value: 'x86_64' },
    ...DOCKER_API_VERSIONS.map((v) => ({ name: `com.amazonaws.ecs.capability.docker-remote-api.${v}` })),
    ...AGENT_LOG_DRIVERS.map((d) => ({ name: `com.amazonaws.ecs.capability.logging-driver.${d}` })),
    { name: 'com.amazonaws.ecs.capability.privileged-container' },
    { name: 'com.amazonaws.ecs.capability.ecr-auth' },
    { name: 'com.amazonaws.ecs.capability.task-iam-role' },
    { name: 'com.amazonaws.ecs.capability.task-iam-role-network-host' },
    { name: 'ecs.capability.task-eni' },
    { name: 'ecs.capability.task-cpu-mem-limit' },
    { name: 'ecs.capability.container-health-check' },
    { name: 'ecs.capability.container-ordering' },
    { name: 'ecs.capability.execution-role-awslogs' },
    { name: 'ecs.capability.execution-role-ecr-pull' },
  ];
}

const ATTRIBUTE_NAME_RE = /^[A-Za-z0-9_./-]{1,128}$/;
const ATTRIBUTE_VALUE_RE = /^[A-Za-z0-9_.@/\\: -]{0,128}$/;

export function validateAttribute(a: Wire<ecs.Attribute>): void {
  const name = a.name ?? '';
  if (!ATTRIBUTE_NAME_RE.test(name)) {
    throw errors.invalid(
      `Invalid attribute name '${name.slice(0, 128)}': up to 128 letters, numbers, hyphens, underscores, periods and forward slashes are allowed.`,
    );
  }
  if (a.value !== undefined && (!ATTRIBUTE_VALUE_RE.test(a.value) || a.value.trim() !== a.value)) {
    throw errors.invalid(`Invalid attribute value for '${a.name}'.`);
  }
}

function mergeAttributes(base: Wire<ecs.Attribute>[], extra: Wire<ecs.Attribute>[]): Wire<ecs.Attribute>[] {
  const map = new Map(base.map((a) => [a.name, a]));
  for (const a of extra)
    map.set(a.name, { name: a.name, ...(a.value !== undefined ? { value: a.value } : {}) });
  return [...map.values()];
}

const integerResource = (name: string, value: number): Resource => ({
  name,
  type: 'INTEGER',
  doubleValue: 0,
  longValue: 0,
  integerValue: value,
});
const portsResource = (name: string, ports: number[]): Resource => ({
  name,
  type: 'STRINGSET',
  doubleValue: 0,
  longValue: 0,
  integerValue: 0,
  stringSetValue: ports.map(String),
});

interface IdentityDocument {
  instanceId?: string;
  region?: string;
  instanceType?: string;
  privateIp?: string;
  availabilityZone?: string;
  imageId?: string;
}

function parseIdentity(doc: string | undefined): IdentityDocument {
  if (doc === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch {
    throw errors.client('Invalid instance identity document.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw errors.client('Invalid instance identity document.');
  }
  const out: IdentityDocument = {};
  for (const key of [
    'instanceId',
    'region',
    'instanceType',
    'privateIp',
    'availabilityZone',
    'imageId',
  ] as const) {
    const v = (parsed as Record<string, unknown>)[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v.length > 255)
      throw errors.client(`Invalid instance identity document: ${key}.`);
    out[key] = v;
  }
  if (out.instanceId !== undefined && !/^i-[0-9a-f]{8,17}$/.test(out.instanceId)) {
    throw errors.client('Invalid instance identity document: instanceId.');
  }
  if (out.privateIp !== undefined && !/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(out.privateIp)) {
    throw errors.client('Invalid instance identity document: privateIp.');
  }
  return out;
}

/** CPU and MEMORY from totalResources (else from the instance type); ports the instance keeps for itself. */
function resourcesOf(
  input: Wire<ecs.RegisterContainerInstanceRequest>,
  instanceType: string,
): { cpu: number; memory: number; tcp: number[]; udp: number[] } {
  const { vcpus, memoryMiB } = instanceTypeInfo(instanceType) ?? INSTANCE_TYPES['t2.micro'];
  let cpu = vcpus * 1024;
  let memory = registeredMemoryMiB(memoryMiB);
  const tcp = new Set(RESERVED_HOST_PORTS);
  const udp = new Set<number>();
  for (const r of input.totalResources ?? []) {
    if (r.name === 'CPU' || r.name === 'MEMORY') {
      const value = r.integerValue ?? r.longValue ?? r.doubleValue;
      if (value === undefined || !Number.isInteger(value) || value < 0 || value > 10_000_000) {
        throw errors.invalid(`Invalid value for resource ${r.name}.`);
      }
      if (r.name === 'CPU') cpu = value;
      else memory = value;
    } else if (r.name === 'PORTS' || r.name === 'PORTS_UDP') {
      for (const p of r.stringSetValue ?? []) {
        if (!/^[0-9]{1,5}$/.test(p) || Number(p) > 65535)
          throw errors.invalid(`Invalid port ${p.slice(0, 16)} in ${r.name}.`);
        (r.name === 'PORTS' ? tcp : udp).add(Number(p));
      }
    }
  }
  const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b);
  return { cpu, memory, tcp: sorted(tcp), udp: sorted(udp) };
}

export function registerContainerInstance(s: Scope, input: Wire<ecs.RegisterContainerInstanceRequest>) {
  const identity = parseIdentity(input.instanceIdentityDocument);
  const instanceType = identity.instanceType ?? 't2.micro';
  const { cpu, memory, tcp, udp } = resourcesOf(input, instanceType);
  for (const a of input.attributes ?? []) validateAttribute(a);
  if ((input.attributes ?? []).length > 128) throw errors.invalid('Too many attributes (at most 128).');
  const tags = validateTags(input.tags);
  const record = s.deps.db.tx(() => {
    const cluster = activeCluster(s, input.cluster);
    const clusterArn = cluster.cluster.clusterArn;
    const clusterName = cluster.cluster.clusterName;
    let existing: ContainerInstanceRecord | null = null;
    if (input.containerInstanceArn !== undefined) {
      existing = findInstance(s, cluster, input.containerInstanceArn);
      if (!existing) throw errors.client('The referenced container instance was not found.');
    } else if (identity.instanceId !== undefined) {
      const same = s.col.containerInstances
        .find({ ec2InstanceId: identity.instanceId })
        .filter((r) => r.containerInstance.status !== 'INACTIVE');
      const elsewhere = same.find((r) => r.clusterArn !== clusterArn);
      if (elsewhere) {
        throw errors.client(`The instance ${identity.instanceId} is already registered in another cluster.`);
      }
      existing = same[0] ?? null;
    }
    const zone = identity.availabilityZone ?? `${s.region}a`;
    const amiId = identity.imageId ?? 'ami-0ec5c0e0ec5c0e0ec';
    const registeredResources = [
      integerResource('CPU', cpu),
      integerResource('MEMORY', memory),
      portsResource('PORTS', tcp),
      portsResource('PORTS_UDP', udp),
    ];
    const versionInfo = {
      agentVersion: input.versionInfo?.agentVersion ?? '1.89.0',
      agentHash: input.versionInfo?.agentHash ?? 'ecsconsole',
      dockerVersion: input.versionInfo?.dockerVersion ?? 'DockerVersion: 25.0.8',
    };
    const attributes = mergeAttributes(defaultAttributes(instanceType, zone, amiId), [
      ...(existing?.containerInstance.attributes ?? []).filter((a) => !(a.name ?? '').startsWith('ecs.')),
      ...(input.attributes ?? []),
    ]);
    let rec: ContainerInstanceRecord;
    if (existing) {
      const ci = existing.containerInstance;
      rec = {
        ...existing,
        containerInstance: {
          ...ci,
          status: 'ACTIVE',
          agentConnected: true,
          versionInfo,
          attributes,
          version: (ci.version ?? 1) + 1,
          ...(tags.length ? { tags } : {}),
        },
      };
    } else {
      const id = hexId();
      const arn = instanceArnOf(s, clusterName, id);
      const ec2InstanceId = identity.instanceId ?? ec2Id('i');
      const address = identity.privateIp ?? allocateAddress(s.deps, 'container-instance');
      const containerInstance: WireContainerInstance = {
        containerInstanceArn: arn,
        ec2InstanceId,
        version: 1,
        versionInfo,
        remainingResources: registeredResources,
        registeredResources,
        status: 'ACTIVE',
        agentConnected: true,
        runningTasksCount: 0,
        pendingTasksCount: 0,
        attributes,
        registeredAt: s.now,
        attachments: [],
        tags,
      };
      rec = {
        containerInstance,
        clusterArn,
        region: s.region,
        address,
        simulated: identity.instanceId !== undefined,
      };
    }
    s.col.containerInstances.put(rec.containerInstance.containerInstanceArn, rec);
    return rec;
  });
  s.deps.bus.emit('ecs.cluster.dirty', { clusterArn: record.clusterArn });
  return { containerInstance: describeInstance(s, record, new Set()) };
}

/** The instance as DescribeContainerInstances shows it: task counts from the store's counters. */
export function describeInstance(
  s: Scope,
  rec: ContainerInstanceRecord,
  include: Set<string>,
): WireContainerInstance {
  const { running, pending } = taskCounts.instance(s.col.tasks, rec.containerInstance.containerInstanceArn);
  if (Object.isFrozen(rec) && !include.has('CONTAINER_INSTANCE_HEALTH'))
    return keptInstance(rec, include.has('TAGS'), running, pending);
  const out: WireContainerInstance = {
    ...rec.containerInstance,
    runningTasksCount: running,
    pendingTasksCount: pending,
  };
  if (!include.has('TAGS')) delete out.tags;
  if (include.has('CONTAINER_INSTANCE_HEALTH')) {
    // The container runtime check, as the agent reports it while it is connected.
    const status = out.agentConnected === false ? 'INSUFFICIENT_DATA' : 'OK';
    out.healthStatus = {
      overallStatus: status,
      details: [
        {
          type: 'CONTAINER_RUNTIME',
          status,
          lastUpdated: s.now,
          ...(out.registeredAt !== undefined ? { lastStatusChange: out.registeredAt } : {}),
        },
      ],
    };
  }
  return out;
}

/**
 * Per frozen record (a store write makes a new one) and with tags or not: the record's JSON without
 * the counts, after its `{`, and the last answer made from it.
 */
interface KeptInstance {
  tail: Buffer;
  last?: WireContainerInstance;
}
const keptInstances = new WeakMap<
  ContainerInstanceRecord,
  { tagged?: KeptInstance; untagged?: KeptInstance }
>();

/**
 * `describeInstance` of a frozen record: a frozen answer whose JSON is kept for the response
 * (json-body.ts), made of the counts and the record's own JSON, serialised once per record. The
 * same answer again while the counts stay the same.
 */
function keptInstance(
  rec: ContainerInstanceRecord,
  withTags: boolean,
  running: number,
  pending: number,
): WireContainerInstance {
  let variants = keptInstances.get(rec);
  if (variants === undefined) {
    variants = {};
    keptInstances.set(rec, variants);
  }
  const key = withTags ? 'tagged' : 'untagged';
  const { runningTasksCount: _running, pendingTasksCount: _pending, ...fields } = rec.containerInstance;
  if (!withTags) delete fields.tags;
  let kept = variants[key];
  if (kept === undefined) {
    const text = JSON.stringify(fields);
    kept = { tail: Buffer.from(text === '{}' ? '}' : `,${text.slice(1)}`) };
    variants[key] = kept;
  }
  const last = kept.last;
  if (last?.runningTasksCount === running && last.pendingTasksCount === pending) return last;
  const out: WireContainerInstance = Object.freeze({
    ...fields,
    runningTasksCount: running,
    pendingTasksCount: pending,
  });
  const head = Buffer.from(`{"runningTasksCount":${running},"pendingTasksCount":${pending}`);
  kept.last = keepJson(out, [head, kept.tail]);
  return out;
}

export function deregisterContainerInstance(s: Scope, input: Wire<ecs.DeregisterContainerInstanceRequest>) {
  const { rec, stopped } = s.deps.db.tx(() => {
    const cluster = activeCluster(s, input.cluster);
    const found = findInstance(s, cluster, input.containerInstance ?? '');
    if (!found || found.containerInstance.status === 'INACTIVE') {
      throw errors.invalid('The referenced container instance was not found.');
    }
    const instanceArn = found.containerInstance.containerInstanceArn;
    // Refused from a counter (counts.ts); forced, the instance's tasks are read (O(its tasks)).
    if (!input.force && liveOnInstance(s.col.tasks, instanceArn) > 0)
      throw errors.invalid('Found running tasks on the instance.');
    const live = input.force
      ? tasksOnInstance(s.col.tasks, instanceArn).filter((t) => t.task.lastStatus !== 'STOPPED')
      : [];
    // Forced: the instance goes away with its tasks; services replace theirs elsewhere.
    for (const t of live) {
      if (t.task.desiredStatus === 'STOPPED') continue;
      t.task = {
        ...t.task,
        desiredStatus: 'STOPPED',
        stopCode: 'UserInitiated',
        stoppedReason: 'Container instance deregistered',
        stoppingAt: s.now,
      };
      s.col.tasks.put(t.task.taskArn, t);
    }
    const updated: ContainerInstanceRecord = {
      ...found,
      containerInstance: {
        ...found.containerInstance,
        status: 'INACTIVE',
        agentConnected: false,
        version: (found.containerInstance.version ?? 1) + 1,
      },
    };
    s.col.containerInstances.put(updated.containerInstance.containerInstanceArn, updated);
    return { rec: updated, stopped: live };
  });
  for (const t of stopped) {
    s.deps.bus.emit('ecs.task.changed', {
      clusterArn: t.task.clusterArn,
      taskArn: t.task.taskArn,
      containerInstanceArn: rec.containerInstance.containerInstanceArn,
    });
  }
  s.deps.bus.emit('ecs.cluster.dirty', { clusterArn: rec.clusterArn });
  return { containerInstance: describeInstance(s, rec, new Set()) };
}

export function describeContainerInstances(s: Scope, input: Wire<ecs.DescribeContainerInstancesRequest>) {
  const refs = batch(input.containerInstances, 'ContainerInstances', 100);
  const cluster = anyCluster(s, input.cluster);
  const include = new Set<string>(input.include ?? []);
  const containerInstances: WireContainerInstance[] = [];
  const failures: Failure[] = [];
  for (const ref of refs) {
    // The shared frozen document (answered from its kept JSON): nothing here changes it.
    const rec = peekInstance(s, cluster, ref);
    if (rec) containerInstances.push(describeInstance(s, rec, include));
    else failures.push({ arn: ref, reason: 'MISSING' });
  }
  return { containerInstances, failures };
}

/**
 * The task groups on each instance of a cluster, from the counters placement reads (counts.ts
 * `countKeys.group`: tasks not STOPPED and desired RUNNING): one key range, O(groups x instances).
 */
function groupsByInstance(s: Scope, clusterArn: string): Map<string, Set<string>> {
  const prefix = countKeys.groupPrefix(clusterArn);
  const out = new Map<string, Set<string>>();
  for (const key of s.col.tasks.countedWithPrefix(prefix).keys()) {
    const { group, instanceArn } = countKeys.groupKeyParts(clusterArn, key.slice(prefix.length));
    const groups = out.get(instanceArn) ?? new Set<string>();
    groups.add(group);
    out.set(instanceArn, groups);
  }
  return out;
}

const NO_GROUPS: ReadonlySet<string> = new Set();

/** The query-language view of an instance (scheduler/cluster-query.ts): counters, no task read. */
function queryTarget(s: Scope, rec: ContainerInstanceRecord, groups: Map<string, Set<string>>) {
  const ci = rec.containerInstance;
  return {
    agentConnected: ci.agentConnected ?? false,
    ...(ci.versionInfo?.agentVersion ? { agentVersion: ci.versionInfo.agentVersion } : {}),
    ec2InstanceId: ci.ec2InstanceId,
    ...(ci.registeredAt !== undefined ? { registeredAt: ci.registeredAt } : {}),
    runningTasksCount: taskCounts.instance(s.col.tasks, ci.containerInstanceArn).running,
    attributes: new Map((ci.attributes ?? []).map((a) => [a.name ?? '', a.value ?? ''])),
    taskGroups: groups.get(ci.containerInstanceArn) ?? NO_GROUPS,
  };
}

export function parseFilter(expression: string): QueryNode {
  if (expression.length > 2000) throw errors.invalid('The filter expression is too long.');
  try {
    return parseClusterQuery(expression);
  } catch (e) {
    if (e instanceof QuerySyntaxError) throw errors.invalid(`Invalid filter expression: ${e.message}`);
    throw e;
  }
}

export function listContainerInstances(s: Scope, input: Wire<ecs.ListContainerInstancesRequest>) {
  const max = maxResultsOf(input.maxResults, 100);
  const cluster = anyCluster(s, input.cluster);
  const filter = input.filter !== undefined ? parseFilter(input.filter) : null;
  const statuses = input.status ? [input.status] : ['ACTIVE', 'DRAINING'];
  const groups = filter ? groupsByInstance(s, cluster.cluster.clusterArn) : new Map<string, Set<string>>();
  const arns = s.col.containerInstances
    .peekMany({ cluster: cluster.cluster.clusterArn })
    .filter((r) => statuses.includes(r.containerInstance.status))
    .filter((r) => !filter || evaluateClusterQuery(filter, queryTarget(s, r, groups)))
    .map((r) => r.containerInstance.containerInstanceArn)
    .sort();
  const query = `ListContainerInstances|${cluster.cluster.clusterArn}|${input.filter ?? ''}|${statuses.join()}`;
  const { page, nextToken } = pageOf(arns, (a) => a, input.nextToken, max, query);
  return { containerInstanceArns: page, ...(nextToken ? { nextToken } : {}) };
}

export function updateContainerInstancesState(
  s: Scope,
  input: Wire<ecs.UpdateContainerInstancesStateRequest>,
) {
  const refs = batch(input.containerInstances, 'containerInstances', 10);
  const status = input.status;
  if (status !== 'ACTIVE' && status !== 'DRAINING') {
    throw errors.invalid('Container instances status can only be updated to ACTIVE or DRAINING.');
  }
  const result = s.deps.db.tx(() => {
    const cluster = activeCluster(s, input.cluster);
    const containerInstances: WireContainerInstance[] = [];
    const failures: Failure[] = [];
    for (const ref of refs) {
      const rec = findInstance(s, cluster, ref);
      if (!rec) {
        failures.push({ arn: ref, reason: 'MISSING' });
        continue;
      }
      if (rec.containerInstance.status === 'INACTIVE') {
        failures.push({ arn: rec.containerInstance.containerInstanceArn, reason: 'INACTIVE' });
        continue;
      }
      if (rec.containerInstance.status !== status) {
        rec.containerInstance = {
          ...rec.containerInstance,
          status,
          version: (rec.containerInstance.version ?? 1) + 1,
        };
        s.col.containerInstances.put(rec.containerInstance.containerInstanceArn, rec);
      }
      containerInstances.push(describeInstance(s, rec, new Set()));
    }
    return { clusterArn: cluster.cluster.clusterArn, containerInstances, failures };
  });
  s.deps.bus.emit('ecs.cluster.dirty', { clusterArn: result.clusterArn });
  return { containerInstances: result.containerInstances, failures: result.failures };
}

/** The instance named by a PutAttributes/DeleteAttributes target, or TargetNotFoundException. */
export function attributeTarget(
  s: Scope,
  clusterRef: string | undefined,
  targetId: string,
): ContainerInstanceRecord {
  const cluster = activeCluster(s, clusterRef);
  const rec = findInstance(s, cluster, targetId);
  if (!rec || rec.containerInstance.status === 'INACTIVE') {
    throw errors.targetNotFound(`Could not find ${targetId.slice(0, 300)}.`);
  }
  return rec;
}
