/**
 * Scaling through the real AWS CLI: EC2 Auto Scaling policies (`aws autoscaling put-scaling-policy`,
 * describe-policies, execute-policy, delete-policy) and Application Auto Scaling for an ECS service
 * (register-scalable-target, put-scaling-policy with target tracking and the alarms it owns,
 * describe-*, delete-scaling-policy, deregister-scalable-target), with AWS's error codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlane, type TestPlane } from '../../testing/plane';
import { awsCli, awsJson, requireTool } from '../../testing/tools';

const hasAws = requireTool('aws', 'Auto Scaling policies with the AWS CLI');

let t: TestPlane;

// Each AWS CLI call starts a Python process (seconds each on a loaded machine): generous timeouts.
describe.skipIf(!hasAws)('AWS CLI: scaling policies', () => {
  beforeAll(async () => {
    t = await startTestPlane();
  });
  afterAll(async () => {
    await t?.plane.stop();
  });
  const run = (...args: string[]) => awsCli(t.url, args);
  const json = <T = Record<string, unknown>>(...args: string[]) => awsJson<T>(t.url, args);

  it('puts, describes, executes and deletes an EC2 Auto Scaling policy', async () => {
    await json(
      'autoscaling',
      'create-launch-configuration',
      '--launch-configuration-name',
      'cli-lc',
      '--image-id',
      'ami-12345678',
      '--instance-type',
      't2.micro',
    );
    await json(
      'autoscaling',
      'create-auto-scaling-group',
      '--auto-scaling-group-name',
      'cli-asg',
      '--launch-configuration-name',
      'cli-lc',
      '--min-size',
      '0',
      '--max-size',
      '3',
      '--desired-capacity',
      '0',
      '--availability-zones',
      'us-east-1a',
    );
    const bad = await run(
      'autoscaling',
      'put-scaling-policy',
      '--auto-scaling-group-name',
      'cli-asg',
      '--policy-name',
      'p',
      '--policy-type',
      'StepScaling',
      '--adjustment-type',
      'ChangeInCapacity',
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('(ValidationError)');
    const put = await json<{ PolicyARN: string }>(
      'autoscaling',
      'put-scaling-policy',
      '--auto-scaling-group-name',
      'cli-asg',
      '--policy-name',
      'grow',
      '--adjustment-type',
      'ChangeInCapacity',
      '--scaling-adjustment',
      '2',
      '--cooldown',
      '60',
    );
    expect(put.PolicyARN).toContain(':scalingPolicy:');
    const described = await json<{ ScalingPolicies: { PolicyName: string; Cooldown: number }[] }>(
      'autoscaling',
      'describe-policies',
      '--auto-scaling-group-name',
      'cli-asg',
    );
    expect(described.ScalingPolicies).toEqual([
      expect.objectContaining({ PolicyName: 'grow', Cooldown: 60 }),
    ]);
    await json('autoscaling', 'execute-policy', '--policy-name', put.PolicyARN, '--no-honor-cooldown');
    const busy = await run(
      'autoscaling',
      'execute-policy',
      '--policy-name',
      put.PolicyARN,
      '--honor-cooldown',
    );
    expect(busy.stderr).toContain('(ScalingActivityInProgress)');
    const groups = await json<{ AutoScalingGroups: { DesiredCapacity: number }[] }>(
      'autoscaling',
      'describe-auto-scaling-groups',
      '--auto-scaling-group-names',
      'cli-asg',
    );
    expect(groups.AutoScalingGroups[0]?.DesiredCapacity).toBe(2);
    await json(
      'autoscaling',
      'delete-policy',
      '--auto-scaling-group-name',
      'cli-asg',
      '--policy-name',
      'grow',
    );
    const gone = await run(
      'autoscaling',
      'delete-policy',
      '--auto-scaling-group-name',
      'cli-asg',
      '--policy-name',
      'grow',
    );
    expect(gone.stderr).toContain('(ValidationError)');
  }, 240_000);

  it('registers a scalable ECS service with a target tracking policy and its alarms', async () => {
    await json('ecs', 'create-cluster', '--cluster-name', 'cli-scale');
    await json(
      'ecs',
      'register-task-definition',
      '--family',
      'cli-web',
      '--container-definitions',
      JSON.stringify([{ name: 'web', image: 'nginx', memory: 64, cpu: 64 }]),
    );
    await json(
      'ecs',
      'create-service',
      '--cluster',
      'cli-scale',
      '--service-name',
      'web',
      '--task-definition',
      'cli-web',
      '--desired-count',
      '1',
    );
    const target = [
      '--service-namespace',
      'ecs',
      '--resource-id',
      'service/cli-scale/web',
      '--scalable-dimension',
      'ecs:service:DesiredCount',
    ];
    const unknown = await run(
      'application-autoscaling',
      'describe-scaling-policies',
      '--service-namespace',
      'nope',
    );
    expect(unknown.stderr).toContain('(ValidationException)');
    await json(
      'application-autoscaling',
      'register-scalable-target',
      ...target,
      '--min-capacity',
      '1',
      '--max-capacity',
      '4',
    );
    const targets = await json<{ ScalableTargets: { MinCapacity: number; MaxCapacity: number }[] }>(
      'application-autoscaling',
      'describe-scalable-targets',
      '--service-namespace',
      'ecs',
    );
    expect(targets.ScalableTargets).toEqual([expect.objectContaining({ MinCapacity: 1, MaxCapacity: 4 })]);
    const policy = await json<{ PolicyARN: string; Alarms: { AlarmName: string }[] }>(
      'application-autoscaling',
      'put-scaling-policy',
      ...target,
      '--policy-name',
      'cpu50',
      '--policy-type',
      'TargetTrackingScaling',
      '--target-tracking-scaling-policy-configuration',
      JSON.stringify({
        TargetValue: 50,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        ScaleOutCooldown: 10,
        ScaleInCooldown: 10,
      }),
    );
    expect(policy.Alarms.map((a) => a.AlarmName).sort()).toEqual([
      expect.stringMatching(/^TargetTracking-service\/cli-scale\/web-AlarmHigh-/),
      expect.stringMatching(/^TargetTracking-service\/cli-scale\/web-AlarmLow-/),
    ]);
    const alarms = await json<{ MetricAlarms: { MetricName: string; Namespace: string }[] }>(
      'cloudwatch',
      'describe-alarms',
      '--alarm-names',
      ...policy.Alarms.map((a) => a.AlarmName),
    );
    expect(alarms.MetricAlarms).toHaveLength(2);
    expect(
      alarms.MetricAlarms.every((a) => a.Namespace === 'AWS/ECS' && a.MetricName === 'CPUUtilization'),
    ).toBe(true);
    const policies = await json<{ ScalingPolicies: { PolicyName: string }[] }>(
      'application-autoscaling',
      'describe-scaling-policies',
      '--service-namespace',
      'ecs',
    );
    expect(policies.ScalingPolicies.map((p) => p.PolicyName)).toEqual(['cpu50']);
    await json('application-autoscaling', 'delete-scaling-policy', ...target, '--policy-name', 'cpu50');
    const after = await json<{ MetricAlarms: unknown[] }>(
      'cloudwatch',
      'describe-alarms',
      '--alarm-names',
      ...policy.Alarms.map((a) => a.AlarmName),
    );
    expect(after.MetricAlarms).toEqual([]);
    await json('application-autoscaling', 'deregister-scalable-target', ...target);
    const again = await run('application-autoscaling', 'deregister-scalable-target', ...target);
    expect(again.stderr).toContain('(ObjectNotFoundException)');
  }, 240_000);
});
