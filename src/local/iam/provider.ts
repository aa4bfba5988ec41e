/**
 * IAM (awsQuery, global): roles with trust and inline policies, managed policies (AWS's ECS ones
 * and customer ones), instance profiles. Seeds ecsInstanceRole (with its instance profile),
 * ecsServiceRole and ecsTaskExecutionRole so the wizard's role pickers have something to show.
 */
import { randomBytes } from 'node:crypto';
import type { LocalDeps } from '../deps';
import { AwsError } from '../protocol/errors';
import type { ActionHandler, ServiceDefinition } from '../protocol/types';
import { int, keyValues, str, type Params } from '../protocol/params';

interface RoleRecord {
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
interface ProfileRecord {
  name: string;
  id: string;
  path: string;
  arn: string;
  createDate: number;
  roles: string[];
}
interface PolicyRecord {
  arn: string;
  name: string;
  id: string;
  path: string;
  description?: string;
  document: string;
  createDate: number;
}

const EC2_TRUST = JSON.stringify({
  Version: '2008-10-17',
  Statement: [
    { Sid: '', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});
const ECS_TRUST = JSON.stringify({
  Version: '2008-10-17',
  Statement: [
    { Sid: '', Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});
const TASKS_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: '', Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

/** AWS managed policies that can be attached (the ones the ECS wizard and its templates use). */
const AWS_MANAGED: Record<string, { path: string; description: string }> = {
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
const awsManagedArn = (name: string): string =>
  `arn:aws:iam::aws:policy${AWS_MANAGED[name]?.path ?? '/'}${name}`;

const NAME = /^[\w+=,.@-]{1,64}$/;
const PATH = /^\/([\x21-\x7e]*\/)?$/;

const err = {
  noSuch: (message: string) => new AwsError('NoSuchEntity', message, 404),
  exists: (message: string) => new AwsError('EntityAlreadyExists', message, 409),
  conflict: (message: string) => new AwsError('DeleteConflict', message, 409),
  invalid: (message: string) => new AwsError('ValidationError', message, 400),
  malformed: (message: string) => new AwsError('MalformedPolicyDocument', message, 400),
};

const iamId = (prefix: string): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return prefix + [...randomBytes(17)].map((b) => alphabet[b % alphabet.length]).join('');
};

function required(input: Params, name: string): string {
  const v = str(input[name]);
  if (v === undefined || v === '') {
    throw err.invalid(
      `1 validation error detected: Value null at '${name[0]?.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

function checkName(value: string, field: string, max = 64): string {
  if (value.length > max || !NAME.test(value.slice(0, 64)) || !/^[\w+=,.@-]+$/.test(value)) {
    throw err.invalid(
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
  return value;
}

function checkDocument(doc: string): string {
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

function checkPath(input: Params): string {
  const path = str(input.Path) ?? '/';
  if (!PATH.test(path)) {
    throw err.invalid(
      `1 validation error detected: Value '${path}' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)`,
    );
  }
  return path;
}

/** Marker/MaxItems pagination over a name-sorted list. */
function page<T>(
  items: T[],
  input: Params,
  key: (t: T) => string,
): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const max = int(input.MaxItems, 'MaxItems', err.invalid) ?? 100;
  const marker = str(input.Marker);
  const sorted = [...items].sort((a, b) => key(a).localeCompare(key(b)));
  const start = marker ? sorted.findIndex((t) => key(t) > marker) : 0;
  const from = start < 0 ? sorted.length : start;
  const slice = sorted.slice(from, from + max);
  const truncated = from + max < sorted.length;
  return {
    items: slice,
    IsTruncated: truncated,
    Marker: truncated ? key(slice[slice.length - 1] as T) : undefined,
  };
}

export function createIamService(deps: LocalDeps): ServiceDefinition {
  const { db } = deps;
  const roles = db.collection<RoleRecord>('iam_roles');
  const profiles = db.collection<ProfileRecord>('iam_instance_profiles');
  const policies = db.collection<PolicyRecord>('iam_policies');
  const account = deps.config.accountId;

  const makeRole = (name: string, path: string, trust: string, description?: string): RoleRecord => ({
    name,
    id: iamId('AROA'),
    path,
    arn: `arn:aws:iam::${account}:role${path}${name}`,
    createDate: deps.clock.now(),
    assumeRolePolicyDocument: trust,
    description,
    maxSessionDuration: 3600,
    attached: [],
    inline: {},
    tags: [],
  });
  const makeProfile = (name: string, path: string): ProfileRecord => ({
    name,
    id: iamId('AIPA'),
    path,
    arn: `arn:aws:iam::${account}:instance-profile${path}${name}`,
    createDate: deps.clock.now(),
    roles: [],
  });

  /** The roles and profile the console wizard offers by default, created once per store. */
  const seed = (): void => {
    if (db.getMeta('iam-seeded')) return;
    db.tx(() => {
      if (db.getMeta('iam-seeded')) return;
      const instanceRole = makeRole('ecsInstanceRole', '/', EC2_TRUST);
      instanceRole.attached.push(awsManagedArn('AmazonEC2ContainerServiceforEC2Role'));
      roles.put(instanceRole.name, instanceRole);
      const profile = makeProfile('ecsInstanceRole', '/');
      profile.roles.push(instanceRole.name);
      profiles.put(profile.name, profile);
      const serviceRole = makeRole('ecsServiceRole', '/', ECS_TRUST);
      serviceRole.attached.push(awsManagedArn('AmazonEC2ContainerServiceRole'));
      roles.put(serviceRole.name, serviceRole);
      const execRole = makeRole('ecsTaskExecutionRole', '/', TASKS_TRUST);
      execRole.attached.push(awsManagedArn('AmazonECSTaskExecutionRolePolicy'));
      roles.put(execRole.name, execRole);
      db.setMeta('iam-seeded', '1');
    });
  };

  const getRole = (name: string): RoleRecord => {
    const r = roles.get(name);
    if (!r) throw err.noSuch(`The role with name ${name} cannot be found.`);
    return r;
  };
  const getProfile = (name: string): ProfileRecord => {
    const p = profiles.get(name);
    if (!p) throw err.noSuch(`Instance Profile ${name} cannot be found.`);
    return p;
  };
  const policyName = (policyArn: string): string | undefined => {
    const managed = /^arn:aws:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(policyArn);
    if (managed && managed[1] && AWS_MANAGED[managed[1]] && awsManagedArn(managed[1]) === policyArn)
      return managed[1];
    return policies.get(policyArn)?.name;
  };

  const renderRole = (r: RoleRecord) => ({
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: new Date(r.createDate).toISOString(),
    AssumeRolePolicyDocument: encodeURIComponent(r.assumeRolePolicyDocument),
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
    Tags: r.tags.length ? r.tags.map((t) => ({ Key: t.key, Value: t.value })) : undefined,
  });
  const renderProfile = (p: ProfileRecord) => ({
    Path: p.path,
    InstanceProfileName: p.name,
    InstanceProfileId: p.id,
    Arn: p.arn,
    CreateDate: new Date(p.createDate).toISOString(),
    Roles: p.roles
      .map((name) => roles.get(name))
      .filter((r): r is RoleRecord => !!r)
      .map(renderRole),
  });
  const attachmentCount = (policyArn: string): number =>
    roles.all().filter((r) => r.attached.includes(policyArn)).length;
  const renderPolicy = (p: PolicyRecord) => ({
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: 'v1',
    AttachmentCount: attachmentCount(p.arn),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: p.description,
    CreateDate: new Date(p.createDate).toISOString(),
    UpdateDate: new Date(p.createDate).toISOString(),
  });

  const actions: Record<string, ActionHandler> = {
    CreateRole(input: Params) {
      const name = checkName(required(input, 'RoleName'), 'roleName');
      const trust = checkDocument(required(input, 'AssumeRolePolicyDocument'));
      const path = checkPath(input);
      const role = makeRole(name, path, trust, str(input.Description));
      const maxSession = int(input.MaxSessionDuration, 'MaxSessionDuration', err.invalid);
      if (maxSession !== undefined) {
        if (maxSession < 3600 || maxSession > 43200) {
          throw err.invalid(
            `1 validation error detected: Value '${maxSession}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200`,
          );
        }
        role.maxSessionDuration = maxSession;
      }
      role.tags = keyValues(input.Tags);
      db.tx(() => {
        seed();
        if (roles.has(name)) throw err.exists(`Role with name ${name} already exists.`);
        roles.put(name, role);
      });
      return { Role: renderRole(role) };
    },

    GetRole(input: Params) {
      seed();
      return { Role: renderRole(getRole(required(input, 'RoleName'))) };
    },

    ListRoles(input: Params) {
      seed();
      const prefix = str(input.PathPrefix) ?? '/';
      const p = page(
        roles.all().filter((r) => r.path.startsWith(prefix)),
        input,
        (r) => r.name,
      );
      return { Roles: p.items.map(renderRole), IsTruncated: p.IsTruncated, Marker: p.Marker };
    },

    UpdateAssumeRolePolicy(input: Params) {
      seed();
      const doc = checkDocument(required(input, 'PolicyDocument'));
      db.tx(() => {
        const r = getRole(required(input, 'RoleName'));
        roles.put(r.name, { ...r, assumeRolePolicyDocument: doc });
      });
      return {};
    },

    DeleteRole(input: Params) {
      seed();
      db.tx(() => {
        const r = getRole(required(input, 'RoleName'));
        if (r.attached.length > 0)
          throw err.conflict('Cannot delete entity, must detach all policies first.');
        if (Object.keys(r.inline).length > 0)
          throw err.conflict('Cannot delete entity, must delete policies first.');
        if (profiles.all().some((p) => p.roles.includes(r.name))) {
          throw err.conflict('Cannot delete entity, must remove roles from instance profile first.');
        }
        roles.delete(r.name);
      });
      return {};
    },

    AttachRolePolicy(input: Params) {
      seed();
      const policyArn = required(input, 'PolicyArn');
      db.tx(() => {
        const r = getRole(required(input, 'RoleName'));
        if (!policyName(policyArn))
          throw err.noSuch(`Policy ${policyArn} does not exist or is not attachable.`);
        if (!r.attached.includes(policyArn))
          roles.put(r.name, { ...r, attached: [...r.attached, policyArn] });
      });
      return {};
    },

    DetachRolePolicy(input: Params) {
      seed();
      const policyArn = required(input, 'PolicyArn');
      db.tx(() => {
        const r = getRole(required(input, 'RoleName'));
        if (!r.attached.includes(policyArn)) throw err.noSuch(`Policy ${policyArn} was not found.`);
        roles.put(r.name, { ...r, attached: r.attached.filter((a) => a !== policyArn) });
      });
      return {};
    },

    ListAttachedRolePolicies(input: Params) {
      seed();
      const r = getRole(required(input, 'RoleName'));
      const attached = r.attached.map((arn) => ({
        PolicyArn: arn,
        PolicyName: policyName(arn) ?? arn.split('/').pop(),
      }));
      const p = page(attached, input, (a) => a.PolicyName ?? '');
      return { AttachedPolicies: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
    },

    PutRolePolicy(input: Params) {
      seed();
      const name = checkName(required(input, 'PolicyName'), 'policyName', 128);
      const doc = checkDocument(required(input, 'PolicyDocument'));
      db.tx(() => {
        const r = getRole(required(input, 'RoleName'));
        roles.put(r.name, { ...r, inline: { ...r.inline, [name]: doc } });
      });
      return {};
    },

    GetRolePolicy(input: Params) {
      seed();
      const r = getRole(required(input, 'RoleName'));
      const name = required(input, 'PolicyName');
      const doc = r.inline[name];
      if (doc === undefined) throw err.noSuch(`The role policy with name ${name} cannot be found.`);
      return { RoleName: r.name, PolicyName: name, PolicyDocument: encodeURIComponent(doc) };
    },

    ListRolePolicies(input: Params) {
      seed();
      const r = getRole(required(input, 'RoleName'));
      const p = page(Object.keys(r.inline), input, (n) => n);
      return { PolicyNames: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
    },

    DeleteRolePolicy(input: Params) {
      seed();
      const name = required(input, 'PolicyName');
      db.tx(() => {
        const r = getRole(required(input, 'RoleName'));
        if (r.inline[name] === undefined)
          throw err.noSuch(`The role policy with name ${name} cannot be found.`);
        const inline = { ...r.inline };
        delete inline[name];
        roles.put(r.name, { ...r, inline });
      });
      return {};
    },

    CreateInstanceProfile(input: Params) {
      const name = checkName(required(input, 'InstanceProfileName'), 'instanceProfileName', 128);
      const profile = makeProfile(name, checkPath(input));
      db.tx(() => {
        seed();
        if (profiles.has(name)) throw err.exists(`Instance Profile ${name} already exists.`);
        profiles.put(name, profile);
      });
      return { InstanceProfile: renderProfile(profile) };
    },

    GetInstanceProfile(input: Params) {
      seed();
      return { InstanceProfile: renderProfile(getProfile(required(input, 'InstanceProfileName'))) };
    },

    DeleteInstanceProfile(input: Params) {
      seed();
      db.tx(() => {
        const p = getProfile(required(input, 'InstanceProfileName'));
        if (p.roles.length > 0)
          throw err.conflict('Cannot delete entity, must remove roles from instance profile first.');
        profiles.delete(p.name);
      });
      return {};
    },

    AddRoleToInstanceProfile(input: Params) {
      seed();
      db.tx(() => {
        const p = getProfile(required(input, 'InstanceProfileName'));
        const r = getRole(required(input, 'RoleName'));
        if (p.roles.length >= 1) {
          throw new AwsError(
            'LimitExceeded',
            'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
            409,
          );
        }
        profiles.put(p.name, { ...p, roles: [r.name] });
      });
      return {};
    },

    RemoveRoleFromInstanceProfile(input: Params) {
      seed();
      db.tx(() => {
        const p = getProfile(required(input, 'InstanceProfileName'));
        const roleName = required(input, 'RoleName');
        if (!p.roles.includes(roleName)) {
          throw err.noSuch(`The role with name ${roleName} cannot be found in instance profile ${p.name}.`);
        }
        profiles.put(p.name, { ...p, roles: p.roles.filter((n) => n !== roleName) });
      });
      return {};
    },

    ListInstanceProfiles(input: Params) {
      seed();
      const prefix = str(input.PathPrefix) ?? '/';
      const p = page(
        profiles.all().filter((x) => x.path.startsWith(prefix)),
        input,
        (x) => x.name,
      );
      return { InstanceProfiles: p.items.map(renderProfile), IsTruncated: p.IsTruncated, Marker: p.Marker };
    },

    ListInstanceProfilesForRole(input: Params) {
      seed();
      const r = getRole(required(input, 'RoleName'));
      const p = page(
        profiles.all().filter((x) => x.roles.includes(r.name)),
        input,
        (x) => x.name,
      );
      return { InstanceProfiles: p.items.map(renderProfile), IsTruncated: p.IsTruncated, Marker: p.Marker };
    },

    CreatePolicy(input: Params) {
      const name = checkName(required(input, 'PolicyName'), 'policyName', 128);
      const document = checkDocument(required(input, 'PolicyDocument'));
      const path = checkPath(input);
      const policy: PolicyRecord = {
        arn: `arn:aws:iam::${account}:policy${path}${name}`,
        name,
        id: iamId('ANPA'),
        path,
        description: str(input.Description),
        document,
        createDate: deps.clock.now(),
      };
      db.tx(() => {
        if (policies.all().some((p) => p.name === name)) {
          throw err.exists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
        }
        policies.put(policy.arn, policy);
      });
      return { Policy: renderPolicy(policy) };
    },

    GetPolicy(input: Params) {
      const policyArn = required(input, 'PolicyArn');
      const p = policies.get(policyArn);
      if (p) return { Policy: renderPolicy(p) };
      const managed = policyName(policyArn);
      if (!managed) throw err.noSuch(`Policy ${policyArn} was not found.`);
      const info = AWS_MANAGED[managed];
      return {
        Policy: {
          PolicyName: managed,
          PolicyId: `ANPA${managed
            .toUpperCase()
            .replace(/[^A-Z0-9]/g, '')
            .slice(0, 17)
            .padEnd(17, 'X')}`,
          Arn: policyArn,
          Path: info?.path,
          DefaultVersionId: 'v1',
          AttachmentCount: attachmentCount(policyArn),
          IsAttachable: true,
          Description: info?.description,
          CreateDate: '2015-03-19T00:00:00Z',
          UpdateDate: '2015-03-19T00:00:00Z',
        },
      };
    },

    DeletePolicy(input: Params) {
      const policyArn = required(input, 'PolicyArn');
      db.tx(() => {
        if (!policies.has(policyArn)) throw err.noSuch(`Policy ${policyArn} was not found.`);
        if (attachmentCount(policyArn) > 0)
          throw err.conflict('Cannot delete a policy attached to entities.');
        policies.delete(policyArn);
      });
      return {};
    },

    ListPolicies(input: Params) {
      seed();
      const scope = str(input.Scope) ?? 'All';
      const local = scope === 'AWS' ? [] : policies.all().map(renderPolicy);
      const managed =
        scope === 'Local'
          ? []
          : Object.entries(AWS_MANAGED).map(([name, info]) => ({
              PolicyName: name,
              Arn: awsManagedArn(name),
              Path: info.path,
              DefaultVersionId: 'v1',
              AttachmentCount: attachmentCount(awsManagedArn(name)),
              IsAttachable: true,
              Description: info.description,
            }));
      const onlyAttached = str(input.OnlyAttached) === 'true';
      const all = [...local, ...managed].filter((p) => !onlyAttached || p.AttachmentCount > 0);
      const p = page(all, input, (x) => x.PolicyName);
      return { Policies: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
    },
  };

  return { id: 'iam', protocol: 'query', xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/', actions };
}
