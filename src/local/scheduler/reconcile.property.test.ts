/**
 * Properties of the pure reconciler over generated services: percent bounds, failure counting,
 * the circuit breaker, when a task counts as healthy, and convergence over many passes with time
 * moving on, tasks that take their time to become stable, and containers that crash.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  circuitBreakerThreshold,
  consecutiveFailures,
  exitsBeforeStable,
  failedTask,
  healthyAt,
  maximumTotal,
  minimumHealthy,
  reconcile,
  type Decision,
  type InstanceState,
  type ReconcileDeployment,
  type ReconcileInput,
  type ReconcileTask,
} from './reconcile';

const PRIMARY = 'ecs-svc/1';
const OLD = ['ecs-svc/2', 'ecs-svc/3'];
const NOW = 10_000;
const STABLE = [0, 0.06, 1, 30];

const isLive = (t: ReconcileTask) =>
  t.desiredStatus === 'RUNNING' && t.lastStatus !== 'STOPPED' && t.instance !== 'GONE';
const isRunning = (t: ReconcileTask) => isLive(t) && t.lastStatus === 'RUNNING';

/** A service spec ECS accepts: it must be able to start or stop at least one task during a deployment. */
const specArb = fc
  .record({
    desiredCount: fc.nat(8),
    minimumHealthyPercent: fc.integer({ min: 0, max: 100 }),
    maximumPercent: fc.integer({ min: 100, max: 200 }),
  })
  .filter(
    (s) =>
      s.desiredCount === 0 ||
      maximumTotal(s.desiredCount, s.maximumPercent) > s.desiredCount ||
      minimumHealthy(s.desiredCount, s.minimumHealthyPercent) < s.desiredCount,
  );

const breakerArb = fc.option(fc.record({ enable: fc.boolean(), rollback: fc.boolean() }), { nil: undefined });

/** Any task a service can have: pending, RUNNING (young, stable or about to exit), stopping, STOPPED (failed or not). */
const taskArb = (deployments: string[], now: number, stable: number) =>
  fc
    .record({
      deploymentId: fc.constantFrom(...deployments),
      lastStatus: fc.constantFrom('PROVISIONING', 'PENDING', 'RUNNING', 'RUNNING', 'RUNNING', 'STOPPED'),
      stopping: fc.boolean(),
      instance: fc.constantFrom<InstanceState>('ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING', 'GONE'),
      createdAt: fc.nat(1000),
      /** Seconds before now it started (RUNNING and STOPPED tasks that ran). */
      ranFor: fc.oneof(fc.double({ min: 0, max: 2 * stable + 1, noNaN: true }), fc.nat(100)),
      /** A RUNNING task's exit, as a fraction of the stability window after its start (> 1: after). */
      exitAt: fc.option(fc.double({ min: 0, max: 2, noNaN: true }), { nil: undefined }),
      stopCode: fc.constantFrom(
        'TaskFailedToStart',
        'EssentialContainerExited',
        'UserInitiated',
        'ServiceSchedulerInitiated',
        'TerminationNotice',
      ),
      unhealthy: fc.boolean(),
      everRunning: fc.boolean(),
      stoppedAgo: fc.nat(200),
    })
    .map((t): ReconcileTask => {
      const startedAt = now - t.ranFor;
      const stopped = t.lastStatus === 'STOPPED';
      const running = t.lastStatus === 'RUNNING';
      return {
        taskArn: `t-${t.deploymentId}-${t.createdAt}`,
        deploymentId: t.deploymentId,
        lastStatus: t.lastStatus,
        desiredStatus: t.stopping || stopped ? 'STOPPED' : 'RUNNING',
        createdAt: t.createdAt,
        instance: t.instance,
        ...(running || (stopped && t.everRunning) ? { startedAt } : {}),
        ...(running && t.exitAt !== undefined ? { nextStepAt: startedAt + t.exitAt * stable } : {}),
        ...(stopped
          ? {
              stoppedAt: now - t.stoppedAgo,
              stopCode: t.stopCode,
              everRunning: t.everRunning,
              ...(t.stopCode === 'ServiceSchedulerInitiated'
                ? { stopCause: t.unhealthy ? ('unhealthyTarget' as const) : ('scaling' as const) }
                : {}),
            }
          : { everRunning: running }),
      };
    });

interface Scenario {
  input: ReconcileInput;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    spec: specArb,
    olds: fc.nat(2),
    primaryState: fc.constantFrom('IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'COMPLETED', 'FAILED'),
    oldStates: fc.array(fc.constantFrom('COMPLETED', 'IN_PROGRESS', 'FAILED'), {
      minLength: 2,
      maxLength: 2,
    }),
    stable: fc.constantFrom(...STABLE),
    now: fc.integer({ min: NOW, max: NOW + 1000 }),
    breaker: breakerArb,
    wasSteady: fc.boolean(),
  })
  .chain((s) => {
    const ids = [PRIMARY, ...OLD.slice(0, s.olds)];
    return fc.array(taskArb(ids, s.now, s.stable), { maxLength: 16 }).map((tasks) => ({
      input: {
        status: 'ACTIVE',
        ...s.spec,
        deployments: ids.map((id, i): ReconcileDeployment => ({
          id,
          status: i === 0 ? 'PRIMARY' : 'ACTIVE',
          rolloutState: i === 0 ? s.primaryState : (s.oldStates[i - 1] as string),
          createdAt: 100 - i * 10,
        })),
        // Unique ARNs, whatever the generator drew.
        tasks: tasks.map((t, i) => ({ ...t, taskArn: `t${i}` })),
        stableSeconds: s.stable,
        wasSteady: s.wasSteady,
        ...(s.breaker ? { circuitBreaker: s.breaker } : {}),
        now: s.now,
      },
    }));
  });

const primaryAfter = (input: ReconcileInput, d: Decision): string | undefined =>
  d.deploymentUpdates.find((u) => u.status === 'PRIMARY')?.id ??
  input.deployments.find((x) => x.status === 'PRIMARY')?.id;

describe('reconcile (properties)', () => {
  it('never starts beyond maximumPercent during a deployment and never stops below minimumHealthyPercent', () => {
    fc.assert(
      fc.property(scenarioArb, ({ input }) => {
        const d = reconcile(input);
        const desired = input.desiredCount;
        const stable = input.stableSeconds ?? 0;
        const live = input.tasks.filter(isLive);
        const placed = d.place.reduce((n, p) => n + p.count, 0);
        const stops = new Set(d.stop.map((x) => x.taskArn));
        // Only the PRIMARY deployment (after a rollback, the one rolled back to) gets new tasks.
        expect(d.place.every((p) => p.deploymentId === primaryAfter(input, d))).toBe(true);
        // Nothing is stopped twice; stopped tasks were alive.
        expect(stops.size).toBe(d.stop.length);
        for (const arn of stops) {
          const t = input.tasks.find((x) => x.taskArn === arn);
          expect(t?.desiredStatus).toBe('RUNNING');
          expect(t?.lastStatus).not.toBe('STOPPED');
        }
        if (placed > 0)
          expect(live.length + placed).toBeLessThanOrEqual(
            Math.max(maximumTotal(desired, input.maximumPercent), desired),
          );
        // RUNNING, and healthy by the rule (stable, not about to exit): never stopped below the minimum.
        const floor = minimumHealthy(desired, input.minimumHealthyPercent);
        const running = input.tasks.filter(isRunning);
        expect(running.filter((t) => !stops.has(t.taskArn)).length).toBeGreaterThanOrEqual(
          Math.min(running.length, floor),
        );
        const healthy = live.filter((t) => healthyAt(t, stable, input.now));
        expect(healthy.filter((t) => !stops.has(t.taskArn)).length).toBeGreaterThanOrEqual(
          Math.min(healthy.length, floor),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('counts failures since the last healthy task: a new failure adds one, a healthy task resets', () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom(PRIMARY, ...OLD), ({ input }, id) => {
        const stable = input.stableSeconds ?? 0;
        const d = reconcile(input);
        const n = d.failedTasks.get(id) ?? 0;
        if (!input.deployments.some((x) => x.id === id)) return;
        expect(n).toBe(consecutiveFailures(input.tasks, id, stable, input.now));
        expect(n).toBeLessThanOrEqual(
          input.tasks.filter((t) => t.deploymentId === id && failedTask(t)).length,
        );
        // One more task that failed to start, just now: one more failure, for that deployment only.
        const crashed: ReconcileTask = {
          taskArn: 'crashed',
          deploymentId: id,
          lastStatus: 'STOPPED',
          desiredStatus: 'STOPPED',
          createdAt: 0,
          instance: 'ACTIVE',
          stopCode: 'TaskFailedToStart',
          everRunning: false,
          stoppedAt: input.now,
        };
        const more = reconcile({ ...input, tasks: [...input.tasks, crashed] });
        for (const x of input.deployments)
          expect(more.failedTasks.get(x.id)).toBe((d.failedTasks.get(x.id) ?? 0) + (x.id === id ? 1 : 0));
        // A task of the deployment that has been healthy since after every failure: the count starts over.
        const lastStop = Math.max(input.now - 1, ...input.tasks.map((t) => t.stoppedAt ?? 0));
        const healthy: ReconcileTask = {
          taskArn: 'healthy',
          deploymentId: id,
          lastStatus: 'RUNNING',
          desiredStatus: 'RUNNING',
          createdAt: 0,
          instance: 'ACTIVE',
          startedAt: lastStop - stable + 0.001,
          everRunning: true,
        };
        const later = { ...input, now: lastStop + 1, tasks: [...input.tasks, healthy] };
        expect(reconcile(later).failedTasks.get(id)).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('trips the circuit breaker exactly when the PRIMARY rollout has failed too often, and rolls back to the latest COMPLETED', () => {
    fc.assert(
      fc.property(scenarioArb, ({ input }) => {
        const d = reconcile(input);
        const primary = input.deployments.find((x) => x.status === 'PRIMARY')!;
        const cb = input.circuitBreaker;
        const trips =
          cb?.enable === true &&
          primary.rolloutState === 'IN_PROGRESS' &&
          (d.failedTasks.get(primary.id) ?? 0) >= circuitBreakerThreshold(input.desiredCount);
        expect(d.events.some((e) => e.kind === 'deploymentFailed')).toBe(trips);
        const target = input.deployments
          .filter((x) => x.id !== primary.id && x.rolloutState === 'COMPLETED')
          .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))[0];
        const rollsBack = trips && cb?.rollback === true && target !== undefined;
        expect(d.events.some((e) => e.kind === 'rollingBack')).toBe(rollsBack);
        if (rollsBack) {
          expect(primaryAfter(input, d)).toBe(target.id);
          expect(d.deploymentUpdates.find((u) => u.id === primary.id)).toMatchObject({
            status: 'ACTIVE',
            rolloutState: 'FAILED',
          });
        } else if (trips || primary.rolloutState === 'FAILED') {
          // A FAILED deployment launches nothing more and stops nothing (but tasks whose instance is gone).
          expect(d.place).toEqual([]);
          const gone = new Set(input.tasks.filter((t) => t.instance === 'GONE').map((t) => t.taskArn));
          expect(d.stop.every((s) => gone.has(s.taskArn))).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('completes a deployment only with every task stable and none about to exit, and looks again when the next becomes stable', () => {
    fc.assert(
      fc.property(scenarioArb, ({ input }) => {
        const d = reconcile(input);
        const stable = input.stableSeconds ?? 0;
        const stops = new Set(d.stop.map((s) => s.taskArn));
        const liveAfter = input.tasks.filter((t) => isLive(t) && !stops.has(t.taskArn));
        if (d.events.some((e) => e.kind === 'deploymentCompleted') || d.steady) {
          const primary = primaryAfter(input, d);
          expect(liveAfter).toHaveLength(input.desiredCount);
          for (const t of liveAfter) {
            expect(t.deploymentId).toBe(primary);
            expect(healthyAt(t, stable, input.now)).toBe(true);
            expect(exitsBeforeStable(t, stable)).toBe(false);
          }
        }
        const young = liveAfter.filter(
          (t) =>
            t.lastStatus === 'RUNNING' && !exitsBeforeStable(t, stable) && !healthyAt(t, stable, input.now),
        );
        if (young.length === 0) {
          expect(d.recheckIn).toBeUndefined();
          return;
        }
        expect(d.recheckIn).toBeGreaterThan(0);
        // At that time the first of them is healthy; a moment before, none is.
        const at = input.now + d.recheckIn!;
        expect(young.some((t) => healthyAt(t, stable, at + 0.001))).toBe(true);
        expect(young.some((t) => healthyAt(t, stable, at - 0.002))).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});

/** What the worker and the agent do with a decision, in the model: stops, placements, deployment updates. */
function apply(
  input: ReconcileInput,
  d: Decision,
  next: () => number,
): { tasks: ReconcileTask[]; deployments: ReconcileDeployment[] } {
  const stops = new Map(d.stop.map((s) => [s.taskArn, s.cause]));
  const tasks = input.tasks.map((t): ReconcileTask => {
    const cause = stops.get(t.taskArn);
    return cause
      ? { ...t, desiredStatus: 'STOPPED', stopCode: 'ServiceSchedulerInitiated', stopCause: cause.kind }
      : t;
  });
  for (const p of d.place) {
    for (let i = 0; i < p.count; i++) {
      const n = next();
      tasks.push({
        taskArn: `n${n}`,
        deploymentId: p.deploymentId,
        lastStatus: 'PROVISIONING',
        desiredStatus: 'RUNNING',
        createdAt: n,
        instance: 'ACTIVE',
        everRunning: false,
      });
    }
  }
  const updates = new Map(d.deploymentUpdates.map((u) => [u.id, u]));
  const deployments = input.deployments
    .filter((x) => updates.get(x.id)?.status !== 'INACTIVE')
    .map((x) => {
      const u = updates.get(x.id);
      return u ? { ...x, status: u.status, ...(u.rolloutState ? { rolloutState: u.rolloutState } : {}) } : x;
    });
  return { tasks, deployments };
}

/** The agent's step at `now`: PROVISIONING/PENDING to RUNNING, desired STOPPED to STOPPED, due exits happen. */
function agentStep(
  tasks: ReconcileTask[],
  now: number,
  crash: (t: ReconcileTask) => number | undefined,
): ReconcileTask[] {
  return tasks.map((t): ReconcileTask => {
    if (t.lastStatus === 'STOPPED') return t;
    if (t.desiredStatus === 'STOPPED')
      return {
        ...t,
        lastStatus: 'STOPPED',
        stoppedAt: now,
        stopCode: t.stopCode ?? 'ServiceSchedulerInitiated',
      };
    if (t.lastStatus !== 'RUNNING') {
      const exitIn = crash(t);
      return {
        ...t,
        lastStatus: 'RUNNING',
        startedAt: now,
        everRunning: true,
        ...(exitIn !== undefined ? { nextStepAt: now + exitIn } : {}),
      };
    }
    if (t.nextStepAt !== undefined && t.nextStepAt <= now) {
      const { nextStepAt: _, ...rest } = t;
      return {
        ...rest,
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stoppedAt: now,
        stopCode: 'EssentialContainerExited',
      };
    }
    return t;
  });
}

describe('reconcile over time (properties)', () => {
  it('converges to desiredCount stable tasks of the PRIMARY deployment and completes it, whatever the agent lags', () => {
    fc.assert(
      fc.property(
        specArb,
        fc.nat(2),
        fc.constantFrom(...STABLE.slice(0, 3)),
        breakerArb,
        fc.array(fc.record({ agent: fc.boolean(), step: fc.double({ min: 0, max: 2, noNaN: true }) }), {
          minLength: 40,
          maxLength: 40,
        }),
        fc.array(
          fc.record({
            old: fc.nat(2),
            lastStatus: fc.constantFrom('PENDING', 'RUNNING', 'RUNNING', 'STOPPED'),
            instance: fc.constantFrom<InstanceState>('ACTIVE', 'ACTIVE', 'DRAINING', 'GONE'),
          }),
          { maxLength: 12 },
        ),
        (spec, olds, stable, breaker, rounds, initial) => {
          const ids = [PRIMARY, ...OLD.slice(0, olds)];
          let now = NOW;
          let n = 1000;
          let input: ReconcileInput = {
            status: 'ACTIVE',
            ...spec,
            deployments: ids.map((id, i) => ({
              id,
              status: i === 0 ? 'PRIMARY' : 'ACTIVE',
              rolloutState: i === 0 ? 'IN_PROGRESS' : 'COMPLETED',
              createdAt: 100 - i,
            })),
            // No failures to begin with (stopped by users), so the breaker must never trip.
            tasks: initial.map((t, i) => ({
              taskArn: `t${i}`,
              deploymentId: ids[Math.min(t.old, ids.length - 1)] as string,
              lastStatus: t.lastStatus,
              desiredStatus: t.lastStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
              createdAt: i,
              instance: t.instance,
              everRunning: t.lastStatus === 'RUNNING',
              ...(t.lastStatus === 'RUNNING' ? { startedAt: now - 100 } : {}),
              ...(t.lastStatus === 'STOPPED' ? { stopCode: 'UserInitiated', stoppedAt: now - 1 } : {}),
            })),
            stableSeconds: stable,
            ...(breaker ? { circuitBreaker: breaker } : {}),
            wasSteady: false,
            now,
          };
          const events: string[] = [];
          const pass = (agent: boolean, step: number) => {
            const d = reconcile(input);
            events.push(...d.events.map((e) => e.kind));
            const applied = apply(input, d, () => n++);
            now += step;
            const tasks = agent ? agentStep(applied.tasks, now, () => undefined) : applied.tasks;
            input = { ...input, ...applied, tasks, wasSteady: d.steady, now };
            return d;
          };
          for (const r of rounds) pass(r.agent, r.step);
          // The agent caught up and time moved past the stability window.
          for (let i = 0; i < 8; i++) pass(true, stable + 0.01);
          const final = reconcile(input);
          const live = input.tasks.filter(isLive);
          expect(live).toHaveLength(input.desiredCount);
          expect(live.every((t) => t.deploymentId === PRIMARY && t.instance === 'ACTIVE')).toBe(true);
          expect(live.every((t) => healthyAt(t, stable, input.now))).toBe(true);
          expect(final.place).toEqual([]);
          expect(final.stop).toEqual([]);
          expect(final.steady).toBe(true);
          expect(input.deployments.map((x) => [x.id, x.rolloutState])).toEqual([[PRIMARY, 'COMPLETED']]);
          expect(events.filter((e) => e === 'deploymentCompleted').length).toBeLessThanOrEqual(1);
          expect(events.filter((e) => e === 'steady').length).toBeLessThanOrEqual(1);
          expect(events).not.toContain('deploymentBlocked');
          expect(events).not.toContain('deploymentFailed');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rolls a crash-looping rollout back to the last completed deployment, keeping minimumHealthyPercent serving', () => {
    fc.assert(
      fc.property(
        // With minimumHealthyPercent letting every good task go, the good deployment drains away before
        // the breaker trips and there is nothing to roll back to: then the rollout only fails.
        specArb.filter((s) => minimumHealthy(s.desiredCount, s.minimumHealthyPercent) > 0),
        fc.constantFrom(0.06, 1),
        /** When a new container exits, as a fraction of the stability window (at most at its end). */
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        fc.array(fc.record({ agent: fc.boolean(), step: fc.double({ min: 0, max: 1, noNaN: true }) }), {
          minLength: 120,
          maxLength: 120,
        }),
        (spec, stable, exitFraction, rounds) => {
          const GOOD = OLD[0] as string;
          let now = NOW;
          let n = 1000;
          let input: ReconcileInput = {
            status: 'ACTIVE',
            ...spec,
            deployments: [
              { id: PRIMARY, status: 'PRIMARY', rolloutState: 'IN_PROGRESS', createdAt: 100 },
              { id: GOOD, status: 'ACTIVE', rolloutState: 'COMPLETED', createdAt: 50 },
            ],
            tasks: Array.from({ length: spec.desiredCount }, (_, i) => ({
              taskArn: `good${i}`,
              deploymentId: GOOD,
              lastStatus: 'RUNNING',
              desiredStatus: 'RUNNING',
              createdAt: i,
              instance: 'ACTIVE' as const,
              startedAt: now - 100,
              everRunning: true,
            })),
            stableSeconds: stable,
            circuitBreaker: { enable: true, rollback: true },
            wasSteady: true,
            now,
          };
          const floor = minimumHealthy(spec.desiredCount, spec.minimumHealthyPercent);
          const events: string[] = [];
          // The new revision's containers exit before they are ever stable; the good ones never do.
          const crash = (t: ReconcileTask) =>
            t.deploymentId === PRIMARY ? exitFraction * stable : undefined;
          const pass = (agent: boolean, step: number) => {
            const d = reconcile(input);
            events.push(...d.events.map((e) => e.kind));
            const applied = apply(input, d, () => n++);
            const serving = applied.tasks.filter((t) => isLive(t) && healthyAt(t, stable, input.now));
            expect(serving.length).toBeGreaterThanOrEqual(
              Math.min(floor, input.tasks.filter((t) => isLive(t) && healthyAt(t, stable, input.now)).length),
            );
            now += step;
            const tasks = agent ? agentStep(applied.tasks, now, crash) : applied.tasks;
            input = { ...input, ...applied, tasks, wasSteady: d.steady, now };
          };
          for (const r of rounds) pass(r.agent, r.step);
          for (let i = 0; i < 8; i++) pass(true, stable + 0.01);
          expect(events).toContain('deploymentFailed');
          expect(events).toContain('rollingBack');
          expect(input.deployments.map((x) => [x.id, x.status, x.rolloutState])).toEqual([
            [GOOD, 'PRIMARY', 'COMPLETED'],
          ]);
          const live = input.tasks.filter(isLive);
          expect(live).toHaveLength(spec.desiredCount);
          expect(live.every((t) => t.deploymentId === GOOD && healthyAt(t, stable, input.now))).toBe(true);
          // Everything the breaker counted is still a failure of the failed deployment.
          expect(consecutiveFailures(input.tasks, PRIMARY, stable, input.now)).toBeGreaterThanOrEqual(
            circuitBreakerThreshold(spec.desiredCount),
          );
        },
      ),
      { numRuns: 300 },
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
    stable: fc.constantFrom(...STABLE.slice(0, 3)),
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
        let now = NOW;
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
            ...(t.lastStatus === 'RUNNING' ? { startedAt: now - 100 } : {}),
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
            stableSeconds: s.stable,
            wasSteady: false,
            now,
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
          now += s.stable + 0.01;
          if (agent) {
            tasks = tasks.map((t) =>
              t.lastStatus === 'STOPPED'
                ? t
                : t.desiredStatus === 'STOPPED'
                  ? { ...t, lastStatus: 'STOPPED' }
                  : t.lastStatus === 'RUNNING'
                    ? t
                    : { ...t, lastStatus: 'RUNNING', startedAt: now },
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
