/**
 * The scheduler's passes over services whose tasks run in task sets (EXTERNAL and CODE_DEPLOY
 * deployment controllers), as the service passes (passes.test.ts): a steady service is passed
 * without reading its tasks and still sees what changed (a task that stops, a set scaled, an
 * instance drained), and a pass places a bounded number of tasks and goes on at once. Time moves
 * only when a test moves the harness's manual clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskRecord, WireService } from '../ecs/model';
import { Harness } from './harness';
import { ServiceScheduler } from './worker';

let h: Harness;
let worker: ServiceScheduler;
afterEach(async () => {
  vi.restoreAllMocks();
  await worker?.stop();
  h?.close();
});

const GAP_MS = 20;
type TaskSet = NonNullable<WireService['taskSets']>[number];

/** An EXTERNAL service with one PRIMARY task set of `count` tasks (as CreateService and CreateTaskSet leave it). */
function setup(count = 3, instances = 3): string {
  h = new Harness();
  worker = new ServiceScheduler(h.deps);
  for (let i = 0; i < instances; i++) h.addInstance({ cpu: 4096, memory: 8192 });
  const td = h.taskDefinition('web', [{ cpu: 10, memory: 32 }]);
  const arn = h.addService({ name: 'web', taskDefinition: td, desiredCount: count }).service.serviceArn;
  const set: TaskSet = {
    id: 'ecs-svc/1111111111111111111',
    taskSetArn: `${arn.replace(':service/', ':task-set/')}/ecs-svc/1111111111111111111`,
    serviceArn: arn,
    clusterArn: h.clusterArn,
    status: 'PRIMARY',
    taskDefinition: td.taskDefinitionArn,
    computedDesiredCount: count,
    pendingCount: 0,
    runningCount: 0,
    launchType: 'EC2',
    scale: { value: 100, unit: 'PERCENT' },
    stabilityStatus: 'STABILIZING',
  };
  h.updateService(arn, { deploymentController: { type: 'EXTERNAL' }, deployments: [], taskSets: [set] });
  worker.start();
  return arn;
}

const sets = (arn: string) => h.service(arn).service.taskSets ?? [];

/** Moves time on and lets the scheduler act until the service and its sets are steady. */
async function steady(serviceArn: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    h.settle();
    h.nowMs += 1000;
    await worker.idle();
    if (
      h.service(serviceArn).steadySince !== undefined &&
      sets(serviceArn).every((x) => x.stabilityStatus === 'STEADY_STATE')
    )
      return;
  }
  throw new Error('the service did not reach a steady state');
}

const hint = (serviceArn: string) =>
  h.bus.emit('ecs.service.dirty', { clusterArn: h.clusterArn, serviceArn });
const desiredRunning = (serviceArn: string) =>
  h.liveTasks(serviceArn).filter((t) => t.task.desiredStatus === 'RUNNING');

describe('task set passes', () => {
  it('passes a steady task set service without reading its tasks, counted as such', async () => {
    const arn = setup(5);
    await steady(arn);
    expect(desiredRunning(arn)).toHaveLength(5);
    await worker.process(arn); // the full pass that finds it steady and remembers what it relied on
    const reads = [
      vi.spyOn(h.col.tasks, 'peekByKey'),
      vi.spyOn(h.col.tasks, 'peek'),
      vi.spyOn(h.col.tasks, 'get'),
      vi.spyOn(h.col.tasks, 'find'),
    ];
    const steadyBefore = worker.steadyPasses;
    const before = h.service(arn);
    for (let i = 0; i < 3; i++) {
      worker.enqueue(arn); // as the resync does
      await worker.idle();
    }
    expect(worker.steadyPasses - steadyBefore).toBe(3);
    for (const spy of reads) expect(spy).not.toHaveBeenCalled();
    expect(h.service(arn)).toEqual(before);
  });

  it('still replaces a task that stopped, and follows a set scaled, after steady passes', async () => {
    const arn = setup(4);
    await steady(arn);
    await worker.process(arn);
    await worker.process(arn);
    const steadyPasses = worker.steadyPasses;
    expect(steadyPasses).toBeGreaterThan(0);

    // Its container exits: STOPPED (the running count moves).
    const [exited] = desiredRunning(arn);
    h.db.tx(() => h.setLastStatus(exited!, 'STOPPED'));
    hint(arn);
    h.nowMs += GAP_MS;
    await worker.idle();
    expect(desiredRunning(arn)).toHaveLength(4);
    expect(h.liveTasks(arn).map((t) => t.task.taskArn)).not.toContain(exited!.task.taskArn);
    await steady(arn);

    // UpdateTaskSet / UpdateService: the set's count 4 -> 6 (the record changes).
    await worker.process(arn);
    const [set] = sets(arn);
    h.updateService(arn, { taskSets: [{ ...set!, computedDesiredCount: 6 }] });
    worker.enqueue(arn);
    await worker.idle();
    expect(desiredRunning(arn)).toHaveLength(6);
    await steady(arn);
    expect(sets(arn)[0]).toMatchObject({ runningCount: 6, pendingCount: 0, stabilityStatus: 'STEADY_STATE' });
  });

  it('sees an instance drained under a steady task set service and replaces its tasks', async () => {
    const arn = setup(4, 2);
    await steady(arn);
    await worker.process(arn);
    const instance = h.liveTasks(arn)[0]!.task.containerInstanceArn!;
    const on = (t: TaskRecord) => t.task.containerInstanceArn === instance;
    expect(h.liveTasks(arn).filter(on).length).toBeGreaterThan(0);
    h.addInstance({ cpu: 4096, memory: 8192 });
    h.setInstanceStatus(instance, 'DRAINING');
    const steadyBefore = worker.steadyPasses;
    worker.enqueue(arn);
    await worker.idle();
    expect(worker.steadyPasses).toBe(steadyBefore); // a full pass
    await steady(arn);
    expect(h.liveTasks(arn).filter(on)).toHaveLength(0);
    expect(desiredRunning(arn)).toHaveLength(4);
  });

  it('places at most 1,000 tasks a pass and goes on at once', async () => {
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
    expect(sets(arn)[0]).toMatchObject({ pendingCount: 1500, stabilityStatus: 'STABILIZING' });
  });
});
