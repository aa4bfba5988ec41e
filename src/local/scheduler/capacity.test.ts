/**
 * Managed scaling through the real SDK clients: an Auto Scaling group capacity provider grows a
 * cluster from 0 instances until a service's 6 tasks run, and shrinks it back to 0 once the service
 * is scaled to 0 (managed termination protection respected). The manual clock jumps over the
 * scale-in delay.
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteCapacityProviderCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  UpdateCapacityProviderCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { CloudWatchClient, GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { TEST_CREDENTIALS, eventually, expectAwsError } from '../ecs/testing';
import { LocalControlPlane } from '../index';

/** The ECS-optimized image the local EC2 serves (src/local/ec2/catalog.ts). */
const ECS_AMI = 'ami-0a7a1e5e0c5c0ffee';
const SCALE_IN_DELAY = 15 * 60_000;
let plane: LocalControlPlane;
let clock: ManualClock;
let ecs: ECSClient;
let asg: AutoScalingClient;
let cw: CloudWatchClient;

beforeAll(async () => {
  clock = new ManualClock({ running: true, start: Date.now() });
  plane = new LocalControlPlane({
    statePath: null,
    clock,
    taskStepMs: 20,
    instanceBootMs: 20,
    resyncMs: 200,
    capacityScaleInDelayMs: SCALE_IN_DELAY,
    metricsIntervalMs: 1000,
  });
  const url = await plane.listen(0);
  const common = { endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  ecs = new ECSClient(common);
  asg = new AutoScalingClient(common);
  cw = new CloudWatchClient(common);
});

afterAll(async () => {
  ecs.destroy();
  asg.destroy();
  cw.destroy();
  await plane.stop();
});

const group = async () =>
  (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['cp-asg'] })))
    .AutoScalingGroups?.[0];

describe('capacity providers with managed scaling', () => {
  it('grows the cluster from 0 instances until 6 tasks run, then shrinks it back to 0', async () => {
    const userData = Buffer.from('#!/bin/bash\necho ECS_CLUSTER=grow >> /etc/ecs/ecs.config').toString(
      'base64',
    );
    await asg.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'cp-lc',
        ImageId: ECS_AMI,
        InstanceType: 't2.micro',
        UserData: userData,
      }),
    );
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'cp-asg',
        LaunchConfigurationName: 'cp-lc',
        MinSize: 0,
        MaxSize: 6,
        DesiredCapacity: 0,
        AvailabilityZones: ['us-east-1a'],
        NewInstancesProtectedFromScaleIn: true,
      }),
    );
    const asgArn = (await group())?.AutoScalingGroupARN ?? '';
    await ecs.send(new CreateClusterCommand({ clusterName: 'grow' }));

    // Bad inputs first: nothing written.
    await expectAwsError(
      ecs.send(
        new CreateCapacityProviderCommand({
          name: 'ecs-cp',
          autoScalingGroupProvider: { autoScalingGroupArn: asgArn },
        }),
      ),
      'InvalidParameterException',
      "cannot begin with 'aws', 'ecs', or 'fargate'",
    );
    await expectAwsError(
      ecs.send(
        new CreateCapacityProviderCommand({
          name: 'cp',
          autoScalingGroupProvider: { autoScalingGroupArn: `${asgArn}x` },
        }),
      ),
      'InvalidParameterException',
      'does not exist',
    );
    await expectAwsError(
      ecs.send(
        new PutClusterCapacityProvidersCommand({
          cluster: 'grow',
          capacityProviders: ['cp'],
          defaultCapacityProviderStrategy: [],
        }),
      ),
      'InvalidParameterException',
      'is not in an ACTIVE state',
    );

    const created = await ecs.send(
      new CreateCapacityProviderCommand({
        name: 'cp',
        autoScalingGroupProvider: {
          autoScalingGroupArn: asgArn,
          managedScaling: { status: 'ENABLED', targetCapacity: 100 },
          managedTerminationProtection: 'ENABLED',
        },
      }),
    );
    expect(created.capacityProvider).toMatchObject({ name: 'cp', status: 'ACTIVE' });
    expect(created.capacityProvider?.autoScalingGroupProvider?.managedScaling).toMatchObject({
      status: 'ENABLED',
      targetCapacity: 100,
      minimumScalingStepSize: 1,
      maximumScalingStepSize: 10000,
    });
    await ecs.send(
      new UpdateCapacityProviderCommand({
        name: 'cp',
        autoScalingGroupProvider: { managedScaling: { status: 'ENABLED', maximumScalingStepSize: 4 } },
      }),
    );
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'grow',
        capacityProviders: ['cp', 'FARGATE'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'cp', weight: 1, base: 0 }],
      }),
    );
    const described = await ecs.send(new DescribeClustersCommand({ clusters: ['grow'] }));
    expect(described.clusters?.[0]?.capacityProviders).toEqual(['cp', 'FARGATE']);
    expect(described.clusters?.[0]?.defaultCapacityProviderStrategy).toEqual([
      { capacityProvider: 'cp', weight: 1, base: 0 },
    ]);

    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'grow',
        containerDefinitions: [
          {
            name: 'app',
            image: 'httpd:2.4',
            memory: 300,
            portMappings: [{ containerPort: 80, hostPort: 0 }],
          },
        ],
      }),
    );
    // No launch type, no strategy: the cluster's default strategy applies.
    const svc = await ecs.send(
      new CreateServiceCommand({
        cluster: 'grow',
        serviceName: 'grow',
        taskDefinition: 'grow',
        desiredCount: 6,
      }),
    );
    expect(svc.service?.capacityProviderStrategy).toEqual([{ capacityProvider: 'cp', weight: 1, base: 0 }]);

    // Tasks wait in PROVISIONING with no instance while the group grows.
    const waiting = await eventually(async () => {
      const arns = (await ecs.send(new ListTasksCommand({ cluster: 'grow' }))).taskArns ?? [];
      if (arns.length === 0) return undefined;
      const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: 'grow', tasks: arns }))).tasks ?? [];
      return tasks.find((t) => t.lastStatus === 'PROVISIONING' && !t.containerInstanceArn);
    });
    expect(waiting.capacityProviderName).toBe('cp');

    const steady = await eventually(async () => {
      const s = (await ecs.send(new DescribeServicesCommand({ cluster: 'grow', services: ['grow'] })))
        .services?.[0];
      return s?.runningCount === 6 ? s : undefined;
    }, 30_000);
    expect(steady.pendingCount).toBe(0);
    expect(
      steady.events?.some((e) => /in PROVISIONING waiting for capacity provider cp/.test(e.message ?? '')),
    ).toBe(true);
    const grown = await group();
    expect(grown?.DesiredCapacity).toBe(2); // 3 tasks of 300 MiB per t2.micro (993 MiB)
    expect(grown?.Instances?.every((i) => i.ProtectedFromScaleIn)).toBe(true);
    const cis = await ecs.send(new ListContainerInstancesCommand({ cluster: 'grow' }));
    expect(cis.containerInstanceArns).toHaveLength(2);

    // ECS/ManagedScaling CapacityProviderReservation: 2 instances needed of 2 is 100 %.
    const dims = [
      { Name: 'ClusterName', Value: 'grow' },
      { Name: 'CapacityProviderName', Value: 'cp' },
    ];
    const listed = await eventually(async () => {
      const l = await cw.send(new ListMetricsCommand({ Namespace: 'ECS/ManagedScaling' }));
      return l.Metrics?.length ? l.Metrics : undefined;
    }, 15_000);
    expect(listed).toEqual([
      {
        Namespace: 'ECS/ManagedScaling',
        MetricName: 'CapacityProviderReservation',
        Dimensions: [
          { Name: 'CapacityProviderName', Value: 'cp' },
          { Name: 'ClusterName', Value: 'grow' },
        ],
      },
    ]);
    const latest = await eventually(async () => {
      const now = clock.now();
      const out = await cw.send(
        new GetMetricStatisticsCommand({
          Namespace: 'ECS/ManagedScaling',
          MetricName: 'CapacityProviderReservation',
          Dimensions: dims,
          StartTime: new Date(now - 120_000),
          EndTime: new Date(now + 60_000),
          Period: 1,
          Statistics: ['Maximum'],
        }),
      );
      const points = (out.Datapoints ?? []).sort((a, b) => b.Timestamp!.getTime() - a.Timestamp!.getTime());
      return points[0]?.Maximum === 100 ? points[0] : undefined;
    }, 15_000);
    expect(latest.Unit).toBe('Percent');
    const tasks = await ecs.send(
      new DescribeTasksCommand({
        cluster: 'grow',
        tasks: (await ecs.send(new ListTasksCommand({ cluster: 'grow' }))).taskArns ?? [],
      }),
    );
    expect(new Set(tasks.tasks?.map((t) => t.capacityProviderName))).toEqual(new Set(['cp']));
    const activities = await asg.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'cp-asg' }),
    );
    expect(activities.Activities?.some((a) => /Launching a new EC2 instance/.test(a.Description ?? ''))).toBe(
      true,
    );

    // The provider is in use: it cannot be deleted, nor taken off the cluster.
    await expectAwsError(
      ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'cp' })),
      'ClientException',
      'associated with a cluster',
    );
    await expectAwsError(
      ecs.send(
        new PutClusterCapacityProvidersCommand({
          cluster: 'grow',
          capacityProviders: ['FARGATE'],
          defaultCapacityProviderStrategy: [],
        }),
      ),
      'ResourceInUseException',
    );

    // Scale the service to 0: the instances empty, lose their protection, and after the delay go.
    await ecs.send(new UpdateServiceCommand({ cluster: 'grow', service: 'grow', desiredCount: 0 }));
    await eventually(async () => {
      const g = await group();
      return g?.Instances?.every((i) => !i.ProtectedFromScaleIn) ? g : undefined;
    }, 15_000);
    expect((await group())?.DesiredCapacity).toBe(2);
    clock.advance(SCALE_IN_DELAY + 1000);
    await eventually(async () => {
      const g = await group();
      return g?.DesiredCapacity === 0 && (g.Instances ?? []).length === 0 ? g : undefined;
    }, 15_000);
    await eventually(async () => {
      const left = await ecs.send(new ListContainerInstancesCommand({ cluster: 'grow' }));
      return (left.containerInstanceArns ?? []).length === 0 ? true : undefined;
    }, 15_000);
    const providers = await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: ['cp'] }));
    expect(providers.capacityProviders?.[0]?.status).toBe('ACTIVE');
  });
});
