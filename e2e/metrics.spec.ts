/**
 * Issue 12's journey: a service of one task behind an Application Load Balancer; in the console, a
 * target-tracking policy on CPU at 50 % (the form shows its API input and CLI); "send test traffic"
 * raises CPU above the target; the service scales out to at least 3 tasks while the charts show it;
 * after the traffic stops it scales back in. The server publishes metrics every second
 * (--metrics-interval-ms 1000 in global-setup.ts) and the policy's cooldowns are 5 s, so it takes
 * about a minute and a half instead of half an hour. The cluster's instances come from an Auto Scaling
 * group whose policies run on CPUReservation alarms (as the seed article describes): a second instance
 * joins when the tasks need it and leaves after the scale-in. The group, alarms and load balancer are
 * made with the SDK.
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  PutScalingPolicyCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { expect, screenshot, test } from './fixtures';

test('metrics: target tracking on CPU scales a service out under test traffic and back in', async ({
  page,
  api,
  baseURL,
}) => {
  test.setTimeout(300_000);
  const suffix = Date.now().toString(36);
  const cluster = `scale-${suffix}`;
  const settings = {
    region: 'us-east-1',
    endpoint: baseURL,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const ec2 = new EC2Client(settings);
  const elb = new ElasticLoadBalancingV2Client(settings);
  const asg = new AutoScalingClient(settings);
  const cw = new CloudWatchClient(settings);
  try {
    // One t2.micro (1024 CPU units) from an Auto Scaling group of 1 to 2: tasks of 384 units fit two to
    // an instance, so the third needs a second instance, which the group adds when CPUReservation passes
    // 60 % (an alarm running a simple scaling policy) and removes when it falls under 25 %.
    await api.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const userData = Buffer.from(
      `#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config\n`,
    ).toString('base64');
    const group = `asg-${suffix}`;
    await asg.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: `lc-${suffix}`,
        ImageId: 'ami-12345678',
        InstanceType: 't2.micro',
        UserData: userData,
      }),
    );
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: group,
        LaunchConfigurationName: `lc-${suffix}`,
        MinSize: 1,
        MaxSize: 2,
        DesiredCapacity: 1,
        AvailabilityZones: ['us-east-1a'],
      }),
    );
    const policy = async (name: string, adjustment: number) =>
      (
        await asg.send(
          new PutScalingPolicyCommand({
            AutoScalingGroupName: group,
            PolicyName: name,
            AdjustmentType: 'ChangeInCapacity',
            ScalingAdjustment: adjustment,
            Cooldown: 5,
          }),
        )
      ).PolicyARN!;
    const reservationAlarm = async (
      name: string,
      op: 'GreaterThanThreshold' | 'LessThanThreshold',
      threshold: number,
      periods: number,
      action: string,
    ) =>
      cw.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          Namespace: 'AWS/ECS',
          MetricName: 'CPUReservation',
          Dimensions: [{ Name: 'ClusterName', Value: cluster }],
          Statistic: 'Maximum',
          Period: 1,
          EvaluationPeriods: periods,
          Threshold: threshold,
          ComparisonOperator: op,
          AlarmActions: [action],
        }),
      );
    await reservationAlarm(
      `${cluster}-reservation-high`,
      'GreaterThanThreshold',
      60,
      2,
      await policy('add-instance', 1),
    );
    await reservationAlarm(
      `${cluster}-reservation-low`,
      'LessThanThreshold',
      25,
      10,
      await policy('remove-instance', -1),
    );
    const instances = async () =>
      (await api.ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns?.length ?? 0;
    const inService = async () =>
      (
        await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }))
      ).AutoScalingGroups?.[0]?.Instances?.filter((i) => i.LifecycleState === 'InService').length ?? 0;
    await expect.poll(instances, { timeout: 60_000 }).toBe(1);
    // The default VPC and its subnets (other journeys on this server may have made more VPCs).
    const vpcs = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!;
    const vpcId = (vpcs.find((v) => v.IsDefault) ?? vpcs[0]!).VpcId!;
    const subnets = (
      await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))
    ).Subnets!.map((s) => s.SubnetId!);
    const tg = (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: `tg-${suffix}`,
          Protocol: 'HTTP',
          Port: 80,
          VpcId: vpcId,
          HealthCheckIntervalSeconds: 5,
          HealthyThresholdCount: 2,
        }),
      )
    ).TargetGroups![0]!.TargetGroupArn!;
    const lb = (
      await elb.send(new CreateLoadBalancerCommand({ Name: `lb-${suffix}`, Subnets: subnets.slice(0, 2) }))
    ).LoadBalancers![0]!;
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn!,
        Protocol: 'HTTP',
        Port: 18_000 + (Date.now() % 1000),
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }],
      }),
    );
    await api.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `web-${suffix}`,
        containerDefinitions: [
          {
            name: 'web',
            image: 'httpd:2.4',
            cpu: 256,
            memory: 128,
            portMappings: [{ containerPort: 80, hostPort: 0 }],
          },
        ],
      }),
    );
    await api.ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'web',
        taskDefinition: `web-${suffix}`,
        desiredCount: 1,
        loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 80 }],
      }),
    );
    const desired = async () =>
      (await api.ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] }))).services?.[0]
        ?.desiredCount;

    // The service page: metrics, and no auto scaling yet.
    await page.goto(`/clusters/${cluster}/services/web`);
    const metrics = page.getByRole('region', { name: 'Health and metrics' });
    await expect(metrics.getByTestId('chart-cpu')).toBeVisible({ timeout: 30_000 });
    await expect(metrics.getByTestId('chart-requests')).toBeVisible();
    await expect(page.getByTestId('scalable-target')).toContainText('Not configured');
    // A custom range (from and to): checked before it is applied, then the charts read that window.
    await metrics.getByRole('button', { name: 'custom' }).click();
    const custom = metrics.getByRole('form', { name: 'Custom metrics range' });
    const to = await custom.getByLabel('To').inputValue();
    await custom.getByLabel('From').fill(to);
    await expect(custom.getByRole('alert')).toHaveText('From must be before to.');
    await expect(custom.getByRole('button', { name: 'Apply' })).toBeDisabled();
    const hourBefore = new Date(new Date(to).getTime() - 3600_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await custom
      .getByLabel('From')
      .fill(
        `${hourBefore.getFullYear()}-${pad(hourBefore.getMonth() + 1)}-${pad(hourBefore.getDate())}T${pad(hourBefore.getHours())}:${pad(hourBefore.getMinutes())}`,
      );
    await custom.getByRole('button', { name: 'Apply' }).click();
    await expect(metrics.getByTestId('chart-cpu')).toBeVisible();
    await expect(metrics.getByRole('checkbox', { name: 'Live' })).toBeDisabled();
    await metrics.getByRole('button', { name: '1h' }).click();
    await expect(metrics.getByRole('checkbox', { name: 'Live' })).toBeChecked();

    // A target-tracking policy on CPU at 50 %, 1 to 4 tasks, 5 s cooldowns; the form shows what it sends.
    await page.getByRole('button', { name: 'Create target tracking policy' }).click();
    const form = page.getByRole('form', { name: 'Target tracking policy' });
    await form.getByLabel('Minimum tasks').fill('1');
    await form.getByLabel('Maximum tasks').fill('4');
    await form.getByLabel('Target value (%)').fill('50');
    await form.getByLabel('Scale-out cooldown (s)').fill('5');
    await form.getByLabel('Scale-in cooldown (s)').fill('5');
    await expect(form.getByTestId('api-input').first()).toContainText('"MaxCapacity": 4');
    await expect(form).toContainText('"PredefinedMetricType": "ECSServiceAverageCPUUtilization"');
    await page.screenshot(screenshot('metrics-01-policy-form'));
    await form.getByRole('button', { name: 'Save policy' }).click();
    await expect(page.getByTestId('scalable-target')).toContainText('between 1 and 4 tasks');
    await expect(page.getByTestId('policy-alarm')).toHaveCount(2);

    // Test traffic: 40 requests a second at 20 ms of CPU each is 800 of the task's 384 units, capped: 100 %.
    const traffic = page.getByRole('region', { name: 'Test traffic' });
    await traffic.getByLabel('Requests per second').fill('40');
    await traffic.getByLabel('Duration (seconds)').fill('40');
    await traffic.getByRole('button', { name: 'Send test traffic' }).click();
    await expect(traffic.getByRole('status')).toContainText('Sending 1600 requests');
    await expect(page.locator('[data-testid="policy-alarm"][data-state="ALARM"]')).toHaveCount(1, {
      timeout: 60_000,
    });
    await expect.poll(desired, { timeout: 90_000 }).toBeGreaterThanOrEqual(3);
    // The third task needs a second instance: the reservation alarm grows the group, the agent joins.
    await expect.poll(instances, { timeout: 90_000 }).toBe(2);
    await expect
      .poll(
        async () =>
          (await api.ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] }))).services?.[0]
            ?.runningCount ?? 0,
        { timeout: 90_000 },
      )
      .toBeGreaterThanOrEqual(3);
    await expect(page.getByTestId('scaling-activities')).toContainText('Successful');
    await expect(metrics.getByTestId('chart-cpu-latest')).not.toHaveText('no data');
    await page.screenshot(screenshot('metrics-02-scaled-out'));

    // The traffic stops after 40 s; CPU falls to idle, the low alarm fires and the service scales in.
    await expect.poll(desired, { timeout: 150_000, intervals: [2000] }).toBe(1);
    // One task of 384 on two instances is 19 % reserved: the low alarm shrinks the group back to one.
    await expect.poll(inService, { timeout: 90_000 }).toBe(1);
    await page.screenshot(screenshot('metrics-03-scaled-in'));

    // The cluster page shows the alarms that watch the cluster (target tracking's two, the group's two).
    await page.goto(`/clusters/${cluster}`);
    await expect(page.getByTestId('cluster-alarm')).toHaveCount(4);
    // The capacity chart: the one instance left, its task's CPU units reserved of what it registered.
    const capacity = page.getByTestId('cluster-capacity');
    await expect(capacity.getByTestId('capacity-cpu-instance')).toHaveCount(1);
    await expect(capacity.getByTestId('capacity-cpu-instance')).toContainText(
      /: [1-9]\d* of \d+ CPU units reserved/,
    );
    await expect(capacity.getByTestId('capacity-memory-instance')).toContainText(/MiB reserved/);
    await expect(capacity.locator('canvas')).toHaveCount(2);
    await page.screenshot(screenshot('metrics-04-cluster-capacity'));
  } finally {
    for (const c of [ec2, elb, asg, cw]) c.destroy();
  }
});
