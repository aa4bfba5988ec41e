/**
 * Container instances over HTTP with @aws-sdk/client-ecs (instances.ts): register, describe, list, drain and reactivate, deregister.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  StartTaskCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecsCollections } from './model';
import {
  arnPrefix,
  dynamicTaskDefinition,
  eventually,
  expectAwsError,
  registerInstance,
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

describe('container instances', () => {
  beforeAll(async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'ci' }));
  });

  it('registers from an identity document with ECS resources and attributes', async () => {
    const ci = await registerInstance(ecs, 'ci', { instanceId: 'i-0123456789abcdef0' });
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
    const first = await registerInstance(ecs, 'ci', { instanceId: 'i-0bbbbbbbbbbbbbbbb' });
    const again = await registerInstance(ecs, 'ci', { instanceId: 'i-0bbbbbbbbbbbbbbbb' });
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
      registerInstance(ecs, 'ci-other', { instanceId: 'i-0bbbbbbbbbbbbbbbb' }),
      'ClientException',
    );
  });

  it('registers without a document: a generated EC2 id and an address from the container-instance pool', async () => {
    const ci = await registerInstance(ecs, 'ci');
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
    const a = await registerInstance(ecs, 'ci-list');
    const b = await registerInstance(ecs, 'ci-list', { instanceId: 'i-0aaaaaaaaaaaaaaaa' });
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
});

describe('filters on what runs on an instance', () => {
  it('ListContainerInstances by runningTasksCount and task:group follows the tasks as they run and stop', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'ci-query' }));
    const a = await registerInstance(ecs, 'ci-query', { memory: 4096 });
    const b = await registerInstance(ecs, 'ci-query', { memory: 4096 });
    await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('ci-query')));
    const list = async (filter: string) =>
      [
        ...((await ecs.send(new ListContainerInstancesCommand({ cluster: 'ci-query', filter })))
          .containerInstanceArns ?? []),
      ].sort();
    const run = (instance: string, count: number, group?: string) =>
      ecs.send(
        new StartTaskCommand({
          cluster: 'ci-query',
          taskDefinition: 'ci-query',
          containerInstances: Array.from({ length: count }, () => instance),
          ...(group ? { group } : {}),
        }),
      );
    const started = [
      ...((await run(a.containerInstanceArn!, 2, 'blue')).tasks ?? []),
      ...((await run(b.containerInstanceArn!, 1)).tasks ?? []),
    ];
    const running = () =>
      eventually(async () => {
        const out = await ecs.send(
          new DescribeTasksCommand({ cluster: 'ci-query', tasks: started.map((x) => x.taskArn!) }),
        );
        const statuses = out.tasks?.map((x) => x.lastStatus) ?? [];
        return statuses.every((x) => x === 'RUNNING' || x === 'STOPPED') ? statuses : undefined;
      });
    await running();
    expect(await list('runningTasksCount == 2')).toEqual([a.containerInstanceArn]);
    expect(await list('runningTasksCount == 1')).toEqual([b.containerInstanceArn]);
    expect(await list('runningTasksCount > 0')).toEqual(
      [a.containerInstanceArn!, b.containerInstanceArn!].sort(),
    );
    expect(await list('task:group == blue')).toEqual([a.containerInstanceArn]);
    expect(await list('task:group == family:ci-query')).toEqual([b.containerInstanceArn]);
    expect(await list('not(task:group == blue)')).toEqual([b.containerInstanceArn]);

    // The blue tasks stop: instance a holds nothing any more.
    for (const x of started.slice(0, 2))
      await ecs.send(new StopTaskCommand({ cluster: 'ci-query', task: x.taskArn! }));
    await eventually(async () => ((await list('runningTasksCount == 0')).length === 1 ? true : undefined));
    expect(await list('runningTasksCount == 0')).toEqual([a.containerInstanceArn]);
    expect(await list('task:group == blue')).toEqual([]);
    expect(await list('task:group == family:ci-query')).toEqual([b.containerInstanceArn]);
  });
});

describe('draining', () => {
  it('moves service tasks off a DRAINING instance', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'drain' }));
    const a = await registerInstance(ecs, 'drain', { memory: 2048, cpu: 2048 });
    const b = await registerInstance(ecs, 'drain', { memory: 2048, cpu: 2048 });
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
