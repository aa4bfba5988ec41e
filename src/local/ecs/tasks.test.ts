/**
 * Tasks over HTTP with @aws-sdk/client-ecs (tasks.ts): RunTask and StartTask (placed by the scheduler), describe, list, stop.
 */
import {
  CreateClusterCommand,
  DeregisterContainerInstanceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
  paginateListTasks,
  ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arnPrefix,
  dynamicTaskDefinition,
  expectAwsError,
  registerInstance,
  startTestPlane,
  TEST_CREDENTIALS,
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

describe('tasks', () => {
  let instanceArn: string;
  beforeAll(async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'tasks' }));
    instanceArn = (await registerInstance(ecs, 'tasks', { memory: 4096, cpu: 4096 })).containerInstanceArn!;
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

describe('task references', () => {
  // StopTask and DescribeTasks remember the last cluster reference and its task ARN prefix (issue 14):
  // a call for another cluster, region or account right after must not be answered from them.
  it('find a task by its ARN or id in its own cluster, region and account only, whatever was asked before', async () => {
    const eu = new ECSClient({
      endpoint: t.url,
      region: 'eu-west-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const runIn = async (client: ECSClient, cluster: string) => {
        await client.send(new CreateClusterCommand({ clusterName: cluster }));
        await registerInstance(client, cluster, { memory: 4096, cpu: 4096 });
        await client.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('ref-td')));
        const run = await client.send(new RunTaskCommand({ cluster, taskDefinition: 'ref-td', count: 2 }));
        return run.tasks!.map((task) => task.taskArn!);
      };
      const [usA1, usA2] = await runIn(ecs, 'ref-a');
      const euA1 = (await runIn(eu, 'ref-a'))[0]!;
      const [usB1] = await runIn(ecs, 'ref-b');
      expect(euA1).toMatch(/^arn:aws:ecs:eu-west-1:/);
      const notFound = 'The referenced task was not found.';

      // Each call names a cluster right after a call that named another one.
      await expectAwsError(
        ecs.send(new StopTaskCommand({ cluster: 'ref-a', task: usB1 })),
        'InvalidParameterException',
        notFound,
      );
      expect((await eu.send(new StopTaskCommand({ cluster: 'ref-a', task: euA1 }))).task?.taskArn).toBe(euA1);
      await expectAwsError(
        ecs.send(new StopTaskCommand({ cluster: 'ref-a', task: euA1 })),
        'InvalidParameterException',
        notFound,
      );
      await expectAwsError(
        eu.send(new StopTaskCommand({ cluster: 'ref-a', task: usA1 })),
        'InvalidParameterException',
        notFound,
      );
      await expectAwsError(
        ecs.send(
          new StopTaskCommand({ cluster: euA1.replace(/:task\/ref-a\/.*/, ':cluster/ref-a'), task: usA1 }),
        ),
        'ClusterNotFoundException',
      );
      // A cluster of that name in another region only.
      await eu.send(new CreateClusterCommand({ clusterName: 'ref-c' }));
      await expectAwsError(
        eu.send(new StopTaskCommand({ cluster: 'ref-c', task: usA1 })),
        'InvalidParameterException',
        notFound,
      );
      await expectAwsError(
        ecs.send(new StopTaskCommand({ cluster: 'ref-c', task: usA1 })),
        'ClusterNotFoundException',
      );
      const usArn = (await ecs.send(new StopTaskCommand({ cluster: 'ref-a', task: usA1 }))).task?.taskArn;
      expect(usArn).toBe(usA1);
      // The same task by its id, by the old short ARN format, and by the cluster's ARN.
      const id = usA2!.split('/').pop()!;
      const short = usA2!.replace('/ref-a/', '/');
      const described = await ecs.send(
        new DescribeTasksCommand({
          cluster: usA2!.replace(/:task\/ref-a\/.*/, ':cluster/ref-a'),
          tasks: [id, short, usA2!],
        }),
      );
      expect(described.tasks?.map((task) => task.taskArn)).toEqual([usA2, usA2, usA2]);
      const inB = await ecs.send(new DescribeTasksCommand({ cluster: 'ref-b', tasks: [usA2!, id, usB1!] }));
      expect(inB.tasks?.map((task) => task.taskArn)).toEqual([usB1]);
      expect(inB.failures?.map((f) => f.arn)).toEqual([usA2, id]);
    } finally {
      eu.destroy();
    }
  });
});
