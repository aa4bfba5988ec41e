import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from './harness';
import { unableToPlace } from './service-events';
import { upgradeSchedulerRecords } from './upgrade';
import { ServiceScheduler } from './worker';

let h: Harness;
let worker: ServiceScheduler;
afterEach(async () => {
  await worker?.stop();
  h?.close();
});

const setup = () => {
  h = new Harness();
  worker = new ServiceScheduler(h.deps);
};

const messages = (serviceArn: string) => h.service(serviceArn).service.events.map((e) => e.message ?? '');

/** Passes and agent steps until nothing changes (at most `rounds`). */
async function converge(serviceArn: string, rounds = 20) {
  for (let i = 0; i < rounds; i++) {
    const before = JSON.stringify([h.tasks(), h.service(serviceArn)]);
    await worker.process(serviceArn);
    h.settle();
    h.nowMs += 1000;
    if (JSON.stringify([h.tasks(), h.service(serviceArn)]) === before) return;
  }
}

describe('service scheduler', () => {
  it('starts tasks, reports them, and reaches a steady state once', async () => {
    setup();
    h.addInstance();
    h.addInstance();
    const td = h.taskDefinition('web', [
      { name: 'web', cpu: 10, memory: 300, ports: [{ containerPort: 80, hostPort: 80 }] },
    ]);
    const arn = h.addService({ name: 'sample-webapp', taskDefinition: td, desiredCount: 2 }).service
      .serviceArn;
    await worker.process(arn);
    const live = h.liveTasks(arn);
    expect(live).toHaveLength(2);
    expect(new Set(live.map((t) => t.task.containerInstanceArn)).size).toBe(2);
    expect(live[0]!.task).toMatchObject({
      group: 'service:sample-webapp',
      startedBy: h.service(arn).service.deployments[0]!.id,
    });
    expect(messages(arn)[0]).toMatch(
      /^\(service sample-webapp\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/,
    );
    expect(h.service(arn).service.deployments[0]).toMatchObject({ pendingCount: 2, runningCount: 0 });
    h.settle();
    await worker.process(arn);
    await worker.process(arn);
    const svc = h.service(arn).service;
    expect(svc.deployments).toHaveLength(1);
    expect(svc.deployments[0]).toMatchObject({ runningCount: 2, pendingCount: 0, rolloutState: 'COMPLETED' });
    expect(messages(arn).slice(0, 2)).toEqual([
      '(service sample-webapp) has reached a steady state.',
      `(service sample-webapp) (deployment ${svc.deployments[0]!.id}) deployment completed.`,
    ]);
    expect(messages(arn).filter((m) => m.endsWith('steady state.'))).toHaveLength(1);
    expect(h.bookingViolations()).toEqual([]);
  });

  it('replaces a stopped task', async () => {
    setup();
    h.addInstance();
    const td = h.taskDefinition('web', [{ memory: 100 }]);
    const arn = h.addService({ name: 's', taskDefinition: td, desiredCount: 1 }).service.serviceArn;
    await converge(arn);
    const [first] = h.liveTasks(arn);
    h.db.tx(() => h.setLastStatus(first!, 'STOPPED'));
    await worker.process(arn);
    const live = h.liveTasks(arn);
    expect(live).toHaveLength(1);
    expect(live[0]!.task.taskArn).not.toBe(first!.task.taskArn);
    await converge(arn);
    expect(messages(arn)[0]).toBe('(service s) has reached a steady state.');
  });

  it('rolls out a new task definition within the percent bounds and completes', async () => {
    setup();
    for (let i = 0; i < 4; i++) h.addInstance({ cpu: 4096, memory: 4096 });
    const v1 = h.taskDefinition('web', [{ memory: 100, ports: [{ containerPort: 80 }] }]);
    const arn = h.addService({
      name: 'web',
      taskDefinition: v1,
      desiredCount: 4,
      minimumHealthyPercent: 50,
      maximumPercent: 150,
    }).service.serviceArn;
    await converge(arn);
    const v2 = h.taskDefinition('web', [{ memory: 100, ports: [{ containerPort: 80 }] }]);
    const newId = h.deploy(arn, v2);
    for (let i = 0; i < 20; i++) {
      await worker.process(arn);
      const live = h
        .tasks()
        .filter((t) => t.task.desiredStatus === 'RUNNING' && t.task.lastStatus !== 'STOPPED');
      const running = live.filter((t) => t.task.lastStatus === 'RUNNING');
      expect(live.length).toBeLessThanOrEqual(6);
      expect(running.length).toBeGreaterThanOrEqual(2);
      h.settle();
      h.nowMs += 1000;
    }
    const svc = h.service(arn).service;
    expect(svc.deployments.map((d) => [d.id, d.status, d.rolloutState, d.runningCount])).toEqual([
      [newId, 'PRIMARY', 'COMPLETED', 4],
    ]);
    expect(h.liveTasks(arn).every((t) => t.task.taskDefinitionArn === v2.taskDefinitionArn)).toBe(true);
    expect(messages(arn)).toContain(`(service web) (deployment ${newId}) deployment completed.`);
    expect(messages(arn).some((m) => /^\(service web\) has stopped 2 running tasks: /.test(m))).toBe(true);
    const stopped = h.tasks().find((t) => t.task.lastStatus === 'STOPPED')!;
    expect(stopped.task).toMatchObject({
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: expect.stringMatching(/^Scaling activity initiated by \(deployment ecs-svc\/\d+\)$/),
    });
    expect(h.bookingViolations()).toEqual([]);
  });

  it('moves tasks off a DRAINING instance', async () => {
    setup();
    const a = h.addInstance().containerInstance.containerInstanceArn;
    h.addInstance();
    const td = h.taskDefinition('web', [{ memory: 100 }]);
    const arn = h.addService({
      name: 's',
      taskDefinition: td,
      desiredCount: 2,
      placementStrategy: [{ type: 'binpack', field: 'memory' }],
    }).service.serviceArn;
    await converge(arn);
    h.setInstanceStatus(a, 'DRAINING');
    await converge(arn);
    const live = h.liveTasks(arn);
    expect(live).toHaveLength(2);
    expect(live.every((t) => t.task.containerInstanceArn !== a)).toBe(true);
  });

  it('reports an unplaceable task at most once a minute, with the closest instance', async () => {
    setup();
    const ci = h.addInstance({ cpu: 5 }).containerInstance.containerInstanceArn;
    const td = h.taskDefinition('web', [{ cpu: 10, memory: 100 }]);
    const arn = h.addService({ name: 's', taskDefinition: td, desiredCount: 1 }).service.serviceArn;
    await worker.process(arn);
    await worker.process(arn);
    h.nowMs += 30_000;
    await worker.process(arn);
    const id = ci.slice(ci.lastIndexOf('/') + 1);
    expect(messages(arn)).toEqual([
      `(service s) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance ${id}) has insufficient CPU units available. For more information, see the Troubleshooting section.`,
    ]);
    h.nowMs += 31_000;
    await worker.process(arn);
    expect(messages(arn)).toHaveLength(2);
  });

  it('drains a deleted service and marks it INACTIVE', async () => {
    setup();
    h.addInstance();
    const td = h.taskDefinition('web', [{ memory: 100 }]);
    const arn = h.addService({ name: 's', taskDefinition: td, desiredCount: 2 }).service.serviceArn;
    await converge(arn);
    h.updateService(arn, { status: 'DRAINING', desiredCount: 0 });
    await worker.process(arn);
    expect(h.tasks().every((t) => t.task.desiredStatus === 'STOPPED')).toBe(true);
    expect(h.service(arn).service.status).toBe('DRAINING');
    h.settle();
    await worker.process(arn);
    expect(h.service(arn).service.status).toBe('INACTIVE');
    expect(h.bookingViolations()).toEqual([]);
  });

  it('registers RUNNING tasks with target groups and deregisters stopping ones; survives ELB failures', async () => {
    setup();
    h.addInstance();
    const td = h.taskDefinition('web', [{ name: 'web', memory: 100, ports: [{ containerPort: 80 }] }]);
    const tg = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef';
    const arn = h.addService({
      name: 's',
      taskDefinition: td,
      desiredCount: 1,
      loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 80 }],
    }).service.serviceArn;
    h.failing.add('elasticloadbalancingv2:RegisterTargets');
    await converge(arn, 4);
    expect(h.calls.filter((c) => c.action === 'RegisterTargets')).toEqual([]);
    h.failing.clear();
    await worker.process(arn);
    const t = h.liveTasks(arn)[0]!;
    const ec2 = h.col.containerInstances.get(t.task.containerInstanceArn!)!.containerInstance.ec2InstanceId;
    expect(h.calls.filter((c) => c.action === 'RegisterTargets').map((c) => c.input)).toEqual([
      { TargetGroupArn: tg, Targets: [{ Id: ec2, Port: t.ports[0]!.hostPort }] },
    ]);
    expect(messages(arn)).toContain(`(service s) registered 1 targets in (target-group ${tg})`);
    h.updateService(arn, { desiredCount: 0 });
    await worker.process(arn);
    await worker.process(arn);
    expect(h.calls.filter((c) => c.action === 'DeregisterTargets').map((c) => c.input)).toEqual([
      { TargetGroupArn: tg, Targets: [{ Id: ec2, Port: t.ports[0]!.hostPort }] },
    ]);
    expect(messages(arn)).toContain(`(service s) deregistered 1 targets in (target-group ${tg})`);
  });

  it('runs from bus hints and recovers everything on start', async () => {
    setup();
    h.addInstance();
    const td = h.taskDefinition('web', [{ memory: 100 }]);
    const a = h.addService({ name: 'a', taskDefinition: td, desiredCount: 1 }).service.serviceArn;
    worker.start();
    await worker.idle();
    expect(h.liveTasks(a)).toHaveLength(1);
    const b = h.addService({ name: 'b', taskDefinition: td, desiredCount: 2 }).service.serviceArn;
    h.bus.emit('ecs.service.dirty', { clusterArn: h.clusterArn, serviceArn: b });
    await worker.idle();
    expect(h.liveTasks(b)).toHaveLength(2);
  });

  it('words unable-to-place like ECS', () => {
    expect(
      unableToPlace('s', [{ reason: 'No Container Instances were found in your cluster.' }], undefined),
    ).toBe(
      '(service s) was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster. For more information, see the Troubleshooting section.',
    );
    expect(
      unableToPlace('s', [], {
        instanceArn: 'arn:aws:ecs:us-east-1:0:container-instance/c/abc',
        reason: 'MemberOf placement constraint unsatisfied.',
      }),
    ).toContain(
      'The closest matching (container-instance abc) encountered error "MemberOf placement constraint unsatisfied".',
    );
  });
});

describe('service scheduler failures', () => {
  it('requeues a failed pass with backoff (50 ms, then 100 ms: by the clock) and converges', async () => {
    setup();
    h.addInstance();
    const td = h.taskDefinition('web', [{ memory: 100 }]);
    const arn = h.addService({ name: 's', taskDefinition: td, desiredCount: 1 }).service.serviceArn;
    const logged: string[] = [];
    h.deps.log = (message) => logged.push(message);
    worker = new ServiceScheduler(h.deps);
    worker.start(); // its first pass comes on the next turn of the event loop, after this test's setup
    const tx = h.db.tx.bind(h.db);
    let failuresLeft = 2;
    h.db.tx = <T>(fn: () => T): T => {
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error('database is locked');
      }
      return tx(fn);
    };
    await worker.idle();
    expect(failuresLeft).toBe(1);
    h.clock.advance(49);
    await worker.idle();
    expect(failuresLeft).toBe(1); // not retried before its backoff
    h.clock.advance(1);
    await worker.idle();
    expect(failuresLeft).toBe(0);
    expect(h.liveTasks(arn)).toHaveLength(0);
    h.clock.advance(99);
    await worker.idle();
    expect(h.liveTasks(arn)).toHaveLength(0);
    h.clock.advance(1);
    await worker.idle();
    expect(h.liveTasks(arn)).toHaveLength(1);
    expect(logged.filter((m) => m.includes('retrying'))).toHaveLength(2);
  });

  it('counts tasks that stopped before running as failed tasks of their deployment', async () => {
    setup();
    h.addInstance();
    const td = h.taskDefinition('web', [{ memory: 100 }]);
    const arn = h.addService({ name: 's', taskDefinition: td, desiredCount: 1 }).service.serviceArn;
    await worker.process(arn);
    const [t] = h.liveTasks(arn);
    h.db.tx(() => h.setLastStatus(t!, 'STOPPED'));
    await worker.process(arn);
    expect(h.service(arn).service.deployments[0]).toMatchObject({ failedTasks: 1, pendingCount: 1 });
  });
});

describe('DAEMON services', () => {
  it('run one task on each matching ACTIVE instance, follow instances, and roll out per instance', async () => {
    setup();
    const a = h.addInstance().containerInstance.containerInstanceArn;
    const b = h.addInstance().containerInstance.containerInstanceArn;
    h.addInstance({ instanceType: 'm5.large' });
    const v1 = h.taskDefinition('agent', [{ memory: 64, ports: [{ containerPort: 9100, hostPort: 9100 }] }]);
    const arn = h.addService({
      name: 'node-exporter',
      taskDefinition: v1,
      desiredCount: 0,
      schedulingStrategy: 'DAEMON',
      minimumHealthyPercent: 0,
      maximumPercent: 100,
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type == t2.micro' }],
    }).service.serviceArn;
    await converge(arn);
    const instancesOf = () =>
      h
        .liveTasks(arn)
        .map((t) => t.task.containerInstanceArn)
        .sort();
    expect(instancesOf()).toEqual([a, b].sort());
    expect(h.service(arn).service.desiredCount).toBe(2);
    expect(messages(arn)[0]).toBe('(service node-exporter) has reached a steady state.');

    const c = h.addInstance().containerInstance.containerInstanceArn;
    h.setInstanceStatus(a, 'DRAINING');
    await converge(arn);
    expect(instancesOf()).toEqual([b, c].sort());
    expect(h.service(arn).service.desiredCount).toBe(2);

    const v2 = h.taskDefinition('agent', [{ memory: 64, ports: [{ containerPort: 9100, hostPort: 9100 }] }]);
    const id = h.deploy(arn, v2);
    await converge(arn);
    expect(h.liveTasks(arn).map((t) => t.task.taskDefinitionArn)).toEqual([
      v2.taskDefinitionArn,
      v2.taskDefinitionArn,
    ]);
    expect(h.service(arn).service.deployments.map((d) => [d.id, d.rolloutState])).toEqual([
      [id, 'COMPLETED'],
    ]);
    expect(h.bookingViolations()).toEqual([]);
  });
});

describe('state kept in fields, never read back from words', () => {
  const TG = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef';

  /** A service of one task behind TG, whose target the load balancer reports unhealthy. */
  async function unhealthyService(graceSeconds: number) {
    h.addInstance();
    const td = h.taskDefinition('web', [{ name: 'web', memory: 100, ports: [{ containerPort: 80 }] }]);
    const arn = h.addService({
      name: 's',
      taskDefinition: td,
      desiredCount: 1,
      loadBalancers: [{ targetGroupArn: TG, containerName: 'web', containerPort: 80 }],
    }).service.serviceArn;
    h.updateService(arn, { healthCheckGracePeriodSeconds: graceSeconds });
    await worker.process(arn);
    h.settle();
    const [t] = h.liveTasks(arn);
    const startedAt = h.nowMs / 1000;
    h.col.tasks.put(t!.task.taskArn, { ...t!, task: { ...t!.task, startedAt } });
    const ec2 = h.col.containerInstances.get(t!.task.containerInstanceArn!)!.containerInstance.ec2InstanceId;
    h.answers.set('elasticloadbalancingv2:DescribeTargetHealth', () => ({
      TargetHealthDescriptions: [
        {
          Target: { Id: ec2, Port: String(t!.ports[0]!.hostPort) },
          TargetHealth: {
            State: 'unhealthy',
            Reason: 'Target.ResponseCodeMismatch',
            Description: 'Health checks failed',
          },
        },
      ],
    }));
    return { arn, taskArn: t!.task.taskArn, startedAt };
  }

  it('a steady state is a field: other events on top do not make it steady again', async () => {
    setup();
    h.addInstance();
    const td = h.taskDefinition('web', [{ memory: 100 }]);
    const arn = h.addService({ name: 's', taskDefinition: td, desiredCount: 1 }).service.serviceArn;
    await converge(arn);
    const since = h.service(arn).steadySince;
    expect(since).toBeDefined();
    const steadyEvents = () => messages(arn).filter((m) => m === '(service s) has reached a steady state.');
    expect(steadyEvents()).toHaveLength(1);
    // A newer event of any wording on top: still steady, nothing new to say.
    const svc = h.service(arn).service;
    h.updateService(arn, {
      events: [{ id: 'x', createdAt: h.nowMs / 1000, message: 'reworded' }, ...svc.events],
    });
    h.nowMs += 5000;
    await worker.process(arn);
    expect(steadyEvents()).toHaveLength(1);
    expect(h.service(arn).steadySince).toBe(since);
    // Scaling up leaves the steady state; reaching it again is news, with a new time.
    h.updateService(arn, { desiredCount: 2 });
    await worker.process(arn);
    expect(h.service(arn).steadySince).toBeUndefined();
    await converge(arn);
    expect(steadyEvents()).toHaveLength(2);
    expect(h.service(arn).steadySince).toBeGreaterThan(since!);
  });

  it('a task stopped for failing its health checks keeps that cause, and counts as failed whatever its words', async () => {
    setup();
    const { arn, taskArn } = await unhealthyService(0);
    h.nowMs += 1000;
    await worker.process(arn);
    const stopped = h.col.tasks.get(taskArn)!;
    expect(stopped.stopCause).toEqual({ kind: 'unhealthyTarget', targetGroupArn: TG });
    expect(stopped.task).toMatchObject({
      desiredStatus: 'STOPPED',
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: `Task failed ELB health checks in (target-group ${TG})`,
    });
    expect(messages(arn)).toContain(
      `(service s) (port ${stopped.ports[0]!.hostPort}) is unhealthy in (target-group ${TG}) due to (reason Health checks failed).`,
    );
    h.settle((t) => t.task.taskArn === taskArn);
    h.col.tasks.put(taskArn, {
      ...h.col.tasks.get(taskArn)!,
      task: { ...h.col.tasks.get(taskArn)!.task, stoppedAt: h.nowMs / 1000, stoppedReason: 'reworded' },
    });
    await worker.process(arn);
    expect(h.service(arn).service.deployments[0]!.failedTasks).toBe(1);
  });

  it('an unhealthy target is left alone until healthCheckGracePeriodSeconds after its task started (by the clock)', async () => {
    setup();
    const { arn, taskArn, startedAt } = await unhealthyService(300);
    h.nowMs = startedAt * 1000 + 299_999;
    await worker.process(arn);
    expect(h.col.tasks.get(taskArn)!.task.desiredStatus).toBe('RUNNING');
    expect(messages(arn).some((m) => m.includes('is unhealthy in'))).toBe(false);
    h.nowMs += 1;
    await worker.process(arn);
    expect(h.col.tasks.get(taskArn)!.stopCause).toEqual({ kind: 'unhealthyTarget', targetGroupArn: TG });
  });

  it('derives the fields of records written before they existed, once', async () => {
    setup();
    h.addInstance();
    const td = h.taskDefinition('web', [{ memory: 100 }]);
    const arn = h.addService({ name: 's', taskDefinition: td, desiredCount: 1 }).service.serviceArn;
    await converge(arn);
    // As an older version left them: the steady state only in the newest event, the cause only in words.
    const { steadySince, ...old } = h.service(arn);
    expect(steadySince).toBeDefined();
    h.col.services.put(arn, old);
    const [t] = h.liveTasks(arn);
    const reason = `Task failed ELB health checks in (target-group ${TG})`;
    h.col.tasks.put(t!.task.taskArn, {
      ...t!,
      task: {
        ...t!.task,
        desiredStatus: 'STOPPED',
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: reason,
      },
    });
    h.settle((x) => x.task.taskArn === t!.task.taskArn);
    const steadyAt = old.service.events.find((e) => e.message?.endsWith('steady state.'))?.createdAt;
    upgradeSchedulerRecords(h.deps, h.col);
    expect(h.service(arn).steadySince).toBe(steadyAt);
    expect(h.col.tasks.get(t!.task.taskArn)!.stopCause).toEqual({
      kind: 'unhealthyTarget',
      targetGroupArn: TG,
    });
    // Once per state file: a later start leaves records alone.
    h.col.services.put(arn, old);
    upgradeSchedulerRecords(h.deps, h.col);
    expect(h.service(arn).steadySince).toBeUndefined();
    // And the scheduler judges by the fields: the task failed, a replacement starts.
    await worker.process(arn);
    expect(h.service(arn).service.deployments[0]!.failedTasks).toBe(1);
    expect(h.liveTasks(arn)).toHaveLength(1);
  });
});
