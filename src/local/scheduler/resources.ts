/**
 * Booked resources on a container instance, as ECS reports them in `remainingResources`:
 * CPU and MEMORY (integerValue), PORTS and PORTS_UDP (stringSetValue of host ports in use, the
 * reserved ports included). Booking happens at placement (scheduler/launch.ts), release when the
 * task reaches STOPPED (the agent). Pure: every function returns a new instance object.
 */
import { RESERVED_HOST_PORTS } from '../../facts/container-instance';
import type { PortBinding, WireContainerInstance } from '../ecs/model';

export interface InstanceCapacity {
  cpu: number;
  memory: number;
  tcp: Set<number>;
  udp: Set<number>;
}

/** What one task holds on its instance. */
export interface Booking {
  cpu: number;
  memory: number;
  ports: PortBinding[];
}

type Resources = WireContainerInstance['registeredResources'];

function integer(resources: Resources, name: string): number | undefined {
  const r = resources?.find((x) => x.name === name);
  return r ? (r.integerValue ?? r.longValue ?? r.doubleValue) : undefined;
}

function portSet(resources: Resources, name: string): Set<number> | undefined {
  const r = resources?.find((x) => x.name === name);
  return r ? new Set((r.stringSetValue ?? []).map(Number).filter((n) => Number.isInteger(n))) : undefined;
}

/** Ports the instance registered as taken before any task (reserved ports). */
function registeredPorts(ci: WireContainerInstance): { tcp: Set<number>; udp: Set<number> } {
  return {
    tcp: portSet(ci.registeredResources, 'PORTS') ?? new Set(RESERVED_HOST_PORTS),
    udp: portSet(ci.registeredResources, 'PORTS_UDP') ?? new Set(),
  };
}

/**
 * Per instance ARN, the last document whose capacity was computed or made here, with that capacity
 * and the PORTS / PORTS_UDP entries made for its port sets (a capacity's sets are never changed): a
 * document never changes once frozen, so its capacity holds as long as the entry names that very
 * document. One entry per instance (not per version: a WeakMap entry per version booked or released
 * cost more than the capacity, and kept the scavenger busy with its ephemerons).
 */
interface Known {
  doc: WireContainerInstance;
  cap: InstanceCapacity;
  tcp?: Resource;
  udp?: Resource;
}
const known = new Map<string, Known>();
/** Instances known at once (all dropped past that: they are computed again). */
const MAX_KNOWN = 100_000;

/** What is known of this very document, if anything. */
function knownOf(ci: WireContainerInstance): Known | undefined {
  const k = ci.containerInstanceArn === undefined ? undefined : known.get(ci.containerInstanceArn);
  return k?.doc === ci ? k : undefined;
}

function remember(ci: WireContainerInstance, k: Known): void {
  const arn = ci.containerInstanceArn;
  if (arn === undefined) return;
  if (known.size >= MAX_KNOWN && !known.has(arn)) known.clear();
  known.set(arn, k);
}

/**
 * What the instance has left. Read only: for a frozen document the same object is given to every
 * caller (placement views it, then a booking checks and books it: one computation, not three).
 */
export function remainingCapacity(ci: WireContainerInstance): InstanceCapacity {
  const frozen = Object.isFrozen(ci);
  const hit = frozen ? knownOf(ci) : undefined;
  if (hit) return hit.cap;
  const registered = registeredPorts(ci);
  const cap = {
    cpu: integer(ci.remainingResources, 'CPU') ?? integer(ci.registeredResources, 'CPU') ?? 0,
    memory: integer(ci.remainingResources, 'MEMORY') ?? integer(ci.registeredResources, 'MEMORY') ?? 0,
    tcp: portSet(ci.remainingResources, 'PORTS') ?? registered.tcp,
    udp: portSet(ci.remainingResources, 'PORTS_UDP') ?? registered.udp,
  };
  if (frozen) remember(ci, { doc: ci, cap });
  return cap;
}

/** Registered capacities of frozen `registeredResources` lists (shared by every version of an instance). */
const registeredOf = new WeakMap<object, InstanceCapacity>();

/** What the instance registered. Read only: for a frozen resources list, one object for every caller. */
export function registeredCapacity(ci: WireContainerInstance): InstanceCapacity {
  const list = ci.registeredResources;
  const frozen = list !== undefined && Object.isFrozen(list);
  const memo = frozen ? registeredOf.get(list) : undefined;
  if (memo) return memo;
  const ports = registeredPorts(ci);
  const cap = {
    cpu: integer(ci.registeredResources, 'CPU') ?? 0,
    memory: integer(ci.registeredResources, 'MEMORY') ?? 0,
    tcp: ports.tcp,
    udp: ports.udp,
  };
  if (frozen) registeredOf.set(list, cap);
  return cap;
}

const sortedPorts = (s: Set<number>): string[] => [...s].sort((a, b) => a - b).map(String);

/**
 * The capacity `remainingCapacity` gives for `ci` once it is frozen, also for a document that
 * `bookResources` or `releaseResources` just made and nobody has frozen yet (it is on its way to
 * the store): the capacity it was made from, not parsed back from its resources.
 */
export function capacityOf(ci: WireContainerInstance): InstanceCapacity {
  return knownOf(ci)?.cap ?? remainingCapacity(ci);
}

/**
 * The instance with `remainingResources` set to the given capacity (other resources kept). The
 * capacity is remembered for the new document: a placement views it after it is stored (frozen),
 * and would otherwise parse its resources back (ports as sets: about 10 us a booking).
 */
function withRemaining(ci: WireContainerInstance, cap: InstanceCapacity): WireContainerInstance {
  const before = ci.containerInstanceArn === undefined ? undefined : known.get(ci.containerInstanceArn);
  // The entries of the version before when its port sets are these (most tasks book no port).
  const tcp =
    before?.tcp !== undefined && before.cap.tcp === cap.tcp ? before.tcp : portsEntry('PORTS', cap.tcp);
  const udp =
    before?.udp !== undefined && before.cap.udp === cap.udp ? before.udp : portsEntry('PORTS_UDP', cap.udp);
  const remaining: Resource[] = [
    { name: 'CPU', type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: cap.cpu },
    { name: 'MEMORY', type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: cap.memory },
    tcp,
    udp,
  ];
  for (const r of ci.remainingResources ?? []) if (!REPLACED.has(r.name ?? '')) remaining.push(r);
  const next = { ...ci, remainingResources: remaining };
  remember(next, { doc: next, cap, tcp, udp });
  return next;
}

type Resource = NonNullable<WireContainerInstance['remainingResources']>[number];

/** The members `withRemaining` writes (any other remaining resource is kept after them). */
const REPLACED: ReadonlySet<string> = new Set(['CPU', 'MEMORY', 'PORTS', 'PORTS_UDP']);

function portsEntry(name: 'PORTS' | 'PORTS_UDP', ports: Set<number>): Resource {
  return {
    name,
    type: 'STRINGSET',
    doubleValue: 0,
    longValue: 0,
    integerValue: 0,
    stringSetValue: sortedPorts(ports),
  };
}

/** Whether the booking fits the instance's remaining capacity (no port taken twice). */
export function fits(cap: InstanceCapacity, booking: Booking): boolean {
  if (booking.cpu > cap.cpu || booking.memory > cap.memory) return false;
  if (booking.ports.length === 0) return true;
  const seen = new Set<string>();
  for (const p of booking.ports) {
    const key = `${p.protocol}:${p.hostPort}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if ((p.protocol === 'udp' ? cap.udp : cap.tcp).has(p.hostPort)) return false;
  }
  return true;
}

/** Books a task on the instance. Throws if it does not fit (callers check `fits` first). */
export function bookResources(ci: WireContainerInstance, booking: Booking): WireContainerInstance {
  const cap = capacityOf(ci);
  if (!fits(cap, booking)) throw new Error(`booking does not fit on ${ci.containerInstanceArn}`);
  // The sets are copied only when a port is booked (a capacity's sets are never changed).
  let tcp = cap.tcp;
  let udp = cap.udp;
  for (const p of booking.ports) {
    if (p.protocol === 'udp') {
      if (udp === cap.udp) udp = new Set(udp);
      udp.add(p.hostPort);
    } else {
      if (tcp === cap.tcp) tcp = new Set(tcp);
      tcp.add(p.hostPort);
    }
  }
  return withRemaining(ci, { cpu: cap.cpu - booking.cpu, memory: cap.memory - booking.memory, tcp, udp });
}

/** Gives a stopped task's resources back (never above what the instance registered). */
export function releaseResources(ci: WireContainerInstance, booking: Booking): WireContainerInstance {
  const cap = capacityOf(ci);
  const registered = registeredCapacity(ci);
  // The sets are copied only when a port is given back (a capacity's sets are never changed).
  let tcp = cap.tcp;
  let udp = cap.udp;
  for (const p of booking.ports) {
    if (p.protocol === 'udp') {
      if (registered.udp.has(p.hostPort) || !udp.has(p.hostPort)) continue;
      if (udp === cap.udp) udp = new Set(udp);
      udp.delete(p.hostPort);
    } else {
      if (registered.tcp.has(p.hostPort) || !tcp.has(p.hostPort)) continue;
      if (tcp === cap.tcp) tcp = new Set(tcp);
      tcp.delete(p.hostPort);
    }
  }
  return withRemaining(ci, {
    cpu: Math.min(registered.cpu, cap.cpu + booking.cpu),
    memory: Math.min(registered.memory, cap.memory + booking.memory),
    tcp,
    udp,
  });
}
