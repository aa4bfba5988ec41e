/** CreateRole, GetRole, ListRoles, UpdateAssumeRolePolicy, DeleteRole. */
import type * as iam from '@aws-sdk/client-iam';
import type { Wire } from '../protocol/types';
import {
  checkDocument,
  checkName,
  checkPath,
  err,
  getRole,
  makeRole,
  page,
  seconds,
  type RoleRecord,
  type Scope,
} from './common';

export function renderRole(r: RoleRecord): Wire<iam.Role> {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: seconds(r.createDate),
    // IAM answers policy documents URL-encoded.
    AssumeRolePolicyDocument: encodeURIComponent(r.assumeRolePolicyDocument),
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
    Tags: r.tags.length ? r.tags.map((t) => ({ Key: t.key, Value: t.value })) : undefined,
  };
}

export function createRole(s: Scope, input: Wire<iam.CreateRoleRequest>): Wire<iam.CreateRoleResponse> {
  const name = checkName(input.RoleName as string, 'roleName');
  const trust = checkDocument(input.AssumeRolePolicyDocument as string);
  const role = makeRole(s, name, checkPath(input.Path), trust, input.Description);
  if (input.MaxSessionDuration !== undefined) role.maxSessionDuration = input.MaxSessionDuration;
  role.tags = (input.Tags ?? []).map((t) => ({ key: t.Key as string, value: t.Value as string }));
  s.deps.db.tx(() => {
    if (s.store.roles.has(name)) throw err.exists(`Role with name ${name} already exists.`);
    s.store.roles.put(name, role);
  });
  return { Role: renderRole(role) };
}

export function getRoleAction(s: Scope, input: Wire<iam.GetRoleRequest>): Wire<iam.GetRoleResponse> {
  return { Role: renderRole(getRole(s, input.RoleName)) };
}

export function listRoles(s: Scope, input: Wire<iam.ListRolesRequest>): Wire<iam.ListRolesResponse> {
  const prefix = input.PathPrefix ?? '/';
  const p = page(
    s.store.roles.all().filter((r) => r.path.startsWith(prefix)),
    input,
    (r) => r.name,
  );
  return { Roles: p.items.map(renderRole), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export function updateAssumeRolePolicy(s: Scope, input: Wire<iam.UpdateAssumeRolePolicyRequest>): object {
  const doc = checkDocument(input.PolicyDocument as string);
  s.deps.db.tx(() => {
    const r = getRole(s, input.RoleName);
    s.store.roles.put(r.name, { ...r, assumeRolePolicyDocument: doc });
  });
  return {};
}

export function deleteRole(s: Scope, input: Wire<iam.DeleteRoleRequest>): object {
  s.deps.db.tx(() => {
    const r = getRole(s, input.RoleName);
    if (r.attached.length > 0) throw err.conflict('Cannot delete entity, must detach all policies first.');
    if (Object.keys(r.inline).length > 0)
      throw err.conflict('Cannot delete entity, must delete policies first.');
    if (s.store.profiles.all().some((p) => p.roles.includes(r.name))) {
      throw err.conflict('Cannot delete entity, must remove roles from instance profile first.');
    }
    s.store.roles.delete(r.name);
  });
  return {};
}
