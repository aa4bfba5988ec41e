import { describe, expect, it } from 'vitest';
import type { WireContainerInstance } from '../ecs/model';
import { bookResources, capacityOf, registeredCapacity, releaseResources, type Booking } from './resources';

/** A registered instance's document: 1,024 CPU units, 993 MiB, the reserved ports. */
function instance(n: number): WireContainerInstance {
  const ports = ['22', '2375', '2376', '51678', '51679'];
  return {
    containerInstanceArn: `arn:aws:ecs:us-east-1:000000000000:container-instance/default/${'0'.repeat(31)}${n}`,
    ec2InstanceId: `i-0000000000000000${n}`,
    status: 'ACTIVE',
    agentConnected: true,
    registeredResources: [
      { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: 993 },
      { name: 'PORTS', type: 'STRINGSET', stringSetValue: ports },
      { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
    ],
    remainingResources: [
      { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: 993 },
      { name: 'PORTS', type: 'STRINGSET', stringSetValue: ports },
      { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
    ],
  };
}

/** A document as the store's cache gives it: frozen all the way down. */
function frozen<T>(doc: T): T {
  if (doc !== null && typeof doc === 'object' && !Object.isFrozen(doc)) {
    Object.freeze(doc);
    for (const v of Object.values(doc)) frozen(v);
  }
  return doc;
}

const remaining = (ci: WireContainerInstance) =>
  (ci.remainingResources ?? []).map((r) => [r.name, r.integerValue, r.stringSetValue]);

const noPorts: Booking = { cpu: 10, memory: 32, ports: [] };
const port8080: Booking = {
  cpu: 10,
  memory: 32,
  ports: [{ containerName: 'app', containerPort: 80, hostPort: 8080, protocol: 'tcp' }],
};

describe('bookResources and releaseResources', () => {
  it('give the same remaining resources, and share what a task without ports leaves alone', () => {
    const first = frozen(instance(1));
    const booked = frozen(bookResources(first, noPorts));
    const bookedCap = capacityOf(booked);
    const released = frozen(releaseResources(booked, noPorts));
    const releasedCap = capacityOf(released);
    const reserved = ['22', '2375', '2376', '51678', '51679'];
    expect(remaining(booked)).toEqual([
      ['CPU', 1014, undefined],
      ['MEMORY', 961, undefined],
      ['PORTS', 0, reserved],
      ['PORTS_UDP', 0, []],
    ]);
    expect(remaining(released)).toEqual([
      ['CPU', 1024, undefined],
      ['MEMORY', 993, undefined],
      ['PORTS', 0, reserved],
      ['PORTS_UDP', 0, []],
    ]);
    // No port moved: the port sets and their entries are the version before's (no copy, no sort).
    expect(releasedCap.tcp).toBe(bookedCap.tcp);
    expect(releasedCap.udp).toBe(bookedCap.udp);
    expect(released.remainingResources?.[2]).toBe(booked.remainingResources?.[2]);
    expect(released.remainingResources?.[3]).toBe(booked.remainingResources?.[3]);
    expect(registeredCapacity(released)).toBe(registeredCapacity(booked));

    // A port booked and given back: new sets and entries each time, the reserved ports kept.
    const withPort = frozen(bookResources(released, port8080));
    expect(remaining(withPort)[2]).toEqual([
      'PORTS',
      0,
      [...reserved.slice(0, 3), '8080', ...reserved.slice(3)],
    ]);
    const withPortCap = capacityOf(withPort);
    expect(withPortCap.tcp).not.toBe(releasedCap.tcp);
    expect(withPortCap.udp).toBe(releasedCap.udp);
    const back = frozen(releaseResources(withPort, port8080));
    expect(remaining(back)).toEqual(remaining(released));
    expect(capacityOf(back).tcp).not.toBe(withPortCap.tcp);
    // Releasing a reserved port never frees it.
    const reservedPort: Booking = {
      cpu: 0,
      memory: 0,
      ports: [{ containerName: 'app', containerPort: 22, hostPort: 22, protocol: 'tcp' }],
    };
    expect(remaining(releaseResources(back, reservedPort))).toEqual(remaining(back));
  });

  it('read the capacity of a document that is not frozen from its resources', () => {
    const ci = instance(2);
    const booked = bookResources(ci, port8080);
    const parsed = JSON.parse(JSON.stringify(booked)) as WireContainerInstance;
    expect(remaining(releaseResources(parsed, port8080))).toEqual(
      remaining(releaseResources(booked, port8080)),
    );
    expect(capacityOf(parsed).tcp.has(8080)).toBe(true);
  });
});
