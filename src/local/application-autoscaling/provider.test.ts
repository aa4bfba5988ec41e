/**
 * Application Auto Scaling through the SDK over HTTP: scalable targets, target tracking (its alarms in
 * CloudWatch, scale out and in through ECS), step scaling, scheduled actions, activities, errors.
 * The clock is frozen: alarm states are set with SetAlarmState, and the worker acts on the hint.
 */
import {
  ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestPlane, type TestPlane } from '../../testing/plane';
import { ManualClock } from '../common/clock';
import { dynamicTaskDefinition } from '../ecs/testing';

let t: TestPlane;
let aas: ApplicationAutoScalingClient;
let cw: CloudWatchClient;
let ecs: ECSClient;
const ResourceId = 'service/scaling/web';
const target = {
  ServiceNamespace: 'ecs',
  ResourceId,
  ScalableDimension: 'ecs:service:DesiredCount',
} as const;

beforeAll(async () => {
  t = await startTestPlane({ clock: new ManualClock({ start: Date.now() }) });
  aas = new ApplicationAutoScalingClient(t.client);
  cw = new CloudWatchClient(t.client);
  ecs = new ECSClient(t.client);
  await ecs.send(new CreateClusterCommand({ clusterName: 'scaling' }));
  await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('web')));
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'scaling',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 1,
    }),
  );
});
afterAll(async () => {
  for (const c of [aas, cw, ecs]) c?.destroy();
  await t?.plane.stop();
});

const desired = async () =>
  (await ecs.send(new DescribeServicesCommand({ cluster: 'scaling', services: ['web'] }))).services?.[0]
    ?.desiredCount;

describe('Application Auto Scaling for an ECS service', () => {
  it('refuses bad targets and registers one', async () => {
    expect(await errorOf(aas.send(new RegisterScalableTargetCommand({ ...target })))).toMatchObject({
      name: 'ValidationException',
      status: 400,
    });
    expect(
      await errorOf(
        aas.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 3, MaxCapacity: 1 })),
      ),
    ).toMatchObject({
      name: 'ValidationException',
    });
    expect(
      await errorOf(
        aas.send(
          new RegisterScalableTargetCommand({
            ...target,
            ResourceId: 'service/scaling/none',
            MinCapacity: 1,
            MaxCapacity: 2,
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationException', message: expect.stringContaining("doesn't exist") });
    expect(
      await errorOf(
        aas.send(
          new RegisterScalableTargetCommand({
            ...target,
            ResourceId: 'nonsense',
            MinCapacity: 1,
            MaxCapacity: 2,
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationException' });
    expect(
      await errorOf(
        aas.send(
          new RegisterScalableTargetCommand({
            ...target,
            ScalableDimension: 'bogus' as never,
            MinCapacity: 1,
            MaxCapacity: 2,
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationException' });
    expect(
      (await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }))).ScalableTargets,
    ).toEqual([]);

    const out = await aas.send(
      new RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 4 }),
    );
    expect(out.ScalableTargetARN).toMatch(
      /^arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target\//,
    );
    const listed = await aas.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [ResourceId] }),
    );
    expect(listed.ScalableTargets).toEqual([
      expect.objectContaining({
        ...target,
        MinCapacity: 1,
        MaxCapacity: 4,
        RoleARN: expect.stringContaining('AWSServiceRoleForApplicationAutoScaling_ECSService'),
      }),
    ]);
  });

  it('target tracking owns two alarms and scales out and in through ECS', async () => {
    const put = await aas.send(
      new PutScalingPolicyCommand({
        ...target,
        PolicyName: 'cpu50',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 50,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          ScaleOutCooldown: 0,
          ScaleInCooldown: 0,
        },
      }),
    );
    expect(put.PolicyARN).toMatch(
      /^arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:[0-9a-f-]+:resource\/ecs\/service\/scaling\/web:policyName\/cpu50$/,
    );
    const [high, low] = put.Alarms ?? [];
    expect(high?.AlarmName).toMatch(/^TargetTracking-service\/scaling\/web-AlarmHigh-[0-9a-f-]+$/);
    expect(low?.AlarmName).toMatch(/^TargetTracking-service\/scaling\/web-AlarmLow-[0-9a-f-]+$/);
    const alarms = await cw.send(
      new DescribeAlarmsCommand({ AlarmNames: [high!.AlarmName!, low!.AlarmName!] }),
    );
    expect(
      alarms.MetricAlarms?.map((a) => [
        a.Namespace,
        a.MetricName,
        a.ComparisonOperator,
        a.Threshold,
        a.EvaluationPeriods,
      ]),
    ).toEqual([
      ['AWS/ECS', 'CPUUtilization', 'GreaterThanThreshold', 50, 3],
      ['AWS/ECS', 'CPUUtilization', 'LessThanThreshold', 45, 15],
    ]);
    expect(alarms.MetricAlarms?.[0]?.Dimensions).toEqual([
      { Name: 'ClusterName', Value: 'scaling' },
      { Name: 'ServiceName', Value: 'web' },
    ]);
    expect(alarms.MetricAlarms?.[0]?.AlarmActions).toEqual([put.PolicyARN]);

    await cw.send(
      new SetAlarmStateCommand({
        AlarmName: high!.AlarmName!,
        StateValue: 'ALARM',
        StateReason: 'test',
        StateReasonData: '{"recentDatapoints":[150]}',
      }),
    );
    await t.plane.idle();
    expect(await desired()).toBe(3);
    await cw.send(
      new SetAlarmStateCommand({ AlarmName: high!.AlarmName!, StateValue: 'OK', StateReason: 'test' }),
    );
    await cw.send(
      new SetAlarmStateCommand({
        AlarmName: low!.AlarmName!,
        StateValue: 'ALARM',
        StateReason: 'test',
        StateReasonData: '{"recentDatapoints":[10]}',
      }),
    );
    await t.plane.idle();
    expect(await desired()).toBe(1);
    const activities = await aas.send(
      new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId }),
    );
    expect(activities.ScalingActivities?.map((a) => [a.Description, a.StatusCode])).toEqual([
      ['Setting desired count to 1.', 'Successful'],
      ['Setting desired count to 3.', 'Successful'],
    ]);
    expect(activities.ScalingActivities?.[1]?.Cause).toBe(
      `monitor alarm ${high!.AlarmName} in state ALARM triggered policy cpu50`,
    );
    await cw.send(
      new SetAlarmStateCommand({ AlarmName: low!.AlarmName!, StateValue: 'OK', StateReason: 'test' }),
    );

    const policies = await aas.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId }),
    );
    expect(policies.ScalingPolicies?.map((p) => [p.PolicyName, p.PolicyType, p.Alarms?.length])).toEqual([
      ['cpu50', 'TargetTrackingScaling', 2],
    ]);
    await aas.send(new DeleteScalingPolicyCommand({ ...target, PolicyName: 'cpu50' }));
    expect(
      (await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'TargetTracking-service/scaling/web' })))
        .MetricAlarms,
    ).toEqual([]);
    expect(
      await errorOf(aas.send(new DeleteScalingPolicyCommand({ ...target, PolicyName: 'cpu50' }))),
    ).toMatchObject({
      name: 'ObjectNotFoundException',
    });
  });

  it('refuses bad policies without writing them', async () => {
    const bad = (input: object) =>
      errorOf(aas.send(new PutScalingPolicyCommand({ ...target, PolicyName: 'bad', ...input } as never)));
    expect(await bad({ PolicyType: 'TargetTrackingScaling' })).toMatchObject({ name: 'ValidationException' });
    expect(
      await bad({
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 10,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' },
        },
      }),
    ).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('ResourceLabel') });
    expect(
      await bad({
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 10,
          PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' },
        },
      }),
    ).toMatchObject({ name: 'ValidationException' });
    expect(await bad({ PolicyType: 'StepScaling' })).toMatchObject({ name: 'ValidationException' });
    expect(
      await bad({
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ChangeInCapacity',
          StepAdjustments: [
            { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 },
            { MetricIntervalLowerBound: 20, ScalingAdjustment: 2 },
          ],
        },
      }),
    ).toMatchObject({ name: 'ValidationException' });
    expect(
      await errorOf(
        aas.send(
          new PutScalingPolicyCommand({
            ...target,
            ResourceId: 'service/scaling/other',
            PolicyName: 'x',
          } as never),
        ),
      ),
    ).toMatchObject({ name: 'ObjectNotFoundException' });
    expect(
      (await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', PolicyNames: ['bad'] })))
        .ScalingPolicies,
    ).toEqual([]);
  });

  it('step scaling follows the alarm that names it', async () => {
    const put = await aas.send(
      new PutScalingPolicyCommand({
        ...target,
        PolicyName: 'steps',
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ChangeInCapacity',
          Cooldown: 0,
          StepAdjustments: [
            { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1 },
            { MetricIntervalLowerBound: 20, ScalingAdjustment: 2 },
          ],
        },
      }),
    );
    const { PutMetricAlarmCommand } = await import('@aws-sdk/client-cloudwatch');
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'web-busy',
        Namespace: 'AWS/ECS',
        MetricName: 'CPUUtilization',
        Dimensions: [
          { Name: 'ClusterName', Value: 'scaling' },
          { Name: 'ServiceName', Value: 'web' },
        ],
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 70,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [put.PolicyARN!],
      }),
    );
    const before = (await desired()) as number;
    await cw.send(
      new SetAlarmStateCommand({
        AlarmName: 'web-busy',
        StateValue: 'ALARM',
        StateReason: 't',
        StateReasonData: '{"recentDatapoints":[95]}',
      }),
    );
    await t.plane.idle();
    expect(await desired()).toBe(before + 2);
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'web-busy', StateValue: 'OK', StateReason: 't' }));
    await aas.send(new DeleteScalingPolicyCommand({ ...target, PolicyName: 'steps' }));
  });

  it('scheduled actions set min and max, and the count follows', async () => {
    await aas.send(
      new PutScheduledActionCommand({
        ...target,
        ScheduledActionName: 'floor',
        Schedule: 'rate(1 hour)',
        ScalableTargetAction: { MinCapacity: 4, MaxCapacity: 6 },
      }),
    );
    await t.plane.idle();
    expect(await desired()).toBeGreaterThanOrEqual(4);
    const listed = await aas.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs' }));
    expect(listed.ScheduledActions?.map((a) => [a.ScheduledActionName, a.Schedule])).toEqual([
      ['floor', 'rate(1 hour)'],
    ]);
    const t2 = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }));
    expect(t2.ScalableTargets?.[0]).toMatchObject({ MinCapacity: 4, MaxCapacity: 6 });
    expect(
      await errorOf(
        aas.send(
          new PutScheduledActionCommand({
            ...target,
            ScheduledActionName: 'c',
            Schedule: 'cron(0 * * * ? *)',
            ScalableTargetAction: { MinCapacity: 1 },
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationException' });
    await aas.send(new DeregisterScalableTargetCommand({ ...target }));
    expect(
      (await aas.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs' }))).ScheduledActions,
    ).toEqual([]);
    expect(await errorOf(aas.send(new DeregisterScalableTargetCommand({ ...target })))).toMatchObject({
      name: 'ObjectNotFoundException',
    });
  });
});
