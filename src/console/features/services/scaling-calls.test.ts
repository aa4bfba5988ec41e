import { describe, expect, it } from 'vitest';
import { cliCommand } from '../../../blueprint/cli-command';
import { serviceMetricQueries, lbDimension, tgDimension } from '../../aws/queries/metrics';
import { targetTrackingCalls } from './scaling-calls';

describe('the service page scaling form', () => {
  it('registers the target, then puts the target-tracking policy, as the CLI would', () => {
    const calls = targetTrackingCalls('service/prod/web', {
      min: 1,
      max: 4,
      policyName: 'web-cpu-target',
      metric: 'ECSServiceAverageCPUUtilization',
      target: 50,
      outCooldown: 60,
      inCooldown: 120,
    });
    expect(calls.map((c) => c.operation)).toEqual(['RegisterScalableTarget', 'PutScalingPolicy']);
    expect(calls[1]?.input).toEqual({
      ServiceNamespace: 'ecs',
      ResourceId: 'service/prod/web',
      ScalableDimension: 'ecs:service:DesiredCount',
      PolicyName: 'web-cpu-target',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 50,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        ScaleOutCooldown: 60,
        ScaleInCooldown: 120,
      },
    });
    expect(cliCommand(calls[0]!)).toMatch(
      /^aws application-autoscaling register-scalable-target --cli-input-json '/,
    );
  });
});

describe('the service metrics queries', () => {
  it('reads ECS utilization always and the load balancer metrics with a target group', () => {
    const lb = {
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/abc',
      loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/lb/def',
    };
    expect(lbDimension(lb.loadBalancerArn)).toBe('app/lb/def');
    expect(tgDimension(lb.targetGroupArn)).toBe('targetgroup/tg/abc');
    expect(serviceMetricQueries('c', 's', 60).map((q) => q.query.Id)).toEqual([
      'cpu',
      'memory',
      'cpuReservation',
      'memoryReservation',
    ]);
    const withLb = serviceMetricQueries('c', 's', 10, lb);
    expect(withLb.map((q) => q.query.Id)).toContain('requests');
    expect(withLb.find((q) => q.query.Id === 'requests')?.query.MetricStat).toEqual({
      Metric: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'RequestCount',
        Dimensions: [
          { Name: 'TargetGroup', Value: 'targetgroup/tg/abc' },
          { Name: 'LoadBalancer', Value: 'app/lb/def' },
        ],
      },
      Period: 10,
      Stat: 'Sum',
    });
  });
});
