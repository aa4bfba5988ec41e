import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  ListClustersCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { CreateKeyPairCommand, DescribeKeyPairsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { startConsoleServer, type ConsoleServer } from './index';
import { freePort, stopProcess, waitForUrl } from '../testing/process';
import { awsJson, requireTool } from '../testing/tools';
import { consoleClient, consoleEcsClient } from './testing';

/** Endpoint mode against a real third-party implementation: moto_server on a free loopback port. */
const motoAvailable = requireTool('moto_server', 'endpoint mode against moto_server');

describe.skipIf(!motoAvailable)('endpoint mode against moto_server', () => {
  let moto: ChildProcess;
  let motoUrl: string;
  let server: ConsoleServer;

  beforeAll(async () => {
    const port = await freePort();
    motoUrl = `http://127.0.0.1:${port}`;
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    await waitForUrl(`${motoUrl}/moto-api/`, moto);
    server = await startConsoleServer({
      target: {
        mode: 'endpoint',
        url: motoUrl,
        region: 'us-east-1',
        credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }),
      },
      port: 0,
      log: () => {},
    });
  });
  afterAll(async () => {
    await server?.close();
    if (moto) await stopProcess(moto, 'SIGTERM');
  });

  it('reports endpoint mode, and the account moto answers to STS', async () => {
    const info = await (await fetch(`${server.url}/api/info`)).json();
    expect(info).toMatchObject({
      mode: 'endpoint',
      endpoint: `${motoUrl}/`,
      region: 'us-east-1',
      accountId: '123456789012',
    });
  });

  it('creates a cluster through /aws/ecs and reads it back', async () => {
    const ecs = consoleEcsClient(server.url, 'us-east-1');
    const created = await ecs.send(new CreateClusterCommand({ clusterName: 'console-moto' }));
    expect(created.cluster?.clusterName).toBe('console-moto');
    expect(created.cluster?.clusterArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:cluster\/console-moto$/);

    const listed = await ecs.send(new ListClustersCommand({}));
    expect(listed.clusterArns).toContain(created.cluster?.clusterArn);
    const described = await ecs.send(new DescribeClustersCommand({ clusters: ['console-moto'] }));
    expect(described.clusters?.[0]).toMatchObject({ clusterName: 'console-moto', status: 'ACTIVE' });
  });

  it('keeps regions apart: a cluster made in eu-west-1 is not in us-east-1', async () => {
    await consoleEcsClient(server.url, 'eu-west-1').send(
      new CreateClusterCommand({ clusterName: 'eu-only' }),
    );
    const us = await consoleEcsClient(server.url, 'us-east-1').send(new ListClustersCommand({}));
    const eu = await consoleEcsClient(server.url, 'eu-west-1').send(new ListClustersCommand({}));
    expect(us.clusterArns?.some((a) => a.endsWith('/eu-only'))).toBe(false);
    expect(eu.clusterArns).toContain('arn:aws:ecs:eu-west-1:123456789012:cluster/eu-only');
  });

  it('registers a task definition, creates a service, scales it and reads it back', async () => {
    const ecs = consoleEcsClient(server.url, 'us-east-1');
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'console-sample-app-static',
        containerDefinitions: [
          {
            name: 'simple-app',
            image: 'httpd:2.4',
            memory: 300,
            cpu: 10,
            portMappings: [{ containerPort: 80, hostPort: 80 }],
          },
        ],
      }),
    );
    expect(td.taskDefinition?.revision).toBe(1);
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'console-moto',
        serviceName: 'sample-webapp',
        taskDefinition: 'console-sample-app-static:1',
        desiredCount: 1,
      }),
    );
    await ecs.send(
      new UpdateServiceCommand({ cluster: 'console-moto', service: 'sample-webapp', desiredCount: 3 }),
    );
    const out = await ecs.send(
      new DescribeServicesCommand({ cluster: 'console-moto', services: ['sample-webapp'] }),
    );
    expect(out.services?.[0]).toMatchObject({ serviceName: 'sample-webapp', desiredCount: 3 });
  });

  it('proxies the query protocols too (EC2, IAM)', async () => {
    const ec2 = consoleClient(EC2Client, 'ec2', server.url, 'us-east-1');
    await ec2.send(new CreateKeyPairCommand({ KeyName: 'console-key' }));
    const keys = await ec2.send(new DescribeKeyPairsCommand({}));
    expect(keys.KeyPairs?.map((k) => k.KeyName)).toContain('console-key');

    const iam = consoleClient(IAMClient, 'iam', server.url, 'us-east-1');
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'ecsInstanceRole',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    const roles = await iam.send(new ListRolesCommand({}));
    expect(roles.Roles?.map((r) => r.RoleName)).toContain('ecsInstanceRole');
  });

  it('lets the AWS CLI use the console URL as --endpoint-url in endpoint mode', async () => {
    if (!requireTool('aws', 'the console URL as --endpoint-url (endpoint mode)')) return;
    const cli = await awsJson<{ clusterArns: string[] }>(server.url, ['ecs', 'list-clusters']);
    expect(cli.clusterArns).toContain('arn:aws:ecs:us-east-1:123456789012:cluster/console-moto');
  });
});
