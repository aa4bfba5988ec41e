/**
 * Task sets over HTTP with the SDK: an EXTERNAL service driven as a blue/green controller drives it
 * (create sets, scale them, switch the primary, delete the old one), each set's tasks in its own
 * target group; a CODE_DEPLOY service with its initial PRIMARY set; and the errors ECS gives.
 */
import {
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeleteTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  TagResourceCommand,
  UntagResourceCommand,
  CreateClusterCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  UpdateServicePrimaryTaskSetCommand,
  UpdateTaskSetCommand,
  type Service,
  type TaskSet,
} from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinCluster,
  serviceClients,
  targetGroupBehindListener,
  type ServiceClients,
} from '../../testing/ecs-fixtures';
import { errorOf, startTestPlane, waitFor, type TestPlane } from '../../testing/plane';

let t: TestPlane;
let c: ServiceClients;
const CLUSTER = 'sets';
let blueTd: string;
let greenTd: string;

beforeAll(async () => {
  t = await startTestPlane({ resyncMs: 200 });
  c = serviceClients(t.client);
  await c.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await joinCluster(c, CLUSTER, 2);
  const register = async (family: string) =>
    (
      await c.ecs.send(
        new RegisterTaskDefinitionCommand({
          family,
          containerDefinitions: [
            {
              name: 'web',
              image: 'httpd:2.4',
              memory: 64,
              essential: true,
              portMappings: [{ containerPort: 80, hostPort: 0 }],
            },
          ],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
  blueTd = await register('blue');
  greenTd = await register('green');
});

afterAll(async () => {
  c?.destroy();
  await t?.plane.stop();
});

const service = async (name: string): Promise<Service> =>
  (await c.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }))).services![0]!;

const sets = async (name: string): Promise<TaskSet[]> =>
  (await c.ecs.send(new DescribeTaskSetsCommand({ cluster: CLUSTER, service: name }))).taskSets ?? [];

const steady = (name: string, id: string, running: number) =>
  waitFor(
    async () => {
      const set = (await sets(name)).find((x) => x.id === id);
      return set?.stabilityStatus === 'STEADY_STATE' && set.runningCount === running ? set : undefined;
    },
    15_000,
    25,
    `${id} steady with ${running}`,
  );

const targets = async (targetGroupArn: string) =>
  (
    (await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn })))
      .TargetHealthDescriptions ?? []
  ).length;

describe('EXTERNAL deployment controller', () => {
  it('runs blue/green through task sets', async () => {
    const blueTg = (await targetGroupBehindListener(c, 'blue', 8081)).targetGroupArn;
    const greenTg = (await targetGroupBehindListener(c, 'green', 8082)).targetGroupArn;
    const created = await c.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'ext',
        desiredCount: 4,
        deploymentController: { type: 'EXTERNAL' },
      }),
    );
    expect(created.service).toMatchObject({
      deploymentController: { type: 'EXTERNAL' },
      taskSets: [],
      deployments: [],
      desiredCount: 4,
    });
    expect(created.service?.taskDefinition).toBeUndefined();

    const blue = (
      await c.ecs.send(
        new CreateTaskSetCommand({
          cluster: CLUSTER,
          service: 'ext',
          taskDefinition: blueTd,
          externalId: 'blue',
          loadBalancers: [{ targetGroupArn: blueTg, containerName: 'web', containerPort: 80 }],
          scale: { value: 100, unit: 'PERCENT' },
          clientToken: 'blue-1',
          tags: [{ key: 'color', value: 'blue' }],
        }),
      )
    ).taskSet!;
    expect(blue).toMatchObject({
      status: 'ACTIVE',
      externalId: 'blue',
      computedDesiredCount: 4,
      stabilityStatus: 'STABILIZING',
      launchType: 'EC2',
      taskDefinition: blueTd,
      taskSetArn: `arn:aws:ecs:us-east-1:000000000000:task-set/${CLUSTER}/ext/${blue.id}`,
    });
    expect(blue.id).toMatch(/^ecs-svc\/\d{19}$/);
    // A retry with the same client token is the same task set.
    const retried = await c.ecs.send(
      new CreateTaskSetCommand({
        cluster: CLUSTER,
        service: 'ext',
        taskDefinition: blueTd,
        clientToken: 'blue-1',
      }),
    );
    expect(retried.taskSet?.id).toBe(blue.id);
    await steady('ext', blue.id!, 4);
    const started = await c.ecs.send(new ListTasksCommand({ cluster: CLUSTER, startedBy: blue.id }));
    expect(started.taskArns).toHaveLength(4);
    await waitFor(async () => (await targets(blueTg)) === 4, 10_000);

    const primary = await c.ecs.send(
      new UpdateServicePrimaryTaskSetCommand({
        cluster: CLUSTER,
        service: 'ext',
        primaryTaskSet: blue.taskSetArn,
      }),
    );
    expect(primary.taskSet?.status).toBe('PRIMARY');
    expect((await service('ext')).taskDefinition).toBe(blueTd);

    // Green at half scale beside blue, then all of it; blue to 0 and deleted.
    const green = (
      await c.ecs.send(
        new CreateTaskSetCommand({
          cluster: CLUSTER,
          service: 'ext',
          taskDefinition: greenTd,
          loadBalancers: [{ targetGroupArn: greenTg, containerName: 'web', containerPort: 80 }],
          scale: { value: 50, unit: 'PERCENT' },
        }),
      )
    ).taskSet!;
    expect(green.computedDesiredCount).toBe(2);
    await steady('ext', green.id!, 2);
    await waitFor(async () => (await targets(greenTg)) === 2, 10_000);
    expect(await targets(blueTg)).toBe(4);
    expect((await service('ext')).runningCount).toBe(6);

    await c.ecs.send(
      new UpdateTaskSetCommand({
        cluster: CLUSTER,
        service: 'ext',
        taskSet: green.id,
        scale: { value: 100, unit: 'PERCENT' },
      }),
    );
    await steady('ext', green.id!, 4);
    await c.ecs.send(
      new UpdateServicePrimaryTaskSetCommand({ cluster: CLUSTER, service: 'ext', primaryTaskSet: green.id }),
    );
    const scaledDown = await c.ecs.send(
      new UpdateTaskSetCommand({
        cluster: CLUSTER,
        service: 'ext',
        taskSet: blue.id,
        scale: { value: 0, unit: 'PERCENT' },
      }),
    );
    expect(scaledDown.taskSet).toMatchObject({ status: 'ACTIVE', computedDesiredCount: 0 });
    await steady('ext', blue.id!, 0);
    await waitFor(async () => (await targets(blueTg)) === 0, 10_000);
    const deleted = await c.ecs.send(
      new DeleteTaskSetCommand({ cluster: CLUSTER, service: 'ext', taskSet: blue.id }),
    );
    expect(deleted.taskSet?.status).toBe('DRAINING');
    await waitFor(async () => (await sets('ext')).length === 1, 10_000);
    const after = await service('ext');
    expect(after.taskDefinition).toBe(greenTd);
    expect(after.taskSets?.map((x) => [x.id, x.status])).toEqual([[green.id, 'PRIMARY']]);
    expect(after.taskSets?.[0]?.tags).toBeUndefined();

    // The service's desired count scales every set.
    await c.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'ext', desiredCount: 2 }));
    const shrunk = await steady('ext', green.id!, 2);
    expect(shrunk.computedDesiredCount).toBe(2);
    const tagged = await c.ecs.send(
      new DescribeTaskSetsCommand({
        cluster: CLUSTER,
        service: 'ext',
        taskSets: [green.taskSetArn!, 'ecs-svc/1'],
        include: ['TAGS'],
      }),
    );
    expect(tagged.taskSets?.map((x) => x.id)).toEqual([green.id]);
    expect(tagged.failures).toEqual([{ arn: 'ecs-svc/1', reason: 'MISSING' }]);

    // Task sets take tags by ARN like the other ECS resources; a drained set is gone.
    await c.ecs.send(
      new TagResourceCommand({ resourceArn: green.taskSetArn, tags: [{ key: 'colour', value: 'green' }] }),
    );
    const tagsOf = async (arn: string | undefined) =>
      (await c.ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags;
    expect(await tagsOf(green.taskSetArn)).toEqual([{ key: 'colour', value: 'green' }]);
    await c.ecs.send(new UntagResourceCommand({ resourceArn: green.taskSetArn, tagKeys: ['colour'] }));
    expect(await tagsOf(green.taskSetArn)).toEqual([]);
    expect(await errorOf(tagsOf(blue.taskSetArn))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
    });
  });

  it('answers bad requests as ECS does and changes nothing', async () => {
    const bad = async (p: Promise<unknown>, name: string, message?: string) => {
      const e = await errorOf(p);
      expect(e, message).toMatchObject({ name, status: 400 });
      if (message) expect(e.message).toContain(message);
    };
    await bad(
      c.ecs.send(
        new CreateServiceCommand({
          cluster: CLUSTER,
          serviceName: 'x',
          taskDefinition: blueTd,
          deploymentController: { type: 'EXTERNAL' },
        }),
      ),
      'InvalidParameterException',
      'TaskDefinition must be blank.',
    );
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'rolling',
        taskDefinition: blueTd,
        desiredCount: 0,
      }),
    );
    await bad(
      c.ecs.send(new CreateTaskSetCommand({ cluster: CLUSTER, service: 'rolling', taskDefinition: blueTd })),
      'InvalidParameterException',
      'EXTERNAL',
    );
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'ext2',
        desiredCount: 1,
        deploymentController: { type: 'EXTERNAL' },
      }),
    );
    // The scheduler may add its steady-state event between the reads: compare all but the events.
    const withoutEvents = ({ events: _, ...rest }: Service) => rest;
    const before = withoutEvents(await service('ext2'));
    await bad(
      c.ecs.send(
        new CreateTaskSetCommand({
          cluster: CLUSTER,
          service: 'ext2',
          taskDefinition: blueTd,
          scale: { value: 150, unit: 'PERCENT' },
        }),
      ),
      'InvalidParameterException',
    );
    await bad(
      c.ecs.send(new CreateTaskSetCommand({ cluster: CLUSTER, service: 'nope', taskDefinition: blueTd })),
      'ServiceNotFoundException',
    );
    await bad(
      c.ecs.send(new CreateTaskSetCommand({ cluster: 'nope', service: 'ext2', taskDefinition: blueTd })),
      'ClusterNotFoundException',
    );
    await bad(
      c.ecs.send(
        new CreateTaskSetCommand({ cluster: CLUSTER, service: 'ext2', taskDefinition: 'missing:1' }),
      ),
      'InvalidParameterException',
    );
    await bad(
      c.ecs.send(
        new UpdateTaskSetCommand({
          cluster: CLUSTER,
          service: 'ext2',
          taskSet: 'ecs-svc/123',
          scale: { value: 1, unit: 'PERCENT' },
        }),
      ),
      'TaskSetNotFoundException',
    );
    await bad(
      c.ecs.send(
        new UpdateServicePrimaryTaskSetCommand({
          cluster: CLUSTER,
          service: 'ext2',
          primaryTaskSet: 'ecs-svc/1',
        }),
      ),
      'TaskSetNotFoundException',
    );
    await bad(
      c.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'ext2', taskDefinition: greenTd })),
      'InvalidParameterException',
      'Unable to update task definition on services with a EXTERNAL deployment controller.',
    );
    expect(withoutEvents(await service('ext2'))).toEqual(before);

    // Scaled above zero, a task set is deleted only with force; a sixth one is over the limit.
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const set = await c.ecs.send(
        new CreateTaskSetCommand({
          cluster: CLUSTER,
          service: 'ext2',
          taskDefinition: blueTd,
          scale: { value: 0, unit: 'PERCENT' },
        }),
      );
      ids.push(set.taskSet!.id!);
    }
    await bad(
      c.ecs.send(new CreateTaskSetCommand({ cluster: CLUSTER, service: 'ext2', taskDefinition: blueTd })),
      'InvalidParameterException',
      'exceeds the maximum limit',
    );
    await c.ecs.send(
      new UpdateTaskSetCommand({
        cluster: CLUSTER,
        service: 'ext2',
        taskSet: ids[0],
        scale: { value: 100, unit: 'PERCENT' },
      }),
    );
    await bad(
      c.ecs.send(new DeleteTaskSetCommand({ cluster: CLUSTER, service: 'ext2', taskSet: ids[0] })),
      'InvalidParameterException',
      'scaled down to zero',
    );
    const forced = await c.ecs.send(
      new DeleteTaskSetCommand({ cluster: CLUSTER, service: 'ext2', taskSet: ids[0], force: true }),
    );
    expect(forced.taskSet?.status).toBe('DRAINING');
  });
});

describe('CODE_DEPLOY deployment controller', () => {
  it("starts with a PRIMARY task set; new deployments are CodeDeploy's", async () => {
    await expect(
      errorOf(
        c.ecs.send(
          new CreateServiceCommand({
            cluster: CLUSTER,
            serviceName: 'cd',
            taskDefinition: blueTd,
            desiredCount: 2,
            deploymentController: { type: 'CODE_DEPLOY' },
          }),
        ),
      ),
    ).resolves.toMatchObject({ name: 'InvalidParameterException', status: 400 });
    const tg = (await targetGroupBehindListener(c, 'cd', 8083)).targetGroupArn;
    const created = await c.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'cd',
        taskDefinition: blueTd,
        desiredCount: 2,
        deploymentController: { type: 'CODE_DEPLOY' },
        loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 80 }],
      }),
    );
    const initial = created.service!.taskSets![0]!;
    expect(initial).toMatchObject({
      status: 'PRIMARY',
      computedDesiredCount: 2,
      scale: { value: 100, unit: 'PERCENT' },
    });
    expect(created.service?.deployments).toEqual([]);
    await steady('cd', initial.id!, 2);
    await waitFor(async () => (await targets(tg)) === 2, 10_000);
    const refused = await errorOf(
      c.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'cd', taskDefinition: greenTd })),
    );
    expect(refused).toMatchObject({
      name: 'InvalidParameterException',
      message:
        'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
    });
    await c.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'cd', desiredCount: 3 }));
    await steady('cd', initial.id!, 3);
    // Its task sets are CodeDeploy's to manage.
    expect(
      await errorOf(
        c.ecs.send(new CreateTaskSetCommand({ cluster: CLUSTER, service: 'cd', taskDefinition: greenTd })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException' });
  });
});
