import { describe, expect, it } from 'vitest';
import type { WireTaskDefinition } from '../ecs/model';
import {
  DYNAMIC_PORT_FIRST,
  NO_INSTANCES,
  assignPorts,
  parseConstraints,
  placeRandomly,
  placeTasks,
  resourceRequirements,
  type PlacementInstance,
  type TaskRequirements,
} from './placement';
import { RESERVED_HOST_PORTS } from '../../facts/container-instance';

let n = 0;
function instance(over: Partial<PlacementInstance> & { zone?: string } = {}): PlacementInstance {
  n++;
  const { zone, ...rest } = over;
  return {
    arn: `ci-${String(n).padStart(3, '0')}`,
    status: 'ACTIVE',
    agentConnected: true,
    ec2InstanceId: `i-${n}`,
    runningTasksCount: 0,
    attributes: new Map([
      ['ecs.instance-type', 't2.micro'],
      ['ecs.availability-zone', zone ?? 'us-east-1a'],
    ]),
    taskGroups: new Set(),
    groups: new Map(),
    remaining: { cpu: 1024, memory: 993, tcp: new Set(RESERVED_HOST_PORTS), udp: new Set() },
    ...rest,
  };
}

const req = (over: Partial<TaskRequirements> = {}): TaskRequirements => ({
  cpu: 10,
  memory: 100,
  ports: [],
  group: 'family:web',
  requiredAttributes: [],
  constraints: [],
  strategies: [],
  ...over,
});

const td = (over: Partial<WireTaskDefinition>): WireTaskDefinition => ({
  taskDefinitionArn: 'arn:td',
  family: 'web',
  revision: 1,
  status: 'ACTIVE',
  containerDefinitions: [],
  ...over,
});

describe('requirements', () => {
  it('sums containers, preferring memoryReservation over memory, and lets task-level values win', () => {
    const def = td({
      containerDefinitions: [
        { name: 'a', cpu: 10, memory: 300, portMappings: [{ containerPort: 80, hostPort: 80 }] },
        {
          name: 'b',
          cpu: 20,
          memory: 512,
          memoryReservation: 128,
          portMappings: [{ containerPort: 53, protocol: 'udp' }],
        },
      ],
    });
    expect(resourceRequirements(def)).toEqual({
      cpu: 30,
      memory: 428,
      ports: [
        { containerName: 'a', containerPort: 80, hostPort: 80, protocol: 'tcp' },
        { containerName: 'b', containerPort: 53, hostPort: 0, protocol: 'udp' },
      ],
    });
    expect(resourceRequirements({ ...def, cpu: '256', memory: '1024' })).toMatchObject({
      cpu: 256,
      memory: 1024,
    });
    expect(
      resourceRequirements(def, { containerOverrides: [{ name: 'a', cpu: 100, memory: 50 }] }),
    ).toMatchObject({
      cpu: 120,
      memory: 178,
    });
  });

  it('host mode maps hostPort to containerPort; awsvpc books no host ports', () => {
    const containers = [{ name: 'a', portMappings: [{ containerPort: 8080 }] }];
    expect(
      resourceRequirements(td({ networkMode: 'host', containerDefinitions: containers })).ports[0]?.hostPort,
    ).toBe(8080);
    expect(
      resourceRequirements(td({ networkMode: 'awsvpc', containerDefinitions: containers })).ports,
    ).toEqual([]);
  });
});

describe('feasibility checkers', () => {
  it('no ACTIVE instance at all', () => {
    expect(placeTasks([], req(), 1).failures).toEqual([{ reason: NO_INSTANCES }]);
    expect(placeTasks([instance({ status: 'DRAINING' })], req(), 1).failures).toEqual([
      { reason: NO_INSTANCES },
    ]);
  });

  it.each([
    ['AGENT', instance({ agentConnected: false }), req()],
    ['ATTRIBUTE', instance(), req({ requiredAttributes: [{ name: 'ecs.capability.task-eni' }] })],
    ['RESOURCE:CPU', instance(), req({ cpu: 2048 })],
    ['RESOURCE:MEMORY', instance(), req({ memory: 994 })],
    [
      'RESOURCE:PORTS',
      instance(),
      req({ ports: [{ containerName: 'a', containerPort: 22, hostPort: 22, protocol: 'tcp' }] }),
    ],
    [
      'RESOURCE:PORTS_UDP',
      instance({ remaining: { cpu: 1024, memory: 993, tcp: new Set(), udp: new Set([53]) } }),
      req({ ports: [{ containerName: 'a', containerPort: 53, hostPort: 53, protocol: 'udp' }] }),
    ],
    [
      'RESOURCE:PORTS',
      instance(),
      req({
        ports: [
          { containerName: 'a', containerPort: 80, hostPort: 8080, protocol: 'tcp' },
          { containerName: 'b', containerPort: 81, hostPort: 8080, protocol: 'tcp' },
        ],
      }),
    ],
    [
      'MemberOf placement constraint unsatisfied.',
      instance(),
      req({
        constraints: parseConstraints([
          { type: 'memberOf', expression: 'attribute:ecs.instance-type == m5.large' },
        ]),
      }),
    ],
    [
      'DistinctInstance placement constraint unsatisfied.',
      instance({ groups: new Map([['family:web', 1]]) }),
      req({ constraints: [{ type: 'distinctInstance' }] }),
    ],
  ])('%s', (reason, inst, r) => {
    const result = placeTasks([inst], r, 1);
    expect(result.placements).toEqual([]);
    expect(result.failures).toEqual([{ arn: inst.arn, reason }]);
    expect(result.closest).toEqual({ instanceArn: inst.arn, reason });
  });

  it('a UDP port does not conflict with the same TCP port', () => {
    const r = req({ ports: [{ containerName: 'a', containerPort: 80, hostPort: 80, protocol: 'udp' }] });
    expect(
      placeTasks(
        [instance({ remaining: { cpu: 1024, memory: 993, tcp: new Set([80]), udp: new Set() } })],
        r,
        1,
      ).placements,
    ).toHaveLength(1);
  });

  it('the closest instance is the one that passed the most checks', () => {
    const cpu = instance({ remaining: { cpu: 0, memory: 993, tcp: new Set(), udp: new Set() } });
    const mem = instance({ remaining: { cpu: 1024, memory: 0, tcp: new Set(), udp: new Set() } });
    expect(placeTasks([cpu, mem], req(), 1).closest).toEqual({
      instanceArn: mem.arn,
      reason: 'RESOURCE:MEMORY',
    });
  });

  it('distinctInstance spreads one task per instance and reports the rest', () => {
    const a = instance();
    const b = instance();
    const result = placeTasks([a, b], req({ constraints: [{ type: 'distinctInstance' }] }), 3);
    expect(result.placements.map((p) => p.instanceArn).sort()).toEqual([a.arn, b.arn]);
    expect(result.failures).toHaveLength(2);
  });
});

describe('dynamic host ports', () => {
  it('takes the lowest free ports from 49153, skipping used ones and this task’s static ports', () => {
    const remaining = {
      cpu: 0,
      memory: 0,
      tcp: new Set([DYNAMIC_PORT_FIRST, 49155]),
      udp: new Set<number>(),
    };
    const ports = assignPorts(remaining, [
      { containerName: 'a', containerPort: 80, hostPort: 0, protocol: 'tcp' },
      { containerName: 'a', containerPort: 81, hostPort: 49154, protocol: 'tcp' },
      { containerName: 'a', containerPort: 82, hostPort: 0, protocol: 'tcp' },
      { containerName: 'a', containerPort: 53, hostPort: 0, protocol: 'udp' },
    ]);
    expect(ports?.map((p) => `${p.protocol}:${p.hostPort}`)).toEqual([
      'tcp:49156',
      'tcp:49154',
      'tcp:49157',
      'udp:49153',
    ]);
  });

  it('fails with RESOURCE:PORTS when the range is exhausted', () => {
    const tcp = new Set<number>();
    for (let p = DYNAMIC_PORT_FIRST; p <= 65535; p++) tcp.add(p);
    const inst = instance({ remaining: { cpu: 1024, memory: 993, tcp, udp: new Set() } });
    const r = req({ ports: [{ containerName: 'a', containerPort: 80, hostPort: 0, protocol: 'tcp' }] });
    expect(placeTasks([inst], r, 1).failures).toEqual([{ arn: inst.arn, reason: 'RESOURCE:PORTS' }]);
  });
});

describe('rankers', () => {
  it('binpack cpu fills the instance with the least CPU left first', () => {
    const big = instance({ remaining: { cpu: 2048, memory: 4000, tcp: new Set(), udp: new Set() } });
    const small = instance({ remaining: { cpu: 100, memory: 4000, tcp: new Set(), udp: new Set() } });
    const result = placeTasks(
      [big, small],
      req({ cpu: 50, strategies: [{ type: 'binpack', field: 'cpu' }] }),
      3,
    );
    expect(result.placements.map((p) => p.instanceArn)).toEqual([small.arn, small.arn, big.arn]);
  });

  it('binpack memory', () => {
    const a = instance({ remaining: { cpu: 1024, memory: 500, tcp: new Set(), udp: new Set() } });
    const b = instance({ remaining: { cpu: 1024, memory: 400, tcp: new Set(), udp: new Set() } });
    expect(
      placeTasks([a, b], req({ strategies: [{ type: 'binpack', field: 'memory' }] }), 1).placements[0]
        ?.instanceArn,
    ).toBe(b.arn);
  });

  it('spread instanceId balances the group over instances', () => {
    const a = instance({ groups: new Map([['family:web', 2]]) });
    const b = instance();
    const c = instance({ groups: new Map([['family:other', 5]]) });
    const result = placeTasks([a, b, c], req({ strategies: [{ type: 'spread', field: 'instanceId' }] }), 4);
    const count = (arn: string) => result.placements.filter((p) => p.instanceArn === arn).length;
    expect([count(a.arn), count(b.arn), count(c.arn)]).toEqual([0, 2, 2]);
  });

  it('spread by availability zone, then binpack within the zone', () => {
    const a1 = instance({ zone: 'a', remaining: { cpu: 1024, memory: 900, tcp: new Set(), udp: new Set() } });
    const a2 = instance({ zone: 'a', remaining: { cpu: 1024, memory: 300, tcp: new Set(), udp: new Set() } });
    const b1 = instance({ zone: 'b' });
    const strategies = [
      { type: 'spread' as const, field: 'attribute:ecs.availability-zone' },
      { type: 'binpack' as const, field: 'memory' },
    ];
    const result = placeTasks([a1, a2, b1], req({ strategies }), 4);
    const zones = result.placements.map((p) => (p.instanceArn === b1.arn ? 'b' : 'a'));
    expect(zones.filter((z) => z === 'a')).toHaveLength(2);
    expect(result.placements.filter((p) => p.instanceArn === a2.arn)).toHaveLength(2);
  });

  it('random uses the given source', () => {
    const a = instance();
    const b = instance();
    const values = [0.9, 0.1];
    let i = 0;
    const result = placeTasks([a, b], req({ strategies: [{ type: 'random' }] }), 1, () => values[i++ % 2]!);
    expect(result.placements[0]?.instanceArn).toBe(b.arn);
  });

  it('does not mutate its input', () => {
    const a = instance();
    const before = structuredClone(a);
    placeTasks(
      [a],
      req({ ports: [{ containerName: 'x', containerPort: 1, hostPort: 0, protocol: 'tcp' }] }),
      3,
    );
    expect(a).toEqual(before);
  });
});

describe('placeRandomly (the default strategy without viewing every instance)', () => {
  const random = { strategies: [{ type: 'random' as const }] };

  it('places only on feasible instances, building only the views it draws, and books within the call', () => {
    const all = [
      instance({ remaining: { cpu: 1024, memory: 150, tcp: new Set(), udp: new Set() } }),
      instance({ status: 'DRAINING' }),
      instance({ remaining: { cpu: 5, memory: 993, tcp: new Set(), udp: new Set() } }),
      instance(),
    ];
    const viewed = new Set<number>();
    const placed = placeRandomly(
      all.length,
      (k) => {
        viewed.add(k);
        return all[k] as PlacementInstance;
      },
      req(random),
      8,
    );
    expect(placed).not.toBeNull();
    const on = (placed ?? []).map((p) => p.instanceArn);
    expect(on).toHaveLength(8);
    // The first has room for one task of 100 MiB; the second is draining, the third has no CPU.
    expect(on.filter((a) => a === all[0]?.arn).length).toBeLessThanOrEqual(1);
    expect(on.every((a) => a === all[0]?.arn || a === all[3]?.arn)).toBe(true);
    expect(viewed.size).toBeLessThanOrEqual(all.length);
  });

  it('keeps distinctInstance within the call, and gives up (null) when draws find nothing', () => {
    const all = [instance(), instance(), instance()];
    const distinct = req({ ...random, constraints: [{ type: 'distinctInstance' }] });
    const three = placeRandomly(3, (k) => all[k] as PlacementInstance, distinct, 3);
    expect(new Set((three ?? []).map((p) => p.instanceArn)).size).toBe(3);
    // A fourth task has no instance left: the caller falls back to placeTasks (which says why).
    expect(placeRandomly(3, (k) => all[k] as PlacementInstance, distinct, 4)).toBeNull();
    expect(placeTasks(all, distinct, 4).failures[0]?.reason).toBe(
      'DistinctInstance placement constraint unsatisfied.',
    );
  });

  it('leaves other strategies and empty clusters to placeTasks', () => {
    const all = [instance()];
    expect(
      placeRandomly(1, () => all[0] as PlacementInstance, req({ strategies: [{ type: 'binpack' }] }), 1),
    ).toBeNull();
    expect(placeRandomly(0, () => all[0] as PlacementInstance, req(random), 1)).toBeNull();
  });

  it('draws uniformly over the feasible instances', () => {
    const all = Array.from({ length: 10 }, (_, i) =>
      i < 5 ? instance() : instance({ remaining: { cpu: 0, memory: 0, tcp: new Set(), udp: new Set() } }),
    );
    const hits = new Map<string, number>();
    for (let round = 0; round < 2000; round++) {
      for (const p of placeRandomly(10, (k) => all[k] as PlacementInstance, req(random), 1) ?? [])
        hits.set(p.instanceArn, (hits.get(p.instanceArn) ?? 0) + 1);
    }
    expect([...hits.keys()].sort()).toEqual(
      all
        .slice(0, 5)
        .map((i) => i.arn)
        .sort(),
    );
    // 400 expected each; a 5-sigma band (sd about 18).
    for (const n of hits.values()) expect(Math.abs(n - 400)).toBeLessThan(100);
  });
});
