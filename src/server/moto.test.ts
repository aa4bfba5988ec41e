import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
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
import { consoleEcsClient, dummyCredentials, hasTool, withConsoleHeaders } from './testing';

/** Endpoint mode against a real third-party implementation: moto_server on a free loopback port. */
const motoAvailable = hasTool('moto_server');

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    try {
      await fetch(`${url}/moto-api/`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error('moto_server did not start within 30 s');
}

describe.skipIf(!motoAvailable)('endpoint mode against moto_server', () => {
  let moto: ChildProcess;
  let motoUrl: string;
  let server: ConsoleServer;

  beforeAll(async () => {
    const port = await freePort();
    motoUrl = `http://127.0.0.1:${port}`;
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    await waitUntilUp(motoUrl, moto);
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
    if (moto && moto.exitCode === null) {
      moto.kill('SIGTERM');
      await new Promise((resolve) => moto.once('exit', resolve));
    }
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
    const ec2 = withConsoleHeaders(
      new EC2Client({
        endpoint: `${server.url}/aws/ec2`,
        region: 'us-east-1',
        credentials: dummyCredentials,
        maxAttempts: 1,
      }),
    );
    await ec2.send(new CreateKeyPairCommand({ KeyName: 'console-key' }));
    const keys = await ec2.send(new DescribeKeyPairsCommand({}));
    expect(keys.KeyPairs?.map((k) => k.KeyName)).toContain('console-key');

    const iam = withConsoleHeaders(
      new IAMClient({
        endpoint: `${server.url}/aws/iam`,
        region: 'us-east-1',
        credentials: dummyCredentials,
        maxAttempts: 1,
      }),
    );
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
    if (!hasTool('aws')) return;
    const cli = await promisify(execFile)(
      'aws',
      ['--endpoint-url', server.url, 'ecs', 'list-clusters', '--output', 'json'],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
        },
      },
    );
    expect(JSON.parse(cli.stdout).clusterArns).toContain(
      'arn:aws:ecs:us-east-1:123456789012:cluster/console-moto',
    );
  });
});
