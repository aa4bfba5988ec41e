import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  maximumTotal,
  minimumHealthy,
  reconcile,
  type InstanceState,
  type ReconcileInput,
  type ReconcileTask,
} from './reconcile';

const PRIMARY = 'ecs-svc/1';
const OLD = ['ecs-svc/2', 'ecs-svc/3'];

const taskArb = (deployments: string[]) =>
  fc.record({
    deploymentId: fc.constantFrom(...deployments),
    lastStatus: fc.constantFrom('PROVISIONING', 'PENDING', 'RUNNING', 'RUNNING', 'STOPPED'),
    stopping: fc.boolean(),
    instance: fc.constantFrom<InstanceState>('ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING', 'GONE'),
    createdAt: fc.nat(1000),
  });

interface Scenario {
  spec: { desiredCount: number; minimumHealthyPercent: number; maximumPercent: number };
  deployments: string[];
  tasks: {
    deploymentId: string;
    lastStatus: string;
    stopping: boolean;
    instance: InstanceState;
    createdAt: number;
  }[];
}

/** A service spec ECS accepts: it must be able to start or stop at least one task during a deployment. */
const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    desiredCount: fc.nat(8),
    minimumHealthyPercent: fc.integer({ min: 0, max: 100 }),
    maximumPercent: fc.integer({ min: 100, max: 200 }),
    olds: fc.nat(2),
  })
  .filter(
    (s) =>
      s.desiredCount === 0 ||
      maximumTotal(s.desiredCount, s.maximumPercent) > s.desiredCount ||
      minimumHealthy(s.desiredCount, s.minimumHealthyPercent) < s.desiredCount,
  )
  .chain((s) => {
    const deployments = [PRIMARY, ...OLD.slice(0, s.olds)];
    return fc.record({
      spec: fc.constant(s),
      deployments: fc.constant(deployments),
      tasks: fc.array(taskArb(deployments), { maxLength: 14 }),
    });
  });

function inputOf(s: Scenario): ReconcileInput {
  return {
    status: 'ACTIVE',
    desiredCount: s.spec.desiredCount,
    minimumHealthyPercent: s.spec.minimumHealthyPercent,
    maximumPercent: s.spec.maximumPercent,
    deployments: s.deployments.map((id, i) => ({
      id,
      status: i === 0 ? 'PRIMARY' : 'ACTIVE',
      rolloutState: 'IN_PROGRESS',
    })),
    tasks: s.tasks.map((t, i): ReconcileTask => ({
      taskArn: `t${i}`,
      deploymentId: t.deploymentId,
      lastStatus: t.lastStatus,
      desiredStatus: t.stopping || t.lastStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
      createdAt: t.createdAt,
      instance: t.instance,
    })),
    wasSteady: false,
    now: 0,
  };
}

const isLive = (t: ReconcileTask) =>
  t.desiredStatus === 'RUNNING' && t.lastStatus !== 'STOPPED' && t.instance !== 'GONE';
const isHealthy = (t: ReconcileTask) => isLive(t) && t.lastStatus === 'RUNNING';

describe('reconcile (properties)', () => {
  it('never starts beyond maximumPercent during a deployment and never stops below minimumHealthyPercent', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const input = inputOf(s);
        const d = reconcile(input);
        const desired = input.desiredCount;
        const live = input.tasks.filter(isLive);
        const placed = d.place.reduce((n, p) => n + p.count, 0);
        const stops = new Set(d.stop.map((x) => x.taskArn));
        // Only PRIMARY gets new tasks; nothing is stopped twice; stopped tasks were alive.
        expect(d.place.every((p) => p.deploymentId === PRIMARY)).toBe(true);
        expect(stops.size).toBe(d.stop.length);
        for (const arn of stops)
          expect(input.tasks.find((t) => t.taskArn === arn)?.desiredStatus).toBe('RUNNING');
        if (placed > 0)
          expect(live.length + placed).toBeLessThanOrEqual(
            Math.max(maximumTotal(desired, input.maximumPercent), desired),
          );
        const healthy = input.tasks.filter(isHealthy);
        const healthyAfter = healthy.filter((t) => !stops.has(t.taskArn)).length;
        expect(healthyAfter).toBeGreaterThanOrEqual(
          Math.min(healthy.length, minimumHealthy(desired, input.minimumHealthyPercent)),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('converges to desiredCount RUNNING tasks of the PRIMARY deployment and completes it', () => {
    fc.assert(
      fc.property(scenarioArb, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (s, agentSteps) => {
        let input = inputOf(s);
        let next = 1000;
        let events: string[] = [];
        for (let round = 0; round < 40; round++) {
          const d = reconcile(input);
          events = [...events, ...d.events.map((e) => e.kind)];
          const stops = new Set(d.stop.map((x) => x.taskArn));
          let tasks = input.tasks.map((t) => (stops.has(t.taskArn) ? { ...t, desiredStatus: 'STOPPED' } : t));
          for (const p of d.place) {
            for (let i = 0; i < p.count; i++) {
              tasks.push({
                taskArn: `n${next}`,
                deploymentId: p.deploymentId,
                lastStatus: 'PROVISIONING',
                desiredStatus: 'RUNNING',
                createdAt: next++,
                instance: 'ACTIVE',
              });
            }
          }
          // The agent sometimes lags a round.
          if (agentSteps[round]) {
            tasks = tasks.map((t) =>
              t.lastStatus === 'STOPPED'
                ? t
                : t.desiredStatus === 'STOPPED'
                  ? { ...t, lastStatus: 'STOPPED' }
                  : { ...t, lastStatus: 'RUNNING' },
            );
          }
          const updates = new Map(d.deploymentUpdates.map((u) => [u.id, u]));
          const deployments = input.deployments
            .filter((x) => updates.get(x.id)?.status !== 'INACTIVE')
            .map((x) => ({
              ...x,
              ...(updates.get(x.id)?.rolloutState ? { rolloutState: updates.get(x.id)!.rolloutState! } : {}),
            }));
          input = { ...input, tasks, deployments, wasSteady: d.steady };
        }
        // A last round with the agent caught up.
        const tasks = input.tasks.map((t) =>
          t.lastStatus === 'STOPPED'
            ? t
            : { ...t, lastStatus: t.desiredStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING' },
        );
        const final = reconcile({ ...input, tasks });
        const live = tasks.filter(isLive);
        expect(
          live.filter(
            (t) => t.deploymentId === PRIMARY && t.instance === 'ACTIVE' && t.lastStatus === 'RUNNING',
          ),
        ).toHaveLength(input.desiredCount);
        expect(live).toHaveLength(input.desiredCount);
        expect(final.place).toEqual([]);
        expect(final.stop).toEqual([]);
        expect(final.steady).toBe(true);
        expect(input.deployments.map((x) => x.id)).toEqual([PRIMARY]);
        expect(events.filter((e) => e === 'deploymentCompleted').length).toBeLessThanOrEqual(1);
        expect(events).not.toContain('deploymentBlocked');
      }),
      { numRuns: 500 },
    );
  });
});

describe('reconcile DAEMON (properties)', () => {
  const INSTANCES = ['ci-0', 'ci-1', 'ci-2', 'ci-3', 'ci-4'];
  const daemonArb = fc.record({
    states: fc.array(fc.constantFrom<InstanceState>('ACTIVE', 'ACTIVE', 'DRAINING', 'GONE'), {
      minLength: INSTANCES.length,
      maxLength: INSTANCES.length,
    }),
    matching: fc.array(fc.boolean(), { minLength: INSTANCES.length, maxLength: INSTANCES.length }),
    minimumHealthyPercent: fc.constantFrom(0, 50),
    olds: fc.nat(1),
    tasks: fc.array(
      fc.record({
        instance: fc.nat(INSTANCES.length - 1),
        old: fc.boolean(),
        lastStatus: fc.constantFrom('PENDING', 'RUNNING', 'RUNNING', 'STOPPED'),
        stopping: fc.boolean(),
      }),
      { maxLength: 8 },
    ),
    agentSteps: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
  });

  it('never starts a task on an instance the service still occupies, and converges to one task per eligible instance', () => {
    fc.assert(
      fc.property(daemonArb, (s) => {
        const stateOf = (arn: string) => s.states[INSTANCES.indexOf(arn)] as InstanceState;
        const eligible = INSTANCES.filter((arn, i) => stateOf(arn) === 'ACTIVE' && s.matching[i]);
        // With maximumPercent 100 a daemon deployment must be able to stop one task (else ECS reports it blocked).
        fc.pre(
          eligible.length === 0 || minimumHealthy(eligible.length, s.minimumHealthyPercent) < eligible.length,
        );
        const deployments = [PRIMARY, ...OLD.slice(0, s.olds)];
        let tasks: ReconcileTask[] = s.tasks.map((t, i) => {
          const instanceArn = INSTANCES[t.instance] as string;
          return {
            taskArn: `t${i}`,
            deploymentId: t.old && s.olds ? (OLD[0] as string) : PRIMARY,
            lastStatus: t.lastStatus,
            desiredStatus: t.stopping || t.lastStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
            createdAt: i,
            instance: stateOf(instanceArn),
            instanceArn,
          };
        });
        let deps = deployments.map((id, i) => ({
          id,
          status: i === 0 ? 'PRIMARY' : 'ACTIVE',
          rolloutState: 'IN_PROGRESS',
        }));
        let next = 100;
        const run = (agent: boolean) => {
          const d = reconcile({
            status: 'ACTIVE',
            desiredCount: 0,
            minimumHealthyPercent: s.minimumHealthyPercent,
            maximumPercent: 100,
            deployments: deps,
            tasks,
            daemonInstances: eligible,
            wasSteady: false,
            now: 0,
          });
          const stops = new Set(d.stop.map((x) => x.taskArn));
          tasks = tasks.map((t) => (stops.has(t.taskArn) ? { ...t, desiredStatus: 'STOPPED' } : t));
          for (const p of d.place) {
            for (const arn of p.instanceArns ?? []) {
              expect(eligible).toContain(arn);
              const there = tasks.filter((t) => t.instanceArn === arn && t.lastStatus !== 'STOPPED');
              expect(there).toEqual([]);
              tasks.push({
                taskArn: `n${next}`,
                deploymentId: p.deploymentId,
                lastStatus: 'PENDING',
                desiredStatus: 'RUNNING',
                createdAt: next++,
                instance: 'ACTIVE',
                instanceArn: arn,
              });
            }
          }
          if (agent) {
            tasks = tasks.map((t) =>
              t.lastStatus === 'STOPPED'
                ? t
                : { ...t, lastStatus: t.desiredStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING' },
            );
          }
          const updates = new Map(d.deploymentUpdates.map((u) => [u.id, u]));
          deps = deps.filter((x) => updates.get(x.id)?.status !== 'INACTIVE');
          return d;
        };
        for (const step of s.agentSteps) run(step);
        // With the agent caught up: old tasks finish stopping, then the new ones start and run.
        run(true);
        run(true);
        const final = run(true);
        const live = tasks.filter(isLive);
        expect(live.map((t) => t.instanceArn).sort()).toEqual([...eligible].sort());
        expect(live.every((t) => t.deploymentId === PRIMARY && t.lastStatus === 'RUNNING')).toBe(true);
        expect(final.steady).toBe(true);
        expect(deps.map((x) => x.id)).toEqual([PRIMARY]);
      }),
      { numRuns: 1000 },
    );
  });
});
