/**
 * CreateInstanceProfile, GetInstanceProfile, DeleteInstanceProfile, AddRoleToInstanceProfile,
 * RemoveRoleFromInstanceProfile, ListInstanceProfiles, ListInstanceProfilesForRole.
 */
import type * as iam from '@aws-sdk/client-iam';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import {
  checkName,
  checkPath,
  err,
  getProfile,
  getRole,
  makeProfile,
  page,
  seconds,
  type ProfileRecord,
  type RoleRecord,
  type Scope,
} from './common';
import { renderRole } from './roles';

function renderProfile(s: Scope, p: ProfileRecord): Wire<iam.InstanceProfile> {
  return {
    Path: p.path,
    InstanceProfileName: p.name,
    InstanceProfileId: p.id,
    Arn: p.arn,
    CreateDate: seconds(p.createDate),
    Roles: p.roles
      .map((name) => s.store.roles.get(name))
      .filter((r): r is RoleRecord => !!r)
      .map(renderRole),
  };
}

export function createInstanceProfile(
  s: Scope,
  input: Wire<iam.CreateInstanceProfileRequest>,
): Wire<iam.CreateInstanceProfileResponse> {
  const name = checkName(input.InstanceProfileName as string, 'instanceProfileName');
  const profile = makeProfile(s, name, checkPath(input.Path));
  s.deps.db.tx(() => {
    if (s.store.profiles.has(name)) throw err.exists(`Instance Profile ${name} already exists.`);
    s.store.profiles.put(name, profile);
  });
  return { InstanceProfile: renderProfile(s, profile) };
}

export function getInstanceProfile(
  s: Scope,
  input: Wire<iam.GetInstanceProfileRequest>,
): Wire<iam.GetInstanceProfileResponse> {
  return { InstanceProfile: renderProfile(s, getProfile(s, input.InstanceProfileName)) };
}

export function deleteInstanceProfile(s: Scope, input: Wire<iam.DeleteInstanceProfileRequest>): object {
  s.deps.db.tx(() => {
    const p = getProfile(s, input.InstanceProfileName);
    if (p.roles.length > 0)
      throw err.conflict('Cannot delete entity, must remove roles from instance profile first.');
    s.store.profiles.delete(p.name);
  });
  return {};
}

export function addRoleToInstanceProfile(s: Scope, input: Wire<iam.AddRoleToInstanceProfileRequest>): object {
  s.deps.db.tx(() => {
    const p = getProfile(s, input.InstanceProfileName);
    const r = getRole(s, input.RoleName);
    if (p.roles.length >= 1) {
      throw new AwsError(
        'LimitExceeded',
        'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
        409,
      );
    }
    s.store.profiles.put(p.name, { ...p, roles: [r.name] });
  });
  return {};
}

export function removeRoleFromInstanceProfile(
  s: Scope,
  input: Wire<iam.RemoveRoleFromInstanceProfileRequest>,
): object {
  s.deps.db.tx(() => {
    const p = getProfile(s, input.InstanceProfileName);
    const roleName = input.RoleName as string;
    if (!p.roles.includes(roleName)) {
      throw err.noSuch(`The role with name ${roleName} cannot be found in instance profile ${p.name}.`);
    }
    s.store.profiles.put(p.name, { ...p, roles: p.roles.filter((n) => n !== roleName) });
  });
  return {};
}

export function listInstanceProfiles(
  s: Scope,
  input: Wire<iam.ListInstanceProfilesRequest>,
): Wire<iam.ListInstanceProfilesResponse> {
  const prefix = input.PathPrefix ?? '/';
  const p = page(
    s.store.profiles.all().filter((x) => x.path.startsWith(prefix)),
    input,
    (x) => x.name,
  );
  return {
    InstanceProfiles: p.items.map((x) => renderProfile(s, x)),
    IsTruncated: p.IsTruncated,
    Marker: p.Marker,
  };
}

export function listInstanceProfilesForRole(
  s: Scope,
  input: Wire<iam.ListInstanceProfilesForRoleRequest>,
): Wire<iam.ListInstanceProfilesForRoleResponse> {
  const r = getRole(s, input.RoleName);
  const p = page(
    s.store.profiles.all().filter((x) => x.roles.includes(r.name)),
    input,
    (x) => x.name,
  );
  return {
    InstanceProfiles: p.items.map((x) => renderProfile(s, x)),
    IsTruncated: p.IsTruncated,
    Marker: p.Marker,
  };
}
