/**
 * AWS::ApplicationAutoScaling::ScalableTarget and ::ScalingPolicy, through the local Application
 * Auto Scaling. A scalable target's Ref (and Fn::GetAtt Id) is `ResourceId|ScalableDimension|
 * ServiceNamespace`, as CloudFormation's; a policy names its target either by that (ScalingTargetId)
 * or by the three properties. A policy's Ref (and Fn::GetAtt Arn) is its ARN.
 */
import { prop, ResourceFailure, type Props, type ResourceContext, type ResourceProvider } from './types';

interface TargetKey {
  ResourceId: string;
  ScalableDimension: string;
  ServiceNamespace: string;
}

const targetId = (k: TargetKey) => `${k.ResourceId}|${k.ScalableDimension}|${k.ServiceNamespace}`;

function parseTargetId(id: string): TargetKey {
  const parts = id.split('|');
  if (parts.length !== 3 || parts.some((p) => p === ''))
    throw new ResourceFailure(
      `Invalid ScalingTargetId ${id}: expected ResourceId|ScalableDimension|ServiceNamespace`,
    );
  const [ResourceId, ScalableDimension, ServiceNamespace] = parts as [string, string, string];
  return { ResourceId, ScalableDimension, ServiceNamespace };
}

const keyOf = (props: Props): TargetKey => ({
  ResourceId: prop.required(props, 'ResourceId'),
  ScalableDimension: prop.required(props, 'ScalableDimension'),
  ServiceNamespace: prop.required(props, 'ServiceNamespace'),
});

async function register(ctx: ResourceContext, k: TargetKey, props: Props): Promise<void> {
  const suspended = prop.obj(props, 'SuspendedState');
  await ctx.call('application-autoscaling', 'RegisterScalableTarget', {
    ...k,
    MinCapacity: prop.required(props, 'MinCapacity'),
    MaxCapacity: prop.required(props, 'MaxCapacity'),
    ...(prop.str(props, 'RoleARN') !== undefined && { RoleARN: prop.str(props, 'RoleARN') }),
    ...(suspended && { SuspendedState: suspended }),
  });
}

/** Scheduled actions a target declares: put each, remove the ones no longer declared. */
async function scheduled(ctx: ResourceContext, k: TargetKey, props: Props, previous?: Props): Promise<void> {
  const now = prop.objList(props, 'ScheduledActions');
  const names = new Set(now.map((a) => prop.required(a, 'ScheduledActionName')));
  for (const a of previous ? prop.objList(previous, 'ScheduledActions') : []) {
    const name = prop.required(a, 'ScheduledActionName');
    if (!names.has(name))
      await ctx.callIgnoring(
        'application-autoscaling',
        'DeleteScheduledAction',
        { ...k, ScheduledActionName: name },
        ['ObjectNotFoundException'],
      );
  }
  for (const a of now) {
    const input: Record<string, unknown> = {
      ...k,
      ScheduledActionName: prop.required(a, 'ScheduledActionName'),
    };
    for (const key of ['Schedule', 'Timezone', 'StartTime', 'EndTime', 'ScalableTargetAction'])
      if (a[key] !== undefined && a[key] !== null) input[key] = a[key];
    await ctx.call('application-autoscaling', 'PutScheduledAction', input);
  }
}

export const scalableTarget: ResourceProvider = {
  type: 'AWS::ApplicationAutoScaling::ScalableTarget',
  attributes: ['Id'],
  createOnly: ['ResourceId', 'ScalableDimension', 'ServiceNamespace'],
  async create(ctx, props) {
    const k = keyOf(props);
    const existing = await ctx.call<{ ScalableTargets?: unknown[] }>(
      'application-autoscaling',
      'DescribeScalableTargets',
      {
        ServiceNamespace: k.ServiceNamespace,
        ResourceIds: [k.ResourceId],
        ScalableDimension: k.ScalableDimension,
      },
    );
    if (existing.ScalableTargets?.length)
      throw new ResourceFailure(
        `Resource of type 'AWS::ApplicationAutoScaling::ScalableTarget' with identifier '${targetId(k)}' already exists.`,
      );
    await register(ctx, k, props);
    ctx.created(targetId(k));
    await scheduled(ctx, k, props);
    return { physicalId: targetId(k), attributes: { Id: targetId(k) } };
  },
  async update(ctx, id, props, previous) {
    const k = parseTargetId(id);
    await register(ctx, k, props);
    await scheduled(ctx, k, props, previous);
    return { Id: id };
  },
  async delete(ctx, id) {
    await ctx.callIgnoring('application-autoscaling', 'DeregisterScalableTarget', parseTargetId(id), [
      'ObjectNotFoundException',
    ]);
  },
};

function policyTarget(props: Props): TargetKey {
  const id = prop.str(props, 'ScalingTargetId');
  if (id !== undefined) return parseTargetId(id);
  if (props.ResourceId === undefined)
    throw new ResourceFailure(
      'A scaling policy needs ScalingTargetId, or ResourceId, ScalableDimension and ServiceNamespace.',
    );
  return keyOf(props);
}

async function putPolicy(ctx: ResourceContext, name: string, props: Props): Promise<string> {
  const input: Record<string, unknown> = {
    ...policyTarget(props),
    PolicyName: name,
    PolicyType: prop.required(props, 'PolicyType'),
  };
  for (const key of ['StepScalingPolicyConfiguration', 'TargetTrackingScalingPolicyConfiguration'])
    if (props[key] !== undefined && props[key] !== null) input[key] = props[key];
  const out = await ctx.call<{ PolicyARN: string }>('application-autoscaling', 'PutScalingPolicy', input);
  return out.PolicyARN;
}

/** The policy name is in its ARN: `...:scalingPolicy:<id>:resource/<namespace>/<resource id>:policyName/<name>`. */
const nameInArn = (arn: string) => arn.slice(arn.lastIndexOf(':policyName/') + ':policyName/'.length);

export const applicationScalingPolicy: ResourceProvider = {
  type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
  attributes: ['Arn'],
  nameProperty: 'PolicyName',
  generatedNameLength: 256,
  createOnly: ['PolicyName', 'ScalingTargetId', 'ResourceId', 'ScalableDimension', 'ServiceNamespace'],
  async create(ctx, props) {
    const name = prop.str(props, 'PolicyName') ?? ctx.generatedName;
    const arn = await putPolicy(ctx, name, props);
    return { physicalId: arn, attributes: { Arn: arn } };
  },
  async update(ctx, arn, props) {
    await putPolicy(ctx, nameInArn(arn), props);
    return { Arn: arn };
  },
  async delete(ctx, arn, props) {
    await ctx.callIgnoring(
      'application-autoscaling',
      'DeleteScalingPolicy',
      { ...policyTarget(props), PolicyName: nameInArn(arn) },
      ['ObjectNotFoundException'],
    );
  },
};
