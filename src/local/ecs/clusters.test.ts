/**
 * Clusters over HTTP with @aws-sdk/client-ecs (clusters.ts): create, describe, update, list, delete.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterContainerInstanceCommand,
  DescribeClustersCommand,
  ListClustersCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
  UpdateClusterCommand,
  UpdateClusterSettingsCommand,
  paginateListClusters,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecsCollections } from './model';
import {
  arnPrefix,
  dynamicTaskDefinition,
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
    const ci = await registerInstance(ecs, 'del');
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

  it('task calls see each change to their cluster at once (the record is kept parsed: never stale)', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'kept' }));
    const ci = await registerInstance(ecs, 'kept');
    await ecs.send(new RegisterTaskDefinitionCommand(dynamicTaskDefinition('kept-td')));
    // Each of these reads the cluster (and, since it is kept, leaves it cached).
    const ran = await ecs.send(new RunTaskCommand({ cluster: 'kept', taskDefinition: 'kept-td' }));
    const taskArn = ran.tasks?.[0]?.taskArn as string;
    await ecs.send(new ListTasksCommand({ cluster: 'kept' }));

    await ecs.send(
      new UpdateClusterSettingsCommand({
        cluster: 'kept',
        settings: [{ name: 'containerInsights', value: 'enabled' }],
      }),
    );
    const clusterArn = `${arnPrefix}:cluster/kept`;
    await ecs.send(new TagResourceCommand({ resourceArn: clusterArn, tags: [{ key: 'k', value: 'v' }] }));
    const described = await ecs.send(
      new DescribeClustersCommand({ clusters: ['kept'], include: ['SETTINGS', 'TAGS'] }),
    );
    expect(described.clusters?.[0]?.settings).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
    expect(described.clusters?.[0]?.tags).toEqual([{ key: 'k', value: 'v' }]);
    expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: clusterArn }))).tags).toEqual([
      { key: 'k', value: 'v' },
    ]);

    // Emptied and deleted: the calls that just read it ACTIVE now find it INACTIVE.
    await ecs.send(new StopTaskCommand({ cluster: 'kept', task: taskArn }));
    await ecs.send(
      new DeregisterContainerInstanceCommand({
        cluster: 'kept',
        containerInstance: ci.containerInstanceArn,
        force: true,
      }),
    );
    const col = ecsCollections(t.plane.deps.db);
    for (let i = 0; i < 200 && col.tasks.get(taskArn)?.task.lastStatus !== 'STOPPED'; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await ecs.send(new DeleteClusterCommand({ cluster: 'kept' }))).cluster?.status).toBe('INACTIVE');
    await expectAwsError(
      ecs.send(new RunTaskCommand({ cluster: 'kept', taskDefinition: 'kept-td' })),
      'ClusterNotFoundException',
    );
    await expectAwsError(
      ecs.send(new StopTaskCommand({ cluster: 'kept', task: taskArn })),
      'ClusterNotFoundException',
    );
    expect((await ecs.send(new DescribeClustersCommand({ clusters: ['kept'] }))).clusters?.[0]?.status).toBe(
      'INACTIVE',
    );

    // Created again: ACTIVE for the task calls once more.
    await ecs.send(new CreateClusterCommand({ clusterName: 'kept' }));
    expect(
      (await ecs.send(new ListTasksCommand({ cluster: 'kept', desiredStatus: 'STOPPED' }))).taskArns,
    ).toEqual([taskArn]);
    const failed = await ecs.send(new RunTaskCommand({ cluster: 'kept', taskDefinition: 'kept-td' }));
    expect(failed.tasks).toEqual([]); // ACTIVE, with no instance to place on
  });
});
