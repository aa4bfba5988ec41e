/**
 * kill -9 of a control plane running real containers loses nothing and leaks nothing:
 * `ecs-console local --runtime docker` runs as a child process on a state file; it is killed with
 * SIGKILL while a service's containers run. Meanwhile one container exits (docker stop) and a
 * stray container carrying this plane's id appears. The restarted plane adopts the running
 * container (same id, its page still answers, its awslogs stream continues without duplicates),
 * records the exit that happened while it was down (the service replaces that task), removes the
 * stray container, and at the end leaves no container of its own on the engine.
 */
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import {
  ensureTestImage,
  inspectContainer,
  planeContainers,
  PLANE_LABEL,
  removePlaneContainers,
  requireDocker,
  TEST_IMAGE,
  TEST_PAGE,
} from '../../../testing/docker';
import { clientSettings, waitFor } from '../../../testing/plane';
import { BIN, REPO, startProcess, type RunningProcess } from '../../../testing/process';
import { awsCli, requireTool } from '../../../testing/tools';

const enabled =
  requireTool('aws', 'kill -9 with the Docker runtime') && requireDocker('kill -9 with the Docker runtime');
const CLUSTER = 'restart';
const dir = mkdtempSync(join(tmpdir(), 'ecs-docker-restart-'));
const state = join(dir, 'state.sqlite');
let plane: RunningProcess | null = null;
let planeId = '';

afterAll(async () => {
  await plane?.stop('SIGKILL');
  if (planeId) removePlaneContainers(planeId);
  rmSync(dir, { recursive: true, force: true });
});

const start = () =>
  startProcess(
    process.execPath,
    [
      BIN,
      'local',
      '--port',
      '0',
      '--state',
      state,
      '--task-step-ms',
      '100',
      '--runtime',
      'docker',
      '--instances',
      '1',
      '--cluster',
      CLUSTER,
    ],
    { url: /listening on (http:\/\/[^\s]+)/, spawn: { cwd: REPO }, timeoutMs: 60_000 },
  );

interface Task {
  taskArn: string;
  lastStatus: string;
  stopCode?: string;
  stoppedReason?: string;
  containers: { runtimeId?: string; exitCode?: number; networkBindings?: { hostPort: number }[] }[];
}

async function tasksOf(ecs: ECSClient, desired: 'RUNNING' | 'STOPPED'): Promise<Task[]> {
  const arns =
    (await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'web', desiredStatus: desired })))
      .taskArns ?? [];
  if (arns.length === 0) return [];
  return ((await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks ??
    []) as unknown as Task[];
}

async function steady(ecs: ECSClient): Promise<Task[]> {
  return waitFor(
    async () => {
      const s = (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] })))
        .services?.[0];
      const tasks = await tasksOf(ecs, 'RUNNING');
      return (
        s?.runningCount === 2 &&
        s.deployments?.length === 1 &&
        tasks.length === 2 &&
        tasks.every((t) => t.lastStatus === 'RUNNING') &&
        tasks
      );
    },
    60_000,
    200,
    'a steady service of 2',
  );
}

/** The container's page through its published port (docker's own view of where it is published). */
function urlOf(runtimeId: string, path: string): string {
  const info = inspectContainer(runtimeId) as unknown as {
    NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[]> };
  };
  const b = info.NetworkSettings.Ports['80/tcp']?.[0];
  return `http://${b?.HostIp}:${b?.HostPort}${path}`;
}

async function streamMessages(logs: CloudWatchLogsClient, taskArn: string): Promise<string[]> {
  const out = await logs.send(
    new GetLogEventsCommand({
      logGroupName: '/ecs/restart',
      logStreamName: `ecs/web/${taskArn.split('/').pop()}`,
      startFromHead: true,
    }),
  );
  return (out.events ?? []).map((e) => e.message ?? '');
}

it.skipIf(!enabled)(
  'adopts the running containers after kill -9 (same ids), records what exited meanwhile, removes strays, leaks nothing',
  async () => {
    ensureTestImage();
    plane = await start();
    const aws = async (...args: string[]) => {
      const r = await awsCli(plane?.url ?? '', args);
      if (r.code !== 0) throw new Error(`aws ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
    };
    const taskDef = join(dir, 'web.json');
    writeFileSync(
      taskDef,
      JSON.stringify({
        family: 'web',
        containerDefinitions: [
          {
            name: 'web',
            image: TEST_IMAGE,
            memory: 64,
            portMappings: [{ containerPort: 80, hostPort: 0 }],
            stopTimeout: 5,
            logConfiguration: {
              logDriver: 'awslogs',
              options: {
                'awslogs-group': '/ecs/restart',
                'awslogs-stream-prefix': 'ecs',
                'awslogs-create-group': 'true',
              },
            },
          },
        ],
      }),
    );
    await aws('ecs', 'register-task-definition', '--cli-input-json', `file://${taskDef}`);
    await aws(
      'ecs',
      'create-service',
      '--cluster',
      CLUSTER,
      '--service-name',
      'web',
      '--task-definition',
      'web',
      '--desired-count',
      '2',
    );
    let ecs = new ECSClient(clientSettings(plane.url));
    let logs = new CloudWatchLogsClient(clientSettings(plane.url));
    const before = await steady(ecs);
    const [kept, exits] = before as [Task, Task];
    const keptId = kept.containers[0]?.runtimeId ?? '';
    const exitsId = exits.containers[0]?.runtimeId ?? '';
    planeId =
      (inspectContainer(keptId) as unknown as { Config: { Labels: Record<string, string> } }).Config.Labels[
        PLANE_LABEL
      ] ?? '';
    expect(planeId).toMatch(/^[0-9a-f]{16}$/);
    expect((await (await fetch(urlOf(keptId, '/before-kill'))).text()).length).toBeGreaterThan(0);
    await waitFor(
      async () => (await streamMessages(logs, kept.taskArn)).some((m) => m.endsWith('url:/before-kill')),
      20_000,
      200,
      'the line before the kill',
    );

    await plane.stop('SIGKILL');
    plane = null;
    ecs.destroy();
    logs.destroy();
    // While the plane is down: one container exits, a stray one of this plane appears, the other keeps running.
    expect(spawnSync('docker', ['stop', '-t', '5', exitsId]).status).toBe(0);
    const stray = spawnSync(
      'docker',
      [
        'run',
        '-d',
        '--label',
        `${PLANE_LABEL}=${planeId}`,
        '--label',
        `com.amazonaws.ecs.task-arn=arn:aws:ecs:us-east-1:000000000000:task/${CLUSTER}/0123456789abcdef0123456789abcdef`,
        TEST_IMAGE,
      ],
      { encoding: 'utf8' },
    ).stdout.trim();
    expect(inspectContainer(stray)).not.toBeNull();
    expect(inspectContainer(keptId)?.State.Status).toBe('running');

    plane = await start();
    ecs = new ECSClient(clientSettings(plane.url));
    logs = new CloudWatchLogsClient(clientSettings(plane.url));
    try {
      // The exit that happened while the plane was down is recorded, and the service replaces the task.
      const exited = await waitFor(
        async () =>
          (await tasksOf(ecs, 'STOPPED')).find(
            (t) => t.taskArn === exits.taskArn && t.lastStatus === 'STOPPED',
          ),
        30_000,
        200,
        'the task whose container exited while the plane was down',
      );
      expect(exited.stopCode).toBe('EssentialContainerExited');
      expect(exited.containers[0]?.exitCode).toBe(0);
      const after = await steady(ecs);
      const adopted = after.find((t) => t.taskArn === kept.taskArn);
      expect(adopted?.containers[0]?.runtimeId).toBe(keptId);
      expect(after.filter((t) => t.taskArn !== kept.taskArn)).toHaveLength(1);
      expect((await (await fetch(urlOf(keptId, '/'))).text()).trim()).toBe(TEST_PAGE);
      expect(inspectContainer(stray)).toBeNull();
      expect(inspectContainer(exitsId)).toBeNull();

      // The adopted container's stream goes on, without repeating what was written before the kill.
      await fetch(urlOf(keptId, '/after-restart')).then((r) => r.text());
      const messages = await waitFor(
        async () => {
          const m = await streamMessages(logs, kept.taskArn);
          return m.some((x) => x.endsWith('url:/after-restart')) && m;
        },
        20_000,
        200,
        'the line after the restart',
      );
      expect(messages.filter((m) => m.endsWith('url:/before-kill'))).toHaveLength(1);

      const r = await awsCli(plane.url, [
        'ecs',
        'update-service',
        '--cluster',
        CLUSTER,
        '--service',
        'web',
        '--desired-count',
        '0',
      ]);
      expect(r.code, r.stderr).toBe(0);
      await waitFor(
        async () => planeContainers(planeId).length === 0,
        30_000,
        200,
        'no container of this plane',
      );
    } finally {
      ecs.destroy();
      logs.destroy();
    }
    await plane.stop('SIGTERM');
    plane = null;
    expect(planeContainers(planeId)).toEqual([]);
  },
  240_000,
);
