/**
 * Task definitions over HTTP with @aws-sdk/client-ecs (task-definitions.ts): register with ECS defaults and validation, describe, list, deregister, delete.
 */
import {
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arnPrefix,
  container,
  expectAwsError,
  ACCOUNT,
  sampleTaskDefinition,
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
