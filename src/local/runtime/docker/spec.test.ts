/** The task definition as Engine containers (no engine needed). */
import { describe, expect, it } from 'vitest';
import type { WireTask, WireTaskDefinition } from '../../ecs/model';
import { imageRef, planTask, PlanError } from './spec';
import { statsOf } from './runtime';

const TASK_ARN = 'arn:aws:ecs:us-east-1:000000000000:task/prod/0123456789abcdef0123456789abcdef';

const task = (overrides?: WireTask['overrides']): WireTask => ({
  taskArn: TASK_ARN,
  clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/prod',
  lastStatus: 'ACTIVATING',
  desiredStatus: 'RUNNING',
  ...(overrides ? { overrides } : {}),
});

const definition = (
  defs: WireTaskDefinition['containerDefinitions'],
  extra: Partial<WireTaskDefinition> = {},
) =>
  ({
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/app:7',
    family: 'app',
    revision: 7,
    status: 'ACTIVE',
    containerDefinitions: defs,
    ...extra,
  }) as WireTaskDefinition;

const plan = (td: WireTaskDefinition, t = task()) =>
  planTask({
    task: t,
    definition: td,
    address: '127.1.0.3',
    ports: [{ containerName: 'web', containerPort: 80, hostPort: 32768, protocol: 'tcp' }],
    planeId: 'feedfacefeedface',
    suffix: 'a1b2c3d4e5',
  });

describe('planTask', () => {
  it('maps a container as the ECS agent creates it', () => {
    const p = plan(
      definition([
        {
          name: 'web',
          image: 'nginx:1.27',
          cpu: 0,
          memory: 256,
          memoryReservation: 128,
          command: ['nginx', '-g', 'daemon off;'],
          entryPoint: ['/docker-entrypoint.sh'],
          environment: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
          workingDirectory: '/srv',
          user: 'www-data',
          portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
          ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 4096 }],
          healthCheck: { command: ['CMD-SHELL', 'true'], interval: 10 },
          stopTimeout: 12,
          dockerLabels: { team: 'web', 'com.amazonaws.ecs.cluster': 'spoofed' },
          linuxParameters: {
            initProcessEnabled: true,
            maxSwap: 0,
            tmpfs: [{ containerPath: '/run', size: 64 }],
          },
        },
      ]),
      task({ containerOverrides: [{ name: 'web', environment: [{ name: 'B', value: 'override' }] }] }),
    );
    const c = p.containers[0];
    expect(c?.dockerName).toBe('ecs-app-7-web-a1b2c3d4e5');
    expect(c?.stopTimeoutS).toBe(12);
    expect(c?.body).toMatchObject({
      Image: 'nginx:1.27',
      Cmd: ['nginx', '-g', 'daemon off;'],
      Entrypoint: ['/docker-entrypoint.sh'],
      Env: ['A=1', 'B=override'],
      WorkingDir: '/srv',
      User: 'www-data',
      StopTimeout: 12,
      ExposedPorts: { '80/tcp': {} },
      Labels: {
        team: 'web',
        'com.amazonaws.ecs.cluster': 'prod',
        'com.amazonaws.ecs.task-arn': TASK_ARN,
        'com.amazonaws.ecs.container-name': 'web',
        'com.amazonaws.ecs.task-definition-family': 'app',
        'com.amazonaws.ecs.task-definition-version': '7',
        'com.ecs-console.plane-id': 'feedfacefeedface',
      },
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 10e9, Timeout: 5e9, Retries: 3, StartPeriod: 0 },
      HostConfig: {
        NetworkMode: 'bridge',
        PortBindings: { '80/tcp': [{ HostIp: '127.1.0.3', HostPort: '32768' }] },
        CpuShares: 2,
        Memory: 256 * 1024 * 1024,
        MemoryReservation: 128 * 1024 * 1024,
        MemorySwap: 256 * 1024 * 1024,
        Init: true,
        Tmpfs: { '/run': 'size=64m' },
        Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 4096 }],
      },
    });
  });

  it('starts what a container needs first (links, volumesFrom, dependsOn), and refuses a cycle', () => {
    const p = plan(
      definition([
        {
          name: 'web',
          image: 'a',
          links: ['api:backend'],
          dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }],
        },
        { name: 'api', image: 'b', volumesFrom: [{ sourceContainer: 'data', readOnly: true }] },
        { name: 'data', image: 'c' },
        { name: 'init', image: 'd', essential: false },
      ]),
    );
    const order = p.containers.map((c) => c.name);
    expect(order.indexOf('data')).toBeLessThan(order.indexOf('api'));
    expect(order.indexOf('api')).toBeLessThan(order.indexOf('web'));
    expect(order.indexOf('init')).toBeLessThan(order.indexOf('web'));
    const web = p.containers.find((c) => c.name === 'web');
    expect((web?.body.HostConfig as { Links: string[] }).Links).toEqual(['ecs-app-7-api-a1b2c3d4e5:backend']);
    const api = p.containers.find((c) => c.name === 'api');
    expect((api?.body.HostConfig as { VolumesFrom: string[] }).VolumesFrom).toEqual([
      'ecs-app-7-data-a1b2c3d4e5:ro',
    ]);
    expect(() =>
      plan(
        definition([
          { name: 'a', image: 'x', dependsOn: [{ containerName: 'b', condition: 'START' }] },
          { name: 'b', image: 'x', dependsOn: [{ containerName: 'a', condition: 'START' }] },
        ]),
      ),
    ).toThrow(PlanError);
  });

  it('mounts host paths, task-scoped and shared Docker volumes, and agent-managed volumes', () => {
    const p = plan(
      definition(
        [
          {
            name: 'web',
            image: 'x',
            mountPoints: [
              { sourceVolume: 'host', containerPath: '/h', readOnly: true },
              { sourceVolume: 'scratch', containerPath: '/s' },
              { sourceVolume: 'cache', containerPath: '/c' },
              { sourceVolume: 'managed', containerPath: '/m' },
            ],
          },
        ],
        {
          volumes: [
            { name: 'host', host: { sourcePath: '/srv/data' } },
            { name: 'scratch', dockerVolumeConfiguration: { scope: 'task', driver: 'local' } },
            { name: 'cache', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true } },
            { name: 'managed' },
          ],
        },
      ),
    );
    expect((p.containers[0]?.body.HostConfig as { Binds: string[] }).Binds).toEqual([
      '/srv/data:/h:ro',
      'ecs-app-7-scratch-a1b2c3d4e5:/s',
      'cache:/c',
      'ecs-app-7-managed-a1b2c3d4e5:/m',
    ]);
    expect(p.volumes.map((v) => [v.name, v.kind, v.taskScoped])).toEqual([
      ['host', 'bind', false],
      ['scratch', 'volume', true],
      ['cache', 'volume', false],
      ['managed', 'volume', true],
    ]);
  });
});

describe('imageRef', () => {
  it('splits repository and tag (or digest) as the engine pulls them', () => {
    expect(imageRef('busybox')).toEqual({ repository: 'busybox', tag: 'latest' });
    expect(imageRef('nginx:1.27')).toEqual({ repository: 'nginx', tag: '1.27' });
    expect(imageRef('localhost:5000/team/app')).toEqual({
      repository: 'localhost:5000/team/app',
      tag: 'latest',
    });
    expect(imageRef('public.ecr.aws/x/y:2')).toEqual({ repository: 'public.ecr.aws/x/y', tag: '2' });
    expect(imageRef('app@sha256:abc')).toEqual({ repository: 'app', tag: 'sha256:abc' });
  });
});

describe('statsOf', () => {
  it('turns an engine sample into CPU units and memory without the page cache', () => {
    const s = statsOf('web', 'abc', {
      read: '2026-12-01T00:00:01Z',
      cpu_stats: {
        cpu_usage: { total_usage: 1_500_000_000 },
        system_cpu_usage: 20_000_000_000,
        online_cpus: 2,
      },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 18_000_000_000 },
      memory_stats: {
        usage: 50 * 1024 * 1024,
        limit: 64 * 1024 * 1024,
        stats: { total_inactive_file: 10 * 1024 * 1024 },
      },
    });
    expect(s.cpuPercent).toBeCloseTo(50);
    expect(s.cpuUnits).toBeCloseTo(512);
    expect(s.memoryBytes).toBe(40 * 1024 * 1024);
    expect(s.memoryLimitBytes).toBe(64 * 1024 * 1024);
    expect(s.at).toBe(Date.parse('2026-12-01T00:00:01Z'));
  });
});
