/**
 * RunTask's and StopTask's answers as they leave the endpoint, raw over HTTP: each task is what
 * `JSON.stringify` writes of the task as stored at that moment (StopTask, without its tags) or as
 * created (RunTask, with its tags: stored PENDING, a step on), however the body was put together (tasks.ts answers from the text the store write
 * made, json-body.ts splices it in).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecsCollections } from './model';
import { rawEcsCall, startSteppedPlane } from './testing';

type Stepped = Awaited<ReturnType<typeof startSteppedPlane>>;
let p: Stepped;

beforeAll(async () => {
  p = await startSteppedPlane(1000);
});
afterAll(async () => {
  await p?.stop();
});

/** One awsJson call over HTTP: the status and the body as text, not read by an SDK. */
const call = (action: string, input: unknown) => rawEcsCall(p.plane.deps.config.endpoint!, action, input);

describe('task answers on the wire', () => {
  /** The task as stored right after each RunTask and StopTask, before the agent's next step. */
  const storedAfter = new Map<string, unknown>();

  beforeAll(async () => {
    const td = {
      family: 'wire',
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 32 }],
    };
    expect((await call('RegisterTaskDefinition', td)).status).toBe(200);
    const col = ecsCollections(p.plane.deps.db);
    const actions = p.plane.endpoint.service('ecs')!.actions;
    for (const action of ['RunTask', 'StopTask']) {
      const handler = actions[action]!;
      actions[action] = async (input, ctx) => {
        const out = await handler(input, ctx);
        const { task, tasks } = JSON.parse(JSON.stringify(out)) as {
          task?: { taskArn: string };
          tasks?: { taskArn: string }[];
        };
        for (const t of tasks ?? [task!])
          storedAfter.set(t.taskArn, JSON.parse(JSON.stringify(col.tasks.peek(t.taskArn)!.task)));
        return out;
      };
    }
  });

  for (const tags of [[], [{ key: 'team', value: 'wé b' }]]) {
    it(`RunTask answers each task as stored, with its tags (${tags.length} tags); StopTask without them`, async () => {
      const run = await call('RunTask', { cluster: 'q', taskDefinition: 'wire', count: 3, tags });
      expect(run.status).toBe(200);
      const out = JSON.parse(run.text) as { tasks: { taskArn: string }[]; failures: unknown[] };
      expect(out.tasks).toHaveLength(3);
      const answered: string[] = [];
      for (const task of out.tasks) {
        // Stored a step on (launch.ts `launchedPending`), answered as created: PROVISIONING.
        const stored = storedAfter.get(task.taskArn) as Record<string, unknown>;
        expect(stored).toMatchObject({ lastStatus: 'PENDING', version: 2, connectivity: 'CONNECTED' });
        const { pullStartedAt: _p, connectivity: _c, connectivityAt: _a, ...created } = stored;
        expect(task).toEqual({ ...created, lastStatus: 'PROVISIONING', version: 1 });
        expect(task).toHaveProperty('tags', tags);
        // Byte for byte: the created task's members in their order (the stored task's, tags last).
        answered.push(JSON.stringify({ ...created, lastStatus: 'PROVISIONING', version: 1 }));
      }
      expect(run.text).toBe(`{"tasks":[${answered.join(',')}],"failures":[]}`);
      // Not yet RUNNING: the stop is stored as it is answered.
      const arn = out.tasks[0]!.taskArn;
      const stop = await call('StopTask', { cluster: 'q', task: arn, reason: 'wire' });
      expect(stop.status).toBe(200);
      const { tags: _tags, ...untagged } = storedAfter.get(arn) as { tags?: unknown };
      expect(JSON.parse(stop.text)).toEqual({ task: untagged });
      expect(untagged).toMatchObject({ desiredStatus: 'STOPPED', stoppedReason: 'wire' });
      expect(stop.text).not.toContain('"tags"');
    });
  }

  it('StopTask of a RUNNING task (a quiet stop, stored DEACTIVATING) answers the task as JSON.stringify writes it', async () => {
    const col = ecsCollections(p.plane.deps.db);
    for (const reason of [undefined, 'a "quoted" reason, é']) {
      const tags = [{ key: 'k', value: 'v' }];
      const run = await call('RunTask', { cluster: 'q', taskDefinition: 'wire', tags });
      const arn = (JSON.parse(run.text) as { tasks: { taskArn: string }[] }).tasks[0]!.taskArn;
      for (let i = 0; i < 10 && col.tasks.peek(arn)!.task.lastStatus !== 'RUNNING'; i++) await p.settle(1000);
      const before = col.tasks.peek(arn)!.task;
      expect(before.lastStatus).toBe('RUNNING');
      const stop = await call('StopTask', { cluster: 'q', task: arn, ...(reason ? { reason } : {}) });
      expect(stop.status).toBe(200);
      expect(col.tasks.peek(arn)!.task.lastStatus).toBe('DEACTIVATING');
      const answer = JSON.parse(stop.text) as { task: { stoppingAt: number } };
      const { tags: _tags, ...untagged } = before;
      const expected = {
        ...untagged,
        desiredStatus: 'STOPPED',
        stopCode: 'UserInitiated',
        stoppedReason: reason ?? 'Task stopped by user',
        stoppingAt: answer.task.stoppingAt,
        version: before.version! + 1,
      };
      expect(typeof answer.task.stoppingAt).toBe('number');
      expect(stop.text).toBe(JSON.stringify({ task: expected }));
    }
  });
});

describe('RegisterContainerInstance on the wire', () => {
  it('answers the instance as stored (counts in their places, no tags), byte for byte', async () => {
    const col = ecsCollections(p.plane.deps.db);
    for (const tags of [[], [{ key: 'k', value: 'wé b' }]]) {
      const identity = {
        instanceId: `i-0abc1230${tags.length}`,
        instanceType: 'm5.large',
        availabilityZone: 'us-east-1a',
      };
      const input = {
        cluster: 'q',
        instanceIdentityDocument: JSON.stringify(identity),
        attributes: [{ name: 'custom', value: 'x' }],
        tags,
      };
      // Registered, then registered again by the same EC2 instance (the record of an existing one).
      for (let round = 0; round < 2; round++) {
        const out = await call('RegisterContainerInstance', input);
        expect(out.status).toBe(200);
        const arn = (JSON.parse(out.text) as { containerInstance: { containerInstanceArn: string } })
          .containerInstance.containerInstanceArn;
        const { tags: _tags, ...stored } = col.containerInstances.get(arn)!.containerInstance;
        expect(out.text).toBe(
          JSON.stringify({ containerInstance: { ...stored, runningTasksCount: 0, pendingTasksCount: 0 } }),
        );
      }
    }
  });
});
