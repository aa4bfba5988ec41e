/**
 * `include` on every Describe* that has it: what each field adds, and that without it the answer
 * leaves it out, as ECS does (tags, settings, configuration, statistics, attachments, health).
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTaskSetsCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, startTestPlane, type TestPlane } from './testing';

let t: TestPlane;
const CLUSTER = 'incl';
const TAGS = [{ key: 'team', value: 'web' }];
let instanceArn: string;
let td: string;

beforeAll(async () => {
  t = await startTestPlane();
  await t.ecs.send(
    new CreateClusterCommand({
      clusterName: CLUSTER,
      tags: TAGS,
      configuration: { executeCommandConfiguration: { logging: 'DEFAULT' } },
    }),
  );
  instanceArn = (await registerInstance(t.ecs, CLUSTER)).containerInstanceArn!;
  await t.ecs.send(new TagResourceCommand({ resourceArn: instanceArn, tags: TAGS }));
  td = (
    await t.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'incl',
        tags: TAGS,
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 32 }],
      }),
    )
  ).taskDefinition!.taskDefinitionArn!;
});

afterAll(async () => {
  await t?.stop();
});

describe('include on every Describe*', () => {
  it('DescribeClusters: TAGS, SETTINGS, CONFIGURATIONS, STATISTICS, ATTACHMENTS', async () => {
    const bare = (await t.ecs.send(new DescribeClustersCommand({ clusters: [CLUSTER] }))).clusters![0]!;
    expect(bare.tags).toBeUndefined();
    expect(bare.settings).toBeUndefined();
    expect(bare.configuration).toBeUndefined();
    expect(bare.attachments).toBeUndefined();
    expect(bare.statistics).toEqual([]);
    const full = (
      await t.ecs.send(
        new DescribeClustersCommand({
          clusters: [CLUSTER],
          include: ['TAGS', 'SETTINGS', 'CONFIGURATIONS', 'STATISTICS', 'ATTACHMENTS'],
        }),
      )
    ).clusters![0]!;
    expect(full.tags).toEqual(TAGS);
    expect(full.settings).toEqual([{ name: 'containerInsights', value: 'disabled' }]);
    expect(full.configuration).toEqual({ executeCommandConfiguration: { logging: 'DEFAULT' } });
    expect(full.attachments).toEqual([]);
    expect(full.statistics?.map((x) => x.name)).toContain('runningEC2TasksCount');
  });

  it('DescribeContainerInstances: TAGS and CONTAINER_INSTANCE_HEALTH', async () => {
    const bare = (
      await t.ecs.send(
        new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [instanceArn] }),
      )
    ).containerInstances![0]!;
    expect(bare.tags).toBeUndefined();
    expect(bare.healthStatus).toBeUndefined();
    const full = (
      await t.ecs.send(
        new DescribeContainerInstancesCommand({
          cluster: CLUSTER,
          containerInstances: [instanceArn],
          include: ['TAGS', 'CONTAINER_INSTANCE_HEALTH'],
        }),
      )
    ).containerInstances![0]!;
    expect(full.tags).toEqual(TAGS);
    expect(full.healthStatus).toMatchObject({
      overallStatus: 'OK',
      details: [{ type: 'CONTAINER_RUNTIME', status: 'OK' }],
    });
  });

  it('DescribeTaskDefinition, DescribeTasks, DescribeServices and DescribeTaskSets: TAGS', async () => {
    const bareTd = await t.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: td }));
    expect(bareTd.tags).toBeUndefined();
    const fullTd = await t.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: td, include: ['TAGS'] }),
    );
    expect(fullTd.tags).toEqual(TAGS);

    const task = (await t.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: td, tags: TAGS })))
      .tasks![0]!;
    const bareTask = (
      await t.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [task.taskArn!] }))
    ).tasks![0]!;
    expect(bareTask.tags).toBeUndefined();
    const fullTask = (
      await t.ecs.send(
        new DescribeTasksCommand({ cluster: CLUSTER, tasks: [task.taskArn!], include: ['TAGS'] }),
      )
    ).tasks![0]!;
    expect(fullTask.tags).toEqual(TAGS);

    await t.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'ext',
        desiredCount: 0,
        deploymentController: { type: 'EXTERNAL' },
        tags: TAGS,
      }),
    );
    await t.ecs.send(
      new CreateTaskSetCommand({ cluster: CLUSTER, service: 'ext', taskDefinition: td, tags: TAGS }),
    );
    const bareSvc = (await t.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['ext'] })))
      .services![0]!;
    expect(bareSvc.tags).toBeUndefined();
    expect(bareSvc.taskSets?.[0]?.tags).toBeUndefined();
    const fullSvc = (
      await t.ecs.send(
        new DescribeServicesCommand({ cluster: CLUSTER, services: ['ext'], include: ['TAGS'] }),
      )
    ).services![0]!;
    expect(fullSvc.tags).toEqual(TAGS);
    expect(fullSvc.taskSets?.[0]?.tags).toEqual(TAGS);
    const bareSets = await t.ecs.send(new DescribeTaskSetsCommand({ cluster: CLUSTER, service: 'ext' }));
    expect(bareSets.taskSets?.[0]?.tags).toBeUndefined();
    const fullSets = await t.ecs.send(
      new DescribeTaskSetsCommand({ cluster: CLUSTER, service: 'ext', include: ['TAGS'] }),
    );
    expect(fullSets.taskSets?.[0]?.tags).toEqual(TAGS);
  });
});
