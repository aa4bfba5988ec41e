/**
 * Services over HTTP with @aws-sdk/client-ecs (services.ts): create, validate, update (deployments), describe, list, delete, load balancers, and a service converging with the scheduler and the agent.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arnPrefix,
  dynamicTaskDefinition,
  eventually,
  expectAwsError,
  registerInstance,
  REGION,
  startTestPlane,
  type TestPlane,
} from './testing';

let t: TestPlane;
let ecs: ECSClient;

beforeAll(async () => {
  t = await startTestPlane();
  ecs = t.ecs;
});
afterAll(async () => {
  await t.stop();
});

describe('services', () => {
  beforeAll(async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'svc' }));
    await registerInstance(ecs, 'svc', { memory: 4096, cpu: 4096 });
    await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('svc-td')));
  });

  it('creates a service with one PRIMARY deployment', async () => {
    const out = await ecs.send(
      new CreateServiceCommand({
        cluster: 'svc',
        serviceName: 'web',
        taskDefinition: 'svc-td',
        desiredCount: 2,
      }),
    );
    const s = out.service!;
    expect(s).toMatchObject({
      serviceArn: `${arnPrefix}:service/svc/web`,
      serviceName: 'web',
      clusterArn: `${arnPrefix}:cluster/svc`,
      status: 'ACTIVE',
      desiredCount: 2,
      launchType: 'EC2',
      taskDefinition: `${arnPrefix}:task-definition/svc-td:1`,
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
      schedulingStrategy: 'REPLICA',
    });
    expect(s.deployments).toHaveLength(1);
    expect(s.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS',
      desiredCount: 2,
    });
    expect(s.deployments?.[0]?.id).toMatch(/^ecs-svc\/\d{19}$/);
    const again = await ecs.send(
      new CreateServiceCommand({
        cluster: 'svc',
        serviceName: 'web',
        taskDefinition: 'svc-td',
        desiredCount: 2,
      }),
    );
    expect(again.service?.deployments?.[0]?.id).toBe(s.deployments?.[0]?.id);
    await expectAwsError(
      ecs.send(
        new CreateServiceCommand({
          cluster: 'svc',
          serviceName: 'web',
          taskDefinition: 'svc-td',
          desiredCount: 1,
        }),
      ),
      'InvalidParameterException',
      'Creation of service was not idempotent.',
    );
  });

  it('validates CreateService', async () => {
    const base = { cluster: 'svc', taskDefinition: 'svc-td', desiredCount: 1 };
    await expectAwsError(
      ecs.send(new CreateServiceCommand({ ...base, serviceName: 'bad name' })),
      'InvalidParameterException',
    );
    await expectAwsError(
      ecs.send(new CreateServiceCommand({ ...base, serviceName: 'x', taskDefinition: 'nope' })),
      'InvalidParameterException',
      'TaskDefinition not found.',
    );
    await expectAwsError(
      ecs.send(new CreateServiceCommand({ ...base, serviceName: 'x', cluster: 'nope' })),
      'ClusterNotFoundException',
    );
    await expectAwsError(
      ecs.send(new CreateServiceCommand({ ...base, serviceName: 'x', desiredCount: -1 })),
      'InvalidParameterException',
    );
    await expectAwsError(
      ecs.send(
        new CreateServiceCommand({
          ...base,
          serviceName: 'x',
          deploymentConfiguration: { minimumHealthyPercent: 150 },
        }),
      ),
      'InvalidParameterException',
    );
    await expectAwsError(
      ecs.send(new CreateServiceCommand({ ...base, serviceName: 'x', healthCheckGracePeriodSeconds: 30 })),
      'InvalidParameterException',
      'Health check grace period is only valid for services configured to use load balancers',
    );
    const listed = await ecs.send(new ListServicesCommand({ cluster: 'svc' }));
    expect(listed.serviceArns).not.toContain(`${arnPrefix}:service/svc/x`);
  });

  it('updates desired count, task definition (new PRIMARY, old ACTIVE) and deployment configuration', async () => {
    await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('svc-td')));
    const scaled = await ecs.send(
      new UpdateServiceCommand({ cluster: 'svc', service: 'web', desiredCount: 3 }),
    );
    expect(scaled.service?.desiredCount).toBe(3);
    expect(scaled.service?.deployments).toHaveLength(1);
    const rolled = await ecs.send(
      new UpdateServiceCommand({
        cluster: 'svc',
        service: `${arnPrefix}:service/svc/web`,
        taskDefinition: 'svc-td:2',
        deploymentConfiguration: { maximumPercent: 150, minimumHealthyPercent: 50 },
      }),
    );
    const deployments = rolled.service!.deployments!;
    expect(deployments[0]).toMatchObject({
      status: 'PRIMARY',
      taskDefinition: `${arnPrefix}:task-definition/svc-td:2`,
    });
    expect(deployments.find((d) => d.status === 'ACTIVE')?.taskDefinition).toBe(
      `${arnPrefix}:task-definition/svc-td:1`,
    );
    expect(rolled.service?.deploymentConfiguration).toMatchObject({
      maximumPercent: 150,
      minimumHealthyPercent: 50,
    });
    const forced = await ecs.send(
      new UpdateServiceCommand({ cluster: 'svc', service: 'web', forceNewDeployment: true }),
    );
    expect(forced.service?.deployments?.filter((d) => d.status === 'PRIMARY')).toHaveLength(1);
    await expectAwsError(
      ecs.send(new UpdateServiceCommand({ cluster: 'svc', service: 'nope' })),
      'ServiceNotFoundException',
    );
    await expectAwsError(
      ecs.send(new UpdateServiceCommand({ cluster: 'svc', service: 'web', taskDefinition: 'nope' })),
      'InvalidParameterException',
    );
  });

  it('describes in batches of up to 10 and lists 10 per page by default', async () => {
    for (let i = 0; i < 11; i++) {
      await ecs.send(
        new CreateServiceCommand({
          cluster: 'svc',
          serviceName: `s${i}`,
          taskDefinition: 'svc-td',
          desiredCount: 0,
        }),
      );
    }
    const first = await ecs.send(new ListServicesCommand({ cluster: 'svc' }));
    expect(first.serviceArns).toHaveLength(10);
    expect(first.nextToken).toBeDefined();
    const second = await ecs.send(new ListServicesCommand({ cluster: 'svc', nextToken: first.nextToken }));
    expect(second.serviceArns).toHaveLength(2);
    expect(second.nextToken).toBeUndefined();
    const d = await ecs.send(
      new DescribeServicesCommand({ cluster: 'svc', services: ['s0', 'missing'], include: ['TAGS'] }),
    );
    expect(d.services?.[0]?.serviceName).toBe('s0');
    expect(d.failures).toEqual([{ arn: `${arnPrefix}:service/svc/missing`, reason: 'MISSING' }]);
    await expectAwsError(
      ecs.send(
        new DescribeServicesCommand({
          cluster: 'svc',
          services: Array.from({ length: 11 }, (_, i) => `s${i}`),
        }),
      ),
      'InvalidParameterException',
    );
    await expectAwsError(
      ecs.send(new DescribeServicesCommand({ cluster: 'svc', services: [] })),
      'InvalidParameterException',
    );
  });

  it('deletes: scaled services need force, then the service drains', async () => {
    await expectAwsError(
      ecs.send(new DeleteServiceCommand({ cluster: 'svc', service: 'web' })),
      'InvalidParameterException',
      'The service cannot be stopped while it is scaled above 0.',
    );
    const out = await ecs.send(new DeleteServiceCommand({ cluster: 'svc', service: 'web', force: true }));
    expect(out.service).toMatchObject({ status: 'DRAINING', desiredCount: 0 });
    const status = (await ecs.send(new DescribeServicesCommand({ cluster: 'svc', services: ['web'] })))
      .services?.[0]?.status;
    expect(['DRAINING', 'INACTIVE']).toContain(status);
    await expectAwsError(
      ecs.send(new UpdateServiceCommand({ cluster: 'svc', service: 'web', desiredCount: 1 })),
      'ServiceNotActiveException',
    );
    await expectAwsError(
      ecs.send(new DeleteServiceCommand({ cluster: 'svc', service: 'web' })),
      'ServiceNotActiveException',
    );
    await expectAwsError(
      ecs.send(new DeleteServiceCommand({ cluster: 'svc', service: 'nope' })),
      'ServiceNotFoundException',
    );
  });

  it("hints the scheduler to act at once on Create, Update and DeleteService (the simulation's hints coalesce)", async () => {
    const seen: { serviceArn: string; prompt?: boolean }[] = [];
    const off = t.plane.deps.bus.on('ecs.service.dirty', (e) => seen.push(e));
    try {
      const svc = { cluster: 'svc', service: 'hinted' };
      await ecs.send(
        new CreateServiceCommand({
          cluster: 'svc',
          serviceName: 'hinted',
          taskDefinition: 'svc-td',
          desiredCount: 0,
        }),
      );
      await ecs.send(new UpdateServiceCommand({ ...svc, desiredCount: 0 }));
      await ecs.send(new DeleteServiceCommand(svc));
    } finally {
      off();
    }
    const hinted = seen.filter((e) => e.serviceArn === `${arnPrefix}:service/svc/hinted`);
    expect(hinted.map((e) => e.prompt)).toEqual([true, true, true]);
  });
});

describe('with the scheduler and the agent', () => {
  it('converges a service, derives service, instance and cluster counts, and filters ListTasks by service', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'live' }));
    const ci = await registerInstance(ecs, 'live', { memory: 2048, cpu: 2048 });
    await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('live-td')));
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'live',
        serviceName: 'web',
        taskDefinition: 'live-td',
        desiredCount: 2,
      }),
    );
    const service = await eventually(async () => {
      const out = await ecs.send(new DescribeServicesCommand({ cluster: 'live', services: ['web'] }));
      const s = out.services?.[0];
      return s?.runningCount === 2 ? s : undefined;
    }, 20_000);
    expect(service.pendingCount).toBe(0);
    const tasks = await ecs.send(new ListTasksCommand({ cluster: 'live', serviceName: 'web' }));
    expect(tasks.taskArns).toHaveLength(2);
    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'live', tasks: tasks.taskArns! }));
    expect(described.tasks?.every((x) => x.group === 'service:web' && x.lastStatus === 'RUNNING')).toBe(true);
    const instance = await ecs.send(
      new DescribeContainerInstancesCommand({
        cluster: 'live',
        containerInstances: [ci.containerInstanceArn!],
      }),
    );
    expect(instance.containerInstances?.[0]?.runningTasksCount).toBe(2);
    expect(
      instance.containerInstances?.[0]?.remainingResources?.find((r) => r.name === 'MEMORY')?.integerValue,
    ).toBe(2048 - 2 * 64);
    const cluster = await ecs.send(new DescribeClustersCommand({ clusters: ['live'] }));
    expect(cluster.clusters?.[0]).toMatchObject({
      registeredContainerInstancesCount: 1,
      runningTasksCount: 2,
      pendingTasksCount: 0,
      activeServicesCount: 1,
    });
    const other = await ecs.send(new ListTasksCommand({ cluster: 'live', serviceName: 'other' }));
    expect(other.taskArns).toEqual([]);
  });
});

describe('load balancers', () => {
  it('checks target groups with ELB and the container port with the task definition', async () => {
    const region = {
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    };
    const ec2 = new EC2Client({ ...region, endpoint: t.url });
    const elbv2 = new ElasticLoadBalancingV2Client({ ...region, endpoint: t.url });
    try {
      const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
      const lb = (
        await elbv2.send(
          new CreateLoadBalancerCommand({ Name: 'ecs-lb', Subnets: subnets.map((x) => x.SubnetId ?? '') }),
        )
      ).LoadBalancers?.[0];
      const tg = async (name: string) =>
        (
          await elbv2.send(
            new CreateTargetGroupCommand({
              Name: name,
              Protocol: 'HTTP',
              Port: 80,
              VpcId: subnets[0]?.VpcId,
            }),
          )
        ).TargetGroups?.[0]?.TargetGroupArn ?? '';
      const attached = await tg('ecs-attached');
      const lonely = await tg('ecs-lonely');
      await elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb?.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: attached }],
        }),
      );
      await ecs.send(new CreateClusterCommand({ clusterName: 'lb' }));
      await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('lb-td')));
      const create = (targetGroupArn: string, containerPort = 80) =>
        ecs.send(
          new CreateServiceCommand({
            cluster: 'lb',
            serviceName: 'behind-lb',
            taskDefinition: 'lb-td',
            desiredCount: 0,
            loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort }],
          }),
        );
      await expectAwsError(create(`${attached}0`), 'InvalidParameterException', 'does not exist');
      await expectAwsError(
        create(lonely),
        'InvalidParameterException',
        'does not have an associated load balancer',
      );
      await expectAwsError(
        create(attached, 8080),
        'InvalidParameterException',
        'did not have a container port 8080',
      );
      const out = await create(attached);
      expect(out.service?.loadBalancers).toEqual([
        { targetGroupArn: attached, containerName: 'app', containerPort: 80 },
      ]);
      expect(out.service?.healthCheckGracePeriodSeconds).toBe(0);
    } finally {
      ec2.destroy();
      elbv2.destroy();
    }
  });
});
