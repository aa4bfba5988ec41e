/**
 * The operations only the container agent calls: DiscoverPollEndpoint, SubmitTaskStateChange,
 * SubmitContainerStateChange, SubmitAttachmentStateChanges, and UpdateContainerAgent.
 *
 * The local agent (src/local/agent) walks tasks through their lifecycle itself; an outside agent's
 * reports are written onto the tasks as ECS records them: container state, exit codes, reasons,
 * runtime ids and network bindings; an essential container that stopped stops its task (stopCode
 * EssentialContainerExited) and a task reported STOPPED is stopped, the local agent walking it down
 * and releasing its resources; image pull and execution times; attachment statuses. Reports never
 * move a task backwards.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { AwsError } from '../protocol/errors';
import { AGENT_VERSION_INFO } from '../agent/registration';
import { withExitedContainer } from '../agent/container-events';
import { TASK_STATUSES } from '../agent/lifecycle';
import { activeCluster, errors, findInstance, findTask, type Scope } from './common';
import type { ClusterRecord, TaskRecord, Wire } from './model';
import { taskKeys } from './counts';

/** Where the agent polls: this control plane (the address it was reached on is its own). */
export function discoverPollEndpoint(s: Scope, input: Wire<ecs.DiscoverPollEndpointRequest>) {
  if (input.containerInstance !== undefined && input.cluster !== undefined) {
    const cluster = activeCluster(s, input.cluster);
    if (!findInstance(s, cluster, input.containerInstance)) {
      throw errors.invalid('The referenced container instance was not found.');
    }
  }
  const endpoint = s.deps.config.endpoint ?? `https://ecs.${s.region}.amazonaws.com`;
  const base = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  return { endpoint: base, telemetryEndpoint: base, serviceConnectEndpoint: base };
}

const ACK = { acknowledgment: 'ACK' };

const TASK_ORDER: readonly string[] = TASK_STATUSES;
const CONTAINER_ORDER = ['PENDING', 'RUNNING', 'STOPPED'];
const rank = (order: string[], status: string | undefined) => order.indexOf(status ?? '');

function taskOf(s: Scope, cluster: ClusterRecord, ref: string | undefined): TaskRecord {
  const rec = ref === undefined ? null : findTask(s, cluster, ref);
  if (!rec) throw errors.invalid('The referenced task was not found.');
  return rec;
}

interface ContainerReport {
  containerName?: string;
  runtimeId?: string;
  status?: string;
  exitCode?: number;
  reason?: string;
  networkBindings?: Wire<ecs.NetworkBinding>[];
}

/** A container's reported state on the task (forward only); an essential one stopping stops the task. */
function withContainer(s: Scope, rec: TaskRecord, report: ContainerReport, nowMs: number): TaskRecord {
  const container = rec.task.containers?.find((c) => c.name === report.containerName);
  if (!container) {
    throw errors.invalid(
      `The container ${(report.containerName ?? '').slice(0, 255)} is not part of the task.`,
    );
  }
  if (report.status !== undefined && !CONTAINER_ORDER.includes(report.status)) {
    throw errors.invalid(`Invalid container status ${report.status.slice(0, 64)}.`);
  }
  if (report.status === 'STOPPED') {
    const td = s.col.taskDefinitions.get(rec.task.taskDefinitionArn ?? '')?.taskDefinition;
    const essential =
      td?.containerDefinitions.find((c) => c.name === report.containerName)?.essential ?? true;
    const exited = withExitedContainer(
      rec,
      {
        containerName: container.name ?? '',
        ...(report.exitCode !== undefined ? { exitCode: report.exitCode } : {}),
        ...(report.reason ? { reason: report.reason } : {}),
      },
      essential,
      nowMs,
      s.deps.config.taskStepMs,
    );
    return withRuntimeId(exited, report);
  }
  const forward = rank(CONTAINER_ORDER, report.status) > rank(CONTAINER_ORDER, container.lastStatus);
  const containers = (rec.task.containers ?? []).map((c) =>
    c.name !== report.containerName
      ? c
      : {
          ...c,
          ...(forward ? { lastStatus: report.status } : {}),
          ...(report.runtimeId ? { runtimeId: report.runtimeId } : {}),
          ...(report.networkBindings ? { networkBindings: report.networkBindings } : {}),
        },
  );
  return { ...rec, task: { ...rec.task, containers, version: (rec.task.version ?? 1) + 1 } };
}

function withRuntimeId(rec: TaskRecord, report: ContainerReport): TaskRecord {
  if (!report.runtimeId) return rec;
  const containers = (rec.task.containers ?? []).map((c) =>
    c.name === report.containerName ? { ...c, runtimeId: report.runtimeId } : c,
  );
  return { ...rec, task: { ...rec.task, containers } };
}

function hint(s: Scope, rec: TaskRecord): void {
  s.deps.bus.emit('ecs.task.changed', {
    clusterArn: rec.task.clusterArn,
    taskArn: rec.task.taskArn,
    ...(rec.task.containerInstanceArn ? { containerInstanceArn: rec.task.containerInstanceArn } : {}),
  });
}

export function submitContainerStateChange(s: Scope, input: Wire<ecs.SubmitContainerStateChangeRequest>) {
  const nowMs = s.deps.clock.now();
  const rec = s.deps.db.tx(() => {
    const cluster = activeCluster(s, input.cluster);
    const task = taskOf(s, cluster, input.task);
    const next = withContainer(s, task, input, nowMs);
    s.col.tasks.put(next.task.taskArn, next);
    return next;
  });
  hint(s, rec);
  return ACK;
}

export function submitTaskStateChange(s: Scope, input: Wire<ecs.SubmitTaskStateChangeRequest>) {
  if (input.status !== undefined && !TASK_ORDER.includes(input.status)) {
    throw errors.invalid(`Invalid task status ${input.status.slice(0, 64)}.`);
  }
  const nowMs = s.deps.clock.now();
  const rec = s.deps.db.tx(() => {
    const cluster = activeCluster(s, input.cluster);
    let next = taskOf(s, cluster, input.task);
    for (const c of input.containers ?? []) next = withContainer(s, next, c, nowMs);
    next = withAttachments(next, input.attachments ?? [], true);
    const t = { ...next.task };
    if (input.pullStartedAt !== undefined) t.pullStartedAt ??= input.pullStartedAt;
    if (input.pullStoppedAt !== undefined) t.pullStoppedAt ??= input.pullStoppedAt;
    if (input.executionStoppedAt !== undefined) t.executionStoppedAt ??= input.executionStoppedAt;
    if (input.managedAgents?.length) {
      t.containers = (t.containers ?? []).map((c) => {
        const agents = (input.managedAgents ?? []).filter((a) => a.containerName === c.name);
        return agents.length
          ? {
              ...c,
              managedAgents: agents.map((a) => ({
                ...(a.managedAgentName ? { name: a.managedAgentName } : {}),
                ...(a.status ? { lastStatus: a.status } : {}),
                ...(a.reason ? { reason: a.reason } : {}),
                lastStartedAt: s.now,
              })),
            }
          : c;
      });
    }
    // A task reported STOPPED is stopped: the local agent walks it down and frees what it holds.
    if (input.status === 'STOPPED' && t.desiredStatus !== 'STOPPED') {
      t.desiredStatus = 'STOPPED';
      t.stopCode = 'EssentialContainerExited';
      t.stoppedReason = (input.reason ?? 'Essential container in task exited').slice(0, 1024);
      next = { ...next, nextTransitionAt: nowMs };
    }
    t.version = (t.version ?? 1) + 1;
    next = { ...next, task: t };
    s.col.tasks.put(t.taskArn, next);
    return next;
  });
  hint(s, rec);
  return ACK;
}

/** Attachment statuses reported for a task's attachments (unknown ones are an error when `strict`). */
function withAttachments(
  rec: TaskRecord,
  changes: Wire<ecs.AttachmentStateChange>[],
  strict: boolean,
): TaskRecord {
  if (changes.length === 0) return rec;
  const byArn = new Map(changes.map((c) => [c.attachmentArn ?? '', c.status ?? '']));
  if (strict) {
    for (const arn of byArn.keys()) {
      if (!(rec.task.attachments ?? []).some((a) => a.id !== undefined && arn.endsWith(a.id))) {
        throw errors.invalid(`The attachment ${arn.slice(0, 1600)} is not part of the task.`);
      }
    }
  }
  const attachments = (rec.task.attachments ?? []).map((a) => {
    const status = [...byArn].find(([arn]) => a.id !== undefined && arn.endsWith(a.id))?.[1];
    return status ? { ...a, status } : a;
  });
  return { ...rec, task: { ...rec.task, attachments } };
}

/**
 * The task not STOPPED yet in the cluster that holds the attachment an ARN names (`.../ID`): one
 * lookup key probe (counts.ts `taskKeys.attachment`), whatever the number of tasks.
 */
function attachmentOwner(s: Scope, clusterArn: string, arn: string): TaskRecord | undefined {
  const slash = arn.lastIndexOf('/');
  if (slash < 0) return undefined;
  const [id] = s.col.tasks.idsByKey(taskKeys.attachment(clusterArn, arn.slice(slash + 1)), { limit: 1 });
  return id === undefined ? undefined : s.col.tasks.get(id);
}

export function submitAttachmentStateChanges(s: Scope, input: Wire<ecs.SubmitAttachmentStateChangesRequest>) {
  const changes = input.attachments ?? [];
  if (changes.length === 0) throw errors.invalid('attachments cannot be empty.');
  const touched = s.deps.db.tx(() => {
    const cluster = activeCluster(s, input.cluster);
    const out: TaskRecord[] = [];
    for (const change of changes) {
      const arn = change.attachmentArn ?? '';
      const owner = attachmentOwner(s, cluster.cluster.clusterArn, arn);
      if (!owner) throw errors.invalid(`The attachment ${arn.slice(0, 1600)} was not found in the cluster.`);
      const current = out.find((t) => t.task.taskArn === owner.task.taskArn) ?? owner;
      const next = withAttachments(current, [change], false);
      const i = out.indexOf(current);
      if (i >= 0) out[i] = next;
      else out.push(next);
    }
    for (const t of out) s.col.tasks.put(t.task.taskArn, t);
    return out;
  });
  for (const t of touched) hint(s, t);
  return ACK;
}

/**
 * The container instance's agent brought to the newest version the local control plane knows
 * (its own agent's); ECS's answers when there is nothing to update or no version to update from.
 */
export function updateContainerAgent(s: Scope, input: Wire<ecs.UpdateContainerAgentRequest>) {
  return s.deps.db.tx(() => {
    const cluster = activeCluster(s, input.cluster);
    const rec = findInstance(s, cluster, input.containerInstance ?? '');
    if (!rec || rec.containerInstance.status === 'INACTIVE') {
      throw errors.invalid('The referenced container instance was not found.');
    }
    const ci = rec.containerInstance;
    const current = ci.versionInfo?.agentVersion;
    if (!current || !/^\d+\.\d+\.\d+$/.test(current)) {
      throw new AwsError(
        'MissingVersionException',
        'Amazon ECS is unable to determine the current version of the Amazon ECS container agent on the container instance.',
        400,
      );
    }
    if (compareVersions(current, AGENT_VERSION_INFO.agentVersion) >= 0) {
      throw new AwsError(
        'NoUpdateAvailableException',
        'There is no update available for your container agent.',
        400,
      );
    }
    const containerInstance = {
      ...ci,
      versionInfo: {
        ...ci.versionInfo,
        agentVersion: AGENT_VERSION_INFO.agentVersion,
        agentHash: AGENT_VERSION_INFO.agentHash,
      },
      agentUpdateStatus: 'UPDATED' as const,
    };
    s.col.containerInstances.put(ci.containerInstanceArn, { ...rec, containerInstance });
    return { containerInstance };
  });
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
