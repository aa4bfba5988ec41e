import { describe, expect, it } from 'vitest';
import {
  circuitBreakerThreshold,
  consecutiveFailures,
  exitsBeforeStable,
  failedTask,
  reconcile,
  type ReconcileInput,
  type ReconcileTask,
} from './reconcile';

const task = (arn: string, over: Partial<ReconcileTask> = {}): ReconcileTask => ({
  taskArn: arn,
  deploymentId: 'new',
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  createdAt: 0,
  instance: 'ACTIVE',
  ...over,
});

const input = (over: Partial<ReconcileInput> = {}): ReconcileInput => ({
  status: 'ACTIVE',
  desiredCount: 2,
  minimumHealthyPercent: 100,
  maximumPercent: 200,
  deployments: [{ id: 'new', status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }],
  tasks: [],
  wasSteady: false,
  now: 100,
  ...over,
});

describe('reconcile', () => {
  it('places the missing tasks on the PRIMARY deployment', () => {
    expect(reconcile(input({ tasks: [task('a')] })).place).toEqual([{ deploymentId: 'new', count: 1 }]);
  });

  it('scales down, stopping tasks that are not running yet first', () => {
    const d = reconcile(
      input({
        desiredCount: 1,
        tasks: [task('a'), task('b', { lastStatus: 'PENDING' }), task('c', { createdAt: 5 })],
      }),
    );
    expect(d.stop.map((s) => s.taskArn)).toEqual(['b', 'c']);
    expect(d.stop[0]?.cause).toEqual({ kind: 'scaling', deploymentId: 'new' });
  });

  it('rolls out: starts new tasks up to maximumPercent, stops old ones only while minimumHealthyPercent stays RUNNING', () => {
    const deployments = [
      { id: 'new', status: 'PRIMARY', rolloutState: 'IN_PROGRESS' },
      { id: 'old', status: 'ACTIVE', rolloutState: 'COMPLETED' },
    ];
    const olds = ['o1', 'o2', 'o3', 'o4'].map((a) => task(a, { deploymentId: 'old' }));
    const first = reconcile(
      input({ desiredCount: 4, minimumHealthyPercent: 50, maximumPercent: 150, deployments, tasks: olds }),
    );
    expect(first.place).toEqual([{ deploymentId: 'new', count: 2 }]);
    expect(first.stop).toHaveLength(2);
    expect(first.deploymentUpdates.find((u) => u.id === 'old')).toMatchObject({
      status: 'ACTIVE',
      desiredCount: 2,
    });
  });

  it('reports a deployment the percent bounds block', () => {
    const d = reconcile(
      input({
        desiredCount: 1,
        minimumHealthyPercent: 100,
        maximumPercent: 100,
        deployments: [
          { id: 'new', status: 'PRIMARY', rolloutState: 'IN_PROGRESS' },
          { id: 'old', status: 'ACTIVE' },
        ],
        tasks: [task('o', { deploymentId: 'old' })],
      }),
    );
    expect(d.place).toEqual([]);
    expect(d.stop).toEqual([]);
    expect(d.events).toEqual([{ kind: 'deploymentBlocked' }]);
  });

  it('is not blocked while a new task is still becoming stable (found by the property tests)', () => {
    // Two wanted, one on a draining instance, its replacement RUNNING but young: wait, do not report.
    const d = reconcile(
      input({
        minimumHealthyPercent: 1,
        maximumPercent: 100,
        stableSeconds: 1,
        tasks: [task('old', { instance: 'DRAINING', startedAt: 10 }), task('young', { startedAt: 99.5 })],
      }),
    );
    expect(d.stop).toEqual([]);
    expect(d.place).toEqual([]);
    expect(d.events).toEqual([]);
    expect(d.recheckIn).toBeCloseTo(0.5);
  });

  it('completes the deployment and reports a steady state once', () => {
    const tasks = [task('a'), task('b')];
    const d = reconcile(input({ tasks }));
    expect(d.steady).toBe(true);
    expect(d.events).toEqual([{ kind: 'deploymentCompleted', deploymentId: 'new' }, { kind: 'steady' }]);
    expect(d.deploymentUpdates[0]).toMatchObject({
      rolloutState: 'COMPLETED',
      rolloutStateReason: 'ECS deployment new completed.',
    });
    const again = reconcile(
      input({
        tasks,
        wasSteady: true,
        deployments: [{ id: 'new', status: 'PRIMARY', rolloutState: 'COMPLETED' }],
      }),
    );
    expect(again.events).toEqual([]);
  });

  it('is not steady while a stopped task is still shutting down', () => {
    const d = reconcile(input({ tasks: [task('a'), task('b'), task('c', { desiredStatus: 'STOPPED' })] }));
    expect(d.steady).toBe(false);
  });

  it('replaces tasks whose instance is gone and tasks on DRAINING instances', () => {
    const d = reconcile(
      input({
        minimumHealthyPercent: 50,
        tasks: [task('gone', { instance: 'GONE' }), task('draining', { instance: 'DRAINING' })],
      }),
    );
    expect(d.place).toEqual([{ deploymentId: 'new', count: 2 }]);
    expect(d.stop).toEqual([{ taskArn: 'gone', cause: { kind: 'instanceGone' } }]);
    const later = reconcile(
      input({
        minimumHealthyPercent: 50,
        tasks: [task('draining', { instance: 'DRAINING' }), task('n1'), task('n2')],
      }),
    );
    expect(later.stop).toEqual([{ taskArn: 'draining', cause: { kind: 'instanceDraining' } }]);
  });

  it('a DRAINING service stops everything, then becomes INACTIVE', () => {
    const d = reconcile(input({ status: 'DRAINING', desiredCount: 0, tasks: [task('a'), task('b')] }));
    expect(d.stop.map((s) => s.taskArn)).toEqual(['a', 'b']);
    expect(d.serviceStatus).toBeUndefined();
    const done = reconcile(
      input({
        status: 'DRAINING',
        desiredCount: 0,
        tasks: [task('a', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' })],
      }),
    );
    expect(done.serviceStatus).toBe('INACTIVE');
  });
});

describe('deployment circuit breaker', () => {
  const cb = { enable: true, rollback: true };
  /** `failures` tasks of the new deployment whose essential container exited. */
  const crashed = (failures: number) =>
    Array.from({ length: failures }, (_, i) =>
      task(`f${i}`, {
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stopCode: 'EssentialContainerExited',
        everRunning: true,
        startedAt: 60 + i,
        stoppedAt: 61 + i,
      }),
    );
  const rollout = (failures: number, over: Partial<ReconcileInput> = {}) =>
    input({
      circuitBreaker: cb,
      deployments: [
        { id: 'new', status: 'PRIMARY', rolloutState: 'IN_PROGRESS', createdAt: 50 },
        { id: 'old', status: 'ACTIVE', rolloutState: 'COMPLETED', createdAt: 10 },
        { id: 'older', status: 'ACTIVE', rolloutState: 'COMPLETED', createdAt: 5 },
      ],
      ...over,
      tasks: [
        ...crashed(failures),
        ...(over.tasks ?? [task('o1', { deploymentId: 'old' }), task('o2', { deploymentId: 'old' })]),
      ],
    });

  it('trips at half the desired count, at least 3 and at most 200', () => {
    expect([1, 2, 6, 7, 25, 400, 800].map(circuitBreakerThreshold)).toEqual([3, 3, 3, 4, 13, 200, 200]);
  });

  it('below the threshold, the rollout goes on', () => {
    const d = reconcile(rollout(2));
    expect(d.place).toEqual([{ deploymentId: 'new', count: 2 }]);
    expect(d.events).toEqual([]);
    expect(d.failedTasks.get('new')).toBe(2);
  });

  it('with rollback, the latest COMPLETED deployment is PRIMARY again and the failed one drains', () => {
    const d = reconcile(rollout(3, { tasks: [task('o1', { deploymentId: 'old' }), task('n1')] }));
    expect(d.events.slice(0, 2)).toEqual([
      { kind: 'deploymentFailed', deploymentId: 'new' },
      { kind: 'rollingBack', deploymentId: 'old' },
    ]);
    const byId = new Map(d.deploymentUpdates.map((u) => [u.id, u]));
    expect(byId.get('old')).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: 'ECS deployment circuit breaker: rolling back to deploymentId old.',
    });
    expect(byId.get('new')).toMatchObject({
      status: 'ACTIVE',
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
    });
    expect(d.place).toEqual([{ deploymentId: 'old', count: 1 }]);
  });

  it('without a COMPLETED deployment (or rollback), the deployment FAILS and launches nothing more', () => {
    for (const over of [{ circuitBreaker: { enable: true, rollback: false } }, {}]) {
      const base = rollout(3, over);
      const d = reconcile(
        'circuitBreaker' in over
          ? base
          : { ...base, deployments: base.deployments.slice(0, 1), tasks: crashed(3) },
      );
      expect(d.events).toEqual([{ kind: 'deploymentFailed', deploymentId: 'new' }]);
      expect(d.deploymentUpdates[0]).toMatchObject({ id: 'new', status: 'PRIMARY', rolloutState: 'FAILED' });
      expect(d.place).toEqual([]);
      expect(d.stop).toEqual([]);
    }
    const failed = reconcile(
      input({
        deployments: [{ id: 'new', status: 'PRIMARY', rolloutState: 'FAILED' }],
        tasks: crashed(9),
      }),
    );
    expect(failed.place).toEqual([]);
    expect(failed.events).toEqual([]);
  });

  it('is off unless enabled', () => {
    const d = reconcile(rollout(50, { circuitBreaker: { enable: false, rollback: true } }));
    expect(d.events).toEqual([]);
    expect(d.place).toEqual([{ deploymentId: 'new', count: 2 }]);
  });
});

describe('stability', () => {
  it('keeps old tasks while new ones are young or about to exit, however late it looks', () => {
    const rollout = (newTask: Partial<ReconcileTask>) =>
      reconcile(
        input({
          desiredCount: 1,
          now: 100,
          stableSeconds: 0.6,
          deployments: [
            { id: 'new', status: 'PRIMARY', rolloutState: 'IN_PROGRESS' },
            { id: 'old', status: 'ACTIVE', rolloutState: 'COMPLETED' },
          ],
          tasks: [
            task('o1', { deploymentId: 'old', startedAt: 10 }),
            task('n1', { startedAt: 99.9, ...newTask }),
          ],
        }),
      );
    const young = rollout({});
    expect(young.stop).toEqual([]);
    expect(young.recheckIn).toBeCloseTo(0.5);
    expect(rollout({ startedAt: 90 }).stop.map((s) => s.taskArn)).toEqual(['o1']);
    const exiting = rollout({ startedAt: 90, nextStepAt: 90.3 });
    expect(exiting.stop).toEqual([]);
    expect(exiting.recheckIn).toBeUndefined();
  });
});

describe('failure and health rules', () => {
  const stopped = (over: Partial<ReconcileTask>) =>
    task('x', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: 50, ...over });

  it('a failed task stopped on its own before it ran, had an essential container exit, or failed its health checks', () => {
    expect(failedTask(stopped({ stopCode: 'TaskFailedToStart' }))).toBe(true);
    expect(failedTask(stopped({ stopCode: 'EssentialContainerExited', everRunning: true }))).toBe(true);
    expect(
      failedTask(
        stopped({ stopCode: 'ServiceSchedulerInitiated', stopCause: 'unhealthyTarget', everRunning: true }),
      ),
    ).toBe(true);
    // Stopped by someone: never a failure, even before it ran.
    for (const stopCode of ['UserInitiated', 'ServiceSchedulerInitiated', 'TerminationNotice'])
      expect(failedTask(stopped({ stopCode }))).toBe(false);
    expect(failedTask(stopped({ stopCode: 'ServiceSchedulerInitiated', stopCause: 'scaling' }))).toBe(false);
    expect(failedTask(task('y', { stopCode: 'EssentialContainerExited' }))).toBe(false); // not STOPPED yet
  });

  it('a RUNNING task exits before it is stable when its next step comes first (in whole ms)', () => {
    const running = (nextStepAt?: number) =>
      task('r', { startedAt: 100.1, ...(nextStepAt ? { nextStepAt } : {}) });
    expect(exitsBeforeStable(running(100.16), 0.06)).toBe(true); // exactly at the stability time
    expect(exitsBeforeStable(running(100.161), 0.06)).toBe(false);
    expect(exitsBeforeStable(running(), 0.06)).toBe(false);
    expect(exitsBeforeStable({ ...running(100.12), desiredStatus: 'STOPPED' }, 0.06)).toBe(false);
  });

  it('counts failures since the last task of the deployment became healthy', () => {
    const failures = [
      stopped({ taskArn: 'f1', stopCode: 'TaskFailedToStart', stoppedAt: 10 }),
      stopped({ taskArn: 'f2', stopCode: 'EssentialContainerExited', everRunning: true, stoppedAt: 20 }),
      stopped({ taskArn: 'f3', stopCode: 'TaskFailedToStart', stoppedAt: 40 }),
      stopped({ taskArn: 'other', deploymentId: 'old', stopCode: 'TaskFailedToStart', stoppedAt: 40 }),
    ];
    expect(consecutiveFailures(failures, 'new', 5, 100)).toBe(3);
    // Healthy since 30 (started at 25, stable for 5): only f3 counts.
    const healthy = task('h', { startedAt: 25 });
    expect(consecutiveFailures([...failures, healthy], 'new', 5, 100)).toBe(1);
    // Not healthy yet at 29, nor when it is about to exit: no reset.
    expect(consecutiveFailures([...failures, healthy], 'new', 5, 29)).toBe(3);
    expect(consecutiveFailures([...failures, { ...healthy, nextStepAt: 27 }], 'new', 5, 100)).toBe(3);
  });
});
