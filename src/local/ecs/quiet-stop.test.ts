/**
 * A stop that needs nothing between its steps (no interface, no served ports, simulated containers)
 * is written twice, at DEACTIVATING (by StopTask) and at STOPPED (issue 14), while DescribeTasks over
 * HTTP still shows DEACTIVATING, STOPPING, DEPROVISIONING and STOPPED each at its time, as the agent
 * would have written them, whether the record is cached or read back as stored bytes. A task with a
 * served port still has every step written. Time is a manual clock. */
import {
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { TaskRecord } from './model';
import { steppedPlanes } from './testing';

const STEP = 100;
const startPlane = steppedPlanes(STEP);

async function start() {
  const t = await startPlane();
  // Every status the store is given for a task, in order.
  const written: string[] = [];
  const putShared = t.col.tasks.putShared.bind(t.col.tasks);
  t.col.tasks.putShared = (id, doc) => {
    written.push(doc.task.lastStatus);
    putShared(id, doc);
  };
  return { ...t, written };
}

type Started = Awaited<ReturnType<typeof start>>;

async function runningTask(t: Started, portMappings: { containerPort: number; hostPort: number }[]) {
  await t.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'q',
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, essential: true, portMappings }],
    }),
  );
  const run = await t.ecs.send(new RunTaskCommand({ cluster: 'q', taskDefinition: 'q' }));
  const arn = run.tasks?.[0]?.taskArn ?? '';
  for (let i = 0; i < 5; i++) await t.settle(STEP);
  return arn;
}

const describe1 = async (t: Started, arn: string): Promise<Task> =>
  (await t.ecs.send(new DescribeTasksCommand({ cluster: 'q', tasks: [arn] }))).tasks?.[0] ?? {};

/** What DescribeTasks shows that the lifecycle changes: task and container status, timestamps, version. */
const shown = (task: Task) => ({
  lastStatus: task.lastStatus,
  version: task.version,
  stoppingAt: task.stoppingAt?.getTime(),
  executionStoppedAt: task.executionStoppedAt?.getTime(),
  stoppedAt: task.stoppedAt?.getTime(),
  containers: task.containers?.map((c) => ({ lastStatus: c.lastStatus, exitCode: c.exitCode })),
});

describe('a quiet stop', () => {
  it('is written at DEACTIVATING (by StopTask) and STOPPED, and described at every step on time', async () => {
    const t = await start();
    const arn = await runningTask(t, []);
    expect((await describe1(t, arn)).lastStatus).toBe('RUNNING');
    t.written.length = 0;
    // StopTask's transaction, and no batch of the agent's at once: StopTask's hint says the task's
    // next write is STOPPED, steps later (issue 14).
    let transactions = 0;
    const tx = t.plane.deps.db.tx.bind(t.plane.deps.db);
    t.plane.deps.db.tx = ((fn: () => unknown) => {
      transactions++;
      return tx(fn);
    }) as typeof tx;
    const stop = await t.ecs.send(new StopTaskCommand({ cluster: 'q', task: arn, reason: 'done' }));
    expect(stop.task).toMatchObject({
      lastStatus: 'RUNNING',
      desiredStatus: 'STOPPED',
      stoppedReason: 'done',
    });
    const t0 = t.clock.now();
    await t.settle(0);
    expect(transactions).toBe(1);
    t.plane.deps.db.tx = tx;
    const deactivating = shown(await describe1(t, arn));
    expect(deactivating).toMatchObject({
      lastStatus: 'DEACTIVATING',
      containers: [{ lastStatus: 'RUNNING' }],
    });

    await t.settle(STEP);
    const stopping = shown(await describe1(t, arn));
    expect(stopping).toMatchObject({
      lastStatus: 'STOPPING',
      version: (deactivating.version ?? 0) + 1,
      stoppingAt: deactivating.stoppingAt,
      containers: [{ lastStatus: 'RUNNING' }],
    });

    await t.settle(STEP);
    const deprovisioning = shown(await describe1(t, arn));
    expect(deprovisioning).toMatchObject({
      lastStatus: 'DEPROVISIONING',
      version: (deactivating.version ?? 0) + 2,
      executionStoppedAt: t0 + 2 * STEP,
      containers: [{ lastStatus: 'STOPPED', exitCode: 0 }],
    });
    // Read back as stored bytes (a rolled-back transaction empties the cache): the same answer.
    expect(() =>
      t.plane.deps.db.tx(() => {
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(shown(await describe1(t, arn))).toEqual(deprovisioning);
    expect((await describe1(t, arn)).stoppedReason).toBe('done');

    await t.settle(STEP);
    const stopped = shown(await describe1(t, arn));
    expect(stopped).toMatchObject({
      lastStatus: 'STOPPED',
      version: (deactivating.version ?? 0) + 3,
      executionStoppedAt: t0 + 2 * STEP,
      stoppedAt: t0 + 3 * STEP,
      containers: [{ lastStatus: 'STOPPED', exitCode: 0 }],
    });
    // StopTask's own write (desired STOPPED, and the agent's first step, DEACTIVATING), then STOPPED.
    expect(t.written).toEqual(['DEACTIVATING', 'STOPPED']);
    const rec = t.col.tasks.get(arn) as TaskRecord;
    expect(rec.unwritten).toBeUndefined();
    expect(rec.history.slice(-4)).toEqual([
      { status: 'DEACTIVATING', at: t0 / 1000 },
      { status: 'STOPPING', at: (t0 + STEP) / 1000 },
      { status: 'DEPROVISIONING', at: (t0 + 2 * STEP) / 1000 },
      { status: 'STOPPED', at: (t0 + 3 * STEP) / 1000 },
    ]);
    // StopTask again: the task as it is.
    const again = await t.ecs.send(new StopTaskCommand({ cluster: 'q', task: arn }));
    expect(again.task?.lastStatus).toBe('STOPPED');
  });

  it('StopTask again while stopping answers the step shown now', async () => {
    const t = await start();
    const arn = await runningTask(t, []);
    await t.ecs.send(new StopTaskCommand({ cluster: 'q', task: arn }));
    await t.settle(0);
    await t.settle(STEP * 2);
    const again = await t.ecs.send(new StopTaskCommand({ cluster: 'q', task: arn }));
    expect(again.task?.lastStatus).toBe('DEPROVISIONING');
  });

  it('is not taken by a task with a served port: every step is written', async () => {
    const t = await start();
    const arn = await runningTask(t, [{ containerPort: 80, hostPort: 0 }]);
    t.written.length = 0;
    await t.ecs.send(new StopTaskCommand({ cluster: 'q', task: arn }));
    for (let i = 0; i < 4; i++) await t.settle(i === 0 ? 0 : STEP);
    expect(t.written).toEqual(['RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED']);
  });
});
