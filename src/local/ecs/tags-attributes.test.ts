/**
 * Tags and attributes over HTTP with @aws-sdk/client-ecs (tags-attributes.ts).
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteAttributesCommand,
  DescribeTasksCommand,
  ListAttributesCommand,
  ListContainerInstancesCommand,
  ListTagsForResourceCommand,
  PutAttributesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arnPrefix,
  dynamicTaskDefinition,
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

describe('attributes', () => {
  it('puts, lists and deletes attributes', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'attrs' }));
    const ci = await registerInstance(ecs, 'attrs');
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

describe('tags', () => {
  it('tags, lists and untags every taggable resource', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'tags' }));
    const ci = await registerInstance(ecs, 'tags', { memory: 2048 });
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
