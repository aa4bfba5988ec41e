/**
 * CloudFormation with capacity providers and Fargate: AWS::ECS::CapacityProvider,
 * AWS::ECS::ClusterCapacityProviderAssociations and a Fargate service (awsvpc on the template's own
 * VPC) from a fixture that passes cfn-lint (fixtures.test.ts), created and deleted.
 */
import { CreateStackCommand, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientSettings } from '../../testing/plane';
import { eventsOf, fixture, outputsOf, settle, startCfnPlane, type CfnTestPlane } from './testing';

let t: CfnTestPlane;
let ecs: ECSClient;

beforeAll(async () => {
  t = await startCfnPlane();
  ecs = new ECSClient(clientSettings(t.url));
});

afterAll(async () => {
  ecs.destroy();
  await t.stop();
});

describe('capacity providers and Fargate in templates', () => {
  it('creates a capacity provider, the cluster associations and a Fargate service, then deletes them', async () => {
    const created = await t.cfn.send(
      new CreateStackCommand({ StackName: 'fargate', TemplateBody: fixture('fargate-capacity.yaml') }),
    );
    const stack = await settle(t.cfn, created.StackId ?? '', 60_000);
    const lines = (await eventsOf(t.cfn, created.StackId ?? '')).map(
      (e) => `${e.LogicalResourceId} ${e.ResourceStatus} ${e.ResourceStatusReason ?? ''}`,
    );
    expect(stack.StackStatus, lines.join('\n')).toBe('CREATE_COMPLETE');
    const out = outputsOf(stack);

    const cluster = (await ecs.send(new DescribeClustersCommand({ clusters: [out.ClusterName ?? ''] })))
      .clusters?.[0];
    expect(cluster?.capacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT', out.ProviderName]);
    expect(cluster?.defaultCapacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
    ]);
    const provider = (
      await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: [out.ProviderName ?? ''] }))
    ).capacityProviders?.[0];
    expect(provider?.status).toBe('ACTIVE');
    expect(provider?.autoScalingGroupProvider?.managedScaling?.targetCapacity).toBe(100);

    const svc = (
      await ecs.send(
        new DescribeServicesCommand({ cluster: out.ClusterName, services: [out.ServiceArn ?? ''] }),
      )
    ).services?.[0];
    expect(svc?.runningCount).toBe(2);
    expect(svc?.platformVersion).toBe('LATEST');
    expect(svc?.networkConfiguration?.awsvpcConfiguration?.assignPublicIp).toBe('ENABLED');
    const arns = (await ecs.send(new ListTasksCommand({ cluster: out.ClusterName }))).taskArns ?? [];
    const tasks =
      (await ecs.send(new DescribeTasksCommand({ cluster: out.ClusterName, tasks: arns }))).tasks ?? [];
    expect(tasks.map((x) => [x.launchType, x.capacityProviderName, x.lastStatus])).toEqual([
      ['FARGATE', 'FARGATE', 'RUNNING'],
      ['FARGATE', 'FARGATE', 'RUNNING'],
    ]);

    await t.cfn.send(new DeleteStackCommand({ StackName: created.StackId }));
    const deleted = await settle(t.cfn, created.StackId ?? '', 60_000);
    expect(deleted.StackStatus).toBe('DELETE_COMPLETE');
    const gone = (
      await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: [out.ProviderName ?? ''] }))
    ).capacityProviders?.[0];
    expect(gone?.status).toBe('INACTIVE');
  });
});
