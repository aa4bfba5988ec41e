/**
 * Why a deployment is stuck, from described facts only (the service, its deployments and events, the
 * task definition being deployed, the cluster's container instances): what blocks placement, in plain
 * words, and the ways out, each of which the console applies through the update form. Pure.
 */
import type { ContainerInstance, Service, TaskDefinition } from '@aws-sdk/client-ecs';
import { canStopFirst, minimumHealthyToStopOne, type RolloutRoom } from '../../lib/rollout';
import { classifyEvent } from './events';

export type Fix =
  | { id: 'lower-minimum'; minimumHealthyPercent: number }
  | { id: 'dynamic-host-port'; ports: number[] }
  | { id: 'add-instances' };

export interface Diagnosis {
  /** One sentence: what blocks the deployment. */
  summary: string;
  reasons: string[];
  fixes: Fix[];
}

export interface StuckFacts {
  service: Service;
  taskDefinition?: TaskDefinition;
  instances?: ContainerInstance[];
}

function resource(i: ContainerInstance, name: string): { int?: number; set?: string[] } {
  const r = i.remainingResources?.find((x) => x.name === name);
  return { int: r?.integerValue, set: r?.stringSetValue };
}

/** Host ports a task of this definition books on its instance (fixed ones only; awsvpc books none). */
export function fixedHostPorts(td: TaskDefinition | undefined): Array<{ port: number; protocol: string }> {
  if (!td || td.networkMode === 'awsvpc') return [];
  return (td.containerDefinitions ?? []).flatMap((c) =>
    (c.portMappings ?? [])
      .map((p) => ({
        port: td.networkMode === 'host' ? (p.hostPort ?? p.containerPort ?? 0) : (p.hostPort ?? 0),
        protocol: p.protocol ?? 'tcp',
      }))
      .filter((p) => p.port > 0),
  );
}

function taskNeeds(td: TaskDefinition | undefined): { memory: number; cpu: number } {
  const sum = (f: (c: NonNullable<TaskDefinition['containerDefinitions']>[number]) => number | undefined) =>
    (td?.containerDefinitions ?? []).reduce((n, c) => n + (f(c) ?? 0), 0);
  const memory = Number(td?.memory ?? '') || sum((c) => c.memoryReservation ?? c.memory);
  const cpu = Number(td?.cpu ?? '') || sum((c) => c.cpu);
  return { memory, cpu };
}

/** True when the newest deployment has not reached its count and ECS's latest word is "unable to place". */
export function isStuck(service: Service): boolean {
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  if (!primary || primary.rolloutState !== 'IN_PROGRESS') return false;
  if ((primary.runningCount ?? 0) >= (primary.desiredCount ?? 0)) return false;
  const newest = service.events?.[0];
  if (!newest?.message || classifyEvent(newest.message) !== 'unable-to-place') return false;
  return !primary.createdAt || !newest.createdAt || newest.createdAt >= primary.createdAt;
}

const list = (xs: string[]) =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;

export function diagnose(f: StuckFacts): Diagnosis | null {
  if (!isStuck(f.service)) return null;
  const s = f.service;
  const desired = s.desiredCount ?? 0;
  const min = s.deploymentConfiguration?.minimumHealthyPercent ?? 100;
  const max = s.deploymentConfiguration?.maximumPercent ?? 200;
  const active = (f.instances ?? []).filter((i) => i.status === 'ACTIVE');
  const reasons: string[] = [];
  const fixes: Fix[] = [];

  if (f.instances && active.length === 0) {
    reasons.push('the cluster has no ACTIVE container instance');
    return { summary: `The deployment is stuck: ${reasons[0]}.`, reasons, fixes: [{ id: 'add-instances' }] };
  }

  const ports = fixedHostPorts(f.taskDefinition);
  const taken = ports.filter((p) =>
    active.every((i) =>
      (resource(i, p.protocol === 'udp' ? 'PORTS_UDP' : 'PORTS').set ?? []).includes(String(p.port)),
    ),
  );
  if (active.length > 0 && taken.length > 0) {
    const names = taken.map((p) => `${p.port}${p.protocol === 'udp' ? '/udp' : ''}`);
    reasons.push(
      `${active.length === 1 ? 'the only instance' : `each of the ${active.length} instances`} already uses host port${names.length > 1 ? 's' : ''} ${list(names)}`,
    );
  }
  const needs = taskNeeds(f.taskDefinition);
  const freeMemory = Math.max(0, ...active.map((i) => resource(i, 'MEMORY').int ?? 0));
  const freeCpu = Math.max(0, ...active.map((i) => resource(i, 'CPU').int ?? 0));
  if (active.length > 0 && needs.memory > 0 && freeMemory < needs.memory)
    reasons.push(`no instance has ${needs.memory} MiB of memory free (the most is ${freeMemory} MiB)`);
  if (active.length > 0 && needs.cpu > 0 && freeCpu < needs.cpu)
    reasons.push(`no instance has ${needs.cpu} CPU units free (the most is ${freeCpu})`);

  const room: RolloutRoom = { desired, minimumHealthyPercent: min, maximumPercent: max, capacity: 0 };
  const cannotStopFirst = !canStopFirst(room);
  if (reasons.length > 0 && cannotStopFirst) {
    reasons.push(
      `the minimum healthy percent is ${min} %, so ECS keeps all ${desired} old task${desired === 1 ? '' : 's'} running and cannot free an instance first`,
    );
    fixes.push({ id: 'lower-minimum', minimumHealthyPercent: minimumHealthyToStopOne(desired) });
  }
  if (taken.length > 0) fixes.push({ id: 'dynamic-host-port', ports: taken.map((p) => p.port) });
  if (reasons.length > 0) fixes.push({ id: 'add-instances' });
  if (reasons.length === 0) {
    const event = s.events?.[0]?.message ?? '';
    return {
      summary: 'The deployment is stuck: ECS cannot place its tasks.',
      reasons: [event],
      fixes: [{ id: 'add-instances' }],
    };
  }
  return { summary: `The deployment is stuck: ${list(reasons)}.`, reasons, fixes };
}
