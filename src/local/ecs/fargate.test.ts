/**
 * Fargate through the real SDK clients: RunTask and CreateService with launchType FARGATE and with
 * the FARGATE / FARGATE_SPOT capacity providers, AWS's validation, a network interface per task
 * (EC2 DescribeNetworkInterfaces), the task's attachments, and its container port really served on
 * its own address.
 */
import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  CreateVpcCommand,
  CreateSubnetCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  SubmitAttachmentStateChangesCommand,
  UpdateServiceCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalControlPlane } from '../index';
import { targetGroupBehindListener } from '../../testing/ecs-fixtures';
import { awsCli, awsJson, requireTool } from '../../testing/tools';
import { TEST_CREDENTIALS, eventually, expectAwsError } from './testing';

const hasAws = requireTool('aws', 'Fargate with the AWS CLI');
let url = '';

const linux = process.platform === 'linux';

let plane: LocalControlPlane;
let ecs: import('@aws-sdk/client-ecs').ECSClient;
let ec2: EC2Client;
let elb: ElasticLoadBalancingV2Client;
let subnets: string[] = [];
let group = '';

beforeAll(async () => {
  plane = new LocalControlPlane({ statePath: null, taskStepMs: 20, fargateSpotInterruptAfterMs: 300 });
  url = await plane.listen(0);
  const { ECSClient } = await import('@aws-sdk/client-ecs');
  const common = { endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  ecs = new ECSClient(common);
  ec2 = new EC2Client(common);
  elb = new ElasticLoadBalancingV2Client(common);
  const found = await ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }),
  );
  subnets = (found.Subnets ?? []).map((s) => s.SubnetId ?? '').slice(0, 2);
  const groups = await ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }),
  );
  group = groups.SecurityGroups?.[0]?.GroupId ?? '';
  await ecs.send(new CreateClusterCommand({ clusterName: 'fargate' }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        { name: 'web', image: 'httpd:2.4', essential: true, portMappings: [{ containerPort: 8080 }] },
      ],
    }),
  );
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bridge',
      containerDefinitions: [{ name: 'app', image: 'httpd:2.4', memory: 64 }],
    }),
  );
});

afterAll(async () => {
  ecs.destroy();
  ec2.destroy();
  elb.destroy();
  await plane.stop();
});

const network = (assignPublicIp: 'ENABLED' | 'DISABLED' = 'DISABLED', sg = group) => ({
  awsvpcConfiguration: { subnets, securityGroups: [sg], assignPublicIp },
});

async function describeTask(arn: string): Promise<Task> {
  const out = await ecs.send(new DescribeTasksCommand({ cluster: 'fargate', tasks: [arn] }));
  return out.tasks?.[0] as Task;
}

const waitStatus = (arn: string, status: string) =>
  eventually(async () => {
    const t = await describeTask(arn);
    return t.lastStatus === status ? t : undefined;
  });

const detail = (t: Task, name: string) => t.attachments?.[0]?.details?.find((d) => d.name === name)?.value;

describe('Fargate', () => {
  it('runs a task on its own network interface and serves its container port on its address', async () => {
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'fargate',
        taskDefinition: 'web',
        launchType: 'FARGATE',
        networkConfiguration: network('ENABLED'),
      }),
    );
    expect(run.failures).toEqual([]);
    const first = run.tasks?.[0] as Task;
    expect(first.launchType).toBe('FARGATE');
    expect(first.platformVersion).toBe('1.4.0');
    expect(first.containerInstanceArn).toBeUndefined();
    expect(first.cpu).toBe('256');
    expect(first.memory).toBe('512');
    expect(first.attachments?.[0]?.type).toBe('ElasticNetworkInterface');

    const task = await waitStatus(first.taskArn ?? '', 'RUNNING');
    const eniId = detail(task, 'networkInterfaceId') ?? '';
    const ip = detail(task, 'privateIPv4Address') ?? '';
    expect(eniId).toMatch(/^eni-/);
    expect(task.attachments?.[0]?.status).toBe('ATTACHED');
    expect(subnets).toContain(detail(task, 'subnetId'));
    expect(detail(task, 'macAddress')).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    // Locally a host's private DNS name is its address (it resolves; see ec2/README.md).
    expect(detail(task, 'privateDnsName')).toBe(ip);
    if (linux) expect(ip).toMatch(/^127\.4\./);
    expect(task.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address).toBe(ip);

    const enis = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
    const eni = enis.NetworkInterfaces?.[0];
    expect(eni?.PrivateIpAddress).toBe(ip);
    expect(eni?.Groups?.map((g) => g.GroupId)).toEqual([group]);
    expect(eni?.Association?.PublicIp).toBeDefined();

    // The container's port is served on the task's own address (containerPort = hostPort).
    const res = await fetch(`http://${ip}:8080/`);
    expect(res.status).toBeLessThan(500);
    await res.arrayBuffer();

    await ecs.send(new StopTaskCommand({ cluster: 'fargate', task: task.taskArn, reason: 'done' }));
    const stopped = await waitStatus(task.taskArn ?? '', 'STOPPED');
    expect(stopped.stopCode).toBe('UserInitiated');
    expect(stopped.stoppedReason).toBe('done');
    await eventually(async () => {
      const t = await describeTask(task.taskArn ?? '');
      return t.attachments?.[0]?.status === 'DELETED' ? t : undefined;
    });
    await eventually(async () => {
      const left = await ec2.send(
        new DescribeNetworkInterfacesCommand({
          Filters: [{ Name: 'network-interface-id', Values: [eniId] }],
        }),
      );
      return (left.NetworkInterfaces ?? []).length === 0 ? true : undefined;
    });
  });

  it('refuses what AWS refuses, before writing anything', async () => {
    const bad = (input: Partial<ConstructorParameters<typeof RunTaskCommand>[0]>) =>
      ecs.send(
        new RunTaskCommand({ cluster: 'fargate', taskDefinition: 'web', launchType: 'FARGATE', ...input }),
      );
    await expectAwsError(bad({}), 'InvalidParameterException', 'Network Configuration must be provided');
    await expectAwsError(
      bad({ networkConfiguration: network(), capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] }),
      'InvalidParameterException',
      'Specifying both a launch type and capacity provider strategy is not supported',
    );
    await expectAwsError(
      bad({ networkConfiguration: network(), platformVersion: '9.9.9' }),
      'PlatformUnknownException',
    );
    await expectAwsError(
      bad({ networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0000000000000abcd'] } } }),
      'InvalidParameterException',
      'subnet',
    );
    await expectAwsError(
      bad({ networkConfiguration: network('DISABLED', 'sg-0000000000000abcd') }),
      'InvalidParameterException',
      'security group',
    );
    await expectAwsError(
      bad({ networkConfiguration: network(), overrides: { cpu: '256', memory: '4096' } }),
      'InvalidParameterException',
      'No Fargate configuration exists for given values',
    );
    await expectAwsError(
      bad({ taskDefinition: 'bridge' }),
      'InvalidParameterException',
      'Task definition does not support launch_type FARGATE.',
    );
    await expectAwsError(
      bad({ networkConfiguration: network(), placementStrategy: [{ type: 'random' }] }),
      'InvalidParameterException',
      'not supported for tasks hosted on Fargate',
    );
    // Subnets of two VPCs.
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    const other = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpc.Vpc?.VpcId,
        CidrBlock: '10.9.1.0/24',
        AvailabilityZone: 'us-east-1a',
      }),
    );
    await expectAwsError(
      bad({
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [subnets[0] ?? '', other.Subnet?.SubnetId ?? ''] },
        },
      }),
      'InvalidParameterException',
      'same VPC',
    );
    await expectAwsError(
      ecs.send(
        new RunTaskCommand({
          cluster: 'fargate',
          taskDefinition: 'bridge',
          launchType: 'EC2',
          platformVersion: 'LATEST',
        }),
      ),
      'InvalidParameterException',
      'platform version must be null',
    );
    const listed = await ecs.send(new ListTasksCommand({ cluster: 'fargate', launchType: 'FARGATE' }));
    expect(listed.taskArns).toEqual([]);
  });

  it('runs a service on FARGATE and FARGATE_SPOT by strategy; Spot tasks are interrupted', async () => {
    const strategy = [
      { capacityProvider: 'FARGATE', base: 1, weight: 0 },
      { capacityProvider: 'FARGATE_SPOT', weight: 1 },
    ];
    // The Fargate providers must be associated with the cluster first (as ECS says).
    await expectAwsError(
      ecs.send(
        new CreateServiceCommand({
          cluster: 'fargate',
          serviceName: 'spot',
          taskDefinition: 'web',
          desiredCount: 1,
          capacityProviderStrategy: strategy,
          networkConfiguration: network(),
        }),
      ),
      'InvalidParameterException',
      'is not associated with the cluster',
    );
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'fargate',
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [],
      }),
    );
    const created = await ecs.send(
      new CreateServiceCommand({
        cluster: 'fargate',
        serviceName: 'spot',
        taskDefinition: 'web',
        desiredCount: 3,
        capacityProviderStrategy: strategy,
        networkConfiguration: network(),
      }),
    );
    expect(created.service?.capacityProviderStrategy?.length).toBe(2);
    expect(created.service?.launchType).toBeUndefined();
    expect(created.service?.platformVersion).toBe('LATEST');
    const tasks = await eventually(async () => {
      const arns = await ecs.send(new ListTasksCommand({ cluster: 'fargate', serviceName: 'spot' }));
      if ((arns.taskArns ?? []).length < 3) return undefined;
      const out = await ecs.send(new DescribeTasksCommand({ cluster: 'fargate', tasks: arns.taskArns }));
      return out.tasks;
    });
    const providers = tasks.map((t) => t.capacityProviderName).sort();
    expect(providers).toEqual(['FARGATE', 'FARGATE_SPOT', 'FARGATE_SPOT']);
    expect(new Set(tasks.map((t) => t.launchType))).toEqual(new Set(['FARGATE']));
    // DescribeClusters' STATISTICS split by launch type (from counters): all of this cluster is Fargate.
    const described = await ecs.send(
      new DescribeClustersCommand({ clusters: ['fargate'], include: ['STATISTICS'] }),
    );
    const cluster = described.clusters?.[0];
    const stat = (name: string) => Number(cluster?.statistics?.find((x) => x.name === name)?.value);
    expect(stat('activeFargateServiceCount')).toBe(1);
    expect(stat('activeEC2ServiceCount')).toBe(0);
    expect(stat('runningEC2TasksCount') + stat('pendingEC2TasksCount')).toBe(0);
    expect(stat('runningFargateTasksCount')).toBe(cluster?.runningTasksCount);
    expect(stat('pendingFargateTasksCount')).toBe(cluster?.pendingTasksCount);

    // The knob (fargateSpotInterruptAfterMs) interrupts each Spot task once it has run a while.
    const spotArn = tasks.find((t) => t.capacityProviderName === 'FARGATE_SPOT')?.taskArn ?? '';
    const stopped = await waitStatus(spotArn, 'STOPPED');
    expect(stopped.stopCode).toBe('SpotInterruption');
    expect(stopped.stoppedReason).toBe('Your Spot Task was interrupted.');
    const svc = await ecs.send(new DescribeServicesCommand({ cluster: 'fargate', services: ['spot'] }));
    expect(svc.services?.[0]?.desiredCount).toBe(3);
  });
});

describe('Fargate behind a load balancer', () => {
  it("registers a service's tasks by address in its ip target group, and the load balancer reaches them", async () => {
    const clients = { ecs, ec2, elb, destroy: () => undefined };
    const { targetGroupArn, dnsName } = await targetGroupBehindListener(clients, 'fargate-web', 8081, {
      TargetType: 'ip',
      Port: 8080,
    });
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'fargate',
        serviceName: 'behind',
        taskDefinition: 'web',
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: network(),
        loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 8080 }],
      }),
    );
    // Both tasks registered (one event, or two if they reached RUNNING in different passes).
    await eventually(async () => {
      const th = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
      return (th.TargetHealthDescriptions ?? []).length === 2 ? true : undefined;
    });
    const svc = await ecs.send(new DescribeServicesCommand({ cluster: 'fargate', services: ['behind'] }));
    expect(
      svc.services?.[0]?.events?.some((e) =>
        /^\(service behind\) registered [12] targets in \(target-group /.test(e.message ?? ''),
      ),
    ).toBe(true);
    const arns = await ecs.send(new ListTasksCommand({ cluster: 'fargate', serviceName: 'behind' }));
    const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: 'fargate', tasks: arns.taskArns })))
      .tasks as Task[];
    const addresses = tasks.map((t) => detail(t, 'privateIPv4Address')).sort();
    const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
    // Targets are the tasks' interface addresses at the container port, as ECS registers them.
    expect((health.TargetHealthDescriptions ?? []).map((d) => d.Target?.Id).sort()).toEqual(addresses);
    expect(new Set(health.TargetHealthDescriptions?.map((d) => d.Target?.Port))).toEqual(new Set([8080]));
    if (linux) {
      // The tasks' ports are served on their addresses (127.4.x.y), so health checks pass and the
      // load balancer forwards.
      await eventually(async () => {
        const th = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
        const all = th.TargetHealthDescriptions ?? [];
        return all.length === 2 && all.every((d) => d.TargetHealth?.State === 'healthy') ? true : undefined;
      });
      const page = await fetch(`http://${dnsName}:8081/`, { signal: AbortSignal.timeout(3000) });
      expect(page.status).toBe(200);
      await page.arrayBuffer();
    }
    await ecs.send(new UpdateServiceCommand({ cluster: 'fargate', service: 'behind', desiredCount: 1 }));
    await eventually(async () => {
      const svc = await ecs.send(new DescribeServicesCommand({ cluster: 'fargate', services: ['behind'] }));
      return svc.services?.[0]?.events?.some(
        (e) => e.message === `(service behind) deregistered 1 targets in (target-group ${targetGroupArn})`,
      )
        ? true
        : undefined;
    });
  });
});

describe.skipIf(!hasAws)('Fargate with the AWS CLI', () => {
  it('runs a Fargate task with aws ecs run-task and refuses one without a network configuration', async () => {
    const vpc = `awsvpcConfiguration={subnets=[${subnets.join(',')}],securityGroups=[${group}],assignPublicIp=DISABLED}`;
    const base = [
      'ecs',
      'run-task',
      '--cluster',
      'fargate',
      '--task-definition',
      'web',
      '--launch-type',
      'FARGATE',
    ];
    const out = await awsJson<{ tasks: { taskArn: string; launchType: string; platformVersion: string }[] }>(
      url,
      [...base, '--network-configuration', vpc, '--platform-version', 'LATEST'],
    );
    expect(out.tasks[0]).toMatchObject({ launchType: 'FARGATE', platformVersion: '1.4.0' });
    const running = await waitStatus(out.tasks[0]?.taskArn ?? '', 'RUNNING');
    expect(detail(running, 'networkInterfaceId')).toMatch(/^eni-/);
    const enis = await awsJson<{
      NetworkInterfaces: { NetworkInterfaceId: string; InterfaceType?: string }[];
    }>(url, [
      'ec2',
      'describe-network-interfaces',
      '--network-interface-ids',
      detail(running, 'networkInterfaceId') ?? '',
    ]);
    expect(enis.NetworkInterfaces).toHaveLength(1);
    await ecs.send(new StopTaskCommand({ cluster: 'fargate', task: running.taskArn }));

    const refused = await awsCli(url, base);
    expect([254, 255]).toContain(refused.code);
    expect(refused.stderr).toContain('(InvalidParameterException)');
    expect(refused.stderr).toContain(
      "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    );
  }, 240_000);
});

describe('what a running task holds', () => {
  it('keeps its capacity provider on the cluster until it has stopped; its attachment is reported to it', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'fg-held' }));
    await ecs.send(new CreateClusterCommand({ clusterName: 'fg-other' }));
    const providers = (capacityProviders: string[]) =>
      ecs.send(
        new PutClusterCapacityProvidersCommand({
          cluster: 'fg-held',
          capacityProviders,
          defaultCapacityProviderStrategy: [],
        }),
      );
    await providers(['FARGATE', 'FARGATE_SPOT']);
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'fg-held',
        taskDefinition: 'web',
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }],
        networkConfiguration: network(),
      }),
    );
    const arn = run.tasks?.[0]?.taskArn ?? '';
    const task = await waitStatusIn('fg-held', arn, 'RUNNING');
    expect(task.capacityProviderName).toBe('FARGATE');

    // FARGATE is in use by the task: refused, nothing changed; FARGATE_SPOT is not: removed.
    await expectAwsError(
      providers(['FARGATE_SPOT']),
      'ResourceInUseException',
      'The specified capacity provider is in use and cannot be removed.',
    );
    const described = async () =>
      (await ecs.send(new DescribeClustersCommand({ clusters: ['fg-held'] }))).clusters?.[0]
        ?.capacityProviders;
    expect(await described()).toEqual(['FARGATE', 'FARGATE_SPOT']);
    await providers(['FARGATE']);
    expect(await described()).toEqual(['FARGATE']);

    // The agent's report about the task's interface attachment: found in its cluster, not in another.
    const attachmentArn = `arn:aws:ecs:us-east-1:000000000000:attachment/${task.attachments?.[0]?.id ?? ''}`;
    const report = (cluster: string) =>
      ecs.send(
        new SubmitAttachmentStateChangesCommand({
          cluster,
          attachments: [{ attachmentArn, status: 'ATTACHED' }],
        }),
      );
    expect((await report('fg-held')).acknowledgment).toBe('ACK');
    await expectAwsError(report('fg-other'), 'InvalidParameterException', 'was not found in the cluster');

    // Stopped: the provider comes off the cluster, and the attachment is no longer the task's.
    await ecs.send(new StopTaskCommand({ cluster: 'fg-held', task: arn }));
    await waitStatusIn('fg-held', arn, 'STOPPED');
    await expectAwsError(report('fg-held'), 'InvalidParameterException', 'was not found in the cluster');
    await providers([]);
    expect(await described()).toEqual([]);
  });
});

describe('awsvpc on EC2 instances', () => {
  it('gives each task an interface attached to its instance, up to the instance type limit (RESOURCE:ENI)', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'awsvpc-ec2' }));
    const userData = Buffer.from('#!/bin/bash\necho ECS_CLUSTER=awsvpc-ec2 >> /etc/ecs/ecs.config').toString(
      'base64',
    );
    const all = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }),
    );
    const subnetIds = (all.Subnets ?? []).map((s) => s.SubnetId ?? '');
    const launched = await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-0a7a1e5e0c5c0ffee',
        InstanceType: 't2.micro', // 2 interfaces: its own and one for a task
        MinCount: 1,
        MaxCount: 1,
        UserData: userData,
        SubnetId: subnetIds[0],
      }),
    );
    const instanceId = launched.Instances?.[0]?.InstanceId ?? '';
    await eventually(async () => {
      const l = await ecs.send(new ListContainerInstancesCommand({ cluster: 'awsvpc-ec2' }));
      return (l.containerInstanceArns ?? []).length === 1 ? true : undefined;
    });
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'vpc-ec2',
        networkMode: 'awsvpc',
        containerDefinitions: [
          { name: 'web', image: 'httpd:2.4', memory: 64, portMappings: [{ containerPort: 8081 }] },
        ],
      }),
    );
    const awsvpc = { awsvpcConfiguration: { subnets: subnetIds, securityGroups: [group] } };
    await expectAwsError(
      ecs.send(
        new RunTaskCommand({
          cluster: 'awsvpc-ec2',
          taskDefinition: 'vpc-ec2',
          networkConfiguration: {
            awsvpcConfiguration: { ...awsvpc.awsvpcConfiguration, assignPublicIp: 'ENABLED' },
          },
        }),
      ),
      'InvalidParameterException',
      'Assign public IP is not supported for this launch type.',
    );
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'awsvpc-ec2',
        taskDefinition: 'vpc-ec2',
        count: 2,
        networkConfiguration: awsvpc,
      }),
    );
    expect(run.tasks).toHaveLength(1);
    expect(run.failures?.map((f) => f.reason)).toContain('RESOURCE:ENI');
    const task = await eventually(async () => {
      const t = (
        await ecs.send(
          new DescribeTasksCommand({ cluster: 'awsvpc-ec2', tasks: [run.tasks?.[0]?.taskArn ?? ''] }),
        )
      ).tasks?.[0];
      return t?.lastStatus === 'RUNNING' ? t : undefined;
    });
    expect(task.launchType).toBe('EC2');
    const eniId = detail(task, 'networkInterfaceId') ?? '';
    const enis = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
    expect(enis.NetworkInterfaces?.[0]?.Attachment?.InstanceId).toBe(instanceId);
    const ip = detail(task, 'privateIPv4Address') ?? '';
    const res = await fetch(`http://${ip}:8081/`);
    expect(res.status).toBeLessThan(500);
    await res.arrayBuffer();
    await ecs.send(new StopTaskCommand({ cluster: 'awsvpc-ec2', task: task.taskArn }));
    await waitStatusIn('awsvpc-ec2', task.taskArn ?? '', 'STOPPED');
  });
});

async function waitStatusIn(cluster: string, arn: string, status: string): Promise<Task> {
  return eventually(async () => {
    const t = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks?.[0];
    return t?.lastStatus === status ? t : undefined;
  });
}

describe.skipIf(!hasAws)('capacity providers with the AWS CLI', () => {
  it('creates, describes, updates, associates and deletes a capacity provider', async () => {
    await awsJson(url, [
      'autoscaling',
      'create-launch-configuration',
      '--launch-configuration-name',
      'cli-lc',
      '--image-id',
      'ami-0a7a1e5e0c5c0ffee',
      '--instance-type',
      't2.micro',
    ]);
    const made = await awsCli(url, [
      'autoscaling',
      'create-auto-scaling-group',
      '--auto-scaling-group-name',
      'cli-asg',
      '--launch-configuration-name',
      'cli-lc',
      '--min-size',
      '0',
      '--max-size',
      '2',
      '--availability-zones',
      'us-east-1a',
    ]);
    expect(made.code, made.stderr).toBe(0);
    const created = await awsJson<{ capacityProvider: { name: string; status: string } }>(url, [
      'ecs',
      'create-capacity-provider',
      '--name',
      'cli-cp',
      '--auto-scaling-group-provider',
      'autoScalingGroupArn=cli-asg,managedScaling={status=ENABLED,targetCapacity=80}',
    ]);
    expect(created.capacityProvider).toMatchObject({ name: 'cli-cp', status: 'ACTIVE' });
    const updated = await awsJson<{
      capacityProvider: { autoScalingGroupProvider: { managedScaling: { targetCapacity: number } } };
    }>(url, [
      'ecs',
      'update-capacity-provider',
      '--name',
      'cli-cp',
      '--auto-scaling-group-provider',
      'managedScaling={status=ENABLED,targetCapacity=90}',
    ]);
    expect(updated.capacityProvider.autoScalingGroupProvider.managedScaling.targetCapacity).toBe(90);
    await ecs.send(new CreateClusterCommand({ clusterName: 'cli-cp' }));
    const put = await awsJson<{ cluster: { capacityProviders: string[] } }>(url, [
      'ecs',
      'put-cluster-capacity-providers',
      '--cluster',
      'cli-cp',
      '--capacity-providers',
      'cli-cp',
      'FARGATE',
      '--default-capacity-provider-strategy',
      'capacityProvider=cli-cp,weight=1,base=1',
    ]);
    expect(put.cluster.capacityProviders).toEqual(['cli-cp', 'FARGATE']);
    const inUse = await awsCli(url, ['ecs', 'delete-capacity-provider', '--capacity-provider', 'cli-cp']);
    expect([254, 255]).toContain(inUse.code);
    expect(inUse.stderr).toContain('(ClientException)');
    await awsJson(url, [
      'ecs',
      'put-cluster-capacity-providers',
      '--cluster',
      'cli-cp',
      '--capacity-providers',
      '[]',
      '--default-capacity-provider-strategy',
      '[]',
    ]);
    const deleted = await awsJson<{ capacityProvider: { status: string } }>(url, [
      'ecs',
      'delete-capacity-provider',
      '--capacity-provider',
      'cli-cp',
    ]);
    expect(deleted.capacityProvider.status).toBe('INACTIVE');
    const described = await awsJson<{ capacityProviders: { name: string }[] }>(url, [
      'ecs',
      'describe-capacity-providers',
    ]);
    expect(described.capacityProviders.map((p) => p.name)).toEqual(
      expect.arrayContaining(['FARGATE', 'FARGATE_SPOT']),
    );
    const bad = await awsCli(url, [
      'ecs',
      'create-capacity-provider',
      '--name',
      'fargate-x',
      '--auto-scaling-group-provider',
      'autoScalingGroupArn=cli-asg',
    ]);
    expect(bad.stderr).toContain('(InvalidParameterException)');
  }, 240_000);
});
