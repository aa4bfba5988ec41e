/**
 * CloudFormation's scaling resources through the SDK (fixtures/scaling.yaml, which passes cfn-lint in
 * fixtures.test.ts): AWS::ApplicationAutoScaling::ScalableTarget and ::ScalingPolicy (target tracking
 * with the alarms it owns), AWS::AutoScaling::ScalingPolicy and an AWS::CloudWatch::Alarm that runs it;
 * created, updated and deleted with nothing left behind, and a policy the service refuses rolls back.
 */
import {
  CreateStackCommand,
  DeleteStackCommand,
  UpdateStackCommand,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, fixture, outputsOf, settle, startCfnPlane, type CfnTestPlane } from './testing';

let t: CfnTestPlane;
let cfn: CloudFormationClient;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let call: (service: any, action: string, input: unknown) => Promise<any>;

beforeAll(async () => {
  t = await startCfnPlane();
  cfn = t.cfn;
  call = (service, action, input) => t.plane.deps.services.call(service, action, input);
});
afterAll(async () => {
  await t.stop();
});

const failures = async (stackId: string) =>
  (await eventsOf(cfn, stackId))
    .filter((e) => e.ResourceStatus?.endsWith('FAILED'))
    .map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`);

describe('scaling resources', () => {
  it('creates, updates and deletes scalable targets, scaling policies and alarms', async () => {
    const { StackId } = await cfn.send(
      new CreateStackCommand({ StackName: 'scale', TemplateBody: fixture('scaling.yaml') }),
    );
    const stack = await settle(cfn, StackId as string);
    expect(await failures(StackId as string)).toEqual([]);
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const out = outputsOf(stack);
    expect(out.TargetId).toMatch(/^service\/scale-Cluster-[A-Z0-9]+\/.+\|ecs:service:DesiredCount\|ecs$/);
    const resourceId = out.TargetId!.split('|')[0]!;

    const targets = await call('application-autoscaling', 'DescribeScalableTargets', {
      ServiceNamespace: 'ecs',
      ResourceIds: [resourceId],
    });
    expect(targets.ScalableTargets).toEqual([
      expect.objectContaining({ ResourceId: resourceId, MinCapacity: 0, MaxCapacity: 4 }),
    ]);
    const policies = await call('application-autoscaling', 'DescribeScalingPolicies', {
      ServiceNamespace: 'ecs',
      ResourceId: resourceId,
    });
    expect(policies.ScalingPolicies).toHaveLength(1);
    const tracking = policies.ScalingPolicies[0];
    expect(tracking).toMatchObject({
      PolicyARN: out.TrackingPolicyArn,
      PolicyName: 'scale-cpu',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: expect.objectContaining({
        TargetValue: 50,
        ScaleOutCooldown: 30,
      }),
    });
    const trackingAlarms = (tracking.Alarms as { AlarmName: string }[]).map((a) => a.AlarmName);
    expect(trackingAlarms).toHaveLength(2);

    const asgPolicies = await call('autoscaling', 'DescribePolicies', {});
    expect(asgPolicies.ScalingPolicies).toEqual([
      expect.objectContaining({
        PolicyARN: out.ScaleOutPolicyArn,
        PolicyName: out.ScaleOutPolicyName,
        AdjustmentType: 'ChangeInCapacity',
        ScalingAdjustment: 1,
        Cooldown: 60,
      }),
    ]);
    expect(out.ScaleOutPolicyName).toMatch(/^scale-ScaleOutPolicy-[A-Z0-9]+$/);
    const alarm = (await call('monitoring', 'DescribeAlarms', { AlarmNames: [out.AlarmName] })).MetricAlarms;
    expect(alarm).toEqual([
      expect.objectContaining({
        AlarmArn: out.AlarmArn,
        Namespace: 'AWS/ECS',
        MetricName: 'CPUReservation',
        Threshold: 75,
        Period: 60,
        AlarmActions: [out.ScaleOutPolicyArn],
        Dimensions: [{ Name: 'ClusterName', Value: expect.stringMatching(/^scale-Cluster-/) }],
      }),
    ]);

    await cfn.send(
      new UpdateStackCommand({
        StackName: 'scale',
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'TargetCpu', ParameterValue: '70' },
          { ParameterKey: 'MaxTasks', ParameterValue: '6' },
        ],
      }),
    );
    const updated = await settle(cfn, StackId as string);
    expect(await failures(StackId as string)).toEqual([]);
    expect(updated.StackStatus).toBe('UPDATE_COMPLETE');
    expect(outputsOf(updated).TrackingPolicyArn).toBe(out.TrackingPolicyArn);
    expect(
      (await call('application-autoscaling', 'DescribeScalableTargets', { ServiceNamespace: 'ecs' }))
        .ScalableTargets[0].MaxCapacity,
    ).toBe(6);
    expect(
      (await call('application-autoscaling', 'DescribeScalingPolicies', { ServiceNamespace: 'ecs' }))
        .ScalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue,
    ).toBe(70);

    await cfn.send(new DeleteStackCommand({ StackName: 'scale' }));
    expect((await settle(cfn, StackId as string)).StackStatus).toBe('DELETE_COMPLETE');
    expect(
      (await call('application-autoscaling', 'DescribeScalableTargets', { ServiceNamespace: 'ecs' }))
        .ScalableTargets,
    ).toEqual([]);
    expect((await call('autoscaling', 'DescribePolicies', {})).ScalingPolicies).toEqual([]);
    const left = await call('monitoring', 'DescribeAlarms', {
      AlarmNames: [out.AlarmName, ...trackingAlarms],
    });
    expect(left.MetricAlarms).toEqual([]);
  }, 60_000);

  it('rolls back a scaling policy the service refuses', async () => {
    const template = fixture('scaling.yaml').replace(
      'PolicyType: SimpleScaling\n      AdjustmentType: ChangeInCapacity',
      'PolicyType: SimpleScaling\n      AdjustmentType: Sideways',
    );
    const { StackId } = await cfn.send(
      new CreateStackCommand({ StackName: 'bad-scale', TemplateBody: template }),
    );
    const stack = await settle(cfn, StackId as string);
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect((await failures(StackId as string)).join('\n')).toContain(
      'ScaleOutPolicy: Invalid adjustment type Sideways',
    );
    expect(
      (await call('application-autoscaling', 'DescribeScalableTargets', { ServiceNamespace: 'ecs' }))
        .ScalableTargets,
    ).toEqual([]);
    expect((await call('monitoring', 'DescribeAlarms', {})).MetricAlarms).toEqual([]);
  }, 60_000);
});
