/**
 * What every IAM action shares: the stored records, the call `Scope`, IAM's errors, name, path and
 * document checks the model does not make (patterns, JSON), Marker/MaxItems pagination, and the
 * default roles every account starts with.
 */
import { randomBytes } from 'node:crypto';
import type { LocalDeps } from '../deps';
import { AwsError } from '../protocol/errors';
import type { Collection } from '../store/collection';

export interface RoleRecord {
  name: string;
  id: string;
  path: string;
  arn: string;
  createDate: number;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  attached: string[];
  inline: Record<string, string>;
  tags: { key: string; value: string }[];
}
export interface ProfileRecord {
  name: string;
  id: string;
  path: string;
  arn: string;
  createDate: number;
  roles: string[];
}
export interface PolicyRecord {
  arn: string;
  name: string;
  id: string;
  path: string;
  description?: string;
  document: string;
  createDate: number;
}

export interface IamStore {
  roles: Collection<RoleRecord>;
  profiles: Collection<ProfileRecord>;
  policies: Collection<PolicyRecord>;
}

export const iamStore = (deps: LocalDeps): IamStore => ({
  roles: deps.db.collection<RoleRecord>('iam_roles'),
  profiles: deps.db.collection<ProfileRecord>('iam_instance_profiles'),
  policies: deps.db.collection<PolicyRecord>('iam_policies'),
});

/** IAM is global: one call sees the account's whole store. */
export interface Scope {
  deps: LocalDeps;
  store: IamStore;
  accountId: string;
  /** Epoch milliseconds. */
  now: number;
}

export const err = {
  noSuch: (message: string) => new AwsError('NoSuchEntity', message, 404),
  exists: (message: string) => new AwsError('EntityAlreadyExists', message, 409),
  conflict: (message: string) => new AwsError('DeleteConflict', message, 409),
  invalid: (message: string) => new AwsError('ValidationError', message, 400),
  malformed: (message: string) => new AwsError('MalformedPolicyDocument', message, 400),
};

const TRUST = (service: string, version = '2008-10-17') =>
  JSON.stringify({
    Version: version,
    Statement: [{ Sid: '', Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });

/** AWS managed policies that can be attached (the ones the ECS wizard and its templates use). */
export const AWS_MANAGED: Record<string, { path: string; description: string }> = {
  AmazonEC2ContainerServiceforEC2Role: {
    path: '/service-role/',
    description: 'Default policy for the Amazon EC2 Role for Amazon EC2 Container Service.',
  },
  AmazonEC2ContainerServiceRole: {
    path: '/service-role/',
    description: 'Default policy for Amazon ECS service role.',
  },
  AmazonECSTaskExecutionRolePolicy: {
    path: '/service-role/',
    description: 'Provides access to other AWS service resources that are required to run Amazon ECS tasks',
  },
  AmazonECS_FullAccess: { path: '/', description: 'Provides administrative access to Amazon ECS resources.' },
  AmazonEC2ContainerRegistryReadOnly: {
    path: '/',
    description: 'Provides read-only access to Amazon EC2 Container Registry repositories.',
  },
  CloudWatchLogsFullAccess: { path: '/', description: 'Provides full access to CloudWatch Logs' },
  AmazonSSMManagedInstanceCore: {
    path: '/',
    description: 'The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.',
  },
};
export const awsManagedArn = (name: string): string =>
  `arn:aws:iam::aws:policy${AWS_MANAGED[name]?.path ?? '/'}${name}`;

/** The name of a policy an ARN names (AWS managed or the account's), or undefined. */
export function policyName(s: Scope, policyArn: string): string | undefined {
  const managed = /^arn:aws:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(policyArn);
  if (managed?.[1] && Object.hasOwn(AWS_MANAGED, managed[1]) && awsManagedArn(managed[1]) === policyArn)
    return managed[1];
  return s.store.policies.get(policyArn)?.name;
}

export const attachmentCount = (s: Scope, policyArn: string): number =>
  s.store.roles.all().filter((r) => r.attached.includes(policyArn)).length;

export const iamId = (prefix: string): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return prefix + [...randomBytes(17)].map((b) => alphabet[b % alphabet.length]).join('');
};

/** Names the model bounds by length; IAM also restricts their characters. */
export function checkName(value: string, field: string): string {
  if (!/^[\w+=,.@-]+$/.test(value)) {
    throw err.invalid(
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
  return value;
}

export function checkDocument(doc: string): string {
  try {
    const parsed: unknown = JSON.parse(doc);
    if (!parsed || typeof parsed !== 'object' || !('Statement' in parsed)) {
      throw err.malformed('Syntax errors in policy.');
    }
  } catch (e) {
    if (e instanceof AwsError) throw e;
    throw err.malformed('This policy contains invalid Json');
  }
  return doc;
}

export function checkPath(path = '/'): string {
  if (!/^\/([\x21-\x7e]*\/)?$/.test(path)) {
    throw err.invalid(
      `1 validation error detected: Value '${path}' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)`,
    );
  }
  return path;
}

/** Marker/MaxItems pagination over a name-sorted list. */
export function page<T>(
  items: T[],
  input: { MaxItems?: number; Marker?: string },
  key: (t: T) => string,
): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const max = input.MaxItems ?? 100;
  const sorted = [...items].sort((a, b) => key(a).localeCompare(key(b)));
  const start = input.Marker ? sorted.findIndex((t) => key(t) > (input.Marker as string)) : 0;
  const from = start < 0 ? sorted.length : start;
  const slice = sorted.slice(from, from + max);
  const truncated = from + max < sorted.length;
  return {
    items: slice,
    IsTruncated: truncated,
    Marker: truncated ? key(slice[slice.length - 1] as T) : undefined,
  };
}

export function makeRole(
  s: Pick<Scope, 'accountId' | 'now'>,
  name: string,
  path: string,
  trust: string,
  description?: string,
): RoleRecord {
  return {
    name,
    id: iamId('AROA'),
    path,
    arn: `arn:aws:iam::${s.accountId}:role${path}${name}`,
    createDate: s.now,
    assumeRolePolicyDocument: trust,
    description,
    maxSessionDuration: 3600,
    attached: [],
    inline: {},
    tags: [],
  };
}

export function makeProfile(s: Pick<Scope, 'accountId' | 'now'>, name: string, path: string): ProfileRecord {
  return {
    name,
    id: iamId('AIPA'),
    path,
    arn: `arn:aws:iam::${s.accountId}:instance-profile${path}${name}`,
    createDate: s.now,
    roles: [],
  };
}

/**
 * The roles and profile the console wizard offers by default (ecsInstanceRole with its instance
 * profile, ecsServiceRole, ecsTaskExecutionRole): written once per state file, where the scope is
 * made (`Db.seedOnce`).
 */
export function scopeOf(deps: LocalDeps, store: IamStore, accountId: string): Scope {
  const s: Scope = { deps, store, accountId, now: deps.clock.now() };
  deps.db.seedOnce('iam-seeded', () => {
    const instanceRole = makeRole(s, 'ecsInstanceRole', '/', TRUST('ec2.amazonaws.com'));
    instanceRole.attached.push(awsManagedArn('AmazonEC2ContainerServiceforEC2Role'));
    store.roles.put(instanceRole.name, instanceRole);
    const profile = makeProfile(s, 'ecsInstanceRole', '/');
    profile.roles.push(instanceRole.name);
    store.profiles.put(profile.name, profile);
    const serviceRole = makeRole(s, 'ecsServiceRole', '/', TRUST('ecs.amazonaws.com'));
    serviceRole.attached.push(awsManagedArn('AmazonEC2ContainerServiceRole'));
    store.roles.put(serviceRole.name, serviceRole);
    const execRole = makeRole(s, 'ecsTaskExecutionRole', '/', TRUST('ecs-tasks.amazonaws.com', '2012-10-17'));
    execRole.attached.push(awsManagedArn('AmazonECSTaskExecutionRolePolicy'));
    store.roles.put(execRole.name, execRole);
  });
  return s;
}

export function getRole(s: Scope, name: string | undefined): RoleRecord {
  const r = name ? s.store.roles.get(name) : undefined;
  if (!r) throw err.noSuch(`The role with name ${name} cannot be found.`);
  return r;
}

export function getProfile(s: Scope, name: string | undefined): ProfileRecord {
  const p = name ? s.store.profiles.get(name) : undefined;
  if (!p) throw err.noSuch(`Instance Profile ${name} cannot be found.`);
  return p;
}

/** Stored epoch milliseconds as the wire's epoch seconds. */
export const seconds = (ms: number): number => ms / 1000;
