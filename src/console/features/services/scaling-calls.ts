/** The Application Auto Scaling calls the service page's target-tracking form sends (pure, shown as sent). */
import type { ApiCall } from '../../../blueprint/cli-command';

export type TrackedMetric = 'ECSServiceAverageCPUUtilization' | 'ECSServiceAverageMemoryUtilization';

/** The calls that create or update a target-tracking policy (and its scalable target). */
export function targetTrackingCalls(
  resourceId: string,
  v: {
    min: number;
    max: number;
    policyName: string;
    metric: TrackedMetric;
    target: number;
    outCooldown: number;
    inCooldown: number;
  },
): ApiCall[] {
  const target = {
    ServiceNamespace: 'ecs',
    ResourceId: resourceId,
    ScalableDimension: 'ecs:service:DesiredCount',
  };
  return [
    {
      service: 'application-autoscaling',
      operation: 'RegisterScalableTarget',
      input: { ...target, MinCapacity: v.min, MaxCapacity: v.max },
    },
    {
      service: 'application-autoscaling',
      operation: 'PutScalingPolicy',
      input: {
        ...target,
        PolicyName: v.policyName,
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: v.target,
          PredefinedMetricSpecification: { PredefinedMetricType: v.metric },
          ScaleOutCooldown: v.outCooldown,
          ScaleInCooldown: v.inCooldown,
        },
      },
    },
  ];
}
