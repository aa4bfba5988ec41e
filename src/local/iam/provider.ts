/**
 * IAM (awsQuery, global): roles with trust and inline policies, managed policies (AWS's ECS ones
 * and customer ones), instance profiles; ecsInstanceRole (with its instance profile),
 * ecsServiceRole and ecsTaskExecutionRole exist from the start so the wizard's role pickers have
 * something to show. The endpoint checks every input against the model (shapes.gen.ts) before an
 * action runs; actions live by resource in this folder and share a `Scope` (common.ts).
 */
import type { LocalDeps } from '../deps';
import type { ActionHandler, ServiceDefinition } from '../protocol/types';
import { iamStore, scopeOf, type Scope } from './common';
import {
  addRoleToInstanceProfile,
  createInstanceProfile,
  deleteInstanceProfile,
  getInstanceProfile,
  listInstanceProfiles,
  listInstanceProfilesForRole,
  removeRoleFromInstanceProfile,
} from './instance-profiles';
import { createPolicy, deletePolicy, getPolicy, listPolicies } from './policies';
import {
  attachRolePolicy,
  deleteRolePolicy,
  detachRolePolicy,
  getRolePolicy,
  listAttachedRolePolicies,
  listRolePolicies,
  putRolePolicy,
} from './role-policies';
import { createRole, deleteRole, getRoleAction, listRoles, updateAssumeRolePolicy } from './roles';
import { model } from './shapes.gen';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each action takes its own request shape, checked against the model by the endpoint
type Action = (s: Scope, input: any) => unknown;

const ACTIONS: Record<string, Action> = {
  CreateRole: createRole,
  GetRole: getRoleAction,
  ListRoles: listRoles,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  DeleteRole: deleteRole,
  AttachRolePolicy: attachRolePolicy,
  DetachRolePolicy: detachRolePolicy,
  ListAttachedRolePolicies: listAttachedRolePolicies,
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  ListRolePolicies: listRolePolicies,
  DeleteRolePolicy: deleteRolePolicy,
  CreateInstanceProfile: createInstanceProfile,
  GetInstanceProfile: getInstanceProfile,
  DeleteInstanceProfile: deleteInstanceProfile,
  AddRoleToInstanceProfile: addRoleToInstanceProfile,
  RemoveRoleFromInstanceProfile: removeRoleFromInstanceProfile,
  ListInstanceProfiles: listInstanceProfiles,
  ListInstanceProfilesForRole: listInstanceProfilesForRole,
  CreatePolicy: createPolicy,
  GetPolicy: getPolicy,
  DeletePolicy: deletePolicy,
  ListPolicies: listPolicies,
};

export function createIamService(deps: LocalDeps): ServiceDefinition {
  const store = iamStore(deps);
  const actions: Record<string, ActionHandler> = {};
  for (const [name, action] of Object.entries(ACTIONS)) {
    actions[name] = (input, ctx) => action(scopeOf(deps, store, ctx.accountId), input);
  }
  return { id: 'iam', model, actions };
}
