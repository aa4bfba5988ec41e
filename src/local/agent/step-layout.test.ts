/**
 * The records the agent writes are laid out as the store writes them (issue 14): over HTTP with a
 * manual clock, at every step of a tagged task (the agent's PENDING, ACTIVATING and RUNNING,
 * StopTask's quiet DEACTIVATING, the agent's STOPPED) the cached record serialises to exactly the text
 * stored for it (task-json.ts: the task first, its tags last), so the store's write makes no laid
 * copy of the task; and what DescribeTasks shows is the same from the cache and from the stored bytes.
 */
import {
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../ecs/model';
import { steppedPlanes } from '../ecs/testing';

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
    expect((t.col.tasks.peek(arn) as TaskRecord).history.map((h) => h.status)).toEqual([
      'PROVISIONING',
      'PENDING',
      'ACTIVATING',
      'RUNNING',
      'DEACTIVATING',
      'STOPPING',
      'DEPROVISIONING',
      'STOPPED',
    ]);
  });
});
