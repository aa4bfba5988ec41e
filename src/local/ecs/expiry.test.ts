/**
 * Stopped tasks expire as ECS expires them: listed and described for an hour after STOPPED, then
 * gone (DescribeTasks answers MISSING), with the counters and lookup keys they held removed in the
 * same transaction. Time is a manual clock; the agent's work queue deletes them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { LocalControlPlane } from '../index';
import { taskKeys } from './counts';
import { ecsCollections } from './model';

let plane: LocalControlPlane | undefined;
afterEach(async () => {
  await plane?.stop();
  plane = undefined;
});

const HOUR = 3_600_000;

describe('stopped tasks expire', () => {
  it('an hour after STOPPED, not before, with their keys and counters', async () => {
    const clock = new ManualClock({ start: 1_700_000_000_000 });
    plane = new LocalControlPlane({ statePath: null, taskStepMs: 100, resyncMs: 60_000, clock });
    await plane.start();
    const p = plane;
    const call = <T = Record<string, unknown>>(action: string, input: unknown) =>
      p.deps.services.call<T>('ecs', action, input);
    const settle = async (ms: number) => {
      clock.advance(ms);
      await p.idle();
    };
    await call('CreateCluster', { clusterName: 'x' });
    await call('RegisterContainerInstance', {
      cluster: 'x',
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 1024 },
      ],
    });
    await call('RegisterTaskDefinition', {
      family: 'web',
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, essential: true }],
    });
    const run = await call<{ tasks: { taskArn: string }[] }>('RunTask', {
      cluster: 'x',
      taskDefinition: 'web',
      count: 2,
      startedBy: 'me',
    });
    const [gone, kept] = run.tasks.map((t) => t.taskArn) as [string, string];
    for (let i = 0; i < 10; i++) await settle(100);
    await call('StopTask', { cluster: 'x', task: gone });
    for (let i = 0; i < 10; i++) await settle(100);
    const describe = () =>
      call<{ tasks: { taskArn: string; lastStatus: string }[]; failures: { arn: string; reason: string }[] }>(
        'DescribeTasks',
        { cluster: 'x', tasks: [gone, kept] },
      );
    const stopped = await describe();
    expect(stopped.tasks.map((t) => [t.taskArn, t.lastStatus])).toEqual([
      [gone, 'STOPPED'],
      [kept, 'RUNNING'],
    ]);
    const col = ecsCollections(p.deps.db);
    const stoppedAtMs = (col.tasks.get(gone)?.task.stoppedAt ?? 0) * 1000;
    expect(stoppedAtMs).toBeGreaterThan(0);
    const listStopped = async (filter: Record<string, string> = {}) =>
      (
        await call<{ taskArns: string[] }>('ListTasks', {
          cluster: 'x',
          desiredStatus: 'STOPPED',
          ...filter,
        })
      ).taskArns;
    const stoppedKey = (filter: 'family' | 'startedBy', value: string) =>
      taskKeys.listed('arn:aws:ecs:us-east-1:000000000000:cluster/x', 'STOPPED', filter, value);

    // A minute short of the hour: still there.
    await settle(stoppedAtMs + HOUR - 60_000 - clock.now());
    expect((await describe()).tasks).toHaveLength(2);
    expect(await listStopped({ family: 'web' })).toEqual([gone]);
    expect(await listStopped({ startedBy: 'me' })).toEqual([gone]);

    // Past the hour: gone, keys and all; the running task and its counts untouched.
    await settle(61_000);
    const after = await describe();
    expect(after.tasks.map((t) => t.taskArn)).toEqual([kept]);
    expect(after.failures).toEqual([{ arn: gone, reason: 'MISSING' }]);
    expect(await listStopped()).toEqual([]);
    expect(col.tasks.has(gone)).toBe(false);
    expect(col.tasks.idsByKey(stoppedKey('family', 'web'))).toEqual([]);
    expect(col.tasks.idsByKey(stoppedKey('startedBy', 'me'))).toEqual([]);
    const cluster = await call<{ clusters: { runningTasksCount: number; pendingTasksCount: number }[] }>(
      'DescribeClusters',
      { clusters: ['x'] },
    );
    expect(cluster.clusters[0]).toMatchObject({ runningTasksCount: 1, pendingTasksCount: 0 });
  });
});
