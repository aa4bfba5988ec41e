/**
 * Application Auto Scaling through boto3 (python3, over HTTP): every operation served (scalable
 * targets, target-tracking policies and their alarms in CloudWatch, scheduled actions, activities,
 * deletes), and a bad input for each answered with Application Auto Scaling's error code, writing nothing.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlane, type TestPlane } from '../../testing/plane';
import { BOTO3_PRELUDE, requirePythonModule, runPython } from '../../testing/tools';
import { dynamicTaskDefinition } from '../ecs/testing';

const hasBoto3 = requirePythonModule('boto3', 'Application Auto Scaling with boto3');

let t: TestPlane;

interface AwsErr {
  code: string;
  status: number;
  message: string;
}

const SCRIPT = `${BOTO3_PRELUDE}
aas = client('application-autoscaling')
cw = client('cloudwatch')
target = dict(ServiceNamespace='ecs', ResourceId='service/boto/web', ScalableDimension='ecs:service:DesiredCount')
out = {}
out['registerBad'] = err(aas.register_scalable_target, **{**target, 'ResourceId': 'service/boto/none'},
                         MinCapacity=1, MaxCapacity=2)
aas.register_scalable_target(**target, MinCapacity=1, MaxCapacity=4)
out['targets'] = [{k: x[k] for k in ('ResourceId', 'ScalableDimension', 'MinCapacity', 'MaxCapacity')}
                  for x in aas.describe_scalable_targets(ServiceNamespace='ecs')['ScalableTargets']]

tracking = {'TargetValue': 50.0, 'ScaleOutCooldown': 5, 'ScaleInCooldown': 5,
            'PredefinedMetricSpecification': {'PredefinedMetricType': 'ECSServiceAverageCPUUtilization'}}
out['policyBad'] = err(aas.put_scaling_policy, PolicyName='cpu50',
                       **{**target, 'ResourceId': 'service/boto/other'},
                       PolicyType='TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration=tracking)
put = aas.put_scaling_policy(PolicyName='cpu50', **target, PolicyType='TargetTrackingScaling',
                             TargetTrackingScalingPolicyConfiguration=tracking)
out['put'] = {'arn': put['PolicyARN'], 'alarms': sorted(a['AlarmName'] for a in put['Alarms'])}
out['policies'] = [{'PolicyName': p['PolicyName'], 'PolicyType': p['PolicyType'], 'ResourceId': p['ResourceId'],
                    'TargetValue': p['TargetTrackingScalingPolicyConfiguration']['TargetValue'],
                    'Metric': p['TargetTrackingScalingPolicyConfiguration']['PredefinedMetricSpecification']
                                ['PredefinedMetricType'],
                    'alarms': sorted(a['AlarmName'] for a in p['Alarms'])}
                   for p in aas.describe_scaling_policies(ServiceNamespace='ecs')['ScalingPolicies']]
out['alarmsInCloudWatch'] = sorted(a['AlarmName'] for a in cw.describe_alarms(
    AlarmNames=out['put']['alarms'])['MetricAlarms'])
out['describeBad'] = err(aas.describe_scaling_policies, ServiceNamespace='ecs', MaxResults=1000)
out['describeZero'] = err(aas.describe_scalable_targets, ServiceNamespace='ecs', MaxResults=0)

soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
aas.put_scheduled_action(ScheduledActionName='night', **target, Schedule='at(%s)' % soon.strftime('%Y-%m-%dT%H:%M:%S'),
                         ScalableTargetAction={'MinCapacity': 2, 'MaxCapacity': 3})
out['scheduled'] = [(a['ScheduledActionName'], a['Schedule'].startswith('at('), a['ScalableTargetAction'])
                    for a in aas.describe_scheduled_actions(ServiceNamespace='ecs')['ScheduledActions']]
out['scheduleBad'] = err(aas.put_scheduled_action, ScheduledActionName='bad', **target, Schedule='whenever')
out['activities'] = type(aas.describe_scaling_activities(ServiceNamespace='ecs')['ScalingActivities']).__name__
out['activitiesBad'] = err(aas.describe_scaling_activities, ServiceNamespace='ecs', MaxResults=0)
out['deletePolicyBad'] = err(aas.delete_scaling_policy, PolicyName='nope', **target)
aas.delete_scaling_policy(PolicyName='cpu50', **target)
out['policiesAfter'] = aas.describe_scaling_policies(ServiceNamespace='ecs')['ScalingPolicies']
out['alarmsAfter'] = cw.describe_alarms(AlarmNames=out['put']['alarms'])['MetricAlarms']
aas.delete_scheduled_action(ScheduledActionName='night', **target)
out['deregisterBad'] = err(aas.deregister_scalable_target, **{**target, 'ResourceId': 'service/boto/none'})
aas.deregister_scalable_target(**target)
out['targetsAfter'] = aas.describe_scalable_targets(ServiceNamespace='ecs')['ScalableTargets']
print(json.dumps(out))
`;

describe.skipIf(!hasBoto3)('boto3 against the local Application Auto Scaling endpoint', () => {
  beforeAll(async () => {
    t = await startTestPlane();
    const ecs = new ECSClient(t.client);
    try {
      await ecs.send(new CreateClusterCommand({ clusterName: 'boto' }));
      await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('web')));
      await ecs.send(
        new CreateServiceCommand({
          cluster: 'boto',
          serviceName: 'web',
          taskDefinition: 'web',
          desiredCount: 1,
        }),
      );
    } finally {
      ecs.destroy();
    }
  });
  afterAll(async () => {
    await t?.plane.stop();
  });

  it('registers a target, puts, describes and deletes policies and scheduled actions, and refuses bad input', async () => {
    const out = await runPython<{
      registerBad: AwsErr;
      targets: unknown[];
      policyBad: AwsErr;
      put: { arn: string; alarms: string[] };
      policies: unknown[];
      alarmsInCloudWatch: string[];
      describeBad: AwsErr;
      describeZero: AwsErr;
      scheduled: unknown[];
      scheduleBad: AwsErr;
      activities: string;
      activitiesBad: AwsErr;
      deletePolicyBad: AwsErr;
      policiesAfter: unknown[];
      alarmsAfter: unknown[];
      deregisterBad: AwsErr;
      targetsAfter: unknown[];
    }>(t.url, SCRIPT);
    expect(out.registerBad).toMatchObject({ code: 'ValidationException', status: 400 });
    expect(out.registerBad.message).toContain("doesn't exist");
    expect(out.targets).toEqual([
      {
        ResourceId: 'service/boto/web',
        ScalableDimension: 'ecs:service:DesiredCount',
        MinCapacity: 1,
        MaxCapacity: 4,
      },
    ]);

    expect(out.policyBad).toMatchObject({ code: 'ObjectNotFoundException', status: 400 });
    expect(out.put.arn).toMatch(
      /^arn:aws:autoscaling:us-east-1:\d{12}:scalingPolicy:.*:resource\/ecs\/service\/boto\/web:policyName\/cpu50$/,
    );
    expect(out.put.alarms).toHaveLength(2);
    for (const name of out.put.alarms)
      expect(name).toMatch(/^TargetTracking-service\/boto\/web-Alarm(High|Low)-/);
    expect(out.policies).toEqual([
      {
        PolicyName: 'cpu50',
        PolicyType: 'TargetTrackingScaling',
        ResourceId: 'service/boto/web',
        TargetValue: 50,
        Metric: 'ECSServiceAverageCPUUtilization',
        alarms: out.put.alarms,
      },
    ]);
    expect(out.alarmsInCloudWatch).toEqual(out.put.alarms);
    // MaxResults is 1 to 10 for policies (1 to 50 elsewhere): 0 would page forever.
    expect(out.describeBad).toMatchObject({ code: 'ValidationException', status: 400 });
    expect(out.describeBad.message).toContain('less than or equal to 10');
    expect(out.describeZero).toMatchObject({ code: 'ValidationException', status: 400 });

    expect(out.scheduled).toEqual([['night', true, { MinCapacity: 2, MaxCapacity: 3 }]]);
    expect(out.scheduleBad).toMatchObject({ code: 'ValidationException', status: 400 });
    expect(out.activities).toBe('list');
    expect(out.activitiesBad).toMatchObject({ code: 'ValidationException', status: 400 });
    expect(out.deletePolicyBad).toMatchObject({ code: 'ObjectNotFoundException', status: 400 });
    // Deleting a target-tracking policy deletes the alarms it owns.
    expect(out.policiesAfter).toEqual([]);
    expect(out.alarmsAfter).toEqual([]);
    expect(out.deregisterBad).toMatchObject({ code: 'ObjectNotFoundException', status: 400 });
    expect(out.targetsAfter).toEqual([]);
  });
});
