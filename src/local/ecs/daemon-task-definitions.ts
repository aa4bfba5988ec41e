/**
 * RegisterDaemonTaskDefinition, DescribeDaemonTaskDefinition, ListDaemonTaskDefinitions,
 * DeleteDaemonTaskDefinition: the registry of daemon task definitions (revisions per family, as
 * task definitions). Daemons themselves need ECS Managed Instances capacity providers, which the
 * local control plane does not have (unavailable.ts), so no daemon ever runs one.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import {
  NAME_RE,
  compareStrings,
  ecsArn,
  ecsResource,
  errors,
  pageOf,
  validateTags,
  type Scope,
} from './common';
import type { DaemonTaskDefinitionRecord, Wire } from './model';

const arnOf = (s: Scope, family: string, revision: number) =>
  ecsArn(s, `daemon-task-definition/${family}:${revision}`);

const notFound = () => errors.client('Unable to describe daemon task definition.');

function revisionsOf(s: Scope, family: string): DaemonTaskDefinitionRecord[] {
  return s.col.daemonTaskDefinitions
    .find({ family: `${s.region}|${family}` })
    .sort((a, b) => (b.definition.revision ?? 0) - (a.definition.revision ?? 0));
}

/** `family` (latest ACTIVE), `family:revision` or the ARN. */
function find(s: Scope, ref: string | undefined): DaemonTaskDefinitionRecord | undefined {
  let value = ref ?? '';
  if (value.startsWith('arn:')) {
    const resource = ecsResource(s, value);
    if (!resource?.startsWith('daemon-task-definition/')) return undefined;
    value = resource.slice('daemon-task-definition/'.length);
    if (!value.includes(':')) return undefined;
  }
  const m = /^([A-Za-z0-9_-]{1,255})(?::([0-9]{1,9}))?$/.exec(value);
  if (!m) return undefined;
  const family = m[1] as string;
  if (m[2] === undefined) return revisionsOf(s, family).find((r) => r.definition.status === 'ACTIVE');
  return s.col.daemonTaskDefinitions.get(arnOf(s, family, Number(m[2])));
}

function validateContainers(list: Wire<ecs.DaemonContainerDefinition>[] | undefined): void {
  if (!list || list.length === 0) throw errors.invalid('Container list cannot be empty.');
  if (list.length > 10) throw errors.invalid('A daemon task definition can have at most 10 containers.');
  const names = new Set<string>();
  for (const c of list) {
    if (c.name === undefined || !NAME_RE.test(c.name)) {
      throw errors.invalid(
        'Container names must be 1 to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.',
      );
    }
    if (names.has(c.name)) throw errors.invalid(`Duplicate container name ${c.name}.`);
    names.add(c.name);
    if (!c.image) throw errors.invalid(`Container ${c.name} must have an image.`);
  }
}

function validateSize(value: string | undefined, what: string): void {
  if (value !== undefined && !/^[0-9]{1,7}$/.test(value)) {
    throw errors.invalid(`Invalid ${what} ${JSON.stringify(value.slice(0, 32))}: use a whole number.`);
  }
}

export function registerDaemonTaskDefinition(s: Scope, input: Wire<ecs.RegisterDaemonTaskDefinitionRequest>) {
  const family = input.family ?? '';
  if (!NAME_RE.test(family)) {
    throw errors.invalid(
      'Family contains invalid characters: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.',
    );
  }
  validateContainers(input.containerDefinitions);
  validateSize(input.cpu, 'cpu');
  validateSize(input.memory, 'memory');
  const tags = validateTags(input.tags);
  return s.deps.db.tx(() => {
    const revision = (revisionsOf(s, family)[0]?.definition.revision ?? 0) + 1;
    const arn = arnOf(s, family, revision);
    const definition: DaemonTaskDefinitionRecord['definition'] = {
      daemonTaskDefinitionArn: arn,
      family,
      revision,
      ...(input.taskRoleArn ? { taskRoleArn: input.taskRoleArn } : {}),
      ...(input.executionRoleArn ? { executionRoleArn: input.executionRoleArn } : {}),
      containerDefinitions: input.containerDefinitions ?? [],
      volumes: input.volumes ?? [],
      ...(input.cpu ? { cpu: input.cpu } : {}),
      ...(input.memory ? { memory: input.memory } : {}),
      status: 'ACTIVE',
      registeredAt: s.now,
      registeredBy: `arn:aws:iam::${s.accountId}:root`,
    };
    s.col.daemonTaskDefinitions.put(arn, { definition, tags, region: s.region });
    return { daemonTaskDefinitionArn: arn };
  });
}

export function describeDaemonTaskDefinition(s: Scope, input: Wire<ecs.DescribeDaemonTaskDefinitionRequest>) {
  const rec = find(s, input.daemonTaskDefinition);
  if (!rec) throw notFound();
  return { daemonTaskDefinition: rec.definition };
}

export function listDaemonTaskDefinitions(s: Scope, input: Wire<ecs.ListDaemonTaskDefinitionsRequest>) {
  const max = input.maxResults ?? 100;
  if (max < 1 || max > 100) throw errors.invalid('maxResults must be between 1 and 100.');
  if (input.family !== undefined && input.familyPrefix !== undefined) {
    throw errors.invalid('family and familyPrefix cannot both be specified.');
  }
  const status = input.status ?? 'ACTIVE';
  let items = s.col.daemonTaskDefinitions
    .all()
    .filter((r) => r.region === s.region)
    .map((r) => r.definition)
    .filter((d) => status === 'ALL' || d.status === status)
    .filter((d) => input.family === undefined || d.family === input.family)
    .filter((d) => input.familyPrefix === undefined || (d.family ?? '').startsWith(input.familyPrefix));
  if (input.revision === 'LAST_REGISTERED') {
    const last = new Map<string, number>();
    for (const d of items) last.set(d.family ?? '', Math.max(last.get(d.family ?? '') ?? 0, d.revision ?? 0));
    items = items.filter((d) => last.get(d.family ?? '') === d.revision);
  }
  const key = (d: (typeof items)[number]) => `${d.family ?? ''}:${String(d.revision ?? 0).padStart(9, '0')}`;
  items.sort((a, b) => compareStrings(key(a), key(b)));
  if (input.sort === 'DESC') items.reverse();
  const query = `ListDaemonTaskDefinitions|${input.family ?? ''}|${input.familyPrefix ?? ''}|${status}|${input.revision ?? ''}|${input.sort ?? ''}`;
  const { page, nextToken } = pageOf(items, key, input.nextToken, max, query);
  return {
    daemonTaskDefinitions: page.map((d) => ({
      arn: d.daemonTaskDefinitionArn,
      ...(d.registeredAt !== undefined ? { registeredAt: d.registeredAt } : {}),
      ...(d.registeredBy ? { registeredBy: d.registeredBy } : {}),
      ...(d.deleteRequestedAt !== undefined ? { deleteRequestedAt: d.deleteRequestedAt } : {}),
      ...(d.status ? { status: d.status } : {}),
    })),
    ...(nextToken ? { nextToken } : {}),
  };
}

export function deleteDaemonTaskDefinition(s: Scope, input: Wire<ecs.DeleteDaemonTaskDefinitionRequest>) {
  return s.deps.db.tx(() => {
    const ref = input.daemonTaskDefinition ?? '';
    const rec = /:[0-9]+$/.test(ref) ? find(s, ref) : undefined;
    if (!rec)
      throw errors.client(
        'The specified daemon task definition does not exist. Give family:revision or the ARN.',
      );
    if (rec.definition.status !== 'ACTIVE') {
      throw errors.client('A daemon task definition must be ACTIVE to be deleted.');
    }
    const arn = rec.definition.daemonTaskDefinitionArn ?? '';
    s.col.daemonTaskDefinitions.put(arn, {
      ...rec,
      definition: { ...rec.definition, status: 'DELETE_IN_PROGRESS', deleteRequestedAt: s.now },
    });
    return { daemonTaskDefinitionArn: arn };
  });
}
