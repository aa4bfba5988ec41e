/**
 * The ECS API over HTTP with @aws-sdk/client-ecs: every action, batch limits, pagination, defaults,
 * ARN formats and error codes.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteAttributesCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterContainerInstanceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListAttributesCommand,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  PutAttributesCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateClusterCommand,
  UpdateClusterSettingsCommand,
  UpdateContainerInstancesStateCommand,
  UpdateServiceCommand,
  paginateListClusters,
  paginateListTasks,
  type ContainerDefinition,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecsCollections } from './model';
import {
  dynamicTaskDefinition,
  eventually,
  expectAwsError,
  sampleTaskDefinition,
  startTestPlane,
  type TestPlane,
} from './testing';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const arnPrefix = `arn:aws:ecs:${REGION}:${ACCOUNT}`;

let t: TestPlane;
let ecs: ECSClient;

beforeAll(async () => {
  t = await startTestPlane();
  ecs = t.ecs;
});
afterAll(async () => {
  await t.stop();
});

async function registerInstance(
  cluster: string,
  opts: { memory?: number; cpu?: number; instanceId?: string } = {},
) {
  const out = await ecs.send(
    new RegisterContainerInstanceCommand({
      cluster,
      ...(opts.instanceId
        ? {
            instanceIdentityDocument: JSON.stringify({
              instanceId: opts.instanceId,
              region: REGION,
              instanceType: 't2.micro',
              privateIp: '127.0.0.1',
              availabilityZone: 'us-east-1b',
            }),
          }
        : {}),
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: opts.cpu ?? 1024 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: opts.memory ?? 993 },
      ],
    }),
  );
  return out.containerInstance!;
}

const container = (overrides: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name: 'web',
  image: 'nginx:1.25',
  memory: 128,
  ...overrides,
});

describe('clusters', () => {
  it('creates the default cluster when no name is given, idempotently, with the long ARN format', async () => {
    const a = await ecs.send(new CreateClusterCommand({}));
    expect(a.cluster).toMatchObject({
      clusterArn: `${arnPrefix}:cluster/default`,
      clusterName: 'default',
      status: 'ACTIVE',
      registeredContainerInstancesCount: 0,
      runningTasksCount: 0,
      pendingTasksCount: 0,
      activeServicesCount: 0,
    });
    const b = await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
    expect(b.cluster?.clusterArn).toBe(a.cluster?.clusterArn);
    const described = await ecs.send(new DescribeClustersCommand({}));
    expect(described.clusters?.map((c) => c.clusterName)).toEqual(['default']);
  });

  it('validates names and tags', async () => {
    await expectAwsError(
      ecs.send(new CreateClusterCommand({ clusterName: 'bad name' })),
      'InvalidParameterException',
    );
    await expectAwsError(
      ecs.send(new CreateClusterCommand({ clusterName: 'x'.repeat(256) })),
      'InvalidParameterException',
    );
    await expectAwsError(
      ecs.send(new CreateClusterCommand({ clusterName: 'tagged', tags: [{ key: 'aws:x', value: 'y' }] })),
      'InvalidParameterException',
    );
    const list = await ecs.send(new ListClustersCommand({}));
    expect(list.clusterArns).not.toContain(`${arnPrefix}:cluster/tagged`);
  });

  it('describes with include options and reports missing clusters as failures', async () => {
    await ecs.send(
      new CreateClusterCommand({
        clusterName: 'inc',
        tags: [{ key: 'team', value: 'a' }],
        settings: [{ name: 'containerInsights', value: 'enabled' }],
      }),
    );
    const plain = await ecs.send(new DescribeClustersCommand({ clusters: ['inc', 'nope'] }));
    expect(plain.clusters?.[0]?.tags).toBeUndefined();
    expect(plain.clusters?.[0]?.statistics).toEqual([]);
    expect(plain.failures).toEqual([{ arn: `${arnPrefix}:cluster/nope`, reason: 'MISSING' }]);
    const full = await ecs.send(
      new DescribeClustersCommand({
        clusters: [`${arnPrefix}:cluster/inc`],
        include: ['TAGS', 'SETTINGS', 'STATISTICS'],
      }),
    );
    expect(full.clusters?.[0]?.tags).toEqual([{ key: 'team', value: 'a' }]);
    expect(full.clusters?.[0]?.settings).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
    expect(full.clusters?.[0]?.statistics?.map((s) => s.name)).toContain('runningEC2TasksCount');
    await expectAwsError(
      ecs.send(new DescribeClustersCommand({ clusters: Array.from({ length: 101 }, (_, i) => `c${i}`) })),
      'InvalidParameterException',
    );
  });

  it('updates cluster settings', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'settings' }));
    const out = await ecs.send(
      new UpdateClusterSettingsCommand({
        cluster: 'settings',
        settings: [{ name: 'containerInsights', value: 'enabled' }],
      }),
    );
    expect(out.cluster?.settings).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
    const updated = await ecs.send(
      new UpdateClusterCommand({
        cluster: 'settings',
        settings: [{ name: 'containerInsights', value: 'disabled' }],
      }),
    );
    expect(updated.cluster?.settings).toEqual([{ name: 'containerInsights', value: 'disabled' }]);
    await expectAwsError(
      ecs.send(
        new UpdateClusterSettingsCommand({
          cluster: 'settings',
          settings: [{ name: 'containerInsights', value: 'on' }],
        }),
      ),
      'InvalidParameterException',
    );
    await expectAwsError(
      ecs.send(
        new UpdateClusterSettingsCommand({
          cluster: 'nope',
          settings: [{ name: 'containerInsights', value: 'enabled' }],
        }),
      ),
      'ClusterNotFoundException',
    );
  });

  it('paginates ListClusters with an opaque nextToken and checks maxResults', async () => {
    for (let i = 0; i < 7; i++) await ecs.send(new CreateClusterCommand({ clusterName: `page-${i}` }));
    const all: string[] = [];
    let pages = 0;
    for await (const page of paginateListClusters({ client: ecs, pageSize: 3 }, {})) {
      pages++;
      expect(page.clusterArns!.length).toBeLessThanOrEqual(3);
      all.push(...page.clusterArns!);
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(all).size).toBe(all.length);
    for (let i = 0; i < 7; i++) expect(all).toContain(`${arnPrefix}:cluster/page-${i}`);
    await expectAwsError(ecs.send(new ListClustersCommand({ maxResults: 0 })), 'InvalidParameterException');
    await expectAwsError(ecs.send(new ListClustersCommand({ maxResults: 101 })), 'InvalidParameterException');
    await expectAwsError(
      ecs.send(new ListClustersCommand({ nextToken: 'garbage!' })),
      'InvalidParameterException',
    );
  });

  it('refuses to delete a cluster with instances, services or tasks, then deletes it', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'del' }));
    const ci = await registerInstance('del');
    await expectAwsError(
      ecs.send(new DeleteClusterCommand({ cluster: 'del' })),
      'ClusterContainsContainerInstancesException',
    );
    await ecs.send(
      new DeregisterContainerInstanceCommand({ cluster: 'del', containerInstance: ci.containerInstanceArn }),
    );

    await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('del-td')));
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'del',
        serviceName: 'svc',
        taskDefinition: 'del-td',
        desiredCount: 0,
      }),
    );
    await expectAwsError(
      ecs.send(new DeleteClusterCommand({ cluster: 'del' })),
      'ClusterContainsServicesException',
    );
    await ecs.send(new DeleteServiceCommand({ cluster: 'del', service: 'svc' }));
    // The scheduler marks the drained service INACTIVE; until then the cluster still contains it.
    const col = ecsCollections(t.plane.deps.db);
    const svcArn = `${arnPrefix}:service/del/svc`;
    const rec = col.services.get(svcArn)!;
    col.services.put(svcArn, { ...rec, service: { ...rec.service, status: 'INACTIVE' } });

    // A task that is still stopping keeps the cluster busy.
    const taskArn = `${arnPrefix}:task/del/0123456789abcdef0123456789abcdef`;
    col.tasks.put(taskArn, {
      task: {
        taskArn,
        clusterArn: `${arnPrefix}:cluster/del`,
        lastStatus: 'STOPPING',
        desiredStatus: 'STOPPED',
      },
      region: REGION,
      ports: [],
      reservedCpu: 0,
      reservedMemory: 0,
      history: [],
    });
    await expectAwsError(
      ecs.send(new DeleteClusterCommand({ cluster: 'del' })),
      'ClusterContainsTasksException',
    );
    const task = col.tasks.get(taskArn)!;
    col.tasks.put(taskArn, { ...task, task: { ...task.task, lastStatus: 'STOPPED' } });

    const deleted = await ecs.send(new DeleteClusterCommand({ cluster: 'del' }));
    expect(deleted.cluster?.status).toBe('INACTIVE');
    const described = await ecs.send(new DescribeClustersCommand({ clusters: ['del'] }));
    expect(described.clusters?.[0]?.status).toBe('INACTIVE');
    const list = await ecs.send(new ListClustersCommand({}));
    expect(list.clusterArns).not.toContain(`${arnPrefix}:cluster/del`);
    await expectAwsError(ecs.send(new DeleteClusterCommand({ cluster: 'del' })), 'ClusterNotFoundException');
    await expectAwsError(
      ecs.send(new DeleteClusterCommand({ cluster: 'never' })),
      'ClusterNotFoundException',
    );
  });
});

describe('task definitions', () => {
  it('registers the wizard sample with ECS defaults and increasing revisions', async () => {
    const first = await ecs.send(new RegisterTaskDefinitionCommand(sampleTaskDefinition('td-sample')));
    expect(first.taskDefinition).toMatchObject({
      taskDefinitionArn: `${arnPrefix}:task-definition/td-sample:1`,
      family: 'td-sample',
      revision: 1,
      status: 'ACTIVE',
      networkMode: 'bridge',
      volumes: [],
      placementConstraints: [],
      compatibilities: ['EXTERNAL', 'EC2'],
      registeredBy: `arn:aws:iam::${ACCOUNT}:root`,
    });
    expect(first.taskDefinition?.registeredAt).toBeInstanceOf(Date);
    expect(first.taskDefinition?.containerDefinitions?.[0]).toMatchObject({
      name: 'simple-app',
      image: 'httpd:2.4',
      cpu: 10,
      memory: 300,
      essential: true,
      portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
      environment: [],
      mountPoints: [],
      volumesFrom: [],
    });
    const second = await ecs.send(new RegisterTaskDefinitionCommand(sampleTaskDefinition('td-sample')));
    expect(second.taskDefinition?.revision).toBe(2);
  });

  const bad: [string, Partial<RegisterTaskDefinitionCommandInput>, string, string | RegExp][] = [
    ['invalid family', { family: 'bad family' }, 'ClientException', 'Family'],
    ['no containers', { containerDefinitions: [] }, 'ClientException', 'Container list cannot be empty.'],
    [
      'invalid container name',
      { containerDefinitions: [container({ name: 'a b' })] },
      'ClientException',
      'Container name',
    ],
    [
      'missing image',
      { containerDefinitions: [container({ image: '' })] },
      'ClientException',
      'Container.image',
    ],
    [
      'bad image',
      { containerDefinitions: [container({ image: 'nginx latest' })] },
      'ClientException',
      'Image',
    ],
    [
      'no memory for EC2',
      { containerDefinitions: [container({ memory: undefined })] },
      'ClientException',
      "At least one of 'memory' or 'memoryReservation' must be specified",
    ],
    [
      'memory not above memoryReservation',
      { containerDefinitions: [container({ memory: 128, memoryReservation: 256 })] },
      'ClientException',
      'memoryReservation',
    ],
    ['tiny memory', { containerDefinitions: [container({ memory: 2 })] }, 'ClientException', 'memory'],
    ['cpu too high', { containerDefinitions: [container({ cpu: 20000 })] }, 'ClientException', 'cpu'],
    [
      'reserved host port',
      { containerDefinitions: [container({ portMappings: [{ containerPort: 80, hostPort: 2375 }] })] },
      'ClientException',
      'reserved',
    ],
    [
      'reserved port in host mode',
      {
        networkMode: 'host',
        containerDefinitions: [container({ portMappings: [{ containerPort: 51678 }] })],
      },
      'ClientException',
      'reserved',
    ],
    [
      'port out of range',
      { containerDefinitions: [container({ portMappings: [{ containerPort: 70000 }] })] },
      'ClientException',
      'containerPort',
    ],
    [
      'bad protocol',
      {
        containerDefinitions: [
          container({ portMappings: [{ containerPort: 80, protocol: 'sctp' as never }] }),
        ],
      },
      'InvalidParameterException',
      'protocol',
    ],
    [
      'awsvpc host port differs',
      {
        networkMode: 'awsvpc',
        containerDefinitions: [container({ portMappings: [{ containerPort: 80, hostPort: 8080 }] })],
      },
      'ClientException',
      'When networkMode=awsvpc, the host ports and container ports in port mappings must match.',
    ],
    [
      'host mode host port differs',
      {
        networkMode: 'host',
        containerDefinitions: [container({ portMappings: [{ containerPort: 80, hostPort: 81 }] })],
      },
      'ClientException',
      'When networkMode=host',
    ],
    [
      'no essential container',
      { containerDefinitions: [container({ essential: false })] },
      'ClientException',
      'essential',
    ],
    [
      'link to unknown container',
      { containerDefinitions: [container({ links: ['db'] })] },
      'ClientException',
      'Link target',
    ],
    [
      'links with awsvpc',
      {
        networkMode: 'awsvpc',
        containerDefinitions: [container({ links: ['db'] }), container({ name: 'db' })],
      },
      'ClientException',
      'Links are not supported',
    ],
    [
      'duplicate container names',
      { containerDefinitions: [container(), container()] },
      'ClientException',
      'Duplicate container name',
    ],
    [
      'too many containers',
      { containerDefinitions: Array.from({ length: 11 }, (_, i) => container({ name: `c${i}` })) },
      'ClientException',
      'at most 10',
    ],
    [
      'task cpu out of EC2 range',
      { cpu: '64', containerDefinitions: [container()] },
      'ClientException',
      'cpu',
    ],
    [
      'Fargate without awsvpc',
      {
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [container()],
      },
      'ClientException',
      "Fargate only supports network mode 'awsvpc'.",
    ],
    [
      'Fargate size',
      {
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '4096',
        containerDefinitions: [container({ memory: undefined })],
      },
      'ClientException',
      'No Fargate configuration exists for given values',
    ],
    [
      'container memory above task memory',
      { memory: '256', containerDefinitions: [container({ memory: 512 })] },
      'ClientException',
      'memory',
    ],
    [
      'unknown volume',
      {
        containerDefinitions: [
          container({ mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] }),
        ],
      },
      'ClientException',
      'volume',
    ],
    [
      'distinctInstance in a task definition',
      { placementConstraints: [{ type: 'distinctInstance' as never }], containerDefinitions: [container()] },
      'InvalidParameterException',
      'type',
    ],
    [
      'reserved tag key',
      { tags: [{ key: 'aws:owner', value: 'x' }], containerDefinitions: [container()] },
      'InvalidParameterException',
      'aws:',
    ],
  ];

  it.each(bad)('rejects %s', async (_name, change, code, message) => {
    const input = {
      family: 'td-bad',
      containerDefinitions: [container()],
      ...change,
    } as RegisterTaskDefinitionCommandInput;
    await expectAwsError(ecs.send(new RegisterTaskDefinitionCommand(input)), code, message);
  });

  it('left nothing behind from the rejected registrations', async () => {
    await expectAwsError(
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'td-bad' })),
      'ClientException',
    );
    const first = await ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'td-bad', containerDefinitions: [container()] }),
    );
    expect(first.taskDefinition?.revision).toBe(1);
  });

  it('accepts the valid edge cases', async () => {
    const ok: RegisterTaskDefinitionCommandInput[] = [
      {
        family: 'ok-reservation',
        containerDefinitions: [container({ memory: undefined, memoryReservation: 64 })],
      },
      { family: 'ok-task-memory', memory: '512', containerDefinitions: [container({ memory: undefined })] },
      {
        family: 'ok-memory-gb',
        memory: '1 GB',
        cpu: '1 vCPU',
        containerDefinitions: [container({ memory: undefined })],
      },
      {
        family: 'ok-awsvpc',
        networkMode: 'awsvpc',
        containerDefinitions: [container({ portMappings: [{ containerPort: 22 }] })],
      },
      {
        family: 'ok-fargate',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [container({ memory: undefined })],
      },
      {
        family: 'ok-links',
        containerDefinitions: [
          container({ links: ['db:database'] }),
          container({ name: 'db', essential: false }),
        ],
      },
      {
        family: 'ok-volumes',
        volumes: [{ name: 'data', host: { sourcePath: '/srv' } }],
        containerDefinitions: [
          container({ mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] }),
        ],
      },
    ];
    for (const input of ok) {
      const out = await ecs.send(new RegisterTaskDefinitionCommand(input));
      expect(out.taskDefinition?.status).toBe('ACTIVE');
    }
    const awsvpc = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'ok-awsvpc' }));
    expect(awsvpc.taskDefinition?.containerDefinitions?.[0]?.portMappings?.[0]?.hostPort).toBe(22);
    const gb = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'ok-memory-gb' }));
    expect(gb.taskDefinition).toMatchObject({ memory: '1024', cpu: '1024' });
    const fargate = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'ok-fargate' }));
    expect(fargate.taskDefinition?.compatibilities).toEqual(['EC2', 'FARGATE']);
  });

  it('describes by family, family:revision and ARN, with tags on request', async () => {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        ...sampleTaskDefinition('td-desc'),
        tags: [{ key: 'k', value: 'v' }],
      }),
    );
    await ecs.send(new RegisterTaskDefinitionCommand(sampleTaskDefinition('td-desc')));
    const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'td-desc' }));
    expect(latest.taskDefinition?.revision).toBe(2);
    expect(latest.tags).toBeUndefined();
    const one = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'td-desc:1', include: ['TAGS'] }),
    );
    expect(one.tags).toEqual([{ key: 'k', value: 'v' }]);
    const byArn = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: `${arnPrefix}:task-definition/td-desc:1` }),
    );
    expect(byArn.taskDefinition?.revision).toBe(1);
    await expectAwsError(
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'td-desc:9' })),
      'ClientException',
      'Unable to describe task definition.',
    );
    await expectAwsError(
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: '' })),
      'ClientException',
    );
  });

  it('lists, deregisters and deletes', async () => {
    for (let i = 0; i < 3; i++)
      await ecs.send(new RegisterTaskDefinitionCommand(sampleTaskDefinition('td-list')));
    const asc = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'td-list' }));
    expect(asc.taskDefinitionArns).toEqual([1, 2, 3].map((r) => `${arnPrefix}:task-definition/td-list:${r}`));
    const desc = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'td-list', sort: 'DESC', maxResults: 2 }),
    );
    expect(desc.taskDefinitionArns).toEqual([3, 2].map((r) => `${arnPrefix}:task-definition/td-list:${r}`));
    const rest = await ecs.send(
      new ListTaskDefinitionsCommand({
        familyPrefix: 'td-list',
        sort: 'DESC',
        maxResults: 2,
        nextToken: desc.nextToken,
      }),
    );
    expect(rest.taskDefinitionArns).toEqual([`${arnPrefix}:task-definition/td-list:1`]);
    expect(rest.nextToken).toBeUndefined();

    await expectAwsError(
      ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'td-list' })),
      'InvalidParameterException',
      'Invalid revision number',
    );
    const dereg = await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'td-list:1' }));
    expect(dereg.taskDefinition?.status).toBe('INACTIVE');
    expect(dereg.taskDefinition?.deregisteredAt).toBeInstanceOf(Date);
    const inactive = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'td-list', status: 'INACTIVE' }),
    );
    expect(inactive.taskDefinitionArns).toEqual([`${arnPrefix}:task-definition/td-list:1`]);

    const families = await ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'td-li' }));
    expect(families.families).toEqual(['td-list']);
    await ecs.send(new RegisterTaskDefinitionCommand(sampleTaskDefinition('td-gone')));
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'td-gone:1' }));
    const activeFamilies = await ecs.send(
      new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'td-', status: 'ACTIVE' }),
    );
    expect(activeFamilies.families).toContain('td-list');
    expect(activeFamilies.families).not.toContain('td-gone');
    const inactiveFamilies = await ecs.send(
      new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'td-', status: 'INACTIVE' }),
    );
    expect(inactiveFamilies.families).toEqual(['td-gone']);

    const del = await ecs.send(
      new DeleteTaskDefinitionsCommand({ taskDefinitions: ['td-list:1', 'td-list:2', 'td-list:99'] }),
    );
    expect(del.taskDefinitions?.map((d) => [d.revision, d.status])).toEqual([[1, 'DELETE_IN_PROGRESS']]);
    expect(del.failures?.map((f) => f.reason)).toEqual([
      'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
      'The specified task definition does not exist.',
    ]);
    await expectAwsError(
      ecs.send(
        new DeleteTaskDefinitionsCommand({
          taskDefinitions: Array.from({ length: 11 }, (_, i) => `x:${i + 1}`),
        }),
      ),
      'InvalidParameterException',
    );
    await expectAwsError(
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'td-list:1' })),
      'ClientException',
    );
  });
});

describe('container instances', () => {
  beforeAll(async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'ci' }));
  });

  it('registers from an identity document with ECS resources and attributes', async () => {
    const ci = await registerInstance('ci', { instanceId: 'i-0123456789abcdef0' });
    expect(ci.containerInstanceArn).toMatch(new RegExp(`^${arnPrefix}:container-instance/ci/[0-9a-f]{32}$`));
    expect(ci.ec2InstanceId).toBe('i-0123456789abcdef0');
    expect(ci.status).toBe('ACTIVE');
    expect(ci.agentConnected).toBe(true);
    const ports = ci.registeredResources?.find((r) => r.name === 'PORTS');
    expect(ports?.stringSetValue).toEqual(['22', '2375', '2376', '51678', '51679', '51680']);
    expect(ci.registeredResources?.find((r) => r.name === 'CPU')?.integerValue).toBe(1024);
    expect(ci.remainingResources?.find((r) => r.name === 'MEMORY')?.integerValue).toBe(993);
    expect(ci.registeredResources?.map((r) => r.name)).toEqual(['CPU', 'MEMORY', 'PORTS', 'PORTS_UDP']);
    const attrs = new Map(ci.attributes?.map((a) => [a.name, a.value]));
    expect(attrs.get('ecs.instance-type')).toBe('t2.micro');
    expect(attrs.get('ecs.availability-zone')).toBe('us-east-1b');
    expect(attrs.get('ecs.os-type')).toBe('linux');
    expect(attrs.has('ecs.ami-id')).toBe(true);
    expect(attrs.has('com.amazonaws.ecs.capability.docker-remote-api.1.17')).toBe(true);
    const rec = ecsCollections(t.plane.deps.db).containerInstances.get(ci.containerInstanceArn!);
    expect(rec?.address).toBe('127.0.0.1');
    expect(rec?.simulated).toBe(true);
  });

  it('re-registers the same EC2 instance (an agent restart) as the same container instance', async () => {
    const first = await registerInstance('ci', { instanceId: 'i-0bbbbbbbbbbbbbbbb' });
    const again = await registerInstance('ci', { instanceId: 'i-0bbbbbbbbbbbbbbbb' });
    expect(again.containerInstanceArn).toBe(first.containerInstanceArn);
    expect(again.version).toBe((first.version ?? 0) + 1);
    const byArn = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: 'ci',
        containerInstanceArn: first.containerInstanceArn,
      }),
    );
    expect(byArn.containerInstance?.containerInstanceArn).toBe(first.containerInstanceArn);
    await ecs.send(new CreateClusterCommand({ clusterName: 'ci-other' }));
    await expectAwsError(
      registerInstance('ci-other', { instanceId: 'i-0bbbbbbbbbbbbbbbb' }),
      'ClientException',
    );
  });

  it('registers without a document: a generated EC2 id and an address from the container-instance pool', async () => {
    const ci = await registerInstance('ci');
    expect(ci.ec2InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    const rec = ecsCollections(t.plane.deps.db).containerInstances.get(ci.containerInstanceArn!);
    expect(rec?.address).toMatch(
      t.plane.deps.config.perInstanceAddresses ? /^127\.2\.\d+\.\d+$/ : /^127\.0\.0\.1$/,
    );
    await expectAwsError(
      ecs.send(
        new RegisterContainerInstanceCommand({ cluster: 'ci', instanceIdentityDocument: '{not json' }),
      ),
      'ClientException',
    );
    await expectAwsError(
      ecs.send(new RegisterContainerInstanceCommand({ cluster: 'nope' })),
      'ClusterNotFoundException',
    );
  });

  it('describes, lists with status and filter, drains and reactivates', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'ci-list' }));
    const a = await registerInstance('ci-list');
    const b = await registerInstance('ci-list', { instanceId: 'i-0aaaaaaaaaaaaaaaa' });
    const described = await ecs.send(
      new DescribeContainerInstancesCommand({
        cluster: 'ci-list',
        containerInstances: [a.containerInstanceArn!, 'ffff'],
      }),
    );
    expect(described.containerInstances?.[0]).toMatchObject({ runningTasksCount: 0, pendingTasksCount: 0 });
    expect(described.failures).toEqual([{ arn: 'ffff', reason: 'MISSING' }]);
    await expectAwsError(
      ecs.send(new DescribeContainerInstancesCommand({ cluster: 'ci-list', containerInstances: [] })),
      'InvalidParameterException',
    );
    await expectAwsError(
      ecs.send(
        new DescribeContainerInstancesCommand({
          cluster: 'ci-list',
          containerInstances: Array.from({ length: 101 }, (_, i) => `id${i}`),
        }),
      ),
      'InvalidParameterException',
    );

    const filtered = await ecs.send(
      new ListContainerInstancesCommand({
        cluster: 'ci-list',
        filter: 'ec2InstanceId == i-0aaaaaaaaaaaaaaaa',
      }),
    );
    expect(filtered.containerInstanceArns).toEqual([b.containerInstanceArn]);
    const byAttr = await ecs.send(
      new ListContainerInstancesCommand({
        cluster: 'ci-list',
        filter: 'attribute:ecs.instance-type == t2.micro',
      }),
    );
    expect(byAttr.containerInstanceArns?.length).toBe(2);
    await expectAwsError(
      ecs.send(new ListContainerInstancesCommand({ cluster: 'ci-list', filter: 'attribute:x ==' })),
      'InvalidParameterException',
    );

    const drained = await ecs.send(
      new UpdateContainerInstancesStateCommand({
        cluster: 'ci-list',
        containerInstances: [a.containerInstanceArn!, 'missing'],
        status: 'DRAINING',
      }),
    );
    expect(drained.containerInstances?.[0]?.status).toBe('DRAINING');
    expect(drained.failures).toEqual([{ arn: 'missing', reason: 'MISSING' }]);
    const draining = await ecs.send(
      new ListContainerInstancesCommand({ cluster: 'ci-list', status: 'DRAINING' }),
    );
    expect(draining.containerInstanceArns).toEqual([a.containerInstanceArn]);
    const page = await ecs.send(new ListContainerInstancesCommand({ cluster: 'ci-list', maxResults: 1 }));
    expect(page.containerInstanceArns?.length).toBe(1);
    expect(page.nextToken).toBeDefined();
    await expectAwsError(
      ecs.send(
        new UpdateContainerInstancesStateCommand({
          cluster: 'ci-list',
          containerInstances: [a.containerInstanceArn!],
          status: 'INACTIVE' as never,
        }),
      ),
      'InvalidParameterException',
    );
    const back = await ecs.send(
      new UpdateContainerInstancesStateCommand({
        cluster: 'ci-list',
        containerInstances: [a.containerInstanceArn!],
        status: 'ACTIVE',
      }),
    );
    expect(back.containerInstances?.[0]?.status).toBe('ACTIVE');
  });

  it('puts, lists and deletes attributes', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'attrs' }));
    const ci = await registerInstance('attrs');
    const put = await ecs.send(
      new PutAttributesCommand({
        cluster: 'attrs',
        attributes: [
          {
            name: 'stack',
            value: 'prod',
            targetType: 'container-instance',
            targetId: ci.containerInstanceArn,
          },
        ],
      }),
    );
    expect(put.attributes?.[0]?.name).toBe('stack');
    const listed = await ecs.send(
      new ListAttributesCommand({
        cluster: 'attrs',
        targetType: 'container-instance',
        attributeName: 'stack',
      }),
    );
    expect(listed.attributes).toEqual([
      { name: 'stack', value: 'prod', targetType: 'container-instance', targetId: ci.containerInstanceArn },
    ]);
    const filtered = await ecs.send(
      new ListContainerInstancesCommand({ cluster: 'attrs', filter: 'attribute:stack == prod' }),
    );
    expect(filtered.containerInstanceArns).toEqual([ci.containerInstanceArn]);
    await expectAwsError(
      ecs.send(
        new PutAttributesCommand({
          cluster: 'attrs',
          attributes: [{ name: 'x', targetId: 'deadbeef', targetType: 'container-instance' }],
        }),
      ),
      'TargetNotFoundException',
    );
    await expectAwsError(
      ecs.send(
        new PutAttributesCommand({
          cluster: 'attrs',
          attributes: [{ name: 'ecs.instance-type', value: 'x', targetId: ci.containerInstanceArn }],
        }),
      ),
      'InvalidParameterException',
    );
    await ecs.send(
      new DeleteAttributesCommand({
        cluster: 'attrs',
        attributes: [{ name: 'stack', targetId: ci.containerInstanceArn }],
      }),
    );
    const after = await ecs.send(
      new ListAttributesCommand({
        cluster: 'attrs',
        targetType: 'container-instance',
        attributeName: 'stack',
      }),
    );
    expect(after.attributes).toEqual([]);
  });
});

describe('tasks', () => {
  let instanceArn: string;
  beforeAll(async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'tasks' }));
    instanceArn = (await registerInstance('tasks', { memory: 4096, cpu: 4096 })).containerInstanceArn!;
    await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('task-td')));
  });

  it('runs tasks on the cluster (placement by the scheduler) with the long task ARN format', async () => {
    const out = await ecs.send(
      new RunTaskCommand({ cluster: 'tasks', taskDefinition: 'task-td', count: 2, startedBy: 'tester' }),
    );
    expect(out.failures).toEqual([]);
    expect(out.tasks).toHaveLength(2);
    for (const task of out.tasks!) {
      expect(task.taskArn).toMatch(new RegExp(`^${arnPrefix}:task/tasks/[0-9a-f]{32}$`));
      expect(task).toMatchObject({
        clusterArn: `${arnPrefix}:cluster/tasks`,
        taskDefinitionArn: `${arnPrefix}:task-definition/task-td:1`,
        containerInstanceArn: instanceArn,
        desiredStatus: 'RUNNING',
        group: 'family:task-td',
        startedBy: 'tester',
        launchType: 'EC2',
      });
    }
    const listed = await ecs.send(new ListTasksCommand({ cluster: 'tasks', startedBy: 'tester' }));
    expect(listed.taskArns?.sort()).toEqual(out.tasks!.map((x) => x.taskArn).sort());
  });

  it('reports placement failures with AWS reasons', async () => {
    await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('task-huge', 100_000)));
    const out = await ecs.send(new RunTaskCommand({ cluster: 'tasks', taskDefinition: 'task-huge' }));
    expect(out.tasks).toEqual([]);
    expect(out.failures?.[0]?.reason).toBe('RESOURCE:MEMORY');
  });

  it('validates RunTask before placing anything', async () => {
    const before = await ecs.send(new ListTasksCommand({ cluster: 'tasks' }));
    const cases: [Promise<unknown>, string][] = [
      [
        ecs.send(new RunTaskCommand({ cluster: 'tasks', taskDefinition: 'task-td', count: 0 })),
        'InvalidParameterException',
      ],
      [
        ecs.send(new RunTaskCommand({ cluster: 'tasks', taskDefinition: 'task-td', count: 11 })),
        'InvalidParameterException',
      ],
      [
        ecs.send(new RunTaskCommand({ cluster: 'tasks', taskDefinition: 'nope' })),
        'InvalidParameterException',
      ],
      [
        ecs.send(new RunTaskCommand({ cluster: 'nope', taskDefinition: 'task-td' })),
        'ClusterNotFoundException',
      ],
      [
        ecs.send(
          new RunTaskCommand({
            cluster: 'tasks',
            taskDefinition: 'task-td',
            placementConstraints: Array.from({ length: 11 }, () => ({ type: 'distinctInstance' as const })),
          }),
        ),
        'InvalidParameterException',
      ],
      [
        ecs.send(
          new RunTaskCommand({
            cluster: 'tasks',
            taskDefinition: 'task-td',
            placementStrategy: [{ type: 'binpack', field: 'disk' }],
          }),
        ),
        'InvalidParameterException',
      ],
      [
        ecs.send(
          new RunTaskCommand({
            cluster: 'tasks',
            taskDefinition: 'task-td',
            placementConstraints: [{ type: 'memberOf', expression: 'attribute:x ==' }],
          }),
        ),
        'InvalidParameterException',
      ],
      [
        ecs.send(
          new RunTaskCommand({
            cluster: 'tasks',
            taskDefinition: 'task-td',
            overrides: { containerOverrides: [{ name: 'x' }] },
          }),
        ),
        'InvalidParameterException',
      ],
      [
        ecs.send(new RunTaskCommand({ cluster: 'tasks', taskDefinition: 'task-td', launchType: 'FARGATE' })),
        'InvalidParameterException',
      ],
    ];
    for (const [call, code] of cases) await expectAwsError(call, code);
    const after = await ecs.send(new ListTasksCommand({ cluster: 'tasks' }));
    expect(after.taskArns?.sort()).toEqual(before.taskArns?.sort());
  });

  it('runs an INACTIVE revision only when named exactly', async () => {
    await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('task-old')));
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'task-old:1' }));
    await expectAwsError(
      ecs.send(new RunTaskCommand({ cluster: 'tasks', taskDefinition: 'task-old' })),
      'InvalidParameterException',
    );
    const out = await ecs.send(new RunTaskCommand({ cluster: 'tasks', taskDefinition: 'task-old:1' }));
    expect(out.tasks).toHaveLength(1);
  });

  it('starts tasks on named instances', async () => {
    const out = await ecs.send(
      new StartTaskCommand({
        cluster: 'tasks',
        taskDefinition: 'task-td',
        containerInstances: [instanceArn, 'ffffffff'],
      }),
    );
    expect(out.tasks?.[0]?.containerInstanceArn).toBe(instanceArn);
    expect(out.failures).toEqual([{ arn: 'ffffffff', reason: 'MISSING' }]);
    await expectAwsError(
      ecs.send(new StartTaskCommand({ cluster: 'tasks', taskDefinition: 'task-td', containerInstances: [] })),
      'InvalidParameterException',
    );
  });

  it('describes tasks in batches of up to 100 and stops them', async () => {
    const run = await ecs.send(
      new RunTaskCommand({ cluster: 'tasks', taskDefinition: 'task-td', startedBy: 'stopper' }),
    );
    const taskArn = run.tasks![0]!.taskArn!;
    const id = taskArn.split('/').pop()!;
    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'tasks', tasks: [id, 'nope'] }));
    expect(described.tasks?.[0]?.taskArn).toBe(taskArn);
    expect(described.failures).toEqual([{ arn: 'nope', reason: 'MISSING' }]);
    await expectAwsError(
      ecs.send(new DescribeTasksCommand({ cluster: 'tasks', tasks: [] })),
      'InvalidParameterException',
    );
    await expectAwsError(
      ecs.send(
        new DescribeTasksCommand({ cluster: 'tasks', tasks: Array.from({ length: 101 }, (_, i) => `t${i}`) }),
      ),
      'InvalidParameterException',
    );

    const stopped = await ecs.send(new StopTaskCommand({ cluster: 'tasks', task: taskArn }));
    expect(stopped.task).toMatchObject({
      desiredStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedReason: 'Task stopped by user',
    });
    expect(stopped.task?.stoppingAt).toBeInstanceOf(Date);
    const again = await ecs.send(new StopTaskCommand({ cluster: 'tasks', task: taskArn, reason: 'other' }));
    expect(again.task?.stoppedReason).toBe('Task stopped by user');
    await expectAwsError(
      ecs.send(new StopTaskCommand({ cluster: 'tasks', task: 'ffffffffffffffffffffffffffffffff' })),
      'InvalidParameterException',
      'The referenced task was not found.',
    );

    const running = await ecs.send(new ListTasksCommand({ cluster: 'tasks', startedBy: 'stopper' }));
    expect(running.taskArns).toEqual([]);
    const stoppedList = await ecs.send(
      new ListTasksCommand({ cluster: 'tasks', startedBy: 'stopper', desiredStatus: 'STOPPED' }),
    );
    expect(stoppedList.taskArns).toEqual([taskArn]);
    const pending = await ecs.send(new ListTasksCommand({ cluster: 'tasks', desiredStatus: 'PENDING' }));
    expect(pending.taskArns).toEqual([]);
  });

  it('filters ListTasks by family and container instance and paginates', async () => {
    await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('task-many', 8)));
    for (let i = 0; i < 3; i++) {
      await ecs.send(new RunTaskCommand({ cluster: 'tasks', taskDefinition: 'task-many', count: 10 }));
    }
    const all: string[] = [];
    for await (const page of paginateListTasks(
      { client: ecs, pageSize: 7 },
      { cluster: 'tasks', family: 'task-many' },
    )) {
      expect(page.taskArns!.length).toBeLessThanOrEqual(7);
      all.push(...page.taskArns!);
    }
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
    const everything: string[] = [];
    for await (const page of paginateListTasks({ client: ecs, pageSize: 7 }, { cluster: 'tasks' })) {
      everything.push(...page.taskArns!);
    }
    const described = await ecs.send(
      new DescribeTasksCommand({ cluster: 'tasks', tasks: everything.slice(0, 100) }),
    );
    expect(described.tasks?.every((x) => x.desiredStatus === 'RUNNING')).toBe(true);
    expect(new Set(everything).size).toBe(everything.length);
    expect(everything).toEqual(expect.arrayContaining(all));
    const onInstance = await ecs.send(
      new ListTasksCommand({ cluster: 'tasks', containerInstance: instanceArn, maxResults: 100 }),
    );
    expect(onInstance.taskArns!.length).toBeGreaterThanOrEqual(30);
    await expectAwsError(
      ecs.send(new ListTasksCommand({ cluster: 'tasks', maxResults: 101 })),
      'InvalidParameterException',
    );
    await expectAwsError(ecs.send(new ListTasksCommand({ cluster: 'nope' })), 'ClusterNotFoundException');
  });

  it('refuses to deregister an instance with tasks unless forced', async () => {
    await expectAwsError(
      ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'tasks', containerInstance: instanceArn })),
      'InvalidParameterException',
    );
    const out = await ecs.send(
      new DeregisterContainerInstanceCommand({
        cluster: 'tasks',
        containerInstance: instanceArn,
        force: true,
      }),
    );
    expect(out.containerInstance?.status).toBe('INACTIVE');
    const running = await ecs.send(new ListTasksCommand({ cluster: 'tasks' }));
    expect(running.taskArns).toEqual([]);
  });
});

describe('services', () => {
  beforeAll(async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'svc' }));
    await registerInstance('svc', { memory: 4096, cpu: 4096 });
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
});

describe('with the scheduler and the agent', () => {
  it('converges a service, derives service, instance and cluster counts, and filters ListTasks by service', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'live' }));
    const ci = await registerInstance('live', { memory: 2048, cpu: 2048 });
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

describe('draining', () => {
  it('moves service tasks off a DRAINING instance', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'drain' }));
    const a = await registerInstance('drain', { memory: 2048, cpu: 2048 });
    const b = await registerInstance('drain', { memory: 2048, cpu: 2048 });
    await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('drain-td')));
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'drain',
        serviceName: 'web',
        taskDefinition: 'drain-td',
        desiredCount: 2,
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
      }),
    );
    const runningOn = async () => {
      const list = await ecs.send(new ListTasksCommand({ cluster: 'drain', serviceName: 'web' }));
      if (!list.taskArns?.length) return [];
      const out = await ecs.send(new DescribeTasksCommand({ cluster: 'drain', tasks: list.taskArns }));
      return (out.tasks ?? []).filter((x) => x.lastStatus === 'RUNNING').map((x) => x.containerInstanceArn);
    };
    await eventually(async () => ((await runningOn()).length === 2 ? true : undefined), 20_000);
    await ecs.send(
      new UpdateContainerInstancesStateCommand({
        cluster: 'drain',
        containerInstances: [a.containerInstanceArn!],
        status: 'DRAINING',
      }),
    );
    const placed = await eventually(async () => {
      const on = await runningOn();
      return on.length === 2 && on.every((x) => x === b.containerInstanceArn) ? on : undefined;
    }, 20_000);
    expect(placed).toEqual([b.containerInstanceArn, b.containerInstanceArn]);
  });
});

describe('regions', () => {
  it('keeps each region apart (the region comes from the SigV4 credential scope)', async () => {
    const { ECSClient } = await import('@aws-sdk/client-ecs');
    const eu = new ECSClient({
      endpoint: t.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      const created = await eu.send(new CreateClusterCommand({ clusterName: 'regional' }));
      expect(created.cluster?.clusterArn).toBe(`arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/regional`);
      const here = await ecs.send(new DescribeClustersCommand({ clusters: ['regional'] }));
      expect(here.failures?.[0]?.reason).toBe('MISSING');
      const td = await eu.send(new RegisterTaskDefinitionCommand(sampleTaskDefinition('regional-td')));
      expect(td.taskDefinition?.taskDefinitionArn).toBe(
        `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/regional-td:1`,
      );
      await expectAwsError(
        ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'regional-td' })),
        'ClientException',
      );
      await expectAwsError(
        ecs.send(
          new DescribeTaskDefinitionCommand({ taskDefinition: td.taskDefinition!.taskDefinitionArn! }),
        ),
        'ClientException',
      );
    } finally {
      eu.destroy();
    }
  });
});

describe('tags', () => {
  it('tags, lists and untags every taggable resource', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'tags' }));
    const ci = await registerInstance('tags', { memory: 2048 });
    const td = await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('tags-td')));
    const svc = await ecs.send(
      new CreateServiceCommand({
        cluster: 'tags',
        serviceName: 'tagged',
        taskDefinition: 'tags-td',
        desiredCount: 0,
      }),
    );
    const run = await ecs.send(
      new RunTaskCommand({ cluster: 'tags', taskDefinition: 'tags-td', tags: [{ key: 'run', value: '1' }] }),
    );
    const arns = [
      `${arnPrefix}:cluster/tags`,
      ci.containerInstanceArn!,
      td.taskDefinition!.taskDefinitionArn!,
      svc.service!.serviceArn!,
      run.tasks![0]!.taskArn!,
    ];
    for (const resourceArn of arns) {
      await ecs.send(
        new TagResourceCommand({
          resourceArn,
          tags: [
            { key: 'env', value: 'dev' },
            { key: 'team', value: 'x' },
          ],
        }),
      );
      const listed = await ecs.send(new ListTagsForResourceCommand({ resourceArn }));
      expect(listed.tags).toEqual(
        expect.arrayContaining([
          { key: 'env', value: 'dev' },
          { key: 'team', value: 'x' },
        ]),
      );
      await ecs.send(new UntagResourceCommand({ resourceArn, tagKeys: ['team'] }));
      const after = await ecs.send(new ListTagsForResourceCommand({ resourceArn }));
      expect(after.tags?.map((x) => x.key)).not.toContain('team');
    }
    const described = await ecs.send(
      new DescribeTasksCommand({ cluster: 'tags', tasks: [arns[4]!], include: ['TAGS'] }),
    );
    expect(described.tasks?.[0]?.tags).toEqual(expect.arrayContaining([{ key: 'run', value: '1' }]));

    await expectAwsError(
      ecs.send(new TagResourceCommand({ resourceArn: arns[0], tags: [{ key: 'aws:reserved', value: 'x' }] })),
      'InvalidParameterException',
    );
    await expectAwsError(
      ecs.send(
        new TagResourceCommand({
          resourceArn: arns[0],
          tags: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
        }),
      ),
      'InvalidParameterException',
    );
    await expectAwsError(
      ecs.send(new ListTagsForResourceCommand({ resourceArn: `${arnPrefix}:cluster/none` })),
      'ResourceNotFoundException',
    );
    await expectAwsError(
      ecs.send(new ListTagsForResourceCommand({ resourceArn: 'not-an-arn' })),
      'InvalidParameterException',
    );
  });
});

describe('protocol', () => {
  const call = (target: string, body: string) =>
    fetch(t.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': target,
        authorization:
          'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=00',
      },
      body,
    });

  it('answers wrong types with SerializationException and missing members with InvalidParameterException', async () => {
    const cases: [string, string, string][] = [
      ['CreateCluster', '{"clusterName": 5}', 'SerializationException'],
      ['RunTask', '{"taskDefinition": "x", "count": "2"}', 'SerializationException'],
      ['RunTask', '{"taskDefinition": "x", "count": 1.5}', 'SerializationException'],
      ['DescribeTasks', '{"tasks": "abc"}', 'SerializationException'],
      [
        'RegisterTaskDefinition',
        '{"family": "f", "containerDefinitions": [{"name": ["x"]}]}',
        'SerializationException',
      ],
      ['RegisterTaskDefinition', '{"family": "f"}', 'InvalidParameterException'],
      ['StopTask', '{}', 'InvalidParameterException'],
      ['CreateCluster', '{bad json', 'SerializationException'],
      ['NoSuchAction', '{}', 'UnknownOperationException'],
    ];
    for (const [action, body, code] of cases) {
      const res = await call(`AmazonEC2ContainerServiceV20141113.${action}`, body);
      expect(res.status, `${action} ${body}`).toBe(400);
      const json = (await res.json()) as { __type: string; message: string };
      expect(json.__type, `${action} ${body}`).toBe(code);
      expect(typeof json.message).toBe('string');
    }
  });

  it('ignores unknown members and treats null as absent', async () => {
    const res = await call(
      'AmazonEC2ContainerServiceV20141113.CreateCluster',
      '{"clusterName": "unknown-fields", "surprise": {"deep": [1,2]}, "tags": null}',
    );
    expect(res.status).toBe(200);
    const json = (await res.json()) as { cluster: { clusterName: string } };
    expect(json.cluster.clusterName).toBe('unknown-fields');
  });
});
