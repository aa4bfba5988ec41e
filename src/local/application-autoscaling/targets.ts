/** Scalable targets: RegisterScalableTarget, DescribeScalableTargets, DeregisterScalableTarget. */
import type * as aas from '@aws-sdk/client-application-auto-scaling';
import type { Checked, Wire } from '../protocol/types';
import { ecsResource, findTarget, page, validation, type Scope } from './common';
import { targetKey, type TargetRecord } from './model';
import { deletePolicyAlarms } from './policies';

const serviceRole = (accountId: string) =>
  `arn:aws:iam::${accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`;

export async function registerScalableTarget(
  s: Scope,
  input: Checked<aas.RegisterScalableTargetRequest>,
): Promise<Wire<aas.RegisterScalableTargetResponse>> {
  const { cluster, service } = ecsResource(input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
  const key = targetKey(s.region, input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
  const existing = s.col.targets.get(key);
  if (!existing && (input.MinCapacity === undefined || input.MaxCapacity === undefined))
    throw validation('MinCapacity and MaxCapacity are required for registering a new scalable target.');
  const min = input.MinCapacity ?? (existing?.target.MinCapacity as number);
  const max = input.MaxCapacity ?? (existing?.target.MaxCapacity as number);
  if (min > max) throw validation(`Minimum capacity ${min} cannot be greater than maximum capacity ${max}.`);
  // The service must exist (read through ECS's public API, as AWS does).
  const found = await s.deps.services.call(
    'ecs',
    'DescribeServices',
    { cluster, services: [service] },
    { region: s.region, accountId: s.accountId },
  );
  const svc = (found.services as { status?: string }[] | undefined)?.[0];
  if (!svc || svc.status !== 'ACTIVE') throw validation(`ECS service doesn't exist: ${input.ResourceId}`);
  const arn =
    existing?.target.ScalableTargetARN ??
    `arn:aws:application-autoscaling:${s.region}:${s.accountId}:scalable-target/${Buffer.from(key).toString('hex').slice(0, 32)}`;
  s.deps.db.tx(() => {
    const record: TargetRecord = {
      ...(existing ?? {}),
      region: s.region,
      accountId: s.accountId,
      target: {
        ServiceNamespace: input.ServiceNamespace,
        ResourceId: input.ResourceId,
        ScalableDimension: input.ScalableDimension,
        MinCapacity: min,
        MaxCapacity: max,
        RoleARN: input.RoleARN ?? existing?.target.RoleARN ?? serviceRole(s.accountId),
        CreationTime: existing?.target.CreationTime ?? s.now,
        SuspendedState: {
          DynamicScalingInSuspended: false,
          DynamicScalingOutSuspended: false,
          ScheduledScalingSuspended: false,
          ...existing?.target.SuspendedState,
          ...input.SuspendedState,
        },
        ScalableTargetARN: arn,
      },
    };
    s.col.targets.put(key, record);
  });
  s.wake(key);
  return { ScalableTargetARN: arn };
}

export function describeScalableTargets(
  s: Scope,
  input: Checked<aas.DescribeScalableTargetsRequest>,
): Wire<aas.DescribeScalableTargetsResponse> {
  const ids = input.ResourceIds?.length ? new Set(input.ResourceIds) : undefined;
  const all = s.col.targets
    .find({ region: s.region })
    .map((r) => r.target)
    .filter((t) => t.ServiceNamespace === input.ServiceNamespace)
    .filter((t) => !ids || ids.has(t.ResourceId as string))
    .filter((t) => input.ScalableDimension === undefined || t.ScalableDimension === input.ScalableDimension);
  const p = page(all, input.MaxResults, input.NextToken);
  return { ScalableTargets: p.items, ...(p.NextToken && { NextToken: p.NextToken }) };
}

export async function deregisterScalableTarget(
  s: Scope,
  input: Checked<aas.DeregisterScalableTargetRequest>,
): Promise<Record<string, never>> {
  const record = findTarget(s, input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
  const key = targetKey(s.region, input.ServiceNamespace, input.ResourceId, input.ScalableDimension);
  const policies = s.col.policies.find({ target: key });
  s.deps.db.tx(() => {
    for (const col of [s.col.policies, s.col.scheduled, s.col.activities])
      for (const id of col.ids({ target: key })) col.delete(id);
    s.col.targets.delete(key);
  });
  // The alarms target tracking made go with their policies (after the commit: CloudWatch's own call).
  for (const p of policies) await deletePolicyAlarms(s, p.policy, record.accountId);
  return {};
}
