import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalEvents } from '../common/bus';
import { AwsError } from '../protocol/errors';
import { Harness, REGION } from './harness';
import { launchTasks, type TaskLaunch } from './launch';
import { capacityOf, remainingCapacity, type InstanceCapacity } from './resources';

const plainCapacity = (c: InstanceCapacity) => ({
  cpu: c.cpu,
  memory: c.memory,
  tcp: [...c.tcp].sort((a, b) => a - b),
  udp: [...c.udp].sort((a, b) => a - b),
});

let h: Harness;
afterEach(() => h?.close());

const launch = (td: TaskLaunch['taskDefinition'], count: number, extra: Partial<TaskLaunch> = {}) =>
  h.db.tx(() =>
    launchTasks(h.deps, {
      clusterArn: h.clusterArn,
      region: REGION,
      taskDefinition: td,
      count,
      group: `family:${td.family}`,
      ...extra,
    }),
  );

describe('launchTasks', () => {
  it('writes placed tasks PENDING (created PROVISIONING) with booked resources and emits a hint per task after the transaction', async () => {
    h = new Harness();
    const ci = h.addInstance();
    const td = h.taskDefinition('web', [
      { name: 'web', cpu: 10, memory: 300, ports: [{ containerPort: 80, hostPort: 80 }] },
    ]);
    const events: LocalEvents['ecs.task.changed'][] = [];
    h.bus.on('ecs.task.changed', (e) => events.push(e));
    const { tasks, created, failures } = launch(td, 1, { startedBy: 'me', answered: true });
    expect(failures).toEqual([]);
    expect(tasks).toHaveLength(1);
    const t = tasks[0]!;
    // Created PROVISIONING (what RunTask answers, as its JSON), written with its step to PENDING
    // taken at once.
    const answered = JSON.parse(created[0] as string) as Record<string, unknown>;
    expect(answered).toMatchObject({ lastStatus: 'PROVISIONING', version: 1, tags: [] });
    expect(answered).not.toHaveProperty('pullStartedAt');
    expect(t.task).toMatchObject({ lastStatus: 'PENDING', version: 2, pullStartedAt: h.nowMs / 1000 });
    expect(t.history).toEqual([
      { status: 'PROVISIONING', at: h.nowMs / 1000 },
      { status: 'PENDING', at: h.nowMs / 1000 },
    ]);
    expect(t.task.taskArn).toMatch(/^arn:aws:ecs:us-east-1:000000000000:task\/default\/[0-9a-f]{32}$/);
    expect(t.task).toMatchObject({
      desiredStatus: 'RUNNING',
      containerInstanceArn: ci.containerInstance.containerInstanceArn,
      group: 'family:web',
      startedBy: 'me',
      cpu: '10',
      memory: '300',
      launchType: 'EC2',
    });
    expect(t.task.containers?.[0]).toMatchObject({ name: 'web', lastStatus: 'PENDING', networkBindings: [] });
    expect(t.ports).toEqual([{ containerName: 'web', containerPort: 80, hostPort: 80, protocol: 'tcp' }]);
    expect(t.nextTransitionAt).toBe(h.nowMs + h.deps.config.taskStepMs);
    expect(h.col.tasks.get(t.task.taskArn)).toEqual(t);
    const cap = remainingCapacity(
      h.col.containerInstances.get(ci.containerInstance.containerInstanceArn)!.containerInstance,
    );
    expect(cap.cpu).toBe(1014);
    expect(cap.memory).toBe(693);
    expect(cap.tcp.has(80)).toBe(true);
    expect(events).toEqual([]);
    await Promise.resolve();
    expect(events.map((e) => e.taskArn)).toEqual([t.task.taskArn]);
    // Nothing for the agent to do before the next step.
    expect(events[0]?.dueAt).toBe(h.nowMs + h.deps.config.taskStepMs);
  });

  it('reports AWS failure reasons', () => {
    h = new Harness();
    const td = h.taskDefinition('web', [
      { cpu: 10, memory: 300, ports: [{ containerPort: 80, hostPort: 80 }] },
    ]);
    expect(launch(td, 1).failures).toEqual([
      { reason: 'No Container Instances were found in your cluster.' },
    ]);
    const a = h.addInstance({ cpu: 5 }).containerInstance.containerInstanceArn;
    const b = h.addInstance({ memory: 100 }).containerInstance.containerInstanceArn;
    const result = launch(td, 1);
    expect(result.tasks).toEqual([]);
    expect(result.failures).toEqual(
      expect.arrayContaining([
        { arn: a, reason: 'RESOURCE:CPU' },
        { arn: b, reason: 'RESOURCE:MEMORY' },
      ]),
    );
    const c = h.addInstance().containerInstance.containerInstanceArn;
    const two = launch(td, 2);
    expect(two.tasks).toHaveLength(1);
    expect(two.failures).toContainEqual({ arn: c, reason: 'RESOURCE:PORTS' });
  });

  it('rejects a bad memberOf expression before writing anything', () => {
    h = new Harness();
    h.addInstance();
    const td = h.taskDefinition('web', [{ memory: 10 }]);
    expect(() =>
      launch(td, 1, { placementConstraints: [{ type: 'memberOf', expression: 'attribute:x ==' }] }),
    ).toThrow(AwsError);
    expect(h.tasks()).toEqual([]);
  });

  it('StartTask places one task on each named instance', () => {
    h = new Harness();
    const a = h.addInstance().containerInstance.containerInstanceArn;
    const b = h.addInstance({ memory: 10 }).containerInstance.containerInstanceArn;
    const td = h.taskDefinition('web', [{ memory: 100 }]);
    const missing = a.replace(/[0-9a-f]{32}$/, '0'.repeat(32));
    const result = launch(td, 0, { candidateInstanceArns: [a, a, b, missing] });
    expect(result.tasks.map((t) => t.task.containerInstanceArn)).toEqual([a, a]);
    expect(result.failures).toEqual([
      { arn: b, reason: 'RESOURCE:MEMORY' },
      { arn: missing, reason: 'MISSING' },
    ]);
  });

  it('gives dynamic host ports from 49153 up, never twice', () => {
    h = new Harness();
    h.addInstance({ cpu: 100_000, memory: 100_000 });
    const td = h.taskDefinition('web', [
      { memory: 1, ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'udp' }] },
    ]);
    const { tasks } = launch(td, 3);
    expect(tasks.flatMap((t) => t.ports.map((p) => `${p.protocol}:${p.hostPort}`)).sort()).toEqual([
      'tcp:49153',
      'tcp:49154',
      'tcp:49155',
      'udp:49153',
      'udp:49154',
      'udp:49155',
    ]);
    expect(h.bookingViolations()).toEqual([]);
  });

  it('never books anything twice across random launches, stops and instance changes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              op: fc.constant('launch' as const),
              def: fc.nat(3),
              count: fc.integer({ min: 1, max: 5 }),
              strategy: fc.constantFrom('random', 'binpack', 'spread'),
            }),
            fc.record({ op: fc.constant('stop' as const), pick: fc.nat(100) }),
            fc.record({ op: fc.constant('settle' as const) }),
            fc.record({ op: fc.constant('drain' as const), pick: fc.nat(10) }),
          ),
          { maxLength: 40 },
        ),
        (ops) => {
          h?.close();
          h = new Harness();
          const instances = [0, 1, 2, 3].map((i) =>
            h.addInstance({ cpu: 512 + i * 256, memory: 600 + i * 100 }),
          );
          const defs = [
            h.taskDefinition('a', [{ cpu: 100, memory: 128, ports: [{ containerPort: 80, hostPort: 80 }] }]),
            h.taskDefinition('b', [
              { cpu: 50, memoryReservation: 64, memory: 256, ports: [{ containerPort: 80 }] },
            ]),
            h.taskDefinition('c', [
              { cpu: 200, memory: 300, ports: [{ containerPort: 53, hostPort: 53, protocol: 'udp' }] },
            ]),
            h.taskDefinition('d', [{ cpu: 10, memory: 10 }], { cpu: '128', memory: '256' }),
          ];
          for (const o of ops) {
            if (o.op === 'launch') {
              const field = o.strategy === 'binpack' ? 'cpu' : 'instanceId';
              launch(defs[o.def]!, o.count, { placementStrategy: [{ type: o.strategy, field }] });
            } else if (o.op === 'stop') {
              const live = h.liveTasks();
              const t = live[o.pick % Math.max(1, live.length)];
              if (t) h.db.tx(() => h.setLastStatus(t, 'STOPPED'));
            } else if (o.op === 'settle') {
              h.settle();
            } else {
              const ci = instances[o.pick % instances.length]!.containerInstance.containerInstanceArn;
              const status = h.col.containerInstances.get(ci)!.containerInstance.status;
              h.setInstanceStatus(ci, status === 'ACTIVE' ? 'DRAINING' : 'ACTIVE');
            }
            expect(h.bookingViolations()).toEqual([]);
            // The capacity remembered for a booked version is what its stored resources say.
            for (const i of instances) {
              const arn = i.containerInstance.containerInstanceArn;
              const shared = h.col.containerInstances.peek(arn)!.containerInstance;
              const parsed = h.col.containerInstances.get(arn)!.containerInstance;
              expect(plainCapacity(capacityOf(shared))).toEqual(plainCapacity(remainingCapacity(parsed)));
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
