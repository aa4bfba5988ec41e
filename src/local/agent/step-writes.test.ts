/**
 * What the agent's steps write (issue 14), over HTTP with a manual clock. The records are laid out as
 * the store writes them: at every step of a tagged task (the agent's PENDING, ACTIVATING and RUNNING,
 * StopTask's quiet DEACTIVATING, the agent's STOPPED) the cached record serialises to exactly the text
 * stored for it (task-json.ts: the task first, its tags last), so the store's write makes no laid
 * copy of the task; and what DescribeTasks shows is the same from the cache and from the stored bytes.
 * Tasks of one instance that stop in one batch give their resources back in one write of the instance.
 */
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Resource,
  type Task,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../ecs/model';
import { steppedPlanes } from '../ecs/testing';
import { TASK_STATUSES } from './lifecycle';

const STEP = 100;
const start = steppedPlanes(STEP);

describe('a tagged task through its lifecycle', () => {
  it('is cached at every step as the text stored for it, and described alike from cache and store', async () => {
    const t = await start();
    await t.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'q',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, essential: true }],
      }),
    );
    const run = await t.ecs.send(
      new RunTaskCommand({
        cluster: 'q',
        taskDefinition: 'q',
        tags: [{ key: 'team', value: 'a' }],
        startedBy: 'layout',
      }),
    );
    const arn = run.tasks?.[0]?.taskArn ?? '';
    const describe1 = async (): Promise<Task> =>
      (await t.ecs.send(new DescribeTasksCommand({ cluster: 'q', tasks: [arn], include: ['TAGS'] })))
        .tasks?.[0] ?? {};
    const seen: string[] = [];
    const check = async () => {
      const rec = t.col.tasks.peek(arn) as TaskRecord;
      seen.push(rec.task.lastStatus);
      expect(Object.keys(rec.task).at(-1)).toBe('tags');
      expect(JSON.stringify(rec)).toBe(t.col.tasks.writtenText(arn, rec));
      const cached = await describe1();
      // A rolled-back transaction empties the cache: the next read is of the stored bytes.
      expect(() =>
        t.plane.deps.db.tx(() => {
          throw new Error('roll back');
        }),
      ).toThrow('roll back');
      expect(await describe1()).toEqual(cached);
      expect(cached.tags).toEqual([{ key: 'team', value: 'a' }]);
    };
    await t.settle(0);
    await check();
    await t.settle(STEP);
    await check();
    await t.settle(STEP);
    await check();
    await t.ecs.send(new StopTaskCommand({ cluster: 'q', task: arn }));
    await t.settle(0);
    await check();
    await t.settle(3 * STEP);
    await check();
    expect(seen).toEqual(['PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPED']);
    expect((t.col.tasks.peek(arn) as TaskRecord).history.map((h) => h.status)).toEqual(TASK_STATUSES);
  });
});

/** Three tasks RUNNING on the one instance, each booking 16 CPU units and 64 MiB; the instance as described. */
async function threeOnOneInstance() {
  const t = await start();
  await t.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'q',
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, cpu: 16, essential: true }],
    }),
  );
  const instance = async () => {
    const arns = (await t.ecs.send(new ListContainerInstancesCommand({ cluster: 'q' })))
      .containerInstanceArns;
    const ci = (
      await t.ecs.send(new DescribeContainerInstancesCommand({ cluster: 'q', containerInstances: arns }))
    ).containerInstances?.[0];
    const value = (list: Resource[] | undefined, name: string) =>
      list?.find((r) => r.name === name)?.integerValue;
    return {
      arn: ci?.containerInstanceArn ?? '',
      remaining: [value(ci?.remainingResources, 'CPU'), value(ci?.remainingResources, 'MEMORY')],
      registered: [value(ci?.registeredResources, 'CPU'), value(ci?.registeredResources, 'MEMORY')],
    };
  };
  const run = await t.ecs.send(new RunTaskCommand({ cluster: 'q', taskDefinition: 'q', count: 3 }));
  const arns = (run.tasks ?? []).map((task) => task.taskArn ?? '');
  expect(arns).toHaveLength(3);
  await t.settle(0);
  await t.settle(STEP);
  await t.settle(STEP);
  const booked = await instance();
  expect(booked.remaining).toEqual([(booked.registered[0] ?? 0) - 48, (booked.registered[1] ?? 0) - 192]);
  return { t, arns, booked, instance };
}

describe('tasks of one instance stopping together', () => {
  it('give their resources back in one write of the instance, all of them', async () => {
    const { t, arns, booked, instance } = await threeOnOneInstance();
    for (const arn of arns) await t.ecs.send(new StopTaskCommand({ cluster: 'q', task: arn }));
    await t.settle(0);
    // The quiet stops' STOPPED steps come due together: one batch, one write of the instance.
    const writes: string[] = [];
    const putShared = t.col.containerInstances.putShared.bind(t.col.containerInstances);
    t.col.containerInstances.putShared = (id, doc) => {
      writes.push(id);
      putShared(id, doc);
    };
    await t.settle(3 * STEP);
    const states = await t.ecs.send(new DescribeTasksCommand({ cluster: 'q', tasks: arns }));
    expect((states.tasks ?? []).map((task) => task.lastStatus)).toEqual(['STOPPED', 'STOPPED', 'STOPPED']);
    expect(writes).toEqual([booked.arn]);
    expect((await instance()).remaining).toEqual(booked.registered);
    // And so after a restart of the cache: the stored instance has them all back.
    expect(() =>
      t.plane.deps.db.tx(() => {
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect((await instance()).remaining).toEqual(booked.registered);
  });

  it('keep the booking of a task whose STOPPED write failed, and give it back when its step is retried', async () => {
    const { t, arns, booked, instance } = await threeOnOneInstance();
    for (const arn of arns) await t.ecs.send(new StopTaskCommand({ cluster: 'q', task: arn }));
    await t.settle(0);
    // The first task's STOPPED write fails once: that task's step is retried alone, and the batch's
    // one write of the instance gives back only the other two bookings.
    const putShared = t.col.tasks.putShared.bind(t.col.tasks);
    let failed = false;
    t.col.tasks.putShared = (id, doc) => {
      if (!failed && id === arns[0] && doc.task.lastStatus === 'STOPPED') {
        failed = true;
        throw new Error('disk full');
      }
      putShared(id, doc);
    };
    await t.settle(3 * STEP);
    expect(failed).toBe(true);
    expect(t.col.tasks.peek(arns[0] ?? '')?.task.lastStatus).not.toBe('STOPPED');
    expect((await instance()).remaining).toEqual([
      (booked.registered[0] ?? 0) - 16,
      (booked.registered[1] ?? 0) - 64,
    ]);
    for (let i = 0; i < 10 && t.col.tasks.peek(arns[0] ?? '')?.task.lastStatus !== 'STOPPED'; i++)
      await t.settle(STEP);
    expect(t.col.tasks.peek(arns[0] ?? '')?.task.lastStatus).toBe('STOPPED');
    expect((await instance()).remaining).toEqual(booked.registered);
  });
});
