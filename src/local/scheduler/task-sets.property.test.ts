/**
 * Properties of the pure task set reconciler over generated services: each set aims exactly at its
 * computed count, what must go goes (tasks of no set, on gone instances, of draining sets), nothing
 * is stopped twice or placed into a leaving set, and one applied decision is enough: the next pass
 * has nothing left to do and every set is steady or gone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InstanceState, ReconcileTask } from './reconcile';
import { computedDesiredCount, reconcileTaskSets, type TaskSetFacts, type TaskSetInput } from './task-sets';

const NOW = 10_000;
const SET_IDS = ['ecs-svc/1', 'ecs-svc/2', 'ecs-svc/3'];

const setArb: fc.Arbitrary<TaskSetFacts[]> = fc
  .uniqueArray(fc.constantFrom(...SET_IDS), { minLength: 0, maxLength: 3 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((id) =>
        fc.record({
          id: fc.constant(id),
          status: fc.constantFrom('PRIMARY', 'ACTIVE', 'ACTIVE', 'DRAINING'),
          computedDesiredCount: fc.nat(6),
        }),
      ),
    ),
  );

const taskArb = fc.record({
  deploymentId: fc.constantFrom(...SET_IDS, 'ecs-svc/9'),
  lastStatus: fc.constantFrom('PROVISIONING', 'PENDING', 'RUNNING', 'RUNNING', 'STOPPED'),
  stopping: fc.boolean(),
  instance: fc.constantFrom<InstanceState>('ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING', 'GONE'),
  createdAt: fc.nat(1000),
  ranFor: fc.nat(100),
});

const inputArb: fc.Arbitrary<TaskSetInput> = fc
  .record({
    serviceStatus: fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING'),
    taskSets: setArb,
    tasks: fc.array(taskArb, { maxLength: 16 }),
    stableSeconds: fc.constantFrom(0, 1, 30),
  })
  .map(({ tasks, ...rest }) => ({
    ...rest,
    now: NOW,
    tasks: tasks.map((t, i): ReconcileTask => ({
      taskArn: `task/${i}`,
      deploymentId: t.deploymentId,
      lastStatus: t.lastStatus,
      desiredStatus: t.stopping || t.lastStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
      createdAt: t.createdAt,
      instance: t.instance,
      ...(t.lastStatus === 'RUNNING' ? { startedAt: NOW - t.ranFor, everRunning: true } : {}),
      ...(t.lastStatus === 'STOPPED' ? { stoppedAt: NOW - 1 } : {}),
    })),
  }));

const alive = (t: ReconcileTask) => t.desiredStatus === 'RUNNING' && t.lastStatus !== 'STOPPED';

/** The facts after the decision applied and every task had time to settle. */
function applied(input: TaskSetInput, d: ReturnType<typeof reconcileTaskSets>): TaskSetInput {
  const stopped = new Set(d.stop.map((s) => s.taskArn));
  const removed = new Set(d.taskSets.filter((x) => x.removed).map((x) => x.id));
  const tasks: ReconcileTask[] = input.tasks.map((t) =>
    stopped.has(t.taskArn) || t.desiredStatus === 'STOPPED'
      ? { ...t, desiredStatus: 'STOPPED', lastStatus: 'STOPPED', stoppedAt: NOW }
      : t.lastStatus !== 'RUNNING'
        ? { ...t, lastStatus: 'RUNNING', startedAt: NOW - 1000, everRunning: true }
        : { ...t, startedAt: Math.min(t.startedAt ?? NOW, NOW - 1000) },
  );
  let n = 0;
  for (const p of d.place) {
    for (let i = 0; i < p.count; i++) {
      tasks.push({
        taskArn: `placed/${n++}`,
        deploymentId: p.taskSetId,
        lastStatus: 'RUNNING',
        desiredStatus: 'RUNNING',
        createdAt: NOW,
        instance: 'ACTIVE',
        startedAt: NOW - 1000,
        everRunning: true,
      });
    }
  }
  return {
    ...input,
    taskSets: input.taskSets.filter((x) => !removed.has(x.id)),
    tasks: tasks.filter((t) => t.instance !== 'DRAINING' || !alive(t)),
  };
}

describe('task set reconciler', () => {
  it('aims each set exactly at its count and stops what must go, once', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const d = reconcileTaskSets(input);
        const stops = d.stop.map((s) => s.taskArn);
        expect(new Set(stops).size).toBe(stops.length);
        const byArn = new Map(input.tasks.map((t) => [t.taskArn, t]));
        for (const arn of stops) expect(alive(byArn.get(arn)!)).toBe(true);
        const ids = new Set(input.taskSets.map((x) => x.id));
        for (const t of input.tasks.filter(alive)) {
          if (t.instance === 'GONE' || !ids.has(t.deploymentId ?? '')) expect(stops).toContain(t.taskArn);
        }
        for (const set of input.taskSets) {
          const leaving = input.serviceStatus !== 'ACTIVE' || set.status === 'DRAINING';
          const placed = d.place.filter((p) => p.taskSetId === set.id).reduce((n, p) => n + p.count, 0);
          const kept = input.tasks.filter(
            (t) => alive(t) && t.deploymentId === set.id && !stops.includes(t.taskArn),
          ).length;
          if (leaving) {
            expect(placed).toBe(0);
            expect(kept).toBe(0);
          } else {
            expect(kept + placed).toBe(set.computedDesiredCount);
          }
        }
        for (const p of d.place) expect(p.count).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('converges in one applied decision: nothing left to do, every set steady or gone', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const next = applied(input, reconcileTaskSets(input));
        const again = reconcileTaskSets(next);
        expect(again.place).toEqual([]);
        expect(again.stop).toEqual([]);
        for (const x of again.taskSets) {
          const set = next.taskSets.find((s) => s.id === x.id)!;
          if (input.serviceStatus !== 'ACTIVE' || set.status === 'DRAINING') expect(x.removed).toBe(true);
          else
            expect(x).toMatchObject({
              stable: true,
              runningCount: set.computedDesiredCount,
              pendingCount: 0,
            });
        }
        if (input.serviceStatus !== 'ACTIVE') expect(again.serviceStatus).toBe('INACTIVE');
        else expect(again.steady).toBe(next.taskSets.every((s) => s.status !== 'DRAINING'));
      }),
      { numRuns: 2000 },
    );
  });

  it('computes desired counts as ECS does: desiredCount x scale, rounded up', () => {
    expect(computedDesiredCount(3, 33.3)).toBe(1);
    expect(computedDesiredCount(4, 50)).toBe(2);
    expect(computedDesiredCount(5, 50)).toBe(3);
    expect(computedDesiredCount(10, 0)).toBe(0);
    expect(computedDesiredCount(7, 100)).toBe(7);
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (d, a, b) => {
          expect(computedDesiredCount(d, a)).toBe(Math.ceil((d * a) / 100));
          if (a <= b) expect(computedDesiredCount(d, a)).toBeLessThanOrEqual(computedDesiredCount(d, b));
        },
      ),
    );
  });
});
