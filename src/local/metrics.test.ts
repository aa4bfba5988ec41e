/**
 * Metrics from what really happens, end to end over the wire with the SDK: a service of one task
 * behind an Application Load Balancer serves real HTTP requests; the agent, the load balancer and
 * Auto Scaling publish AWS/ECS, AWS/EC2, AWS/ApplicationELB and AWS/AutoScaling datapoints (at the
 * local knob's 1 s resolution) that GetMetricData reads back. Then EC2 Auto Scaling policies: put,
 * describe, execute (cooldowns), bad input (nothing written), delete, and a step policy run by a
 * CloudWatch alarm whose metric really breaches.
 */
import {
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DeletePolicyCommand,
  DescribeAutoScalingGroupsCommand,
  DescribePoliciesCommand,
  DescribeScalingActivitiesCommand,
  ExecutePolicyCommand,
  AutoScalingClient,
  PutScalingPolicyCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  type Dimension,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeLoadBalancersCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinCluster,
  serviceClients,
  targetGroupBehindListener,
  type ServiceClients,
} from '../testing/ecs-fixtures';
import { errorOf, startTestPlane, waitFor, type TestPlane } from '../testing/plane';
import { simulatedUsage, usageSettings, USAGE_DEFAULTS } from './agent/metrics';
import { ECS_OPTIMIZED_AMI } from './ec2/catalog';

let t: TestPlane;
let c: ServiceClients;
let cw: CloudWatchClient;
let asg: AutoScalingClient;
const LISTENER_PORT = 18_731;

beforeAll(async () => {
  t = await startTestPlane({ metricsIntervalMs: 1000 });
  c = serviceClients(t.client);
  cw = new CloudWatchClient(t.client);
  asg = new AutoScalingClient(t.client);
});
afterAll(async () => {
  c?.destroy();
  cw?.destroy();
  asg?.destroy();
  await t?.plane.stop();
});

/** The sum and the largest value of one metric over the last two minutes, by GetMetricData. */
async function metric(
  namespace: string,
  name: string,
  dims: Dimension[],
): Promise<{ sum: number; max: number; points: number }> {
  const end = new Date(Date.now() + 2000);
  const out = await cw.send(
    new GetMetricDataCommand({
      StartTime: new Date(end.getTime() - 120_000),
      EndTime: end,
      MetricDataQueries: ['Sum', 'Maximum'].map((stat) => ({
        Id: stat.toLowerCase(),
        MetricStat: {
          Metric: { Namespace: namespace, MetricName: name, Dimensions: dims },
          Period: 1,
          Stat: stat,
        },
      })),
    }),
  );
  const values = (id: string) => out.MetricDataResults?.find((r) => r.Id === id)?.Values ?? [];
  return {
    sum: values('sum').reduce((a, b) => a + b, 0),
    max: Math.max(0, ...values('maximum')),
    points: values('sum').length,
  };
}

describe('the usage model of a simulated container', () => {
  it('reads its settings from the environment and docker labels (the label wins), ignoring junk', () => {
    expect(usageSettings({})).toEqual(USAGE_DEFAULTS);
    const s = usageSettings({
      environment: [
        { name: 'ECS_LOCAL_CPU_MS_PER_REQUEST', value: '50' },
        { name: 'ECS_LOCAL_MEMORY_BASE_MIB', value: '-3' },
        { name: 'ECS_LOCAL_IDLE_CPU_PERCENT', value: 'lots' },
      ],
      dockerLabels: { 'ecs-local.cpu-ms-per-request': '40', 'ecs-local.memory-mib-per-connection': '8' },
    });
    expect(s).toEqual({ ...USAGE_DEFAULTS, cpuMsPerRequest: 40, memoryMiBPerConnection: 8 });
  });

  it('turns requests into CPU and memory, capped by the limits', () => {
    const limits = { cpuUnits: 256, memoryMiB: 128 };
    const idle = simulatedUsage(USAGE_DEFAULTS, 0, limits);
    expect(idle.cpuUnits).toBeCloseTo(2.56);
    expect(idle.memoryMiB).toBe(32);
    const busy = simulatedUsage(USAGE_DEFAULTS, 10, limits);
    expect(busy.cpuUnits).toBeCloseTo(2.56 + 10 * 20 * 1.024);
    expect(busy.memoryMiB).toBeCloseTo(32 + 10 * 0.02 * 2);
    const flooded = simulatedUsage({ ...USAGE_DEFAULTS, memoryMiBPerConnection: 500 }, 1000, limits);
    expect(flooded).toEqual({ cpuUnits: 256, memoryMiB: 128 });
  });
});

describe('metrics from what really happens', () => {
  it('publishes ECS, EC2 and load balancer metrics from the requests the service served', async () => {
    await c.ecs.send(new CreateClusterCommand({ clusterName: 'metrics' }));
    const [ciArn] = await joinCluster(c, 'metrics', 1);
    expect(ciArn).toBeDefined();
    const { targetGroupArn, dnsName } = await targetGroupBehindListener(c, 'metrics-web', LISTENER_PORT, {
      HealthCheckIntervalSeconds: 5,
      HealthyThresholdCount: 2,
    });
    await c.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'metrics-web',
        containerDefinitions: [
          {
            name: 'web',
            image: 'httpd:2.4',
            cpu: 256,
            memory: 128,
            portMappings: [{ containerPort: 80, hostPort: 0 }],
            environment: [{ name: 'ECS_LOCAL_CPU_MS_PER_REQUEST', value: '100' }],
          },
        ],
      }),
    );
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: 'metrics',
        serviceName: 'web',
        taskDefinition: 'metrics-web',
        desiredCount: 1,
        loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 80 }],
      }),
    );
    await waitFor(
      async () => {
        const th = (await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn })))
          .TargetHealthDescriptions;
        return th?.length === 1 && th[0]?.TargetHealth?.State === 'healthy' ? true : undefined;
      },
      30_000,
      100,
      'the target healthy',
    );

    // 60 requests through the load balancer, 6 at a time.
    let ok = 0;
    for (let i = 0; i < 10; i++) {
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          fetch(`http://${dnsName}:${LISTENER_PORT}/`, { signal: AbortSignal.timeout(5000) }),
        ),
      );
      for (const a of answers) {
        await a.arrayBuffer();
        if (a.status === 200) ok++;
      }
    }
    expect(ok).toBe(60);

    const lbArn = (await c.elb.send(new DescribeLoadBalancersCommand({ Names: ['metrics-web'] })))
      .LoadBalancers![0]!.LoadBalancerArn!;
    const lbDim = { Name: 'LoadBalancer', Value: lbArn.slice(lbArn.indexOf(':loadbalancer/') + 14) };
    expect(lbDim.Value).toMatch(/^app\/metrics-web\/[0-9a-f]+$/);
    const tgDim = { Name: 'TargetGroup', Value: targetGroupArn.slice(targetGroupArn.lastIndexOf(':') + 1) };
    expect(tgDim.Value).toMatch(/^targetgroup\/metrics-web\/[0-9a-f]+$/);
    const perTarget = await waitFor(
      async () => {
        const m = await metric('AWS/ApplicationELB', 'RequestCountPerTarget', [tgDim]);
        return m.sum >= 60 ? m : undefined;
      },
      15_000,
      200,
      'RequestCountPerTarget to count the 60 requests',
    );
    expect(perTarget.sum).toBe(60);
    const service = [
      { Name: 'ClusterName', Value: 'metrics' },
      { Name: 'ServiceName', Value: 'web' },
    ];
    // 100 ms of CPU per request: a busy second of the 256-unit task shows well above its 1 % idle.
    const cpu = await waitFor(
      async () => {
        const m = await metric('AWS/ECS', 'CPUUtilization', service);
        return m.max > 5 ? m : undefined;
      },
      15_000,
      200,
      'the service CPU to rise',
    );
    expect(cpu.max).toBeLessThanOrEqual(100);
    const memory = await metric('AWS/ECS', 'MemoryUtilization', service);
    expect(memory.max).toBeGreaterThanOrEqual(25); // 32 MiB base of 128 MiB
    expect((await metric('AWS/ECS', 'CPUUtilization', [service[0]!])).max).toBeGreaterThan(5);
    const reservation = await metric('AWS/ECS', 'CPUReservation', [service[0]!]);
    expect(reservation.max).toBeCloseTo((100 * 256) / 1024, 0); // t2.micro: 1024 units, one task of 256

    expect((await metric('AWS/ApplicationELB', 'RequestCount', [lbDim])).sum).toBe(60);
    expect((await metric('AWS/ApplicationELB', 'RequestCount', [tgDim, lbDim])).sum).toBe(60);
    expect((await metric('AWS/ApplicationELB', 'HTTPCode_Target_2XX_Count', [lbDim])).sum).toBe(60);
    const latency = await metric('AWS/ApplicationELB', 'TargetResponseTime', [lbDim]);
    expect(latency.max).toBeGreaterThan(0);
    expect(latency.max).toBeLessThan(5);
    expect((await metric('AWS/ApplicationELB', 'HealthyHostCount', [tgDim, lbDim])).max).toBe(1);
    expect((await metric('AWS/ApplicationELB', 'UnHealthyHostCount', [tgDim, lbDim])).points).toBeGreaterThan(
      0,
    );
    const instanceId = (
      await c.ecs.send(
        new DescribeContainerInstancesCommand({ cluster: 'metrics', containerInstances: [ciArn!] }),
      )
    ).containerInstances![0]!.ec2InstanceId!;
    expect(
      (await metric('AWS/EC2', 'CPUUtilization', [{ Name: 'InstanceId', Value: instanceId }])).max,
    ).toBeGreaterThan(1);
  }, 90_000);
});

const activityCount = async (group: string) =>
  (await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: group }))).Activities
    ?.length ?? 0;
const desiredOf = async (group: string) =>
  (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] })))
    .AutoScalingGroups?.[0]?.DesiredCapacity;

describe('EC2 Auto Scaling policies', () => {
  beforeAll(async () => {
    await asg.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'policy-lc',
        ImageId: ECS_OPTIMIZED_AMI.imageId,
        InstanceType: 't2.micro',
      }),
    );
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'policy-asg',
        LaunchConfigurationName: 'policy-lc',
        MinSize: 0,
        MaxSize: 4,
        DesiredCapacity: 0,
        AvailabilityZones: ['us-east-1a'],
        DefaultCooldown: 300,
      }),
    );
  });

  it('refuses bad policies with ValidationError and writes nothing', async () => {
    const bad = [
      { PolicyType: 'TargetTrackingScaling', TargetTrackingConfiguration: { TargetValue: 50 } },
      { PolicyType: 'Sideways', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1 },
      { ScalingAdjustment: 1 },
      { AdjustmentType: 'Double', ScalingAdjustment: 1 },
      { AdjustmentType: 'ChangeInCapacity' },
      { AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1, MinAdjustmentMagnitude: 2 },
      { PolicyType: 'StepScaling', AdjustmentType: 'ChangeInCapacity' },
      {
        PolicyType: 'StepScaling',
        AdjustmentType: 'ChangeInCapacity',
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 },
          { MetricIntervalLowerBound: 5, ScalingAdjustment: 2 },
        ],
      },
      {
        PolicyType: 'StepScaling',
        AdjustmentType: 'ChangeInCapacity',
        Cooldown: 10,
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      },
    ];
    for (const input of bad) {
      expect(
        await errorOf(
          asg.send(
            new PutScalingPolicyCommand({ AutoScalingGroupName: 'policy-asg', PolicyName: 'bad', ...input }),
          ),
        ),
        JSON.stringify(input),
      ).toMatchObject({ name: 'ValidationError', status: 400 });
    }
    expect(
      await errorOf(
        asg.send(
          new PutScalingPolicyCommand({
            AutoScalingGroupName: 'no-such-asg',
            PolicyName: 'p',
            AdjustmentType: 'ChangeInCapacity',
            ScalingAdjustment: 1,
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationError', status: 400 });
    expect((await asg.send(new DescribePoliciesCommand({}))).ScalingPolicies).toEqual([]);
    expect(
      await errorOf(
        asg.send(new ExecutePolicyCommand({ AutoScalingGroupName: 'policy-asg', PolicyName: 'nope' })),
      ),
    ).toMatchObject({ name: 'ValidationError' });
  });

  it('puts, describes, executes with cooldowns and deletes a simple policy', async () => {
    const { PolicyARN } = await asg.send(
      new PutScalingPolicyCommand({
        AutoScalingGroupName: 'policy-asg',
        PolicyName: 'add-two',
        AdjustmentType: 'ChangeInCapacity',
        ScalingAdjustment: 2,
      }),
    );
    expect(PolicyARN).toMatch(
      /^arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:[0-9a-f-]+:autoScalingGroupName\/policy-asg:policyName\/add-two$/,
    );
    const described = await asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'policy-asg' }));
    expect(described.ScalingPolicies).toEqual([
      expect.objectContaining({
        PolicyName: 'add-two',
        PolicyARN,
        PolicyType: 'SimpleScaling',
        AdjustmentType: 'ChangeInCapacity',
        ScalingAdjustment: 2,
        Enabled: true,
      }),
    ]);
    const before = await activityCount('policy-asg');
    await asg.send(new ExecutePolicyCommand({ AutoScalingGroupName: 'policy-asg', PolicyName: 'add-two' }));
    expect(await desiredOf('policy-asg')).toBe(2);
    expect(await activityCount('policy-asg')).toBeGreaterThan(before);
    // Within the group's 300 s cooldown, HonorCooldown refuses; without it, the policy runs (capped at max 4).
    expect(
      await errorOf(asg.send(new ExecutePolicyCommand({ PolicyName: PolicyARN!, HonorCooldown: true }))),
    ).toMatchObject({ name: 'ScalingActivityInProgressFault', status: 400 });
    expect(await desiredOf('policy-asg')).toBe(2);
    await asg.send(new ExecutePolicyCommand({ PolicyName: PolicyARN! }));
    await asg.send(new ExecutePolicyCommand({ PolicyName: PolicyARN! }));
    expect(await desiredOf('policy-asg')).toBe(4);
    await asg.send(new DeletePolicyCommand({ AutoScalingGroupName: 'policy-asg', PolicyName: 'add-two' }));
    expect((await asg.send(new DescribePoliciesCommand({}))).ScalingPolicies).toEqual([]);
    // AWS/AutoScaling group sizes follow.
    await waitFor(
      async () => {
        const m = await metric('AWS/AutoScaling', 'GroupDesiredCapacity', [
          { Name: 'AutoScalingGroupName', Value: 'policy-asg' },
        ]);
        return m.max === 4 ? true : undefined;
      },
      10_000,
      200,
      'GroupDesiredCapacity 4',
    );
  }, 30_000);

  it('runs a step policy when the alarm that names it breaches on real datapoints', async () => {
    const { PolicyARN } = await asg.send(
      new PutScalingPolicyCommand({
        AutoScalingGroupName: 'policy-asg',
        PolicyName: 'shrink',
        PolicyType: 'StepScaling',
        AdjustmentType: 'ExactCapacity',
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 50, ScalingAdjustment: 3 },
          { MetricIntervalLowerBound: 50, ScalingAdjustment: 1 },
        ],
      }),
    );
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'queue-deep',
        Namespace: 'Test/Queue',
        MetricName: 'Depth',
        Statistic: 'Maximum',
        Period: 1,
        EvaluationPeriods: 1,
        Threshold: 10,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [PolicyARN!],
      }),
    );
    // 100 is 90 above the threshold: the second step, ExactCapacity 1.
    const end = Date.now() + 20_000;
    while (Date.now() < end && (await desiredOf('policy-asg')) !== 1) {
      await cw.send(
        new PutMetricDataCommand({
          Namespace: 'Test/Queue',
          MetricData: [{ MetricName: 'Depth', Value: 100, Timestamp: new Date(), StorageResolution: 1 }],
        }),
      );
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await desiredOf('policy-asg')).toBe(1);
    const history = await cw.send(
      new DescribeAlarmHistoryCommand({ AlarmName: 'queue-deep', HistoryItemType: 'Action' }),
    );
    expect(history.AlarmHistoryItems?.[0]?.HistorySummary).toBe(`Successfully executed action ${PolicyARN}`);
  }, 30_000);
});
