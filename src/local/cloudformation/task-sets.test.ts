/**
 * AWS::ECS::TaskSet and AWS::ECS::PrimaryTaskSet through the SDK with a template (which passes
 * cfn-lint): a blue/green EXTERNAL service comes up with its blue set primary and running, an update
 * scales green up and makes it primary, a new green image replaces the green set (the primary follows
 * the new id), bad properties fail the resource and roll back without touching ECS, and deleting the
 * stack drains the sets and the service.
 */
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  UpdateStackCommand,
  type CloudFormationClient,
  type Parameter,
} from '@aws-sdk/client-cloudformation';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type TaskSet,
} from '@aws-sdk/client-ecs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinCluster, serviceClients, type ServiceClients } from '../../testing/ecs-fixtures';
import { waitFor } from '../../testing/plane';
import { requireTool } from '../../testing/tools';
import { eventsOf, fixture, FIXTURES, outputsOf, settle, startCfnPlane, type CfnTestPlane } from './testing';

const CLUSTER = 'cfn-sets';
let t: CfnTestPlane;
let cfn: CloudFormationClient;
let c: ServiceClients;

beforeAll(async () => {
  t = await startCfnPlane({ resyncMs: 200 });
  cfn = t.cfn;
  c = serviceClients({
    endpoint: t.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  await c.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await joinCluster(c, CLUSTER, 2);
});
afterAll(async () => {
  c?.destroy();
  await t?.stop();
});

const sets = async (service: string): Promise<TaskSet[]> =>
  (await c.ecs.send(new DescribeTaskSetsCommand({ cluster: CLUSTER, service, include: ['TAGS'] })))
    .taskSets ?? [];

const failureReasons = async (stackId: string) =>
  (await eventsOf(cfn, stackId))
    .filter((e) => e.ResourceStatus?.endsWith('FAILED'))
    .map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`);

const params = (values: Record<string, string>): Parameter[] =>
  Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));

async function update(values: Record<string, string>, stackId: string) {
  await cfn.send(
    new UpdateStackCommand({
      StackName: 'sets',
      UsePreviousTemplate: true,
      Parameters: params({ ClusterName: CLUSTER, ...values }),
    }),
  );
  const stack = await settle(cfn, stackId, 60_000);
  expect(await failureReasons(stackId)).toEqual([]);
  expect(stack.StackStatus).toBe('UPDATE_COMPLETE');
  return outputsOf(stack);
}

describe.runIf(requireTool('cfn-lint', 'the task set template with cfn-lint'))(
  'the task set template',
  () => {
    it('passes cfn-lint', () => {
      const out = spawnSync('cfn-lint', ['--', join(FIXTURES, 'ecs-task-sets.yaml')], { encoding: 'utf8' });
      expect(out.stdout + out.stderr).toBe('');
      expect(out.status).toBe(0);
    });
  },
);

describe('AWS::ECS::TaskSet and AWS::ECS::PrimaryTaskSet', () => {
  it('create, scale and switch the primary, replace on a new task definition, delete', async () => {
    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName: 'sets',
        TemplateBody: fixture('ecs-task-sets.yaml'),
        Parameters: params({ ClusterName: CLUSTER }),
      }),
    );
    const stackId = StackId as string;
    const created = await settle(cfn, stackId, 60_000);
    expect(await failureReasons(stackId)).toEqual([]);
    expect(created.StackStatus).toBe('CREATE_COMPLETE');
    const out = outputsOf(created);
    const serviceName = out.ServiceArn!.split('/').pop()!;
    expect(out.BlueSetId).toMatch(/^ecs-svc\/\d{19}$/);
    expect(out.BlueSetRef).toBe(`${CLUSTER}|${serviceName}|${out.BlueSetId}`);

    // Blue is primary with the whole desired count running; green is at scale 0.
    const first = await sets(serviceName);
    const blue = first.find((x) => x.id === out.BlueSetId)!;
    const green = first.find((x) => x.id === out.GreenSetId)!;
    expect(blue).toMatchObject({
      status: 'PRIMARY',
      externalId: 'blue',
      launchType: 'EC2',
      scale: { unit: 'PERCENT', value: 100 },
      computedDesiredCount: 2,
      runningCount: 2,
      stabilityStatus: 'STEADY_STATE',
    });
    expect(blue.tags).toEqual(expect.arrayContaining([{ key: 'colour', value: 'blue' }]));
    const tagsOf = async (arn: string | undefined) =>
      (await c.ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? [];
    expect(await tagsOf(blue.taskSetArn)).toEqual([
      { key: 'colour', value: 'blue' },
      { key: 'owner', value: 'team-a' },
    ]);
    expect(green).toMatchObject({ status: 'ACTIVE', computedDesiredCount: 0, runningCount: 0 });
    const svc = async () =>
      (await c.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [serviceName] })))
        .services![0]!;
    expect((await svc()).taskDefinition).toBe(blue.taskDefinition);

    // Green scaled to 100 % and made primary, in one stack update.
    await update({ GreenScale: '100', Primary: 'green' }, stackId);
    const second = await sets(serviceName);
    expect(second.find((x) => x.id === out.GreenSetId)).toMatchObject({
      status: 'PRIMARY',
      scale: { unit: 'PERCENT', value: 100 },
      runningCount: 2,
      stabilityStatus: 'STEADY_STATE',
    });
    expect(second.find((x) => x.id === out.BlueSetId)?.status).toBe('ACTIVE');
    // Tags change in place.
    await update({ GreenScale: '100', Primary: 'green', BlueOwner: 'team-b' }, stackId);
    expect(await tagsOf(blue.taskSetArn)).toEqual([
      { key: 'colour', value: 'blue' },
      { key: 'owner', value: 'team-b' },
    ]);
    expect((await sets(serviceName)).find((x) => x.id === out.BlueSetId)?.taskSetArn).toBe(blue.taskSetArn);
    expect((await svc()).taskDefinition).toBe(green.taskDefinition);

    // A new green image: a new task definition revision, so a new green set; the primary follows it
    // and the old green set is drained away.
    const replaced = await update(
      { GreenScale: '100', Primary: 'green', BlueOwner: 'team-b', GreenImage: 'nginx:1' },
      stackId,
    );
    expect(replaced.GreenSetId).toMatch(/^ecs-svc\/\d{19}$/);
    expect(replaced.GreenSetId).not.toBe(out.GreenSetId);
    expect(replaced.BlueSetId).toBe(out.BlueSetId);
    const third = await sets(serviceName);
    expect(third.map((x) => x.id).sort()).toEqual([out.BlueSetId, replaced.GreenSetId].sort());
    const newGreen = third.find((x) => x.id === replaced.GreenSetId)!;
    expect(newGreen).toMatchObject({ status: 'PRIMARY', runningCount: 2 });
    expect(newGreen.taskDefinition).toMatch(/:task-definition\/sets-green:2$/);
    const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'sets' }));
    const primary = resources.StackResources?.find((r) => r.LogicalResourceId === 'PrimarySet');
    expect(primary?.PhysicalResourceId).toBe(`${CLUSTER}|${serviceName}`);

    await cfn.send(new DeleteStackCommand({ StackName: 'sets' }));
    expect((await settle(cfn, stackId, 60_000)).StackStatus).toBe('DELETE_COMPLETE');
    expect((await svc()).status).toBe('INACTIVE');
    await waitFor(
      async () =>
        (
          (await c.ecs.send(new ListTasksCommand({ cluster: CLUSTER, desiredStatus: 'RUNNING' }))).taskArns ??
          []
        ).length === 0,
      10_000,
      50,
      'the task sets tasks to stop',
    );
  });

  it('fails a task set with a bad scale before calling ECS, and one on a rolling-update service with ECS’s error', async () => {
    await c.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'plain',
        containerDefinitions: [{ name: 'web', image: 'httpd:2.4', memory: 64 }],
      }),
    );
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'rolling',
        desiredCount: 0,
        taskDefinition: 'plain',
      }),
    );
    const template = (service: string, value: number) =>
      JSON.stringify({
        Resources: {
          Set: {
            Type: 'AWS::ECS::TaskSet',
            Properties: {
              Cluster: CLUSTER,
              Service: service,
              TaskDefinition: 'plain:1',
              Scale: { Unit: 'PERCENT', Value: value },
            },
          },
        },
      });
    const bad = await cfn.send(
      new CreateStackCommand({ StackName: 'bad-scale', TemplateBody: template('nowhere', 150) }),
    );
    expect((await settle(cfn, bad.StackId as string)).StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(await failureReasons(bad.StackId as string)).toEqual([
      'Set: Property Scale.Value must be a number from 0 to 100.',
    ]);

    const rolling = await cfn.send(
      new CreateStackCommand({ StackName: 'bad-service', TemplateBody: template('rolling', 50) }),
    );
    expect((await settle(cfn, rolling.StackId as string)).StackStatus).toBe('ROLLBACK_COMPLETE');
    const reasons = await failureReasons(rolling.StackId as string);
    expect(reasons[0]).toContain(
      'Task sets can only be managed for a service that uses the EXTERNAL deployment controller.',
    );
    expect(await sets('rolling')).toEqual([]);
  });
});
