/**
 * A role's managed policies (AttachRolePolicy, DetachRolePolicy, ListAttachedRolePolicies) and
 * inline policies (PutRolePolicy, GetRolePolicy, ListRolePolicies, DeleteRolePolicy).
 */
import type * as iam from '@aws-sdk/client-iam';
import type { Wire } from '../protocol/types';
import { checkDocument, checkName, err, getRole, page, policyName, type Scope } from './common';

export function attachRolePolicy(s: Scope, input: Wire<iam.AttachRolePolicyRequest>): object {
  const policyArn = input.PolicyArn as string;
  s.deps.db.tx(() => {
    const r = getRole(s, input.RoleName);
    if (!policyName(s, policyArn))
      throw err.noSuch(`Policy ${policyArn} does not exist or is not attachable.`);
    if (!r.attached.includes(policyArn))
      s.store.roles.put(r.name, { ...r, attached: [...r.attached, policyArn] });
  });
  return {};
}

export function detachRolePolicy(s: Scope, input: Wire<iam.DetachRolePolicyRequest>): object {
  const policyArn = input.PolicyArn as string;
  s.deps.db.tx(() => {
    const r = getRole(s, input.RoleName);
    if (!r.attached.includes(policyArn)) throw err.noSuch(`Policy ${policyArn} was not found.`);
    s.store.roles.put(r.name, { ...r, attached: r.attached.filter((a) => a !== policyArn) });
  });
  return {};
}

export function listAttachedRolePolicies(
  s: Scope,
  input: Wire<iam.ListAttachedRolePoliciesRequest>,
): Wire<iam.ListAttachedRolePoliciesResponse> {
  const r = getRole(s, input.RoleName);
  const attached = r.attached.map((arn) => ({
    PolicyArn: arn,
    PolicyName: policyName(s, arn) ?? arn.split('/').pop(),
  }));
  const p = page(attached, input, (a) => a.PolicyName ?? '');
  return { AttachedPolicies: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export function putRolePolicy(s: Scope, input: Wire<iam.PutRolePolicyRequest>): object {
  const name = checkName(input.PolicyName as string, 'policyName');
  const doc = checkDocument(input.PolicyDocument as string);
  s.deps.db.tx(() => {
    const r = getRole(s, input.RoleName);
    const inline = { ...r.inline };
    // defineProperty: a policy named "__proto__" stays a plain key.
    Object.defineProperty(inline, name, { value: doc, enumerable: true, writable: true, configurable: true });
    s.store.roles.put(r.name, { ...r, inline });
  });
  return {};
}

export function getRolePolicy(
  s: Scope,
  input: Wire<iam.GetRolePolicyRequest>,
): Wire<iam.GetRolePolicyResponse> {
  const r = getRole(s, input.RoleName);
  const name = input.PolicyName as string;
  if (!Object.hasOwn(r.inline, name)) throw err.noSuch(`The role policy with name ${name} cannot be found.`);
  // IAM answers policy documents URL-encoded.
  return { RoleName: r.name, PolicyName: name, PolicyDocument: encodeURIComponent(r.inline[name] as string) };
}

export function listRolePolicies(
  s: Scope,
  input: Wire<iam.ListRolePoliciesRequest>,
): Wire<iam.ListRolePoliciesResponse> {
  const r = getRole(s, input.RoleName);
  const p = page(Object.keys(r.inline), input, (n) => n);
  return { PolicyNames: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export function deleteRolePolicy(s: Scope, input: Wire<iam.DeleteRolePolicyRequest>): object {
  const name = input.PolicyName as string;
  s.deps.db.tx(() => {
    const r = getRole(s, input.RoleName);
    if (!Object.hasOwn(r.inline, name))
      throw err.noSuch(`The role policy with name ${name} cannot be found.`);
    const inline = { ...r.inline };
    delete inline[name];
    s.store.roles.put(r.name, { ...r, inline });
  });
  return {};
}
