/** Containers with the awslogs driver write startup, access and stop lines through the whole plane. */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlane, waitFor, type TestPlane } from '../../testing/plane';
import { accessLine, startupLines } from './containers';

let t: TestPlane;
let logs: CloudWatchLogsClient;
let ip: string;

beforeAll(async () => {
  t = await startTestPlane();
  logs = new CloudWatchLogsClient(t.client);
  const call = t.plane.deps.services;
  await call.call('ecs', 'CreateCluster', { clusterName: 'logs' });
  const userData = Buffer.from('#!/bin/bash\necho ECS_CLUSTER=logs >> /etc/ecs/ecs.config\n').toString(
    'base64',
  );
  const run = await call.call<{ Instances: { InstanceId: string }[] }>('ec2', 'RunInstances', {
    ImageId: 'ami-0123456789abcdef0',
    InstanceType: 't2.micro',
    MinCount: 1,
    MaxCount: 1,
    UserData: userData,
  });
  const instanceId = run.Instances[0]?.InstanceId;
  await waitFor(
    async () =>
      (
        await call.call<{ containerInstanceArns: string[] }>('ecs', 'ListContainerInstances', {
          cluster: 'logs',
        })
      ).containerInstanceArns.length === 1,
    5000,
    20,
    'registration',
  );
  const instances = await call.call<{ Reservations: { Instances: { PrivateIpAddress: string }[] }[] }>(
    'ec2',
    'DescribeInstances',
    { InstanceIds: [instanceId] },
  );
  ip = instances.Reservations[0]?.Instances[0]?.PrivateIpAddress ?? '';
});
afterAll(async () => {
  logs?.destroy();
  await t?.plane.stop();
});

interface Task {
  taskArn: string;
  lastStatus: string;
  containers: { name: string; runtimeId?: string; networkBindings: { hostPort: number }[] }[];
}

async function runTask(family: string, options: Record<string, string>, image = 'httpd:2.4'): Promise<Task> {
  const call = t.plane.deps.services;
  await call.call('ecs', 'RegisterTaskDefinition', {
    family,
    containerDefinitions: [
      {
        name: 'web',
        image,
        memory: 64,
        portMappings: [{ containerPort: 80, hostPort: 0 }],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-region': 'us-east-1', ...options } },
      },
    ],
  });
  const run = await call.call<{ tasks: Task[] }>('ecs', 'RunTask', {
    cluster: 'logs',
    taskDefinition: family,
  });
  const arn = run.tasks[0]?.taskArn ?? '';
  return waitFor(async () => {
    const out = await call.call<{ tasks: Task[] }>('ecs', 'DescribeTasks', { cluster: 'logs', tasks: [arn] });
    const task = out.tasks[0];
    return task?.lastStatus === 'RUNNING' && task;
  });
}

const messages = async (group: string, stream: string) =>
  (
    (
      await logs.send(
        new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }),
      )
    ).events ?? []
  ).map((e) => e.message ?? '');

it('writes httpd startup lines, an access line per request and a stop line', async () => {
  await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/web' }));
  const task = await runTask('web', { 'awslogs-group': '/ecs/web', 'awslogs-stream-prefix': 'ecs' });
  const taskId = task.taskArn.split('/').pop();
  const stream = `ecs/web/${taskId}`;
  const started = await waitFor(async () => {
    const m = await messages('/ecs/web', stream);
    return m.length >= 4 && m;
  });
  expect(started[0]).toMatch(/^AH00558: httpd: Could not reliably determine/);
  expect(started.some((m) => m.includes('resuming normal operations'))).toBe(true);

  const port = task.containers[0]?.networkBindings[0]?.hostPort;
  const res = await fetch(`http://${ip}:${port}/hello?x=1`);
  expect(res.status).toBe(200);
  await res.text();
  const access = await waitFor(async () =>
    (await messages('/ecs/web', stream)).find((m) => m.includes('"GET /hello?x=1 HTTP/1.1" 200')),
  );
  expect(access).toMatch(
    /^127\.\d+\.\d+\.\d+ - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET \/hello\?x=1 HTTP\/1\.1" 200 \d+$/,
  );

  await t.plane.deps.services.call('ecs', 'StopTask', { cluster: 'logs', task: task.taskArn });
  await waitFor(async () =>
    (await messages('/ecs/web', stream)).some((m) => m.includes('AH00491: caught SIGTERM')),
  );
});

it('names the stream after the container id without a prefix, and creates the group when asked', async () => {
  const task = await runTask(
    'plain',
    { 'awslogs-group': '/ecs/created', 'awslogs-create-group': 'true' },
    'nginx:latest',
  );
  const runtimeId = task.containers[0]?.runtimeId ?? '';
  expect(runtimeId).not.toBe('');
  const lines = await waitFor(async () => {
    const m = await messages('/ecs/created', runtimeId).catch(() => []);
    return m.length > 0 && m;
  });
  expect(lines.some((m) => m.includes('nginx/'))).toBe(true);
});

it('drops the lines when the group is missing and awslogs-create-group is not "true" (the task still runs)', async () => {
  const task = await runTask('missing', { 'awslogs-group': '/ecs/never', 'awslogs-stream-prefix': 'p' });
  expect(task.lastStatus).toBe('RUNNING');
  await waitFor(async () => t.plane.deps.db.collection('logs_groups').has('us-east-1|/ecs/never') === false);
});

it('formats lines after the image', () => {
  expect(startupLines('busybox', '172.17.0.2', [8080], 0)).toEqual([
    'busybox started (simulated by ecs-console), listening on :8080',
  ]);
  const r = {
    taskArn: 'a',
    clusterArn: 'c',
    containerName: 'web',
    remoteAddress: '127.0.0.1',
    method: 'GET',
    url: '/',
    httpVersion: '1.1',
    status: 200,
    bytes: 12,
  };
  expect(accessLine('nginx:1', r, Date.UTC(2026, 10, 25, 11, 28, 10))).toBe(
    '127.0.0.1 - - [25/Nov/2026:11:28:10 +0000] "GET / HTTP/1.1" 200 12 "-" "-"',
  );
  expect(accessLine('public.ecr.aws/docker/library/httpd:2.4', r, 0)).toBe(
    '127.0.0.1 - - [01/Jan/1970:00:00:00 +0000] "GET / HTTP/1.1" 200 12',
  );
});
