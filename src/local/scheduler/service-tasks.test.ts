import { afterEach, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../ecs/model';
import { failedTask } from './reconcile';
import { Harness } from './harness';
import { reconcileTask } from './service-input';
import { liveServiceTasks, reconciledServiceTasks, sameValue } from './service-tasks';
import { ServiceScheduler } from './worker';

let h: Harness | undefined;
let worker: ServiceScheduler | undefined;
afterEach(async () => {
  await worker?.stop();
  h?.close();
  h = undefined;
  worker = undefined;
});

describe('sameValue', () => {
  it('compares structure, not references or key order; undefined members are absent', () => {
    const shared = { a: [1, 2, { b: 'x' }] };
    expect(sameValue({ x: shared, y: 1 }, { y: 1, x: shared })).toBe(true);
    expect(sameValue({ a: [1, 2, { b: 'x' }] }, shared)).toBe(true);
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameValue({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameValue({ a: [1] }, { a: { 0: 1 } })).toBe(false);
    expect(sameValue({ a: { b: 'x' } }, { a: { b: 'y' } })).toBe(false);
    expect(sameValue([1, 2], [1, 2, 3])).toBe(false);
    expect(sameValue(0, '0')).toBe(false);
  });

  it('takes values deeper than any record as different (no unbounded recursion)', () => {
    const deep = (n: number): unknown => (n === 0 ? 1 : { d: deep(n - 1) });
    expect(sameValue(deep(10), deep(10))).toBe(true);
    expect(sameValue(deep(100), deep(100))).toBe(false);
  });
});

describe("a service pass's reads", () => {
  it('are the live tasks and the failed ones: never the stopped ones that are no failure', async () => {
    h = new Harness();
    const hh = h;
    worker = new ServiceScheduler(hh.deps);
    hh.addInstance({ cpu: 4096, memory: 4096 });
    const td = hh.taskDefinition('web', [{ memory: 100 }]);
    const arn = hh.addService({ name: 's', taskDefinition: td, desiredCount: 6 }).service.serviceArn;
    await worker.process(arn);
    const [a, b, c] = hh.liveTasks(arn) as [TaskRecord, TaskRecord, TaskRecord];
    hh.settle((t) => t.task.taskArn !== c.task.taskArn);
    // a: stopped by a user (no failure); b: its essential container exited; c: stopped before RUNNING.
    hh.db.tx(() => {
      const stop = (t: TaskRecord, stopCode: NonNullable<TaskRecord['task']['stopCode']>) => {
        const now = hh.col.tasks.get(t.task.taskArn) as TaskRecord;
        hh.col.tasks.put(t.task.taskArn, { ...now, task: { ...now.task, stopCode } });
        hh.setLastStatus(now, 'STOPPED');
      };
      stop(a, 'UserInitiated');
      stop(b, 'EssentialContainerExited');
      stop(c, 'TaskFailedToStart');
    });
    const all = hh.col.tasks.all().filter((t) => t.serviceArn === arn);
    const wanted = all.filter((t) => t.task.lastStatus !== 'STOPPED' || failedTask(reconcileTask(t, 'GONE')));
    const read = reconciledServiceTasks(hh.col, arn);
    expect(read.map((t) => t.task.taskArn)).toEqual(wanted.map((t) => t.task.taskArn));
    expect(read.map((t) => t.task.taskArn)).not.toContain(a.task.taskArn);
    expect(read.map((t) => t.task.taskArn)).toEqual(expect.arrayContaining([b.task.taskArn, c.task.taskArn]));
    expect(liveServiceTasks(hh.col, arn).every((t) => t.task.lastStatus !== 'STOPPED')).toBe(true);
    expect(liveServiceTasks(hh.col, arn)).toHaveLength(3);
  });

  it('a pass that changes nothing writes nothing', async () => {
    h = new Harness();
    const hh = h;
    worker = new ServiceScheduler(hh.deps);
    hh.addInstance();
    const td = hh.taskDefinition('web', [{ memory: 100 }]);
    const arn = hh.addService({ name: 's', taskDefinition: td, desiredCount: 2 }).service.serviceArn;
    for (let i = 0; i < 6; i++) {
      await worker.process(arn);
      hh.settle();
      hh.nowMs += 1000;
    }
    expect(hh.service(arn).service.deployments[0]?.rolloutState).toBe('COMPLETED');
    const version = hh.col.services.version;
    await worker.process(arn);
    expect(hh.col.services.version).toBe(version);
    // A change the pass must record (a task gone) is written.
    hh.db.tx(() => hh.setLastStatus(hh.liveTasks(arn)[0] as TaskRecord, 'STOPPED'));
    await worker.process(arn);
    expect(hh.col.services.version).not.toBe(version);
  });
});
