/**
 * Daemon task definitions (served) and the operations whose feature is not here (unavailable.ts),
 * over HTTP with the SDK: each answers with the error AWS gives when the prerequisite is missing,
 * after ECS's own checks; none answers UnknownOperationException.
 */
import {
  CreateClusterCommand,
  CreateDaemonCommand,
  CreateExpressGatewayServiceCommand,
  DeleteDaemonCommand,
  DeleteDaemonTaskDefinitionCommand,
  DeleteExpressGatewayServiceCommand,
  DescribeDaemonCommand,
  DescribeDaemonDeploymentsCommand,
  DescribeDaemonRevisionsCommand,
  DescribeDaemonTaskDefinitionCommand,
  DescribeExpressGatewayServiceCommand,
  ExecuteCommandCommand,
  ListDaemonDeploymentsCommand,
  ListDaemonTaskDefinitionsCommand,
  ListDaemonsCommand,
  ListServicesByNamespaceCommand,
  RegisterDaemonTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateDaemonCommand,
  UpdateExpressGatewayServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../../testing/plane';
import { ACCOUNT, arnPrefix, registerInstance, startTestPlane, type TestPlane } from './testing';

let t: TestPlane;
const CLUSTER = 'absent';

beforeAll(async () => {
  t = await startTestPlane();
  await t.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await registerInstance(t.ecs, CLUSTER);
});

afterAll(async () => {
  await t?.stop();
});

const code = async (p: Promise<unknown>) => {
  const e = await errorOf(p);
  expect(e.status).toBe(400);
  return e.name;
};

describe('daemon task definitions', () => {
  it('registers revisions, describes, lists with filters and deletes', async () => {
    const first = await t.ecs.send(
      new RegisterDaemonTaskDefinitionCommand({
        family: 'agent',
        containerDefinitions: [{ name: 'collector', image: 'otel/collector:latest', memory: 64 }],
        cpu: '128',
        tags: [{ key: 'team', value: 'obs' }],
      }),
    );
    expect(first.daemonTaskDefinitionArn).toBe(`${arnPrefix}:daemon-task-definition/agent:1`);
    const second = await t.ecs.send(
      new RegisterDaemonTaskDefinitionCommand({
        family: 'agent',
        containerDefinitions: [{ name: 'collector', image: 'otel/collector:0.99' }],
      }),
    );
    await t.ecs.send(
      new RegisterDaemonTaskDefinitionCommand({
        family: 'logs',
        containerDefinitions: [{ name: 'fluent', image: 'fluent-bit' }],
      }),
    );
    const latest = await t.ecs.send(
      new DescribeDaemonTaskDefinitionCommand({ daemonTaskDefinition: 'agent' }),
    );
    expect(latest.daemonTaskDefinition).toMatchObject({
      daemonTaskDefinitionArn: second.daemonTaskDefinitionArn,
      family: 'agent',
      revision: 2,
      status: 'ACTIVE',
      registeredBy: `arn:aws:iam::${ACCOUNT}:root`,
    });
    const listed = await t.ecs.send(
      new ListDaemonTaskDefinitionsCommand({ familyPrefix: 'a', sort: 'DESC' }),
    );
    expect(listed.daemonTaskDefinitions?.map((d) => d.arn)).toEqual([
      second.daemonTaskDefinitionArn,
      first.daemonTaskDefinitionArn,
    ]);
    const last = await t.ecs.send(new ListDaemonTaskDefinitionsCommand({ revision: 'LAST_REGISTERED' }));
    expect(last.daemonTaskDefinitions?.map((d) => d.arn?.split('/')[1])).toEqual(['agent:2', 'logs:1']);
    const page = await t.ecs.send(new ListDaemonTaskDefinitionsCommand({ maxResults: 2 }));
    const rest = await t.ecs.send(
      new ListDaemonTaskDefinitionsCommand({ maxResults: 2, nextToken: page.nextToken }),
    );
    expect([...page.daemonTaskDefinitions!, ...rest.daemonTaskDefinitions!]).toHaveLength(3);

    const deleted = await t.ecs.send(
      new DeleteDaemonTaskDefinitionCommand({ daemonTaskDefinition: 'agent:1' }),
    );
    expect(deleted.daemonTaskDefinitionArn).toBe(first.daemonTaskDefinitionArn);
    const gone = await t.ecs.send(new ListDaemonTaskDefinitionsCommand({ status: 'DELETE_IN_PROGRESS' }));
    expect(gone.daemonTaskDefinitions?.map((d) => d.arn)).toEqual([first.daemonTaskDefinitionArn]);
    expect(
      await code(t.ecs.send(new DeleteDaemonTaskDefinitionCommand({ daemonTaskDefinition: 'agent:1' }))),
    ).toBe('ClientException');
  });

  it('refuses bad definitions', async () => {
    expect(
      await code(
        t.ecs.send(
          new RegisterDaemonTaskDefinitionCommand({
            family: 'bad family',
            containerDefinitions: [{ name: 'a', image: 'x' }],
          }),
        ),
      ),
    ).toBe('InvalidParameterException');
    expect(
      await code(
        t.ecs.send(
          new RegisterDaemonTaskDefinitionCommand({
            family: 'dup',
            containerDefinitions: [
              { name: 'a', image: 'x' },
              { name: 'a', image: 'y' },
            ],
          }),
        ),
      ),
    ).toBe('InvalidParameterException');
    expect(
      await code(
        t.ecs.send(
          new RegisterDaemonTaskDefinitionCommand({
            family: 'm',
            memory: 'lots',
            containerDefinitions: [{ name: 'a', image: 'x' }],
          }),
        ),
      ),
    ).toBe('InvalidParameterException');
    expect(
      await code(t.ecs.send(new DescribeDaemonTaskDefinitionCommand({ daemonTaskDefinition: 'none' }))),
    ).toBe('ClientException');
  });
});

describe('operations whose feature is not here', () => {
  it('daemons need Managed Instances capacity providers', async () => {
    const tdArn = (
      await t.ecs.send(
        new RegisterDaemonTaskDefinitionCommand({
          family: 'd',
          containerDefinitions: [{ name: 'a', image: 'x' }],
        }),
      )
    ).daemonTaskDefinitionArn!;
    const daemonArn = `${arnPrefix}:daemon/${CLUSTER}/d`;
    expect(
      await code(
        t.ecs.send(
          new CreateDaemonCommand({
            daemonName: 'd',
            clusterArn: `${arnPrefix}:cluster/${CLUSTER}`,
            daemonTaskDefinitionArn: tdArn,
            capacityProviderArns: [`${arnPrefix}:capacity-provider/mine`],
          }),
        ),
      ),
    ).toBe('InvalidParameterException');
    expect(
      await code(
        t.ecs.send(
          new CreateDaemonCommand({
            daemonName: 'd',
            clusterArn: `${arnPrefix}:cluster/none`,
            daemonTaskDefinitionArn: tdArn,
            capacityProviderArns: ['x'],
          }),
        ),
      ),
    ).toBe('ClusterNotFoundException');
    expect(await code(t.ecs.send(new DescribeDaemonCommand({ daemonArn })))).toBe('DaemonNotFoundException');
    expect(await code(t.ecs.send(new DeleteDaemonCommand({ daemonArn })))).toBe('DaemonNotFoundException');
    expect(
      await code(
        t.ecs.send(
          new UpdateDaemonCommand({ daemonArn, daemonTaskDefinitionArn: tdArn, capacityProviderArns: ['x'] }),
        ),
      ),
    ).toBe('DaemonNotFoundException');
    expect(await code(t.ecs.send(new ListDaemonDeploymentsCommand({ daemonArn })))).toBe(
      'DaemonNotFoundException',
    );
    expect(
      await code(t.ecs.send(new DescribeDaemonCommand({ daemonArn: `${arnPrefix}:daemon/none/d` }))),
    ).toBe('ClusterNotFoundException');
    expect((await t.ecs.send(new ListDaemonsCommand({}))).daemonSummariesList).toEqual([]);
    const deployments = await t.ecs.send(
      new DescribeDaemonDeploymentsCommand({ daemonDeploymentArns: ['a', 'b'] }),
    );
    expect(deployments.failures).toEqual([
      { arn: 'a', reason: 'MISSING' },
      { arn: 'b', reason: 'MISSING' },
    ]);
    const revisions = await t.ecs.send(new DescribeDaemonRevisionsCommand({ daemonRevisionArns: ['r'] }));
    expect(revisions.failures).toEqual([{ arn: 'r', reason: 'MISSING' }]);
  });

  it('ECS Exec has no Session Manager to connect to', async () => {
    const td = (
      await t.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'exec',
          containerDefinitions: [{ name: 'app', image: 'busybox', memory: 32 }],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
    const plain = (await t.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: td }))).tasks![0]!
      .taskArn!;
    const exec = (
      await t.ecs.send(
        new RunTaskCommand({ cluster: CLUSTER, taskDefinition: td, enableExecuteCommand: true }),
      )
    ).tasks![0]!.taskArn!;
    const run = (task: string, interactive = true) =>
      t.ecs.send(new ExecuteCommandCommand({ cluster: CLUSTER, task, command: '/bin/sh', interactive }));
    expect(await code(run(exec))).toBe('TargetNotConnectedException');
    expect(await code(run(plain))).toBe('InvalidParameterException');
    expect(await code(run(exec, false))).toBe('InvalidParameterException');
    expect(await code(run('ffffffffffffffffffffffffffffffff'))).toBe('InvalidParameterException');
  });

  it('Service Connect namespaces and Express services are not here', async () => {
    expect(await code(t.ecs.send(new ListServicesByNamespaceCommand({ namespace: 'svc.local' })))).toBe(
      'NamespaceNotFoundException',
    );
    const express = {
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/exec`,
      infrastructureRoleArn: `arn:aws:iam::${ACCOUNT}:role/infra`,
      primaryContainer: { image: 'nginx' },
    };
    expect(
      await code(t.ecs.send(new CreateExpressGatewayServiceCommand({ ...express, cluster: CLUSTER }))),
    ).toBe('UnsupportedFeatureException');
    expect(
      await code(t.ecs.send(new CreateExpressGatewayServiceCommand({ ...express, cluster: 'none' }))),
    ).toBe('ClusterNotFoundException');
    const serviceArn = `${arnPrefix}:service/${CLUSTER}/x`;
    expect(await code(t.ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn })))).toBe(
      'ResourceNotFoundException',
    );
    expect(await code(t.ecs.send(new UpdateExpressGatewayServiceCommand({ serviceArn })))).toBe(
      'ServiceNotFoundException',
    );
    expect(await code(t.ecs.send(new DeleteExpressGatewayServiceCommand({ serviceArn })))).toBe(
      'ServiceNotFoundException',
    );
  });
});
