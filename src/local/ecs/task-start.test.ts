/**
 * What DescribeTasks shows while a task starts (issue 14: the contract any cheaper start must keep;
 * a start with PENDING and ACTIVATING unwritten kept it, bench/scale/PROFILE.md twelfth pass): over
 * HTTP, PENDING, ACTIVATING and RUNNING each at its time with its timestamps, version and container
 * states, the same from the store's cache and from the stored bytes; the pending and running counts
 * of the cluster, the instance and the service on time; a stop during the start (StopTask, or the
 * service scheduler) goes no step back. Time is a manual clock.
 */
import {
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { TaskRecord } from './model';
import { steppedPlanes } from './testing';

const STEP = 100;
const start = steppedPlanes(STEP);

type Started = Awaited<ReturnType<typeof start>>;

async function register(t: Started) {
  await t.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'q',
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, essential: true }],
    }),
  );
}

const describe1 = async (t: Started, arn: string): Promise<Task> =>
  (await t.ecs.send(new DescribeTasksCommand({ cluster: 'q', tasks: [arn] }))).tasks?.[0] ?? {};

/** A rolled-back transaction empties the store's cache: the next read is of the stored bytes. */
function dropCache(t: Started): void {
  expect(() =>
    t.plane.deps.db.tx(() => {
      throw new Error('roll back');
    }),
  ).toThrow('roll back');
}

/** What DescribeTasks shows that the lifecycle changes: statuses, timestamps, version, containers. */
const shown = (task: Task) => ({
  lastStatus: task.lastStatus,
  desiredStatus: task.desiredStatus,
  version: task.version,
  connectivity: task.connectivity,
  connectivityAt: task.connectivityAt?.getTime(),
  pullStartedAt: task.pullStartedAt?.getTime(),
  pullStoppedAt: task.pullStoppedAt?.getTime(),
  startedAt: task.startedAt?.getTime(),
  stoppingAt: task.stoppingAt?.getTime(),
  stoppedAt: task.stoppedAt?.getTime(),
  containers: task.containers?.map((c) => ({
    lastStatus: c.lastStatus,
    exitCode: c.exitCode,
    runtimeId: c.runtimeId === undefined ? undefined : 'set',
  })),
});

/** The pending and running counts of the cluster and of its one instance. */
async function counts(t: Started) {
  const cluster = (await t.ecs.send(new DescribeClustersCommand({ clusters: ['q'] }))).clusters?.[0];
  const arns = (await t.ecs.send(new ListContainerInstancesCommand({ cluster: 'q' }))).containerInstanceArns;
  const instance = (
    await t.ecs.send(new DescribeContainerInstancesCommand({ cluster: 'q', containerInstances: arns }))
  ).containerInstances?.[0];
  return {
    cluster: [cluster?.pendingTasksCount, cluster?.runningTasksCount],
    instance: [instance?.pendingTasksCount, instance?.runningTasksCount],
  };
}

describe('a task starting', () => {
  it('is described at every step on time, cached and stored', async () => {
    const t = await start();
    await register(t);
    const t0 = t.clock.now();
    const run = await t.ecs.send(new RunTaskCommand({ cluster: 'q', taskDefinition: 'q' }));
    const launched = run.tasks?.[0] ?? {};
    expect(launched).toMatchObject({ lastStatus: 'PROVISIONING', version: 1 });
    const arn = launched.taskArn ?? '';
    const container = { exitCode: undefined, runtimeId: undefined };
    const expected = [
      {
        lastStatus: 'PENDING',
        desiredStatus: 'RUNNING',
        version: 2,
        connectivity: 'CONNECTED',
        connectivityAt: t0,
        pullStartedAt: t0,
        containers: [{ lastStatus: 'PENDING', ...container }],
      },
      {
        lastStatus: 'ACTIVATING',
        version: 3,
        connectivityAt: t0,
        pullStartedAt: t0,
        pullStoppedAt: t0 + STEP,
        startedAt: undefined,
        containers: [{ lastStatus: 'PENDING', ...container }],
      },
      {
        lastStatus: 'RUNNING',
        version: 4,
        pullStoppedAt: t0 + STEP,
        startedAt: t0 + 2 * STEP,
        containers: [{ lastStatus: 'RUNNING', exitCode: undefined, runtimeId: 'set' }],
      },
    ];
    const pending = { cluster: [1, 0], instance: [1, 0] };
    const running = { cluster: [0, 1], instance: [0, 1] };
    for (let i = 0; i < 3; i++) {
      // Just before the next step: still the step before it.
      if (i > 0) {
        await t.settle(STEP - 1);
        expect(shown(await describe1(t, arn))).toMatchObject(expected[i - 1] ?? {});
        await t.settle(1);
      } else await t.settle(0);
      const cached = shown(await describe1(t, arn));
      expect(cached).toMatchObject(expected[i] ?? {});
      dropCache(t);
      expect(shown(await describe1(t, arn))).toEqual(cached);
      // Described again from the cache (the record read back above is cached again).
      expect(shown(await describe1(t, arn))).toEqual(cached);
      expect(await counts(t)).toEqual(i < 2 ? pending : running);
    }
    const rec = t.col.tasks.get(arn) as TaskRecord;
    expect(rec.unwritten).toBeUndefined();
    expect(rec.history).toEqual([
      { status: 'PROVISIONING', at: t0 / 1000 },
      { status: 'PENDING', at: t0 / 1000 },
      { status: 'ACTIVATING', at: (t0 + STEP) / 1000 },
      { status: 'RUNNING', at: (t0 + 2 * STEP) / 1000 },
    ]);
    // With its tags: the same task.
    const tagged = await t.ecs.send(
      new DescribeTasksCommand({ cluster: 'q', tasks: [arn], include: ['TAGS'] }),
    );
    expect(shown(tagged.tasks?.[0] ?? {})).toEqual(shown(await describe1(t, arn)));
  });

  it('stopped while it shows ACTIVATING: StopTask answers ACTIVATING, then STOPPED with that history', async () => {
    const t = await start();
    await register(t);
    const t0 = t.clock.now();
    const run = await t.ecs.send(new RunTaskCommand({ cluster: 'q', taskDefinition: 'q' }));
    const arn = run.tasks?.[0]?.taskArn ?? '';
    await t.settle(0);
    await t.settle(STEP);
    await t.settle(10);
    const stop = await t.ecs.send(new StopTaskCommand({ cluster: 'q', task: arn }));
    expect(stop.task).toMatchObject({ lastStatus: 'ACTIVATING', desiredStatus: 'STOPPED', version: 4 });
    await t.settle(0);
    const stopped = shown(await describe1(t, arn));
    expect(stopped).toMatchObject({
      lastStatus: 'STOPPED',
      version: 5,
      pullStoppedAt: t0 + STEP,
      startedAt: undefined,
      stoppedAt: t0 + STEP + 10,
      containers: [{ lastStatus: 'STOPPED', exitCode: undefined }],
    });
    // Nothing due later shows up: still STOPPED a step on, cached and stored.
    await t.settle(2 * STEP);
    expect(shown(await describe1(t, arn))).toEqual(stopped);
    dropCache(t);
    expect(shown(await describe1(t, arn))).toEqual(stopped);
    expect((t.col.tasks.get(arn) as TaskRecord).history.map((h) => [h.status, h.at * 1000])).toEqual([
      ['PROVISIONING', t0],
      ['PENDING', t0],
      ['ACTIVATING', t0 + STEP],
      ['STOPPED', t0 + STEP + 10],
    ]);
    expect(await counts(t)).toEqual({ cluster: [0, 0], instance: [0, 0] });
  });

  it("a service's task: counts on time, and the scheduler's stop while it shows ACTIVATING goes no step back", async () => {
    const t = await start();
    await register(t);
    const t0 = t.clock.now();
    await t.ecs.send(
      new CreateServiceCommand({ cluster: 'q', serviceName: 's', taskDefinition: 'q', desiredCount: 1 }),
    );
    await t.settle(0);
    const service = async () => {
      const s = (await t.ecs.send(new DescribeServicesCommand({ cluster: 'q', services: ['s'] })))
        .services?.[0];
      return [s?.pendingCount, s?.runningCount];
    };
    const arn = t.col.tasks.ids({})[0] ?? '';
    const launchedAt = ((t.col.tasks.get(arn) as TaskRecord).task.createdAt ?? 0) * 1000;
    expect(launchedAt).toBe(t0);
    expect(shown(await describe1(t, arn))).toMatchObject({ lastStatus: 'PENDING', version: 2 });
    expect(await service()).toEqual([1, 0]);
    await t.settle(STEP);
    const activating = shown(await describe1(t, arn));
    expect(activating).toMatchObject({ lastStatus: 'ACTIVATING', version: 3 });
    expect(await service()).toEqual([1, 0]);
    expect(await counts(t)).toEqual({ cluster: [1, 0], instance: [1, 0] });

    // The scheduler stops the task at ACTIVATING (version 4), then it is STOPPED (5).
    await t.ecs.send(new UpdateServiceCommand({ cluster: 'q', service: 's', desiredCount: 0 }));
    await t.settle(10);
    const stopped = shown(await describe1(t, arn));
    expect(stopped).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', version: 5 });
    expect((t.col.tasks.get(arn) as TaskRecord).history.map((h) => h.status)).toEqual([
      'PROVISIONING',
      'PENDING',
      'ACTIVATING',
      'STOPPED',
    ]);
    await t.settle(2 * STEP);
    expect(shown(await describe1(t, arn))).toEqual(stopped);
    expect(await service()).toEqual([0, 0]);
  });
});
