import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { ecsCollections, type TaskRecord } from '../ecs/model';
import { taskKeys } from '../ecs/counts';
import { ContainerRuntime } from '../runtime/runtime';
import { Db } from '../store/db';
import type { LocalConfig } from '../deps';
import { TASK_STATUSES } from './lifecycle';
import { TaskDriver, defaultDriverOptions, type DriverOptions } from './driver';
import { instanceRecord, placeTask, resource, tcp, testDeps, waitFor } from './test-fixtures';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(
  file: string | null = null,
  options: Partial<DriverOptions> = {},
  config: Partial<LocalConfig> = {},
) {
  const db = new Db(file);
  const deps = testDeps(db, config);
  const runtime = new ContainerRuntime({ fallbackAddress: '127.0.0.1', log: deps.log });
  const driver = new TaskDriver(deps, runtime, { ...defaultDriverOptions, ...options });
  const col = ecsCollections(db);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await driver.stop();
    db.close();
  };
  cleanups.push(stop);
  return { db, deps, runtime, driver, col, stop };
}

/** Every status of a task's life, in order, as its history lists them once it is STOPPED. */
const WHOLE_LIFE = TASK_STATUSES;

const statusOf = (col: ReturnType<typeof ecsCollections>, arn: string) => col.tasks.get(arn)?.task.lastStatus;

/** Desired STOPPED as StopTask writes it, then the hint. */
function requestStop(s: ReturnType<typeof setup>, arn: string) {
  const rec = s.col.tasks.get(arn) as TaskRecord;
  rec.task.desiredStatus = 'STOPPED';
  rec.task.stopCode = 'UserInitiated';
  rec.task.stoppedReason = 'Task stopped by user';
  s.col.tasks.put(arn, rec);
  s.deps.bus.emit('ecs.task.changed', { clusterArn: rec.task.clusterArn, taskArn: arn });
}

describe('TaskDriver', () => {
  it('walks a task to RUNNING, serves its port, then stops it and releases what it booked', async () => {
    const s = setup();
    const ci = instanceRecord(1, '127.77.1.1');
    const rec = placeTask({ instance: ci, ports: [tcp(18090)], serviceArn: 'arn:svc' });
    s.col.containerInstances.put(ci.containerInstance.containerInstanceArn, ci);
    s.col.tasks.put(rec.task.taskArn, rec);
    expect(resource(ci, 'MEMORY')?.integerValue).toBe(693);
    const dirty: string[] = [];
    s.deps.bus.on('ecs.service.dirty', (e) => dirty.push(e.serviceArn));
    await s.driver.start();
    const arn = rec.task.taskArn;

    await waitFor(() => statusOf(s.col, arn) === 'RUNNING', 3000, 'RUNNING');
    const running = s.col.tasks.get(arn) as TaskRecord;
    expect(running.history.map((h) => h.status)).toEqual([
      'PROVISIONING',
      'PENDING',
      'ACTIVATING',
      'RUNNING',
    ]);
    const t = running.task;
    for (const k of ['pullStartedAt', 'pullStoppedAt', 'connectivityAt', 'startedAt'] as const)
      expect(t[k]).toBeTypeOf('number');
    expect(t.pullStartedAt as number).toBeLessThanOrEqual(t.startedAt as number);
    expect(t.connectivity).toBe('CONNECTED');
    expect(running.nextTransitionAt).toBeUndefined();
    const c = t.containers?.[0];
    expect(c?.lastStatus).toBe('RUNNING');
    expect(c?.runtimeId).toMatch(/^[0-9a-f]{64}$/);
    expect(c?.networkBindings).toEqual([
      { bindIP: '0.0.0.0', containerPort: 80, hostPort: 18090, protocol: 'tcp' },
    ]);
    const page = await (await fetch('http://127.77.1.1:18090/')).text();
    expect(page).toContain(arn);
    expect(page).toContain(ci.containerInstance.ec2InstanceId);
    expect(dirty).toEqual(['arn:svc']);

    requestStop(s, arn);
    await waitFor(() => statusOf(s.col, arn) === 'STOPPED', 3000, 'STOPPED');
    const stopped = s.col.tasks.get(arn) as TaskRecord;
    expect(stopped.history.map((h) => h.status)).toEqual(WHOLE_LIFE);
    expect(stopped.task).toMatchObject({ stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' });
    for (const k of ['stoppingAt', 'executionStoppedAt', 'stoppedAt'] as const)
      expect(stopped.task[k]).toBeTypeOf('number');
    expect(stopped.task.containers?.[0]).toMatchObject({
      lastStatus: 'STOPPED',
      exitCode: 0,
      networkBindings: [],
    });
    const after = s.col.containerInstances.get(ci.containerInstance.containerInstanceArn);
    expect(after && resource(after, 'CPU')?.integerValue).toBe(1024);
    expect(after && resource(after, 'MEMORY')?.integerValue).toBe(993);
    expect(after && resource(after, 'PORTS')?.stringSetValue).toEqual([
      '22',
      '2375',
      '2376',
      '51678',
      '51679',
    ]);
    await expect(fetch('http://127.77.1.1:18090/')).rejects.toThrow();
    expect(dirty).toEqual(['arn:svc', 'arn:svc']);
    expect(s.runtime.socketCount).toBe(0);
  });

  it('takes a task stopped before RUNNING straight to STOPPED, without exit codes', async () => {
    // Steps of 250 ms: a poll every 10 ms catches PENDING even on a loaded machine (20 ms steps did not).
    const s = setup(null, {}, { taskStepMs: 250 });
    const ci = instanceRecord(2, '127.77.1.2');
    const rec = placeTask({ instance: ci, ports: [tcp(18091)] });
    s.col.containerInstances.put(ci.containerInstance.containerInstanceArn, ci);
    s.col.tasks.put(rec.task.taskArn, rec);
    await s.driver.start();
    await waitFor(() => statusOf(s.col, rec.task.taskArn) === 'PENDING', 3000, 'PENDING');
    requestStop(s, rec.task.taskArn);
    await waitFor(() => statusOf(s.col, rec.task.taskArn) === 'STOPPED', 3000, 'STOPPED');
    const stopped = s.col.tasks.get(rec.task.taskArn) as TaskRecord;
    expect(stopped.history.map((h) => h.status)).toEqual(['PROVISIONING', 'PENDING', 'STOPPED']);
    expect(stopped.task.containers?.[0]?.exitCode).toBeUndefined();
    const after = s.col.containerInstances.get(ci.containerInstance.containerInstanceArn);
    expect(after && resource(after, 'MEMORY')?.integerValue).toBe(993);
    expect(after && resource(after, 'PORTS')?.stringSetValue).not.toContain('18091');
  });

  it('stops every task of a terminated host at once (TerminationNotice, exit 137)', async () => {
    const s = setup();
    const ci = instanceRecord(3, '127.77.1.3');
    const a = placeTask({ instance: ci, ports: [tcp(18092)] });
    const b = placeTask({ instance: ci });
    s.col.containerInstances.put(ci.containerInstance.containerInstanceArn, ci);
    s.col.tasks.put(a.task.taskArn, a);
    s.col.tasks.put(b.task.taskArn, b);
    await s.driver.start();
    await waitFor(() => statusOf(s.col, a.task.taskArn) === 'RUNNING', 3000, 'RUNNING');
    const killed = s.driver.killTasksOnInstance(ci.containerInstance.containerInstanceArn, {
      stopCode: 'TerminationNotice',
      stoppedReason: 'Host EC2 (instance i-00000000000000003) terminated.',
      exitCode: 137,
    });
    expect(killed.sort()).toEqual([a.task.taskArn, b.task.taskArn].sort());
    const ka = s.col.tasks.get(a.task.taskArn) as TaskRecord;
    expect(ka.task).toMatchObject({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'TerminationNotice',
      stoppedReason: 'Host EC2 (instance i-00000000000000003) terminated.',
    });
    expect(ka.task.containers?.[0]?.exitCode).toBe(137);
    const after = s.col.containerInstances.get(ci.containerInstance.containerInstanceArn);
    expect(after && resource(after, 'CPU')?.integerValue).toBe(1024);
    await waitFor(() => s.runtime.socketCount === 0, 1000, 'sockets closed');
  });

  it('fails a task whose port cannot be served (TaskFailedToStart, CannotStartContainerError)', async () => {
    const db = new Db(null);
    const deps = testDeps(db, { fallbackAddress: '192.0.2.20' });
    const runtime = new ContainerRuntime({ fallbackAddress: '192.0.2.20', log: deps.log });
    const driver = new TaskDriver(deps, runtime);
    cleanups.push(async () => {
      await driver.stop();
      db.close();
    });
    const col = ecsCollections(db);
    const ci = instanceRecord(4, '192.0.2.21');
    const rec = placeTask({ instance: ci, ports: [tcp(18093)] });
    col.containerInstances.put(ci.containerInstance.containerInstanceArn, ci);
    col.tasks.put(rec.task.taskArn, rec);
    await driver.start();
    await waitFor(() => statusOf(col, rec.task.taskArn) === 'STOPPED', 3000, 'STOPPED');
    const failed = col.tasks.get(rec.task.taskArn) as TaskRecord;
    expect(failed.task.stopCode).toBe('TaskFailedToStart');
    expect(failed.task.stoppedReason).toMatch(/^CannotStartContainerError: /);
    expect(failed.task.containers?.[0]?.reason).toMatch(/^CannotStartContainerError: /);
    const after = col.containerInstances.get(ci.containerInstance.containerInstanceArn);
    expect(after && resource(after, 'MEMORY')?.integerValue).toBe(993);
  });

  it('deletes stopped tasks after the retention time', async () => {
    const s = setup(null, { stoppedTaskRetentionMs: 100 });
    const ci = instanceRecord(5, '127.77.1.5');
    const rec = placeTask({ instance: ci });
    s.col.containerInstances.put(ci.containerInstance.containerInstanceArn, ci);
    s.col.tasks.put(rec.task.taskArn, rec);
    await s.driver.start();
    requestStop(s, rec.task.taskArn);
    await waitFor(() => statusOf(s.col, rec.task.taskArn) === 'STOPPED', 3000, 'STOPPED');
    await waitFor(() => !s.col.tasks.has(rec.task.taskArn), 3000, 'deletion');
  });

  it('recovers after a restart with the same state file: walks resume, RUNNING ports reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'state.sqlite');
    const first = setup(file);
    const ci = instanceRecord(6, '127.77.1.6', 4096, 4000);
    const early = placeTask({ instance: ci, ports: [tcp(18094)] });
    first.col.containerInstances.put(ci.containerInstance.containerInstanceArn, ci);
    first.col.tasks.put(early.task.taskArn, early);
    await first.driver.start();
    await waitFor(() => statusOf(first.col, early.task.taskArn) === 'RUNNING', 3000, 'RUNNING');
    // Two more tasks, caught mid-walk by the "crash".
    const inst = first.col.containerInstances.get(ci.containerInstance.containerInstanceArn);
    if (!inst) throw new Error('instance missing');
    const late = placeTask({ instance: inst, ports: [tcp(18095)] });
    const stopping = placeTask({ instance: inst });
    first.col.containerInstances.put(ci.containerInstance.containerInstanceArn, inst);
    first.col.tasks.put(late.task.taskArn, late);
    first.col.tasks.put(stopping.task.taskArn, stopping);
    first.deps.bus.emit('ecs.task.changed', { clusterArn: late.task.clusterArn, taskArn: late.task.taskArn });
    first.deps.bus.emit('ecs.task.changed', {
      clusterArn: late.task.clusterArn,
      taskArn: stopping.task.taskArn,
    });
    await waitFor(() => statusOf(first.col, late.task.taskArn) === 'PENDING', 3000, 'PENDING');
    requestStop(first, stopping.task.taskArn);
    await first.stop();
    await expect(fetch('http://127.77.1.6:18094/')).rejects.toThrow();

    const second = setup(file);
    await second.driver.start();
    const health = await fetch('http://127.77.1.6:18094/health');
    expect(health.status).toBe(200);
    await waitFor(() => statusOf(second.col, late.task.taskArn) === 'RUNNING', 3000, 'late RUNNING');
    await waitFor(() => statusOf(second.col, stopping.task.taskArn) === 'STOPPED', 3000, 'stopping STOPPED');
    expect((await fetch('http://127.77.1.6:18095/health')).status).toBe(200);
    const lateRec = second.col.tasks.get(late.task.taskArn) as TaskRecord;
    expect(lateRec.history.map((h) => h.status)).toEqual([
      'PROVISIONING',
      'PENDING',
      'ACTIVATING',
      'RUNNING',
    ]);
    const after = second.col.containerInstances.get(ci.containerInstance.containerInstanceArn);
    // Two tasks still hold their booking; the stopped one gave its share back exactly once.
    expect(after && resource(after, 'CPU')?.integerValue).toBe(4096 - 20);
    expect(after && resource(after, 'MEMORY')?.integerValue).toBe(4000 - 600);
    expect(after && resource(after, 'PORTS')?.stringSetValue).toEqual(
      expect.arrayContaining(['18094', '18095']),
    );
  });

  it('drives 2,000 tasks on 200 instances to RUNNING through one queue (speed: bench/agent.ts)', async () => {
    const s = setup();
    const instances = Array.from({ length: 200 }, (_, i) =>
      instanceRecord(i, `127.77.${2 + (i >> 8)}.${(i & 255) + 1}`, 20480, 40000),
    );
    const arns: string[] = [];
    s.db.tx(() => {
      for (const ci of instances) {
        for (let k = 0; k < 10; k++) {
          const rec = placeTask({ instance: ci });
          s.col.tasks.put(rec.task.taskArn, rec);
          arns.push(rec.task.taskArn);
        }
        s.col.containerInstances.put(ci.containerInstance.containerInstanceArn, ci);
      }
    });
    await s.driver.start();
    await waitFor(
      () =>
        s.col.tasks.countByKey(taskKeys.cluster(instances[0]?.clusterArn ?? '', 'RUNNING')) === 2000 &&
        s.driver.pending === 0,
      60_000,
      'all RUNNING',
    );
    const statuses = new Set(arns.map((a) => statusOf(s.col, a)));
    expect(statuses).toEqual(new Set(['RUNNING']));
    // Each walked PROVISIONING -> PENDING -> ACTIVATING -> RUNNING, one step at a time.
    const history = s.col.tasks.get(arns[1234]!)!.history.map((h) => h.status);
    expect(history).toEqual(['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING']);
    expect(s.deps.logs.filter((l) => l.includes('failed'))).toEqual([]);
  }, 90_000);
});

describe('TaskDriver behind schedule', () => {
  it('takes the steps that came due together in one write, with the history as if each was on time', async () => {
    const clock = new ManualClock();
    const db = new Db(null);
    const deps = { ...testDeps(db, { taskStepMs: 100 }), clock };
    const runtime = new ContainerRuntime({ fallbackAddress: '127.0.0.1', log: deps.log });
    const driver = new TaskDriver(deps, runtime, defaultDriverOptions);
    cleanups.push(async () => {
      await driver.stop();
      db.close();
    });
    const col = ecsCollections(db);
    const ci = instanceRecord(1, '127.77.1.9');
    const rec = placeTask({ instance: ci });
    const arn = rec.task.taskArn;
    col.containerInstances.put(ci.containerInstance.containerInstanceArn, ci);
    col.tasks.put(arn, { ...rec, nextTransitionAt: clock.now(), history: [] });
    const written: string[] = [];
    const putShared = col.tasks.putShared.bind(col.tasks);
    col.tasks.putShared = (id, doc) => {
      written.push(doc.task.lastStatus);
      putShared(id, doc);
    };
    const t0 = clock.now();
    await driver.start();
    await driver.idle();
    expect(written).toEqual(['PENDING']);
    // Three steps' time at once: ACTIVATING (due at t0 + 100) and RUNNING (t0 + 200) in one write.
    clock.advance(300);
    await driver.idle();
    expect(written).toEqual(['PENDING', 'RUNNING']);
    const running = col.tasks.get(arn) as TaskRecord;
    expect(running.history.map((h) => [h.status, h.at])).toEqual([
      ['PROVISIONING', rec.task.createdAt],
      ['PENDING', t0 / 1000],
      ['ACTIVATING', (t0 + 100) / 1000],
      ['RUNNING', (t0 + 300) / 1000],
    ]);
    expect(running.task.pullStoppedAt).toBe((t0 + 100) / 1000);
    expect(running.task.startedAt).toBe((t0 + 300) / 1000);

    // Stopping, on time then behind: DEACTIVATING written, then (a quiet stop: no interface, no
    // ports, simulated) STOPPING and DEPROVISIONING applied in memory and written with STOPPED.
    col.tasks.put(arn, {
      ...running,
      task: { ...running.task, desiredStatus: 'STOPPED' },
      nextTransitionAt: clock.now(),
    });
    deps.bus.emit('ecs.task.changed', { clusterArn: running.task.clusterArn, taskArn: arn });
    await driver.idle();
    clock.advance(200);
    await driver.idle();
    clock.advance(100);
    await driver.idle();
    expect(written.slice(2)).toEqual(['DEACTIVATING', 'STOPPED']);
    expect((col.tasks.get(arn) as TaskRecord).history.map((h) => h.status)).toEqual(WHOLE_LIFE);
  });

  it('a quiet stop cut short (host terminated) or resumed after a restart keeps the steps it showed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quiet-stop-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'state.db');
    const clock = new ManualClock();
    const open = () => {
      const db = new Db(file);
      const deps = { ...testDeps(db, { taskStepMs: 100 }), clock };
      const runtime = new ContainerRuntime({ fallbackAddress: '127.0.0.1', log: deps.log });
      const driver = new TaskDriver(deps, runtime, defaultDriverOptions);
      const stop = async () => {
        await driver.stop();
        db.close();
      };
      cleanups.push(stop);
      return { db, deps, driver, col: ecsCollections(db), stop };
    };
    let s = open();
    const ci = instanceRecord(1, '127.77.1.10');
    const [cut, resumed] = [placeTask({ instance: ci }), placeTask({ instance: ci })];
    s.col.containerInstances.put(ci.containerInstance.containerInstanceArn, ci);
    for (const rec of [cut, resumed])
      s.col.tasks.put(rec.task.taskArn, { ...rec, nextTransitionAt: clock.now() });
    await s.driver.start();
    for (let i = 0; i < 4; i++) {
      clock.advance(100);
      await s.driver.idle();
    }
    for (const rec of [cut, resumed]) {
      const running = s.col.tasks.get(rec.task.taskArn) as TaskRecord;
      expect(running.task.lastStatus).toBe('RUNNING');
      s.col.tasks.put(rec.task.taskArn, {
        ...running,
        task: { ...running.task, desiredStatus: 'STOPPED' },
        nextTransitionAt: clock.now(),
      });
      s.deps.bus.emit('ecs.task.changed', { clusterArn: rec.task.clusterArn, taskArn: rec.task.taskArn });
    }
    await s.driver.idle();
    const t0 = clock.now();
    expect(s.col.tasks.get(cut.task.taskArn)?.unwritten).toEqual([
      { status: 'STOPPING', at: t0 + 100 },
      { status: 'DEPROVISIONING', at: t0 + 200 },
    ]);
    clock.advance(150);
    await s.driver.idle();
    // The host goes while `cut` shows STOPPING (not written): its history keeps it.
    s.driver.killTasksOnInstance(ci.containerInstance.containerInstanceArn, {
      stopCode: 'TerminationNotice',
      stoppedReason: 'Host EC2 (instance i-00000000000000001) terminated.',
      exitCode: 137,
    });
    const killed = s.col.tasks.get(cut.task.taskArn) as TaskRecord;
    expect(killed.unwritten).toBeUndefined();
    expect(killed.history.slice(-3)).toEqual([
      { status: 'DEACTIVATING', at: t0 / 1000 },
      { status: 'STOPPING', at: (t0 + 100) / 1000 },
      { status: 'STOPPED', at: (t0 + 150) / 1000 },
    ]);

    // `resumed` is stopped too (same host); a third task, stopped quietly, is resumed after a restart.
    const third = placeTask({ instance: ci });
    s.col.tasks.put(third.task.taskArn, { ...third, nextTransitionAt: clock.now() });
    s.deps.bus.emit('ecs.task.changed', { clusterArn: third.task.clusterArn, taskArn: third.task.taskArn });
    for (let i = 0; i < 4; i++) {
      clock.advance(100);
      await s.driver.idle();
    }
    const running = s.col.tasks.get(third.task.taskArn) as TaskRecord;
    s.col.tasks.put(third.task.taskArn, {
      ...running,
      task: { ...running.task, desiredStatus: 'STOPPED' },
      nextTransitionAt: clock.now(),
    });
    s.deps.bus.emit('ecs.task.changed', { clusterArn: third.task.clusterArn, taskArn: third.task.taskArn });
    await s.driver.idle();
    const t1 = clock.now();
    expect(s.col.tasks.get(third.task.taskArn)?.task.lastStatus).toBe('DEACTIVATING');
    await s.stop();
    s = open();
    await s.driver.start();
    clock.advance(250);
    await s.driver.idle();
    expect(s.col.tasks.get(third.task.taskArn)?.task.lastStatus).toBe('DEACTIVATING');
    clock.advance(50);
    await s.driver.idle();
    const stopped = s.col.tasks.get(third.task.taskArn) as TaskRecord;
    expect(stopped.history.slice(-4)).toEqual([
      { status: 'DEACTIVATING', at: t1 / 1000 },
      { status: 'STOPPING', at: (t1 + 100) / 1000 },
      { status: 'DEPROVISIONING', at: (t1 + 200) / 1000 },
      { status: 'STOPPED', at: (t1 + 300) / 1000 },
    ]);
  });
});
