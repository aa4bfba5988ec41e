/**
 * AWS::AutoScaling::ScalingPolicy (SimpleScaling, StepScaling), through the local Auto Scaling's
 * PutScalingPolicy. Ref and Fn::GetAtt Arn are the policy's ARN; Fn::GetAtt PolicyName its name
 * (generated: the template has no name property).
 */
import { prop, type Props, type ResourceContext, type ResourceProvider } from './types';

const PASS = [
  'AdjustmentType',
  'Cooldown',
  'EstimatedInstanceWarmup',
  'MetricAggregationType',
  'MinAdjustmentMagnitude',
  'PolicyType',
  'ScalingAdjustment',
  'StepAdjustments',
  'TargetTrackingConfiguration',
  'PredictiveScalingConfiguration',
] as const;

async function put(ctx: ResourceContext, name: string, props: Props): Promise<string> {
  const input: Record<string, unknown> = {
    AutoScalingGroupName: prop.required(props, 'AutoScalingGroupName'),
    PolicyName: name,
  };
  for (const key of PASS) if (props[key] !== undefined && props[key] !== null) input[key] = props[key];
  return (await ctx.call<{ PolicyARN: string }>('autoscaling', 'PutScalingPolicy', input)).PolicyARN;
}

const nameInArn = (arn: string) => arn.slice(arn.lastIndexOf(':policyName/') + ':policyName/'.length);

export const autoScalingPolicy: ResourceProvider = {
  type: 'AWS::AutoScaling::ScalingPolicy',
  attributes: ['Arn', 'PolicyName'],
  generatedNameLength: 255,
  createOnly: ['AutoScalingGroupName'],
  async create(ctx, props) {
    const name = ctx.generatedName;
    const arn = await put(ctx, name, props);
    return { physicalId: arn, attributes: { Arn: arn, PolicyName: name } };
  },
  async update(ctx, arn, props) {
    await put(ctx, nameInArn(arn), props);
    return { Arn: arn, PolicyName: nameInArn(arn) };
  },
  async delete(ctx, arn, props) {
    await ctx.callIgnoring(
      'autoscaling',
      'DeletePolicy',
      { AutoScalingGroupName: prop.required(props, 'AutoScalingGroupName'), PolicyName: arn },
      ['ValidationError'],
    );
  },
};
