import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from './harness';
import { ServiceScheduler } from './worker';

let h: Harness;
let worker: ServiceScheduler;
afterEach(async () => {
  await worker?.stop();
  h?.close();
});

describe('scheduler at scale', () => {
  it('places 100 services x 100 tasks (10,000) on 500 instances, then handles one hint without re-reading everything', async () => {
    h = new Harness();
    worker = new ServiceScheduler(h.deps);
    for (let i = 0; i < 500; i++) h.addInstance({ cpu: 2048, memory: 8192 });
    const td = h.taskDefinition('web', [{ cpu: 10, memory: 64, ports: [{ containerPort: 80 }] }]);
    const services = Array.from(
      { length: 100 },
      (_, i) => h.addService({ name: `svc-${i}`, taskDefinition: td, desiredCount: 100 }).service.serviceArn,
    );
    const t0 = performance.now();
    worker.start();
    await worker.idle();
    const placeMs = performance.now() - t0;
    expect(h.liveTasks()).toHaveLength(10_000);
    h.settle();
    const t1 = performance.now();
    for (const arn of services) worker.enqueue(arn);
    await worker.idle();
    const steadyMs = performance.now() - t1;
    expect(services.every((arn) => h.service(arn).steadySince !== undefined)).toBe(true);
    expect(
      services.every((arn) => h.service(arn).service.events[0]?.message?.endsWith('steady state.')),
    ).toBe(true);

    // One task stops: one service pass (its own tasks), not a sweep over every service.
    const victim = h.liveTasks(services[7])[0]!;
    h.db.tx(() => h.setLastStatus(victim, 'STOPPED'));
    const passesBefore = worker.passes;
    const t2 = performance.now();
    // The hint the agent gives when a service's task stops.
    h.bus.emit('ecs.service.dirty', { clusterArn: h.clusterArn, serviceArn: services[7]! });
    // Hints coalesce: the service was passed just now (by this clock), so it waits out its hint gap.
    h.nowMs += h.deps.config.taskStepMs;
    await worker.idle();
    const hintMs = performance.now() - t2;
    expect(h.liveTasks(services[7])).toHaveLength(100);
    expect(h.bookingViolations()).toEqual([]);
    console.log(
      `scheduler scale: placed 10,000 tasks in ${placeMs.toFixed(0)} ms, 100 steady passes in ${steadyMs.toFixed(0)} ms, one replacement in ${hintMs.toFixed(1)} ms`,
    );
    // The hint pass, plus the one the new task's own hint causes: never a sweep over the 100 services.
    expect(worker.passes - passesBefore).toBeLessThanOrEqual(2);
  }, 120_000);
});
