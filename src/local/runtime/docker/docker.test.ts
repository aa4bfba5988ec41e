/**
 * The Docker runtime end to end: a control plane in this process with `runtime: 'docker'`, driven
 * through the AWS CLI over HTTP (SDK clients only poll), running a busybox image built locally
 * (src/testing/docker.ts). Checked against the engine itself: the containers' own pages on the
 * network bindings, their labels and limits, StopTask removing them, a crash loop tripping the
 * circuit breaker, an OOM kill, a failed pull, links + dependsOn HEALTHY + health status + a host
 * volume, awslogs lines from the container's output, a terminated instance taking its containers
 * with it, and nothing of this plane left on the engine at the end.
 */
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeImagesCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureTestImage,
  inspectContainer,
  planeContainers,
  removePlaneContainers,
  requireDocker,
  TEST_IMAGE,
  TEST_PAGE,
} from '../../../testing/docker';
import { startTestPlane, waitFor, type TestPlane } from '../../../testing/plane';
import { awsCli, requireTool } from '../../../testing/tools';

const enabled = requireTool('aws', 'the Docker runtime') && requireDocker('the Docker runtime');

interface Binding {
  bindIP: string;
  hostPort: number;
  containerPort: number;
}
interface Container {
  name: string;
  runtimeId?: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  healthStatus?: string;
  networkBindings?: Binding[];
}
interface Task {
  taskArn: string;
  lastStatus: string;
  desiredStatus: string;
  stopCode?: string;
  stoppedReason?: string;
  healthStatus?: string;
  containerInstanceArn: string;
  containers: Container[];
  taskDefinitionArn: string;
}

let t: TestPlane;
let ecs: ECSClient;
let ec2: EC2Client;
let logs: CloudWatchLogsClient;
let dir: string;
let planeId: string;
const CLUSTER = 'docker';
const instanceAddress = new Map<string, string>();

async function aws<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const r = await awsCli(t.url, args);
  if (r.code !== 0) throw new Error(`aws ${args.slice(0, 2).join(' ')} failed (${r.code}): ${r.stderr}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
}

const json = (value: unknown) => {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(value));
  return `file://${file}`;
};

async function describeTasks(arns: string[]): Promise<Task[]> {
  const out = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }));
  return (out.tasks ?? []) as unknown as Task[];
}

async function waitForTask(
  arn: string,
  done: (t: Task) => boolean,
  ms = 45_000,
  what = 'the task',
): Promise<Task> {
  return waitFor(async () => (await describeTasks([arn])).find(done), ms, 200, what);
}

/** The container instance's address (its EC2 instance's private IP). */
async function addressOf(containerInstanceArn: string): Promise<string> {
  const known = instanceAddress.get(containerInstanceArn);
  if (known) return known;
  const out = await ecs.send(
    new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [containerInstanceArn] }),
  );
  const described = await ec2.send(
    new DescribeInstancesCommand({ InstanceIds: [out.containerInstances?.[0]?.ec2InstanceId ?? ''] }),
  );
  const address = described.Reservations?.[0]?.Instances?.[0]?.PrivateIpAddress ?? '';
  instanceAddress.set(containerInstanceArn, address);
  return address;
}

/** Where the task's first binding answers (0.0.0.0 means the container instance's own address). */
async function urlOf(task: Task, path = '/'): Promise<string> {
  const b = task.containers.flatMap((c) => c.networkBindings ?? [])[0];
  if (!b) throw new Error(`task ${task.taskArn} has no binding`);
  const host = b.bindIP === '0.0.0.0' ? await addressOf(task.containerInstanceArn) : b.bindIP;
  return `http://${host}:${b.hostPort}${path}`;
}

const text = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
};

async function serviceTasks(service: string, desired: 'RUNNING' | 'STOPPED' = 'RUNNING'): Promise<Task[]> {
  const arns =
    (await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: service, desiredStatus: desired })))
      .taskArns ?? [];
  return arns.length ? describeTasks(arns) : [];
}

const webDefinition = (command?: string[]) => ({
  family: 'web',
  containerDefinitions: [
    {
      name: 'web',
      image: TEST_IMAGE,
      memory: 64,
      cpu: 128,
      essential: true,
      portMappings: [{ containerPort: 80, hostPort: 0 }],
      stopTimeout: 5,
      ...(command ? { command } : {}),
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/ecs/web',
          'awslogs-region': 'us-east-1',
          'awslogs-stream-prefix': 'ecs',
          'awslogs-create-group': 'true',
        },
      },
    },
  ],
});

const linkedDefinition = (data: string) => ({
  family: 'linked',
  volumes: [{ name: 'data', host: { sourcePath: data } }, { name: 'scratch' }],
  containerDefinitions: [
    {
      name: 'db',
      image: TEST_IMAGE,
      memory: 32,
      healthCheck: {
        command: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1/ || exit 1'],
        interval: 5,
        retries: 2,
      },
    },
    {
      name: 'web',
      image: TEST_IMAGE,
      memory: 32,
      links: ['db:database'],
      dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }],
      portMappings: [{ containerPort: 80, hostPort: 0 }],
      command: ['sh', '-c', 'wget -q -O /www/db.txt http://database/hostname.txt && exec /bin/serve'],
      mountPoints: [{ sourceVolume: 'scratch', containerPath: '/scratch' }],
    },
    {
      name: 'probe',
      image: TEST_IMAGE,
      memory: 16,
      essential: false,
      user: '65534',
      workingDirectory: '/tmp',
      environment: [{ name: 'GREETING', value: 'hello from the task definition' }],
      ulimits: [{ name: 'nofile', softLimit: 512, hardLimit: 1024 }],
      mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }],
      command: [
        'sh',
        '-c',
        'pwd > /data/pwd; id -u > /data/uid; echo "$GREETING" > /data/greeting; ulimit -n > /data/nofile',
      ],
    },
  ],
});

describe.skipIf(!enabled)('the Docker runtime', () => {
  beforeAll(async () => {
    ensureTestImage();
    dir = mkdtempSync(join(tmpdir(), 'ecs-docker-'));
    mkdirSync(join(dir, 'data'));
    chmodSync(join(dir, 'data'), 0o777);
    t = await startTestPlane({ runtime: 'docker', taskStepMs: 100, instanceBootMs: 50 });
    ecs = new ECSClient(t.client);
    ec2 = new EC2Client(t.client);
    logs = new CloudWatchLogsClient(t.client);
    planeId = t.plane.deps.db.getMeta('plane-id') ?? '';
    expect(planeId).toMatch(/^[0-9a-f]{16}$/);
    const images = await ec2.send(new DescribeImagesCommand({}));
    await Promise.all([
      aws('ecs', 'create-cluster', '--cluster-name', CLUSTER).then(() =>
        aws(
          'ec2',
          'run-instances',
          '--image-id',
          images.Images?.[0]?.ImageId ?? '',
          '--instance-type',
          't2.small',
          '--count',
          '2',
          '--user-data',
          `#!/bin/bash\necho ECS_CLUSTER=${CLUSTER} >> /etc/ecs/ecs.config\n`,
        ),
      ),
      aws('ecs', 'register-task-definition', '--cli-input-json', json(webDefinition())),
      aws(
        'ecs',
        'register-task-definition',
        '--family',
        'hog',
        '--container-definitions',
        JSON.stringify([
          {
            name: 'hog',
            image: TEST_IMAGE,
            memory: 16,
            command: ['sh', '-c', 'x=a; while true; do x=$x$x; done'],
          },
        ]),
      ),
      aws(
        'ecs',
        'register-task-definition',
        '--family',
        'nopull',
        '--container-definitions',
        JSON.stringify([{ name: 'app', image: 'ecs-console-test/does-not-exist:1', memory: 16 }]),
      ),
      aws('ecs', 'register-task-definition', '--cli-input-json', json(linkedDefinition(join(dir, 'data')))),
    ]);
    await waitFor(
      async () =>
        (await ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }))).containerInstanceArns
          ?.length === 2,
      30_000,
      100,
      'two container instances',
    );
  }, 180_000);

  afterAll(async () => {
    ecs?.destroy();
    ec2?.destroy();
    logs?.destroy();
    await t?.plane.stop();
    // The plane removed everything it ran (checked in the last test); this only cleans up after a failure.
    if (planeId) removePlaneContainers(planeId);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a service of 3 whose network bindings answer with the container’s own page; StopTask removes the container', async () => {
    await aws(
      'ecs',
      'create-service',
      '--cluster',
      CLUSTER,
      '--service-name',
      'web',
      '--task-definition',
      'web:1',
      '--desired-count',
      '3',
      '--deployment-configuration',
      'deploymentCircuitBreaker={enable=true,rollback=true},maximumPercent=200,minimumHealthyPercent=100',
    );
    const running = await waitFor(
      async () => {
        const tasks = await serviceTasks('web');
        return tasks.length === 3 && tasks.every((x) => x.lastStatus === 'RUNNING') && tasks;
      },
      60_000,
      200,
      '3 RUNNING tasks',
    );
    const described = await aws<{ tasks: Task[] }>(
      'ecs',
      'describe-tasks',
      '--cluster',
      CLUSTER,
      '--tasks',
      ...running.map((x) => x.taskArn),
    );
    for (const task of described.tasks) {
      const c = task.containers[0] as Container;
      expect(c.runtimeId).toMatch(/^[0-9a-f]{64}$/);
      // The page the image serves, and the hostname of that very container.
      expect((await text(await urlOf(task))).body.trim()).toBe(TEST_PAGE);
      expect((await text(await urlOf(task, '/hostname.txt'))).body.trim()).toBe(c.runtimeId?.slice(0, 12));
      const info = inspectContainer(c.runtimeId ?? '') as unknown as {
        Config: { Labels: Record<string, string> };
        HostConfig: { Memory: number; CpuShares: number };
        NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[]> };
        State: { Running: boolean };
      };
      expect(info.State.Running).toBe(true);
      expect(info.Config.Labels).toMatchObject({
        'com.amazonaws.ecs.cluster': CLUSTER,
        'com.amazonaws.ecs.task-arn': task.taskArn,
        'com.amazonaws.ecs.container-name': 'web',
        'com.amazonaws.ecs.task-definition-family': 'web',
        'com.amazonaws.ecs.task-definition-version': '1',
        'com.ecs-console.plane-id': planeId,
      });
      expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
      expect(info.HostConfig.CpuShares).toBe(128);
      // Published on the container instance's own loopback address, at the port the plane booked.
      expect(info.NetworkSettings.Ports['80/tcp']).toEqual([
        {
          HostIp: await addressOf(task.containerInstanceArn),
          HostPort: String(c.networkBindings?.[0]?.hostPort),
        },
      ]);
    }

    // The engine's figures, for metrics: memory in use under the container's limit.
    const stats = (await t.plane.taskRuntime?.stats(described.tasks[0]?.taskArn ?? '')) ?? [];
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ containerName: 'web', memoryLimitBytes: 64 * 1024 * 1024 });
    expect(stats[0]?.memoryBytes).toBeGreaterThan(0);
    expect(stats[0]?.runtimeId).toBe(described.tasks[0]?.containers[0]?.runtimeId);

    // awslogs: the container's own output (busybox httpd's access lines) in the ECS-named stream.
    const first = described.tasks[0] as Task;
    const stream = `ecs/web/${first.taskArn.split('/').pop() ?? ''}`;
    expect((await text(await urlOf(first, '/from-the-test'))).status).toBe(404);
    await waitFor(
      async () => {
        const out = await logs.send(
          new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: stream, startFromHead: true }),
        );
        return out.events?.some((e) => e.message?.includes('url:/from-the-test'));
      },
      20_000,
      200,
      'the access line in CloudWatch Logs',
    );
    const events = await aws<{ events: { message: string }[] }>(
      'logs',
      'get-log-events',
      '--log-group-name',
      '/ecs/web',
      '--log-stream-name',
      stream,
      '--start-from-head',
    );
    const messages = events.events.map((e) => e.message);
    expect(messages.findIndex((m) => m.endsWith('url:/from-the-test'))).toBeLessThan(
      messages.findIndex((m) => m.endsWith('response:404')),
    );

    // StopTask: SIGTERM (the image's command exits 0 on it), then the container is gone.
    const victim = described.tasks[1] as Task;
    const id = victim.containers[0]?.runtimeId ?? '';
    await aws(
      'ecs',
      'stop-task',
      '--cluster',
      CLUSTER,
      '--task',
      victim.taskArn,
      '--reason',
      'from the test',
    );
    const stopped = await waitForTask(victim.taskArn, (x) => x.lastStatus === 'STOPPED');
    expect(stopped.containers[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 0 });
    expect(stopped.stoppedReason).toBe('from the test');
    expect(inspectContainer(id)).toBeNull();
    // The service replaces it.
    await waitFor(
      async () => {
        const tasks = await serviceTasks('web');
        return tasks.length === 3 && tasks.every((x) => x.lastStatus === 'RUNNING');
      },
      60_000,
      200,
      'the replacement task',
    );
  });

  it('crash-loops a container whose command exits 1, and the circuit breaker rolls back', async () => {
    await aws(
      'ecs',
      'register-task-definition',
      '--cli-input-json',
      json(webDefinition(['sh', '-c', 'echo about to fail; exit 1'])),
    );
    await aws(
      'ecs',
      'update-service',
      '--cluster',
      CLUSTER,
      '--service',
      'web',
      '--task-definition',
      'web:2',
    );
    await waitFor(
      async () => {
        const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }));
        return out.services?.[0]?.deployments?.some((d) => d.rolloutState === 'FAILED');
      },
      90_000,
      200,
      'the circuit breaker',
    );
    const { services } = await aws<{
      services: {
        deployments: { status: string; taskDefinition: string }[];
        events: { message: string }[];
      }[];
    }>('ecs', 'describe-services', '--cluster', CLUSTER, '--services', 'web');
    const service = services[0];
    expect(service?.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition).toMatch(
      /task-definition\/web:1$/,
    );
    expect(service?.events.some((e) => e.message.includes('rolling back'))).toBe(true);
    const failed = (await serviceTasks('web', 'STOPPED')).filter((x) => x.taskDefinitionArn.endsWith(':2'));
    const crashed = failed.find((x) => x.stopCode === 'EssentialContainerExited');
    expect(crashed?.stoppedReason).toBe('Essential container in task exited');
    expect(crashed?.containers[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 1 });
    const crashedId = crashed?.containers[0]?.runtimeId ?? '';
    expect(crashedId).toMatch(/^[0-9a-f]{64}$/);
    expect(inspectContainer(crashedId)).toBeNull();
  });

  it('stops a task whose container goes over its memory with ECS’s OutOfMemoryError', async () => {
    const run = await aws<{ tasks: Task[] }>(
      'ecs',
      'run-task',
      '--cluster',
      CLUSTER,
      '--task-definition',
      'hog',
    );
    const arn = run.tasks[0]?.taskArn ?? '';
    await waitForTask(arn, (x) => x.lastStatus === 'STOPPED');
    const out = await aws<{ tasks: Task[] }>('ecs', 'describe-tasks', '--cluster', CLUSTER, '--tasks', arn);
    const task = out.tasks[0] as Task;
    expect(task.stopCode).toBe('EssentialContainerExited');
    expect(task.stoppedReason).toBe('Essential container in task exited');
    expect(task.containers[0]).toMatchObject({
      exitCode: 137,
      reason: 'OutOfMemoryError: Container killed due to memory usage',
    });
  });

  it('stops a task whose image cannot be pulled with CannotPullContainerError', async () => {
    const run = await aws<{ tasks: Task[] }>(
      'ecs',
      'run-task',
      '--cluster',
      CLUSTER,
      '--task-definition',
      'nopull',
    );
    const task = await waitForTask(run.tasks[0]?.taskArn ?? '', (x) => x.lastStatus === 'STOPPED', 90_000);
    expect(task.stopCode).toBe('TaskFailedToStart');
    expect(task.stoppedReason).toMatch(/^CannotPullContainerError: Error response from daemon: /);
    expect(task.containers[0]?.reason).toBe(task.stoppedReason);
    expect(task.containers[0]?.exitCode).toBeUndefined();
  });

  it('links containers, waits for a HEALTHY dependency, reports health, and mounts a host volume', async () => {
    const data = join(dir, 'data');
    const run = await aws<{ tasks: Task[] }>(
      'ecs',
      'run-task',
      '--cluster',
      CLUSTER,
      '--task-definition',
      'linked',
    );
    const arn = run.tasks[0]?.taskArn ?? '';
    const task = await waitForTask(
      arn,
      (x) =>
        x.lastStatus === 'RUNNING' &&
        x.healthStatus === 'HEALTHY' &&
        x.containers.some((c) => c.name === 'probe' && c.lastStatus === 'STOPPED'),
      60_000,
      'a RUNNING, HEALTHY task whose probe has exited',
    );
    const byName = new Map(task.containers.map((c) => [c.name, c]));
    expect(byName.get('db')?.healthStatus).toBe('HEALTHY');
    expect(byName.get('probe')).toMatchObject({ lastStatus: 'STOPPED', exitCode: 0 });
    // web reached db through the link alias: it serves db's hostname.
    expect((await text(await urlOf(task, '/db.txt'))).body.trim()).toBe(
      byName.get('db')?.runtimeId?.slice(0, 12),
    );
    expect(readFileSync(join(data, 'greeting'), 'utf8').trim()).toBe('hello from the task definition');
    expect(readFileSync(join(data, 'uid'), 'utf8').trim()).toBe('65534');
    expect(readFileSync(join(data, 'pwd'), 'utf8').trim()).toBe('/tmp');
    expect(readFileSync(join(data, 'nofile'), 'utf8').trim()).toBe('512');
    await aws('ecs', 'stop-task', '--cluster', CLUSTER, '--task', arn);
    const stopped = await waitForTask(arn, (x) => x.lastStatus === 'STOPPED');
    // Both servers end on SIGTERM with 0; the probe kept the code it exited with.
    expect(new Map(stopped.containers.map((c) => [c.name, c.exitCode]))).toEqual(
      new Map([
        ['db', 0],
        ['web', 0],
        ['probe', 0],
      ]),
    );
  });

  it('takes a terminated instance’s containers with it, and leaves nothing of this plane on the engine', async () => {
    const described = await ec2.send(new DescribeInstancesCommand({}));
    const instanceIds = (described.Reservations ?? []).flatMap((r) =>
      (r.Instances ?? []).map((i) => i.InstanceId ?? ''),
    );
    expect(planeContainers(planeId).length).toBeGreaterThan(0);
    await aws('ec2', 'terminate-instances', '--instance-ids', ...instanceIds);
    await waitFor(
      async () => planeContainers(planeId).length === 0,
      30_000,
      200,
      'no container of this plane',
    );
    const killed = await serviceTasks('web', 'STOPPED');
    expect(killed.some((x) => x.stopCode === 'TerminationNotice')).toBe(true);
  });
});
