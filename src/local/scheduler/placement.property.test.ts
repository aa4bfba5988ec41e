/**
 * Properties of the placement pipeline: safety (resources, ports, distinctInstance, memberOf
 * expressions and required attributes, each judged by a plain predicate, not by the query engine)
 * and ranking (each task goes where the strategies say: the fewest tasks of the group on the
 * instance or in the zone for spread, the least remaining for binpack, ties by instance ARN).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClusterQuery } from './cluster-query';
import {
  placeByScan,
  placeTasks,
  type Constraint,
  type PlacementInstance,
  type PortRequest,
  type Strategy,
  type TaskRequirements,
} from './placement';
import { RESERVED_HOST_PORTS } from '../../facts/container-instance';

const ZONES = ['a', 'b', 'c'];
const TYPES = ['t2.micro', 'm5.large'];

const instanceArb = fc
  .record({
    cpu: fc.integer({ min: 0, max: 2048 }),
    memory: fc.integer({ min: 0, max: 2048 }),
    usedTcp: fc.uniqueArray(fc.constantFrom(80, 443, 8080, 49153, 49154), { maxLength: 3 }),
    usedUdp: fc.uniqueArray(fc.constantFrom(53, 49153), { maxLength: 2 }),
    status: fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING'),
    agentConnected: fc.constantFrom(true, true, true, false),
    zone: fc.constantFrom(...ZONES),
    type: fc.constantFrom(...TYPES),
    stack: fc.option(fc.constantFrom('prod', 'test'), { nil: undefined }),
    groupTasks: fc.nat(2),
  })
  .map((f): Omit<PlacementInstance, 'arn' | 'ec2InstanceId'> => ({
    status: f.status,
    agentConnected: f.agentConnected,
    runningTasksCount: f.groupTasks,
    attributes: new Map([
      ['ecs.availability-zone', f.zone],
      ['ecs.instance-type', f.type],
      ...(f.stack ? [['stack', f.stack] as [string, string]] : []),
    ]),
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

type Attrs = ReadonlyMap<string, string>;

/** memberOf expressions with what each means, written out by hand. */
const MEMBER_OF: [string, (i: PlacementInstance) => boolean][] = [
  [
    'attribute:ecs.availability-zone in [a, b]',
    (i) => ['a', 'b'].includes(i.attributes.get('ecs.availability-zone')!),
  ],
  ['attribute:ecs.instance-type == t2.micro', (i) => i.attributes.get('ecs.instance-type') === 't2.micro'],
  ['attribute:ecs.instance-type =~ m5.*', (i) => i.attributes.get('ecs.instance-type')!.startsWith('m5.')],
  ['attribute:stack exists', (i) => i.attributes.has('stack')],
  ['not(attribute:stack == test)', (i) => i.attributes.get('stack') !== 'test'],
  ['runningTasksCount < 2', (i) => i.runningTasksCount < 2],
  [
    'attribute:ecs.availability-zone == c or task:group == g',
    (i) => i.attributes.get('ecs.availability-zone') === 'c' || i.taskGroups.has('g'),
  ],
];

/** Required attributes (from a task definition's requiresAttributes): a name, or a name and value. */
const REQUIRED: { name: string; value?: string }[] = [
  { name: 'stack' },
  { name: 'stack', value: 'prod' },
  { name: 'ecs.instance-type', value: 'm5.large' },
  { name: 'ecs.availability-zone', value: 'b' },
];
const hasAttribute = (attrs: Attrs, a: { name: string; value?: string }) =>
  a.value === undefined ? attrs.has(a.name) : attrs.get(a.name) === a.value;

const reqArb = fc
  .record({
    cpu: fc.integer({ min: 0, max: 600 }),
    memory: fc.integer({ min: 1, max: 600 }),
    ports: fc.array(portArb, { maxLength: 3 }),
    distinct: fc.boolean(),
    memberOf: fc.uniqueArray(fc.nat(MEMBER_OF.length - 1), { maxLength: 2 }),
    required: fc.uniqueArray(fc.nat(REQUIRED.length - 1), { maxLength: 2 }),
    strategies: fc.array(strategyArb, { maxLength: 2 }),
  })
  .map((r) => {
    const constraints: Constraint[] = [
      ...(r.distinct ? [{ type: 'distinctInstance' as const }] : []),
      ...r.memberOf.map((k) => {
        const expression = MEMBER_OF[k]![0];
        return { type: 'memberOf' as const, expression, query: parseClusterQuery(expression) };
      }),
    ];
    const req: TaskRequirements = {
      cpu: r.cpu,
      memory: r.memory,
      ports: r.ports,
      group: 'g',
      requiredAttributes: r.required.map((k) => REQUIRED[k]!),
      constraints,
      strategies: r.strategies,
    };
    return { req, memberOf: r.memberOf.map((k) => MEMBER_OF[k]![1]) };
  });

const named = (raw: Omit<PlacementInstance, 'arn' | 'ec2InstanceId'>[]): PlacementInstance[] =>
  raw.map((r, i) => ({ ...r, arn: `ci-${i}`, ec2InstanceId: `i-${i}` }));

describe('placement (properties)', () => {
  it('never oversubscribes, never double-books a port, and honours distinctInstance, memberOf and required attributes', () => {
    fc.assert(
      fc.property(
        fc.array(instanceArb, { maxLength: 6 }),
        reqArb,
        fc.integer({ min: 1, max: 8 }),
        (raw, { req, memberOf }, count) => {
          const instances = named(raw);
          const result = placeTasks(instances, req, count);
          if (result.placements.length < count) expect(result.failures.length).toBeGreaterThan(0);
          else expect(result.failures).toEqual([]);
          for (const inst of instances) {
            const mine = result.placements.filter((p) => p.instanceArn === inst.arn);
            if (mine.length === 0) continue;
            expect(inst.status).toBe('ACTIVE');
            expect(inst.agentConnected).toBe(true);
            for (const a of req.requiredAttributes) expect(hasAttribute(inst.attributes, a)).toBe(true);
            // memberOf is judged on the instance as this call left it before each of its tasks.
            mine.forEach((_, k) => {
              const then: PlacementInstance = {
                ...inst,
                runningTasksCount: inst.runningTasksCount + k,
                taskGroups: k > 0 ? new Set([...inst.taskGroups, 'g']) : inst.taskGroups,
              };
              for (const member of memberOf) expect(member(then)).toBe(true);
            });
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
            if (req.constraints.some((c) => c.type === 'distinctInstance')) {
              expect(mine).toHaveLength(1);
              expect(inst.groups.get('g') ?? 0).toBe(0);
            }
          }
          // Refusals name instances that really fail a check, with ECS's reason.
          for (const f of result.failures) {
            const inst = instances.find((i) => i.arn === f.arn);
            if (!inst) continue;
            if (f.reason === 'ATTRIBUTE')
              expect(req.requiredAttributes.every((a) => hasAttribute(inst.attributes, a))).toBe(false);
            if (f.reason === 'AGENT') expect(inst.agentConnected).toBe(false);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

/** Roomy instances with no ports asked: every ACTIVE instance with a connected agent is feasible. */
const roomyArb = fc.array(
  fc.record({
    memory: fc.integer({ min: 1000, max: 4000 }),
    cpu: fc.integer({ min: 1000, max: 4000 }),
    zone: fc.constantFrom(...ZONES),
    groupTasks: fc.nat(3),
    status: fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING'),
  }),
  { minLength: 1, maxLength: 6 },
);

const roomy = (raw: { memory: number; cpu: number; zone: string; groupTasks: number; status: string }[]) =>
  named(
    raw.map((r) => ({
      status: r.status,
      agentConnected: true,
      runningTasksCount: r.groupTasks,
      attributes: new Map([['ecs.availability-zone', r.zone]]),
      taskGroups: new Set(r.groupTasks ? ['g'] : []),
      groups: new Map(r.groupTasks ? [['g', r.groupTasks]] : []),
      remaining: { cpu: r.cpu, memory: r.memory, tcp: new Set(RESERVED_HOST_PORTS), udp: new Set<number>() },
    })),
  );

const roomyReq = (strategies: Strategy[], memory: number): TaskRequirements => ({
  cpu: 10,
  memory,
  ports: [],
  group: 'g',
  requiredAttributes: [],
  constraints: [],
  strategies,
});

/**
 * Replays the placements in order against a model of the instances, checking each choice: among
 * the feasible instances it has the lowest `key` (compared in order), ties going to the lowest ARN.
 */
function checkEachChoice(
  instances: PlacementInstance[],
  req: TaskRequirements,
  chosen: string[],
  key: (i: ModelInstance, all: ModelInstance[]) => number[],
): void {
  const model: ModelInstance[] = instances.map((i) => ({
    arn: i.arn,
    feasible: i.status === 'ACTIVE' && i.agentConnected,
    zone: i.attributes.get('ecs.availability-zone') ?? '',
    group: i.groups.get('g') ?? 0,
    memory: i.remaining.memory,
    cpu: i.remaining.cpu,
  }));
  for (const arn of chosen) {
    const candidates = model.filter((m) => m.feasible && m.memory >= req.memory && m.cpu >= req.cpu);
    const ranked = [...candidates].sort((a, b) => {
      const ka = key(a, model);
      const kb = key(b, model);
      for (let k = 0; k < ka.length; k++) if (ka[k] !== kb[k]) return ka[k]! - kb[k]!;
      return a.arn < b.arn ? -1 : 1;
    });
    expect(arn).toBe(ranked[0]?.arn);
    const m = model.find((x) => x.arn === arn)!;
    m.group++;
    m.memory -= req.memory;
    m.cpu -= req.cpu;
  }
}

interface ModelInstance {
  arn: string;
  feasible: boolean;
  zone: string;
  group: number;
  memory: number;
  cpu: number;
}

const zoneCount = (m: ModelInstance, all: ModelInstance[]) =>
  all.filter((x) => x.zone === m.zone).reduce((n, x) => n + x.group, 0);

const spreadListArb: fc.Arbitrary<Strategy[]> = fc
  .tuple(
    fc.array(fc.constantFrom('attribute:ecs.availability-zone', 'attribute:ecs.instance-type', 'stack'), {
      maxLength: 2,
    }),
    fc.option(fc.constantFrom('instanceId', 'host', undefined), { nil: null }),
  )
  .map(([attributes, last]) => [
    ...attributes.map((field) => ({ type: 'spread' as const, field })),
    ...(last === null ? [] : [{ type: 'spread' as const, ...(last ? { field: last } : {}) }]),
  ]);

describe('placement by spread classes (properties)', () => {
  it('makes exactly the choices and refusals of the scan over every instance', () => {
    fc.assert(
      fc.property(
        fc.array(instanceArb, { maxLength: 8 }),
        reqArb,
        spreadListArb,
        fc.integer({ min: 1, max: 10 }),
        (raw, { req }, strategies, count) => {
          const instances = named(raw);
          const r = { ...req, strategies };
          expect(placeTasks(instances, r, count)).toEqual(placeByScan(instances, r, count));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('placement ranking (properties)', () => {
  it('spread by instance puts each task on a feasible instance with the fewest of its group, and balances them', () => {
    fc.assert(
      fc.property(roomyArb, fc.integer({ min: 1, max: 12 }), (raw, count) => {
        const instances = roomy(raw);
        const req = roomyReq([{ type: 'spread', field: 'instanceId' }], 64);
        const result = placeTasks(instances, req, count);
        const chosen = result.placements.map((p) => p.instanceArn);
        checkEachChoice(instances, req, chosen, (m) => [m.group]);
        // Balance: once every feasible instance has caught up, they differ by at most one.
        const feasible = instances.filter((i) => i.status === 'ACTIVE');
        const totals = feasible.map(
          (i) => (i.groups.get('g') ?? 0) + chosen.filter((a) => a === i.arn).length,
        );
        const before = feasible.map((i) => i.groups.get('g') ?? 0);
        if (feasible.length && Math.min(...totals) >= Math.max(...before))
          expect(Math.max(...totals) - Math.min(...totals)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
  });

  it('spread by zone puts each task in the zone with the fewest of its group (all instances counted)', () => {
    fc.assert(
      fc.property(roomyArb, fc.integer({ min: 1, max: 12 }), (raw, count) => {
        const instances = roomy(raw);
        const req = roomyReq([{ type: 'spread', field: 'attribute:ecs.availability-zone' }], 64);
        const chosen = placeTasks(instances, req, count).placements.map((p) => p.instanceArn);
        checkEachChoice(instances, req, chosen, (m, all) => [zoneCount(m, all)]);
      }),
      { numRuns: 1000 },
    );
  });

  it('binpack packs: each task goes to the feasible instance with the least memory left that fits it', () => {
    fc.assert(
      fc.property(
        roomyArb,
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 100, max: 900 }),
        (raw, count, memory) => {
          const instances = roomy(raw);
          const req = roomyReq([{ type: 'binpack', field: 'memory' }], memory);
          const result = placeTasks(instances, req, count);
          checkEachChoice(
            instances,
            req,
            result.placements.map((p) => p.instanceArn),
            (m) => [m.memory],
          );
          // Tight: when the instance with the least memory that fits has room for them all, they all go there.
          const fitting = instances
            .filter((i) => i.status === 'ACTIVE' && i.remaining.memory >= memory)
            .sort((a, b) => a.remaining.memory - b.remaining.memory || (a.arn < b.arn ? -1 : 1));
          const tightest = fitting[0];
          if (tightest && tightest.remaining.memory >= count * memory && tightest.remaining.cpu >= count * 10)
            expect(new Set(result.placements.map((p) => p.instanceArn))).toEqual(new Set([tightest.arn]));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('strategies apply in order, each breaking the ties of the one before (spread by zone, then binpack)', () => {
    fc.assert(
      fc.property(roomyArb, fc.integer({ min: 1, max: 12 }), (raw, count) => {
        const instances = roomy(raw);
        const req = roomyReq(
          [
            { type: 'spread', field: 'attribute:ecs.availability-zone' },
            { type: 'binpack', field: 'memory' },
          ],
          200,
        );
        const chosen = placeTasks(instances, req, count).placements.map((p) => p.instanceArn);
        checkEachChoice(instances, req, chosen, (m, all) => [zoneCount(m, all), m.memory]);
      }),
      { numRuns: 1000 },
    );
  });
});
