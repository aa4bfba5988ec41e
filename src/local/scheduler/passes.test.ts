/**
 * The scheduler's passes at scale (issue 14): hints coalesce per service, API actions do not wait,
 * a steady service is passed without reading its tasks (and still sees what changed), a pass
 * places a bounded number of tasks, and task events name at most 10 tasks each. Time moves only
 * when a test moves the harness's manual clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskRecord } from '../ecs/model';
import { Harness } from './harness';
import { ServiceScheduler } from './worker';

let h: Harness;
let worker: ServiceScheduler;
afterEach(async () => {
  vi.restoreAllMocks();
  await worker?.stop();
  h?.close();
});

/** The hint gap here: the harness's lifecycle step (20 ms) is shorter than 250 ms. */
const GAP_MS = 20;

/** Moves time on and lets the scheduler act until the service is steady (the fake agent settles tasks). */
async function steady(serviceArn: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    h.settle();
    h.nowMs += 1000;
    await worker.idle();
    if (
      h.service(serviceArn).steadySince !== undefined &&
      h.service(serviceArn).service.deployments.length === 1
    )
      return;
  }
  throw new Error('the service did not reach a steady state');
}

function setup(desiredCount = 3, instances = 3): string {
  h = new Harness();
  worker = new ServiceScheduler(h.deps);
  for (let i = 0; i < instances; i++) h.addInstance({ cpu: 4096, memory: 8192 });
  const td = h.taskDefinition('web', [{ cpu: 10, memory: 32 }]);
  const arn = h.addService({ name: 'web', taskDefinition: td, desiredCount }).service.serviceArn;
  worker.start();
  return arn;
}

const hint = (serviceArn: string) =>
  h.bus.emit('ecs.service.dirty', { clusterArn: h.clusterArn, serviceArn });
const desiredRunning = (serviceArn: string) =>
  h.liveTasks(serviceArn).filter((t) => t.task.desiredStatus === 'RUNNING');

describe('service passes', () => {
  it('coalesces hints: the many hints within the gap after a pass make one pass, once the gap is over', async () => {
    const arn = setup();
    await steady(arn);
    await worker.process(arn); // a pass that has just ended, by this clock
    const before = worker.passes;
    // Hints as the agent gives them, batch after batch, and the cluster's (each of its services).
    for (let ms = 0; ms < GAP_MS; ms += 5) {
      for (let i = 0; i < 20; i++) {
        hint(arn);
        h.bus.emit('ecs.cluster.dirty', { clusterArn: h.clusterArn });
      }
      await worker.idle();
      expect(worker.passes).toBe(before);
      h.nowMs += 5;
    }
    await worker.idle();
    expect(worker.passes).toBe(before + 1);
  });

  it('a hint right after a pass waits for the gap; an API action (prompt) is acted on at once', async () => {
    const arn = setup();
    await steady(arn);
    await worker.process(arn); // a pass that has just ended, by this clock
    const before = worker.passes;
    hint(arn);
    await worker.idle();
    expect(worker.passes).toBe(before); // the clock has not moved: the gap is not over
    h.nowMs += GAP_MS;
    await worker.idle();
    expect(worker.passes).toBe(before + 1);

    // UpdateService: desiredCount 3 -> 5, with the hint services.ts gives (prompt), the clock still.
    await worker.process(arn);
    h.updateService(arn, { desiredCount: 5 });
    h.bus.emit('ecs.service.dirty', { clusterArn: h.clusterArn, serviceArn: arn, prompt: true });
    await worker.idle();
    expect(desiredRunning(arn)).toHaveLength(5);
  });

  it('a recheck waits for the hint gap: tasks becoming stable 1 ms apart make one pass, not one each', async () => {
    const arn = setup(8, 4);
    await worker.idle(); // the first pass places the 8 tasks
    const arns = desiredRunning(arn).map((t) => t.task.taskArn);
    expect(arns).toHaveLength(8);
    // RUNNING 1 ms apart, as tasks come up in a scale-up: each is stable (3 lifecycle steps of
    // 20 ms later) 1 ms after the one before, and each pass asks to look again at the next one.
    for (const taskArn of arns) {
      h.settle((t) => t.task.taskArn === taskArn);
      // Started now, with no step of its own due (the fake agent leaves the launch's next step).
      const { nextTransitionAt: _, ...t } = h.col.tasks.get(taskArn) as TaskRecord;
      h.col.tasks.put(taskArn, { ...t, task: { ...t.task, startedAt: h.nowMs / 1000 } });
      h.nowMs += 1;
    }
    await worker.process(arn);
    const before = worker.passes;
    const passesAt: number[] = [];
    for (let ms = 0; ms < 3 * 20 + 8 + 2 * GAP_MS; ms++) {
      h.nowMs += 1;
      const n = worker.passes;
      await worker.idle();
      if (worker.passes > n) passesAt.push(h.nowMs);
    }
    // Without the gap: a pass at each of the 8 stable times, 1 ms apart.
    expect(worker.passes - before).toBeLessThanOrEqual(3);
    for (let i = 1; i < passesAt.length; i++)
      expect((passesAt[i] as number) - (passesAt[i - 1] as number)).toBeGreaterThanOrEqual(GAP_MS);
    await steady(arn);
    expect(h.service(arn).service.deployments[0]).toMatchObject({
      rolloutState: 'COMPLETED',
      runningCount: 8,
    });
  });

  it('passes a steady service without reading its tasks, counted as such', async () => {
    const arn = setup(5);
    await steady(arn);
    await worker.process(arn); // the full pass that finds it steady and remembers what it relied on
    const reads = [
      vi.spyOn(h.col.tasks, 'peekByKey'),
      vi.spyOn(h.col.tasks, 'peek'),
      vi.spyOn(h.col.tasks, 'get'),
      vi.spyOn(h.col.tasks, 'find'),
    ];
    const steadyBefore = worker.steadyPasses;
    const eventsBefore = h.service(arn).service.events;
    for (let i = 0; i < 3; i++) {
      worker.enqueue(arn); // as the resync does
      await worker.idle();
    }
    expect(worker.steadyPasses - steadyBefore).toBe(3);
    for (const spy of reads) expect(spy).not.toHaveBeenCalled();
    expect(h.service(arn).service.events).toEqual(eventsBefore);
  });

  it('still replaces a task stopped by someone else, or asked to stop, after steady passes', async () => {
    const arn = setup(4);
    await steady(arn);
    await worker.process(arn);
    await worker.process(arn);
    expect(worker.steadyPasses).toBeGreaterThan(0);

    // StopTask by a user: desired STOPPED, still RUNNING (the running count does not move).
    const [asked] = desiredRunning(arn);
    h.db.tx(() => {
      const t = h.col.tasks.get(asked!.task.taskArn)!;
      h.col.tasks.put(t.task.taskArn, { ...t, task: { ...t.task, desiredStatus: 'STOPPED' } });
    });
    hint(arn);
    h.nowMs += GAP_MS;
    await worker.idle();
    expect(desiredRunning(arn)).toHaveLength(4);
    expect(desiredRunning(arn).map((t) => t.task.taskArn)).not.toContain(asked!.task.taskArn);
    await steady(arn);

    // Its container exits: STOPPED.
    await worker.process(arn);
    const [exited] = desiredRunning(arn);
    h.db.tx(() => h.setLastStatus(exited!, 'STOPPED'));
    hint(arn);
    h.nowMs += GAP_MS;
    await worker.idle();
    expect(desiredRunning(arn)).toHaveLength(4);
    expect(h.liveTasks(arn).map((t) => t.task.taskArn)).not.toContain(exited!.task.taskArn);
  });

  it('sees an instance drained under a steady service and replaces its tasks', async () => {
    const arn = setup(4, 2);
    await steady(arn);
    await worker.process(arn);
    const instance = h.liveTasks(arn)[0]!.task.containerInstanceArn!;
    const on = (t: TaskRecord) => t.task.containerInstanceArn === instance;
    const moving = h.liveTasks(arn).filter(on).length;
    expect(moving).toBeGreaterThan(0);
    h.addInstance({ cpu: 4096, memory: 8192 });
    h.setInstanceStatus(instance, 'DRAINING');
    const steadyBefore = worker.steadyPasses;
    worker.enqueue(arn);
    await worker.idle();
    // A full pass: replacements start elsewhere (within maximumPercent) before the drained tasks go.
    expect(worker.steadyPasses).toBe(steadyBefore);
    expect(desiredRunning(arn).filter((t) => !on(t))).toHaveLength(4);
    await steady(arn);
    expect(h.liveTasks(arn).filter(on)).toHaveLength(0);
    expect(desiredRunning(arn)).toHaveLength(4);
  });

  it('places at most 1,000 tasks a pass and goes on at once; each event names at most 10 tasks', async () => {
    const arn = setup(1500, 10);
    const firstPass = new Promise<number>((resolve) => {
      const original = worker.process.bind(worker);
      vi.spyOn(worker, 'process').mockImplementationOnce(async (serviceArn) => {
        await original(serviceArn);
        resolve(h.liveTasks(arn).length);
      });
    });
    await worker.idle();
    expect(await firstPass).toBe(1000);
    expect(h.liveTasks(arn)).toHaveLength(1500); // the next pass went on without the clock moving
    const started = h
      .service(arn)
      .service.events.map((e) => /has started (\d+) tasks/.exec(e.message ?? '')?.[1])
      .filter((n) => n !== undefined)
      .map(Number);
    expect(started).toHaveLength(100); // ECS keeps the newest 100 events
    expect(Math.max(...started)).toBe(10);
  });

  /** Runs `between` after each of the first `n` passes, before the next one (passes queued with `more` run on a later turn). */
  function afterPasses(n: number, between: (pass: number) => void): void {
    const original = worker.process.bind(worker);
    let pass = 0;
    vi.spyOn(worker, 'process').mockImplementation(async (serviceArn) => {
      await original(serviceArn);
      if (++pass <= n) between(pass);
    });
  }

  /** What the service's record says of its one deployment, and what its tasks say. */
  function counts(serviceArn: string) {
    const svc = h.service(serviceArn).service;
    const d = svc.deployments[0]!;
    const mine = h.liveTasks(serviceArn).filter((t) => t.task.desiredStatus === 'RUNNING');
    return {
      record: [svc.runningCount, svc.pendingCount, d.runningCount, d.pendingCount],
      tasks: [
        mine.filter((t) => t.task.lastStatus === 'RUNNING').length,
        mine.filter((t) => t.task.lastStatus !== 'RUNNING').length,
      ],
    };
  }

  it("goes on placing without reading the service's tasks while nothing else changed, with the counts and events of a full pass", async () => {
    const arn = setup(3500, 20);
    const seen: { read: number; record: (number | undefined)[]; tasks: number[] }[] = [];
    // Between passes the agent starts some of the tasks: pending -> running moves no total.
    afterPasses(4, () => {
      seen.push({ read: worker.tasksRead, ...counts(arn) });
      h.settle((t) => t.task.taskArn.endsWith('0'));
    });
    await worker.idle();
    expect(h.liveTasks(arn)).toHaveLength(3500);
    expect(worker.placingPasses).toBe(3); // 1,000 + 1,000 + 1,000 + 500
    expect(seen.map((s) => s.read)).toEqual([0, 0, 0, 0]);
    for (const s of seen) expect(s.record).toEqual([s.tasks[0], s.tasks[1], s.tasks[0], s.tasks[1]]);
    expect(seen.map((s) => s.tasks[0]! + s.tasks[1]!)).toEqual([1000, 2000, 3000, 3500]);
    const svc = h.service(arn).service;
    expect(svc.deployments).toHaveLength(1);
    expect(svc.deployments[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS',
      failedTasks: 0,
    });
    const started = svc.events
      .map((e) => /has started (\d+) tasks/.exec(e.message ?? '')?.[1])
      .filter((n) => n !== undefined);
    expect(started).toHaveLength(100);
    expect(svc.events.filter((e) => /steady state/.test(e.message ?? ''))).toHaveLength(0);
    expect(h.bookingViolations()).toEqual([]);

    // All placed, not all RUNNING: the passes the agent's hints make write the counts, still without reading.
    const read = worker.tasksRead;
    vi.restoreAllMocks();
    h.settle((t) => t.task.taskArn.endsWith('1') || t.task.taskArn.endsWith('2'));
    hint(arn);
    h.nowMs += GAP_MS;
    await worker.idle();
    expect(worker.placingPasses).toBe(4);
    expect(worker.tasksRead).toBe(read);
    const now = counts(arn);
    expect(now.record).toEqual([now.tasks[0], now.tasks[1], now.tasks[0], now.tasks[1]]);
    expect(now.tasks[1]).toBeGreaterThan(0);
    // All RUNNING: a full pass judges them (not long enough yet: no steady state).
    h.settle();
    hint(arn);
    h.nowMs += GAP_MS;
    await worker.idle();
    expect(worker.placingPasses).toBe(4);
    expect(worker.tasksRead).toBe(read + 3500);
    expect(h.service(arn).service.deployments[0]).toMatchObject({ runningCount: 3500, pendingCount: 0 });
    await steady(arn);
    expect(h.service(arn).service.deployments[0]).toMatchObject({
      rolloutState: 'COMPLETED',
      runningCount: 3500,
    });
  });

  it.each(['exits', 'asked to stop', 'asked to stop once RUNNING', 'instance drains'] as const)(
    'reads the tasks again when, between passes, a task %s',
    async (change) => {
      const arn = setup(3000, 20);
      let changed = '';
      let drained = '';
      const after: { read: number; placing: number }[] = [];
      afterPasses(2, (pass) => {
        after.push({ read: worker.tasksRead, placing: worker.placingPasses });
        if (pass !== 1) return;
        const t = desiredRunning(arn)[0]!;
        changed = t.task.taskArn;
        if (change === 'exits') {
          h.db.tx(() => h.setLastStatus(t, 'STOPPED'));
        } else if (change === 'instance drains') {
          h.addInstance({ cpu: 4096, memory: 8192 });
          drained = t.task.containerInstanceArn!;
          h.setInstanceStatus(drained, 'DRAINING');
        } else {
          // StopTask: desired STOPPED; once RUNNING no count moves (running counts it until it leaves RUNNING).
          if (change === 'asked to stop once RUNNING') h.settle((x) => x.task.taskArn === changed);
          h.db.tx(() => {
            const r = h.col.tasks.get(changed)!;
            h.col.tasks.put(changed, { ...r, task: { ...r.task, desiredStatus: 'STOPPED' } });
          });
        }
      });
      await worker.idle();
      // The second pass was a full one: it read the tasks (1,000) and did not go on from the first.
      expect(after).toEqual([
        { read: 0, placing: 0 },
        { read: 1000, placing: 0 },
      ]);
      if (change !== 'instance drains')
        expect(desiredRunning(arn).map((t) => t.task.taskArn)).not.toContain(changed);
      await steady(arn);
      expect(desiredRunning(arn)).toHaveLength(3000);
      if (drained)
        expect(h.liveTasks(arn).filter((t) => t.task.containerInstanceArn === drained)).toHaveLength(0);
    },
  );

  it('while every task is RUNNING but not long enough, passes before the last is wait without reading; then a full pass finds it steady', async () => {
    const arn = setup(50, 5);
    await worker.idle();
    expect(h.liveTasks(arn)).toHaveLength(50);
    // The agent starts them: 49 now, the last 30 ms later (stable after 3 steps of 20 ms: 60 ms).
    const run = (t: TaskRecord) =>
      h.db.tx(() => {
        h.setLastStatus(t, 'RUNNING');
        // Started now, with no step of its own due (the fake agent leaves the launch's next step).
        const { nextTransitionAt: _, ...r } = h.col.tasks.get(t.task.taskArn)!;
        h.col.tasks.put(t.task.taskArn, { ...r, task: { ...r.task, startedAt: h.nowMs / 1000 } });
      });
    const [last, ...others] = h.liveTasks(arn);
    for (const t of others) run(t);
    h.nowMs += 30;
    run(last!);
    const steadyEvents = () =>
      h.service(arn).service.events.filter((e) => /has reached a steady state/.test(e.message ?? '')).length;
    const read0 = worker.tasksRead;
    const memo0 = worker.placingPasses;
    hint(arn);
    h.nowMs += 20; // 50 ms after the first started: a full pass, not steady yet
    await worker.idle();
    expect(worker.tasksRead - read0).toBe(50);
    h.nowMs += 20; // the recheck the first young task asked for: the last is not stable before 90 ms
    await worker.idle();
    expect(worker.tasksRead - read0).toBe(50);
    expect(worker.placingPasses - memo0).toBe(1);
    expect(steadyEvents()).toBe(0);
    expect(h.service(arn).service.deployments[0]?.rolloutState).toBe('IN_PROGRESS');
    h.nowMs += 20; // 90 ms: a full pass, steady
    await worker.idle();
    expect(worker.tasksRead - read0).toBe(100);
    expect(steadyEvents()).toBe(1);
    expect(h.service(arn).service.deployments[0]?.rolloutState).toBe('COMPLETED');
  });

  it('a continued pass that cannot place them all says so once, as a full pass does', async () => {
    const arn = setup(6000, 20); // room for 5,120 (256 tasks of 32 MiB an instance)
    await worker.idle();
    expect(h.liveTasks(arn)).toHaveLength(5120);
    expect(worker.placingPasses).toBe(5);
    const unable = () =>
      h.service(arn).service.events.filter((e) => /was unable to place a task/.test(e.message ?? '')).length;
    expect(unable()).toBe(1);
    const c = counts(arn);
    expect(c.record).toEqual([0, 5120, 0, 5120]);
    hint(arn);
    h.nowMs += GAP_MS;
    await worker.idle();
    expect(unable()).toBe(1); // once a minute
    expect(h.liveTasks(arn)).toHaveLength(5120);
  });
});
