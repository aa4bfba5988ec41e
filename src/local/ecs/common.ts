/**
 * What every ECS action shares: the call scope (deps, collections, region, account), ECS errors,
 * ARN formats (long ARN format), resolution of names/ids/ARNs to records, and pagination.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import type { LocalDeps } from '../deps';
import { epochSeconds } from '../common/clock';
import { AwsError } from '../protocol/errors';
import type { CallContext } from '../protocol/types';
import {
  type ClusterRecord,
  type ContainerInstanceRecord,
  type EcsCollections,
  type ServiceRecord,
  type TaskDefinitionRecord,
  type TaskRecord,
  type Wire,
} from './model';

export interface Scope {
  deps: LocalDeps;
  col: EcsCollections;
  region: string;
  accountId: string;
  /** Epoch seconds, as ECS puts timestamps on the wire. */
  now: number;
}

export const scopeOf = (deps: LocalDeps, col: EcsCollections, ctx: CallContext): Scope => ({
  deps,
  col,
  region: ctx.region,
  accountId: ctx.accountId,
  now: epochSeconds(deps.clock.now()),
});

export type Failure = Wire<ecs.Failure>;

// ---------------------------------------------------------------------------------------------
// Errors (all client faults, HTTP 400)

export const errors = {
  client: (message: string) => new AwsError('ClientException', message, 400),
  invalid: (message: string) => new AwsError('InvalidParameterException', message, 400),
  clusterNotFound: () => new AwsError('ClusterNotFoundException', 'Cluster not found.', 400),
  serviceNotFound: () => new AwsError('ServiceNotFoundException', 'Service not found.', 400),
  serviceNotActive: () => new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.', 400),
  resourceNotFound: (message = 'The specified resource is not found.') =>
    new AwsError('ResourceNotFoundException', message, 400),
  targetNotFound: (message: string) => new AwsError('TargetNotFoundException', message, 400),
};

// ---------------------------------------------------------------------------------------------
// Names and ARNs

export const NAME_RE = /^[A-Za-z0-9_-]{1,255}$/;

export const ecsArn = (s: Pick<Scope, 'region' | 'accountId'>, resource: string): string =>
  `arn:aws:ecs:${s.region}:${s.accountId}:${resource}`;

export const clusterArnOf = (s: Scope, name: string) => ecsArn(s, `cluster/${name}`);
export const clusterNameOf = (clusterArn: string): string =>
  clusterArn.slice(clusterArn.indexOf(':cluster/') + 9);
export const serviceArnOf = (s: Scope, cluster: string, name: string) =>
  ecsArn(s, `service/${cluster}/${name}`);
export const instanceArnOf = (s: Scope, cluster: string, id: string) =>
  ecsArn(s, `container-instance/${cluster}/${id}`);
export const taskDefinitionArnOf = (s: Scope, family: string, revision: number) =>
  ecsArn(s, `task-definition/${family}:${revision}`);

/**
 * The resource part of an ECS ARN of this region and account (`cluster/x`, `task/c/id`), or null
 * when `value` is not such an ARN.
 */
export function ecsResource(s: Scope, value: string): string | null {
  const prefix = `arn:aws:ecs:${s.region}:${s.accountId}:`;
  return value.startsWith(prefix) ? value.slice(prefix.length) : null;
}

const lastSegment = (value: string) => value.slice(value.lastIndexOf('/') + 1);

// ---------------------------------------------------------------------------------------------
// Resolution

/** The cluster named by `ref` (name or ARN; default `default`), or null. */
export function findCluster(s: Scope, ref: string | undefined): ClusterRecord | null {
  const arn = clusterArnFor(s, ref ?? 'default');
  // The cached, frozen record: callers write a changed copy (`{ ...rec, cluster: {...} }`), never it.
  return arn === null ? null : (s.col.clusters.peek(arn) ?? null);
}

/**
 * The ARN of the cluster a reference (name or ARN) names in the scope's region and account, or null
 * when it names none. The last one is remembered: a client names the same cluster call after call
 * (every StopTask, RunTask, DescribeTasks), and the same ARN string is then looked up again, not
 * built and hashed again (issue 14).
 */
function clusterArnFor(s: Scope, ref: string): string | null {
  const last = lastCluster;
  if (last.ref === ref && last.region === s.region && last.accountId === s.accountId) return last.arn;
  let name = ref;
  if (ref.startsWith('arn:')) {
    const resource = ecsResource(s, ref);
    if (!resource?.startsWith('cluster/')) return null;
    name = resource.slice('cluster/'.length);
  }
  if (!NAME_RE.test(name)) return null;
  const arn = clusterArnOf(s, name);
  lastCluster = { ref, region: s.region, accountId: s.accountId, arn };
  return arn;
}
let lastCluster = { ref: '', region: '', accountId: '', arn: '' };

/** The ACTIVE cluster named by `ref`, or ClusterNotFoundException. */
export function activeCluster(s: Scope, ref: string | undefined): ClusterRecord {
  const rec = findCluster(s, ref);
  if (!rec || rec.cluster.status !== 'ACTIVE') throw errors.clusterNotFound();
  return rec;
}

/** An existing cluster (any status; describe/list on INACTIVE clusters still work), or ClusterNotFoundException. */
export function anyCluster(s: Scope, ref: string | undefined): ClusterRecord {
  const rec = findCluster(s, ref);
  if (!rec) throw errors.clusterNotFound();
  return rec;
}

/**
 * `arn:aws:ecs:REGION:ACCOUNT:KIND/CLUSTER/`, remembered per kind for the last cluster asked about.
 */
function memberArnPrefix(s: Scope, kind: 'task' | 'container-instance', clusterName: string): string {
  const last = lastPrefixes[kind];
  if (last.clusterName === clusterName && last.region === s.region && last.accountId === s.accountId)
    return last.prefix;
  const prefix = ecsArn(s, `${kind}/${clusterName}/`);
  lastPrefixes[kind] = { clusterName, region: s.region, accountId: s.accountId, prefix };
  return prefix;
}
const noPrefix = { clusterName: '', region: '', accountId: '', prefix: '' };
const lastPrefixes: Record<'task' | 'container-instance', typeof noPrefix> = {
  task: noPrefix,
  'container-instance': noPrefix,
};

/**
 * The ARN a task or container-instance reference (bare id or ARN) stands for in `cluster`, or null
 * when it is an ARN of another cluster or not an ARN of that kind.
 */
function memberArn(
  s: Scope,
  cluster: ClusterRecord,
  kind: 'task' | 'container-instance',
  ref: string,
): string | null {
  const clusterName = cluster.cluster.clusterName;
  // The usual reference, the member's own ARN (`arn:aws:ecs:REGION:ACCOUNT:KIND/CLUSTER/ID`): itself,
  // which the long form below would build again character for character.
  const prefix = memberArnPrefix(s, kind, clusterName);
  if (ref.startsWith(prefix) && ref.indexOf('/', prefix.length) < 0) return ref;
  if (ref.startsWith('arn:')) {
    const resource = ecsResource(s, ref);
    if (!resource) return null;
    const parts = resource.split('/');
    if (parts[0] !== kind) return null;
    // Long ARN format kind/cluster/id; the old short format kind/id is accepted too.
    if (parts.length === 3 && parts[1] !== clusterName) return null;
    if (parts.length !== 2 && parts.length !== 3) return null;
    return ecsArn(s, `${kind}/${clusterName}/${lastSegment(resource)}`);
  }
  if (!/^[A-Za-z0-9-]{1,64}$/.test(ref)) return null;
  return ecsArn(s, `${kind}/${clusterName}/${ref}`);
}

/** The ARN (the store's key) a task reference stands for in `cluster`, or null when it cannot be one of its tasks. */
export function taskArnIn(s: Scope, cluster: ClusterRecord, ref: string): string | null {
  return memberArn(s, cluster, 'task', ref);
}

/** The task (shared and frozen, see Collection.peek: copy before changing it). */
export function findTask(s: Scope, cluster: ClusterRecord, ref: string): TaskRecord | null {
  const key = taskArnIn(s, cluster, ref);
  return key ? (s.col.tasks.peek(key) ?? null) : null;
}

export function findInstance(s: Scope, cluster: ClusterRecord, ref: string): ContainerInstanceRecord | null {
  const key = memberArn(s, cluster, 'container-instance', ref);
  return key ? (s.col.containerInstances.get(key) ?? null) : null;
}

/** `findInstance`'s record shared and deeply frozen (Collection.peek): read it, never change it. */
export function peekInstance(s: Scope, cluster: ClusterRecord, ref: string): ContainerInstanceRecord | null {
  const key = memberArn(s, cluster, 'container-instance', ref);
  return key ? (s.col.containerInstances.peek(key) ?? null) : null;
}

export function findService(s: Scope, cluster: ClusterRecord, ref: string): ServiceRecord | null {
  let name = ref;
  if (ref.startsWith('arn:')) {
    const resource = ecsResource(s, ref);
    if (!resource?.startsWith('service/')) return null;
    const parts = resource.split('/');
    if (parts.length === 3 && parts[1] !== cluster.cluster.clusterName) return null;
    if (parts.length !== 2 && parts.length !== 3) return null;
    name = lastSegment(resource);
  }
  if (!NAME_RE.test(name)) return null;
  return s.col.services.get(serviceArnOf(s, cluster.cluster.clusterName, name)) ?? null;
}

/** Revisions of a family, newest first. */
export function familyRevisions(s: Scope, family: string): TaskDefinitionRecord[] {
  return s.col.taskDefinitions
    .find({ family: `${s.region}|${family}` })
    .sort((a, b) => b.taskDefinition.revision - a.taskDefinition.revision);
}

/**
 * A task definition from `family` (latest ACTIVE revision), `family:revision` or its ARN.
 * A bare family only resolves to an ACTIVE revision; an exact revision resolves in any status.
 */
export function findTaskDefinition(s: Scope, ref: string): TaskDefinitionRecord | null {
  return lookUpTaskDefinition(s, ref, false);
}

/**
 * `findTaskDefinition` for readers (RunTask, StartTask): the shared frozen record from the
 * collection's cache (Collection.peek), nothing parsed again per call. Never modify it.
 */
export function peekTaskDefinition(s: Scope, ref: string): Readonly<TaskDefinitionRecord> | null {
  return lookUpTaskDefinition(s, ref, true);
}

function lookUpTaskDefinition(s: Scope, ref: string, shared: boolean): TaskDefinitionRecord | null {
  let value = ref;
  if (ref.startsWith('arn:')) {
    const resource = ecsResource(s, ref);
    if (!resource?.startsWith('task-definition/')) return null;
    value = resource.slice('task-definition/'.length);
  }
  const m = /^([A-Za-z0-9_-]{1,255})(?::([0-9]{1,9}))?$/.exec(value);
  if (!m) return null;
  const family = m[1] as string;
  if (m[2] === undefined) {
    if (ref.startsWith('arn:')) return null;
    if (!shared) return familyRevisions(s, family).find((r) => r.taskDefinition.status === 'ACTIVE') ?? null;
    let latest: TaskDefinitionRecord | null = null;
    for (const r of s.col.taskDefinitions.peekMany({ family: `${s.region}|${family}` })) {
      if (r.taskDefinition.status !== 'ACTIVE') continue;
      if (!latest || r.taskDefinition.revision > latest.taskDefinition.revision) latest = r;
    }
    return latest;
  }
  const arn = taskDefinitionArnOf(s, family, Number(m[2]));
  return (shared ? s.col.taskDefinitions.peek(arn) : s.col.taskDefinitions.get(arn)) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Batches and pagination

/** Code-unit order, the order page keys are compared in. */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A required list of references with AWS's batch limit. */
export function batch(list: string[] | undefined, field: string, max: number): string[] {
  if (!list || list.length === 0) throw errors.invalid(`${field} cannot be empty.`);
  if (list.length > max) throw errors.invalid(`${field} cannot have more than ${max} items.`);
  return list;
}

export function maxResultsOf(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value < 1 || value > 100) {
    throw errors.invalid('maxResults must be between 1 and 100.');
  }
  return value;
}

/** nextToken is opaque to callers: base64url of the last key of the previous page and the query it belongs to. */
export function encodeToken(after: string, query: string): string {
  return Buffer.from(JSON.stringify({ a: after, q: query }), 'utf8').toString('base64url');
}

export function decodeToken(token: string | undefined, query: string): string | undefined {
  if (token === undefined) return undefined;
  const invalidToken = () => errors.invalid('Invalid nextToken.');
  if (token.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalidToken();
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (
      parsed &&
      typeof parsed === 'object' &&
      typeof (parsed as { a?: unknown }).a === 'string' &&
      (parsed as { q?: unknown }).q === query
    ) {
      return (parsed as { a: string }).a;
    }
  } catch {
    // fall through
  }
  throw invalidToken();
}

/**
 * One page of `items` (in listing order) after the token's item, with the next token when more remain.
 */
export function pageOf<T>(
  items: T[],
  keyOf: (item: T) => string,
  token: string | undefined,
  max: number,
  query: string,
): { page: T[]; nextToken?: string } {
  const after = decodeToken(token, query);
  let start = 0;
  if (after !== undefined) {
    // Just after the previous page's last item; if that item is gone, at the first later key.
    const at = items.findIndex((i) => keyOf(i) === after);
    start = at >= 0 ? at + 1 : items.findIndex((i) => keyOf(i) > after);
  }
  const rest = start < 0 ? [] : items.slice(start);
  const page = rest.slice(0, max);
  const last = page[page.length - 1];
  return rest.length > max && last !== undefined
    ? { page, nextToken: encodeToken(keyOf(last), query) }
    : { page };
}

// ---------------------------------------------------------------------------------------------
// Tags

export const MAX_TAGS = 50;

export function validateTags(tags: Wire<ecs.Tag>[] | undefined): ecs.Tag[] {
  if (!tags) return [];
  if (tags.length > MAX_TAGS) throw errors.invalid(`The number of tags exceeds the limit of ${MAX_TAGS}.`);
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.key === undefined || t.key.length < 1)
      throw errors.invalid('Tag keys must be between 1 and 128 characters.');
    if (/^aws:/i.test(t.key)) throw errors.invalid('Tag keys prefixed with aws: are reserved for AWS use.');
    if (
      !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(t.key) ||
      !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(t.value ?? '')
    ) {
      throw errors.invalid('Tags may only contain letters, numbers, spaces and _ . : / = + - @.');
    }
    if (seen.has(t.key)) throw errors.invalid(`Duplicate tag key ${t.key}.`);
    seen.add(t.key);
  }
  return tags.map((t) => ({ key: t.key, value: t.value ?? '' }));
}

/** Merges `added` into `existing` (same key replaces), enforcing the limit on the result. */
export function mergeTags(existing: ecs.Tag[] | undefined, added: ecs.Tag[]): ecs.Tag[] {
  const map = new Map((existing ?? []).map((t) => [t.key ?? '', t.value ?? '']));
  for (const t of added) map.set(t.key ?? '', t.value ?? '');
  if (map.size > MAX_TAGS) throw errors.invalid(`The number of tags exceeds the limit of ${MAX_TAGS}.`);
  return [...map].map(([key, value]) => ({ key, value }));
}
