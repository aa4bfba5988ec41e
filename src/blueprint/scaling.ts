/**
 * Service auto scaling from the wizard's service step: a scalable target on the service's desired count
 * (min, max) and a target-tracking policy on ECSServiceAverageCPUUtilization. On EC2 the launch sends
 * RegisterScalableTarget and PutScalingPolicy after CreateService; on Fargate, where the stack holds the
 * service, the same two are template resources.
 */
import type { AutoScalingAnswers, WizardAnswers } from './answers';
import type { Json, JsonObject } from './template';

export const SCALE_OUT_COOLDOWN = 60;
export const SCALE_IN_COOLDOWN = 300;

export interface RegisterScalableTargetInput {
  ServiceNamespace: 'ecs';
  ResourceId: string;
  ScalableDimension: 'ecs:service:DesiredCount';
  MinCapacity: number;
  MaxCapacity: number;
}

export interface PutScalingPolicyInput {
  PolicyName: string;
  ServiceNamespace: 'ecs';
  ResourceId: string;
  ScalableDimension: 'ecs:service:DesiredCount';
  PolicyType: 'TargetTrackingScaling';
  TargetTrackingScalingPolicyConfiguration: {
    TargetValue: number;
    PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' };
    ScaleOutCooldown: number;
    ScaleInCooldown: number;
  };
}

export function scalingPolicyName(answers: WizardAnswers): string {
  return `${answers.service.name}-cpu-target-tracking`;
}

/** The two Application Auto Scaling calls (EC2), or undefined without auto scaling. */
export function scalingInputs(
  answers: WizardAnswers,
):
  | { registerScalableTarget: RegisterScalableTargetInput; putScalingPolicy: PutScalingPolicyInput }
  | undefined {
  const as = answers.service.autoScaling;
  if (!as) return undefined;
  const target = {
    ServiceNamespace: 'ecs' as const,
    ResourceId: `service/${answers.cluster.name}/${answers.service.name}`,
    ScalableDimension: 'ecs:service:DesiredCount' as const,
  };
  return {
    registerScalableTarget: { ...target, MinCapacity: as.minTasks, MaxCapacity: as.maxTasks },
    putScalingPolicy: {
      PolicyName: scalingPolicyName(answers),
      ...target,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: trackingConfiguration(as),
    },
  };
}

function trackingConfiguration(as: AutoScalingAnswers) {
  return {
    TargetValue: as.targetCpu,
    PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' as const },
    ScaleOutCooldown: SCALE_OUT_COOLDOWN,
    ScaleInCooldown: SCALE_IN_COOLDOWN,
  };
}

/** Fargate: the scalable target and its policy as resources beside the stack's `EcsService`. */
export function scalingResources(answers: WizardAnswers): Record<string, JsonObject> {
  const as = answers.service.autoScaling;
  if (!as) return {};
  const resourceId: Json = {
    'Fn::Join': ['/', ['service', { Ref: 'EcsClusterName' }, { 'Fn::GetAtt': ['EcsService', 'Name'] }]],
  };
  return {
    EcsScalableTarget: {
      Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
      Properties: {
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: resourceId,
        MinCapacity: as.minTasks,
        MaxCapacity: as.maxTasks,
      },
    },
    EcsCpuScalingPolicy: {
      Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
      Properties: {
        PolicyName: scalingPolicyName(answers),
        PolicyType: 'TargetTrackingScaling',
        ScalingTargetId: { Ref: 'EcsScalableTarget' },
        TargetTrackingScalingPolicyConfiguration: trackingConfiguration(as),
      },
    },
  };
}
