import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  placeTasks,
  type PlacementInstance,
  type PortRequest,
  type Strategy,
  type TaskRequirements,
} from './placement';
import { RESERVED_HOST_PORTS } from '../../facts/container-instance';

const instanceArb = fc
  .record({
    cpu: fc.integer({ min: 0, max: 2048 }),
    memory: fc.integer({ min: 0, max: 2048 }),
    usedTcp: fc.uniqueArray(fc.constantFrom(80, 443, 8080, 49153, 49154), { maxLength: 3 }),
    usedUdp: fc.uniqueArray(fc.constantFrom(53, 49153), { maxLength: 2 }),
    status: fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING'),
    zone: fc.constantFrom('a', 'b', 'c'),
    groupTasks: fc.nat(2),
  })
  .map((f): Omit<PlacementInstance, 'arn' | 'ec2InstanceId'> => ({
    status: f.status,
    agentConnected: true,
    runningTasksCount: f.groupTasks,
    attributes: new Map([['ecs.availability-zone', f.zone]]),
    taskGroups: new Set(f.groupTasks ? ['g'] : []),
    groups: new Map(f.groupTasks ? [['g', f.groupTasks]] : []),
    remaining: {
      cpu: f.cpu,
      memory: f.memory,
      tcp: new Set([...RESERVED_HOST_PORTS, ...f.usedTcp]),
      udp: new Set(f.usedUdp),
    },
  }));

const portArb: fc.Arbitrary<PortRequest> = fc.record({
  containerName: fc.constantFrom('a', 'b'),
  containerPort: fc.constantFrom(80, 53, 8080),
  hostPort: fc.constantFrom(0, 0, 80, 8080, 53, 49153),
  protocol: fc.constantFrom('tcp' as const, 'udp' as const),
});

const strategyArb: fc.Arbitrary<Strategy> = fc.oneof(
  fc.constant({ type: 'random' as const }),
  fc.constantFrom('cpu', 'memory').map((field) => ({ type: 'binpack' as const, field })),
  fc
    .constantFrom('instanceId', 'attribute:ecs.availability-zone')
    .map((field) => ({ type: 'spread' as const, field })),
);

const reqArb: fc.Arbitrary<TaskRequirements> = fc.record({
  cpu: fc.integer({ min: 0, max: 600 }),
  memory: fc.integer({ min: 1, max: 600 }),
  ports: fc.array(portArb, { maxLength: 3 }),
  group: fc.constant('g'),
  requiredAttributes: fc.constant([]),
  constraints: fc.boolean().map((d) => (d ? [{ type: 'distinctInstance' as const }] : [])),
  strategies: fc.array(strategyArb, { maxLength: 2 }),
});

describe('placement (properties)', () => {
  it('never oversubscribes CPU or memory, never double-books a port, respects distinctInstance', () => {
    fc.assert(
      fc.property(
        fc.array(instanceArb, { maxLength: 6 }),
        reqArb,
        fc.integer({ min: 1, max: 8 }),
        (raw, req, count) => {
          const instances = raw.map((r, i) => ({ ...r, arn: `ci-${i}`, ec2InstanceId: `i-${i}` }));
          const result = placeTasks(instances, req, count);
          if (result.placements.length < count) expect(result.failures.length).toBeGreaterThan(0);
          else expect(result.failures).toEqual([]);
          for (const inst of instances) {
            const mine = result.placements.filter((p) => p.instanceArn === inst.arn);
            if (mine.length === 0) continue;
            expect(inst.status).toBe('ACTIVE');
            expect(mine.length * req.cpu).toBeLessThanOrEqual(inst.remaining.cpu);
            expect(mine.length * req.memory).toBeLessThanOrEqual(inst.remaining.memory);
            const used = { tcp: new Set(inst.remaining.tcp), udp: new Set(inst.remaining.udp) };
            for (const p of mine) {
              expect(p.ports).toHaveLength(req.ports.length);
              for (const b of p.ports) {
                expect(used[b.protocol].has(b.hostPort)).toBe(false);
                used[b.protocol].add(b.hostPort);
              }
            }
            if (req.constraints.length) {
              expect(mine).toHaveLength(1);
              expect(inst.groups.get('g') ?? 0).toBe(0);
            }
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
