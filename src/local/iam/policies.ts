/** CreatePolicy, GetPolicy, DeletePolicy, ListPolicies (the account's and the AWS managed ones). */
import type * as iam from '@aws-sdk/client-iam';
import type { Wire } from '../protocol/types';
import {
  attachmentCount,
  AWS_MANAGED,
  awsManagedArn,
  checkDocument,
  checkName,
  checkPath,
  err,
  iamId,
  page,
  policyName,
  seconds,
  type PolicyRecord,
  type Scope,
} from './common';

/** When AWS published the managed policies (their CreateDate), epoch seconds. */
const MANAGED_SINCE = Date.UTC(2015, 2, 19) / 1000;

function renderPolicy(s: Scope, p: PolicyRecord): Wire<iam.Policy> {
  return {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: 'v1',
    AttachmentCount: attachmentCount(s, p.arn),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: p.description,
    CreateDate: seconds(p.createDate),
    UpdateDate: seconds(p.createDate),
  };
}

export function createPolicy(s: Scope, input: Wire<iam.CreatePolicyRequest>): Wire<iam.CreatePolicyResponse> {
  const name = checkName(input.PolicyName as string, 'policyName');
  const document = checkDocument(input.PolicyDocument as string);
  const path = checkPath(input.Path);
  const policy: PolicyRecord = {
    arn: `arn:aws:iam::${s.accountId}:policy${path}${name}`,
    name,
    id: iamId('ANPA'),
    path,
    description: input.Description,
    document,
    createDate: s.now,
  };
  s.deps.db.tx(() => {
    if (s.store.policies.all().some((p) => p.name === name)) {
      throw err.exists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
    }
    s.store.policies.put(policy.arn, policy);
  });
  return { Policy: renderPolicy(s, policy) };
}

export function getPolicy(s: Scope, input: Wire<iam.GetPolicyRequest>): Wire<iam.GetPolicyResponse> {
  const policyArn = input.PolicyArn as string;
  const p = s.store.policies.get(policyArn);
  if (p) return { Policy: renderPolicy(s, p) };
  const managed = policyName(s, policyArn);
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
      AttachmentCount: attachmentCount(s, policyArn),
      IsAttachable: true,
      Description: info?.description,
      CreateDate: MANAGED_SINCE,
      UpdateDate: MANAGED_SINCE,
    },
  };
}

export function deletePolicy(s: Scope, input: Wire<iam.DeletePolicyRequest>): object {
  const policyArn = input.PolicyArn as string;
  s.deps.db.tx(() => {
    if (!s.store.policies.has(policyArn)) throw err.noSuch(`Policy ${policyArn} was not found.`);
    if (attachmentCount(s, policyArn) > 0) throw err.conflict('Cannot delete a policy attached to entities.');
    s.store.policies.delete(policyArn);
  });
  return {};
}

export function listPolicies(s: Scope, input: Wire<iam.ListPoliciesRequest>): Wire<iam.ListPoliciesResponse> {
  const scope = input.Scope ?? 'All';
  const local = scope === 'AWS' ? [] : s.store.policies.all().map((p) => renderPolicy(s, p));
  const managed: Wire<iam.Policy>[] =
    scope === 'Local'
      ? []
      : Object.entries(AWS_MANAGED).map(([name, info]) => ({
          PolicyName: name,
          Arn: awsManagedArn(name),
          Path: info.path,
          DefaultVersionId: 'v1',
          AttachmentCount: attachmentCount(s, awsManagedArn(name)),
          IsAttachable: true,
          Description: info.description,
        }));
  const all = [...local, ...managed].filter((p) => !input.OnlyAttached || (p.AttachmentCount ?? 0) > 0);
  const p = page(all, input, (x) => x.PolicyName ?? '');
  return { Policies: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
}
