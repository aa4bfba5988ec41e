/**
 * What the wizard's two stacks (EC2, template.ts; Fargate, template-fargate.ts) share for their
 * Application Load Balancer: the listener port and health check path parameters, the target group
 * (type `instance` on EC2, `ip` for awsvpc tasks) and the HTTP listener that forwards to it.
 */
import type { LoadBalancerAnswers } from './answers';
import type { Json, JsonObject } from './template';

const ref = (name: string): Json => ({ Ref: name });

export function loadBalancerParameters(lb: LoadBalancerAnswers): Record<string, JsonObject> {
  return {
    ElbPort: {
      Type: 'Number',
      Description: 'The port the load balancer listens on (HTTP).',
      Default: lb.listenerPort,
      MinValue: 1,
      MaxValue: 65535,
    },
    TargetGroupHealthCheckPath: {
      Type: 'String',
      Description: 'The HTTP path the target group checks.',
      Default: lb.healthCheckPath,
    },
  };
}

/** `DefaultTargetGroup` in the VPC `vpc` names, and `LoadBalancerListener` on `EcsElasticLoadBalancer`. */
export function targetGroupAndListener(
  lb: LoadBalancerAnswers,
  targetType: 'instance' | 'ip',
  vpc: string,
): Record<string, JsonObject> {
  return {
    DefaultTargetGroup: {
      Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
      Properties: {
        VpcId: ref(vpc),
        Port: lb.containerPort,
        Protocol: 'HTTP',
        TargetType: targetType,
        HealthCheckProtocol: 'HTTP',
        HealthCheckPath: ref('TargetGroupHealthCheckPath'),
        HealthCheckIntervalSeconds: 30,
        HealthCheckTimeoutSeconds: 5,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 10,
      },
    },
    LoadBalancerListener: {
      Type: 'AWS::ElasticLoadBalancingV2::Listener',
      Properties: {
        LoadBalancerArn: ref('EcsElasticLoadBalancer'),
        Port: ref('ElbPort'),
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'forward', TargetGroupArn: ref('DefaultTargetGroup') }],
      },
    },
  };
}
