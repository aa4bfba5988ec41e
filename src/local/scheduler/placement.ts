/**
 * Placement, after Nomad's stack: a pipeline of small feasibility checkers, then rankers that
 * order the feasible instances by the placement strategies (applied in order, each breaking the
 * previous one's ties). Pure: instances come in as plain snapshots and are never mutated.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import type { PortBinding, Wire, WireTaskDefinition } from '../ecs/model';
import { evaluateClusterQuery, parseClusterQuery, type QueryNode, type QueryTarget } from './cluster-query';
import { fits, type InstanceCapacity } from './resources';

export const DYNAMIC_PORT_FIRST = 49153;
const DYNAMIC_PORT_LAST = 65535;

export const NO_INSTANCES = 'No Container Instances were found in your cluster.';

/** A container instance as placement sees it. */
export interface PlacementInstance extends QueryTarget {
  arn: string;
  status: string;
  remaining: InstanceCapacity;
  /** Count of not-stopped tasks per task group on this instance. */
  groups: ReadonlyMap<string, number>;
  /** Network interfaces still free for awsvpc tasks (undefined: no known limit). */
  freeEnis?: number;
}

/** A port mapping to book; hostPort 0 asks for a dynamic port. */
export interface PortRequest {
  containerName: string;
  containerPort: number;
  hostPort: number;
  protocol: 'tcp' | 'udp';
}

export type Constraint =
  { type: 'distinctInstance' } | { type: 'memberOf'; expression: string; query: QueryNode };

export interface Strategy {
  type: 'random' | 'spread' | 'binpack';
  field?: string;
}

export interface TaskRequirements {
  cpu: number;
  memory: number;
  ports: PortRequest[];
  group: string;
  requiredAttributes: { name: string; value?: string }[];
  constraints: Constraint[];
  strategies: Strategy[];
  /** awsvpc: the task needs a network interface, in one of these zones (its subnets'). */
  awsvpcZones?: ReadonlySet<string>;
}

export interface Placement {
  instanceArn: string;
  ports: PortBinding[];
}

export interface PlacementFailure {
  arn?: string;
  reason: string;
}

export interface PlacementResult {
  placements: Placement[];
  /** For the tasks that could not be placed: why each instance refused (ECS's reasons). */
  failures: PlacementFailure[];
  /** The instance that passed the most checks and its reason, for service events. */
  closest?: { instanceArn: string; reason: string };
}

// ---------------------------------------------------------------------------------------------
// Requirements from a task definition

type TaskOverrides = Wire<ecs.TaskOverride> | undefined;

const positive = (v: string | number | undefined | null): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return n !== undefined && n !== null && Number.isFinite(n) && n > 0 ? n : undefined;
};

/**
 * CPU units, MiB and port requests of one task: task-level cpu/memory when set, else the sum over
 * containers (memoryReservation, else memory). Overrides apply first.
 */
export function resourceRequirements(
  td: WireTaskDefinition,
  overrides?: TaskOverrides,
): Pick<TaskRequirements, 'cpu' | 'memory' | 'ports'> {
  let cpu = 0;
  let memory = 0;
  const ports: PortRequest[] = [];
  const mode = td.networkMode ?? 'bridge';
  for (const c of td.containerDefinitions) {
    const o = overrides?.containerOverrides?.find((x) => x.name === c.name);
    cpu += positive(o?.cpu) ?? positive(c.cpu) ?? 0;
    memory +=
      positive(o?.memoryReservation) ??
      positive(o?.memory) ??
      positive(c.memoryReservation) ??
      positive(c.memory) ??
      0;
    if (mode === 'awsvpc' || mode === 'none') continue;
    for (const m of c.portMappings ?? []) {
      if (m.containerPort === undefined) continue;
      const protocol = m.protocol === 'udp' ? 'udp' : 'tcp';
      const hostPort = mode === 'host' ? m.hostPort || m.containerPort : (m.hostPort ?? 0);
      ports.push({ containerName: c.name ?? '', containerPort: m.containerPort, hostPort, protocol });
    }
  }
  return {
    cpu: positive(overrides?.cpu) ?? positive(td.cpu) ?? cpu,
    memory: positive(overrides?.memory) ?? positive(td.memory) ?? memory,
    ports,
  };
}

/** Parses constraints; throws QuerySyntaxError for a bad memberOf expression. */
export function parseConstraints(
  list: Wire<ecs.PlacementConstraint | ecs.TaskDefinitionPlacementConstraint>[],
): Constraint[] {
  return list.map((c) =>
    c.type === 'distinctInstance'
      ? { type: 'distinctInstance' }
      : { type: 'memberOf', expression: c.expression ?? '', query: parseClusterQuery(c.expression ?? '') },
  );
}

// ---------------------------------------------------------------------------------------------
// Feasibility

interface Checker {
  /** ECS's failure reason when the instance is refused. */
  reason: string;
  feasible(instance: PlacementInstance, req: TaskRequirements): boolean;
}

const checkers: Checker[] = [
  { reason: 'INACTIVE', feasible: (i) => i.status === 'ACTIVE' },
  { reason: 'AGENT', feasible: (i) => i.agentConnected },
  {
    reason: 'ATTRIBUTE',
    feasible: (i, req) =>
      req.requiredAttributes.length === 0 ||
      req.requiredAttributes.every((a) =>
        a.value === undefined ? i.attributes.has(a.name) : i.attributes.get(a.name) === a.value,
      ),
  },
  {
    reason: 'DistinctInstance placement constraint unsatisfied.',
    feasible: (i, req) =>
      req.constraints.length === 0 ||
      !req.constraints.some((c) => c.type === 'distinctInstance') ||
      (i.groups.get(req.group) ?? 0) === 0,
  },
  {
    reason: 'MemberOf placement constraint unsatisfied.',
    feasible: (i, req) =>
      req.constraints.length === 0 ||
      req.constraints.every((c) => c.type !== 'memberOf' || evaluateClusterQuery(c.query, i)),
  },
  { reason: 'RESOURCE:CPU', feasible: (i, req) => req.cpu <= i.remaining.cpu },
  { reason: 'RESOURCE:MEMORY', feasible: (i, req) => req.memory <= i.remaining.memory },
  {
    reason: 'RESOURCE:ENI',
    feasible: (i, req) =>
      req.awsvpcZones === undefined ||
      ((i.freeEnis === undefined || i.freeEnis > 0) &&
        req.awsvpcZones.has(i.attributes.get('ecs.availability-zone') ?? '')),
  },
  { reason: 'RESOURCE:PORTS', feasible: (i, req) => staticPortsFree(i.remaining.tcp, req.ports, 'tcp') },
  { reason: 'RESOURCE:PORTS_UDP', feasible: (i, req) => staticPortsFree(i.remaining.udp, req.ports, 'udp') },
  { reason: 'RESOURCE:PORTS', feasible: (i, req) => assignPorts(i.remaining, req.ports) !== null },
];

function staticPortsFree(used: ReadonlySet<number>, ports: PortRequest[], protocol: 'tcp' | 'udp'): boolean {
  if (ports.length === 0) return true;
  const mine = new Set<number>();
  for (const p of ports) {
    if (p.protocol !== protocol || p.hostPort === 0) continue;
    if (used.has(p.hostPort) || mine.has(p.hostPort)) return false;
    mine.add(p.hostPort);
  }
  return true;
}

/**
 * No host port: one shared empty list (frozen: it becomes a task's `ports`, which the store freezes
 * anyway), not a new one a task placed.
 */
const NO_BINDINGS = Object.freeze([]) as unknown as PortBinding[];

/** Host ports for the task's mappings on this instance: static as asked, dynamic from the free range. */
export function assignPorts(remaining: InstanceCapacity, ports: PortRequest[]): PortBinding[] | null {
  if (ports.length === 0) return NO_BINDINGS;
  const taken = { tcp: new Set(remaining.tcp), udp: new Set(remaining.udp) };
  for (const p of ports) if (p.hostPort !== 0) taken[p.protocol].add(p.hostPort);
  const next = { tcp: DYNAMIC_PORT_FIRST, udp: DYNAMIC_PORT_FIRST };
  const out: PortBinding[] = [];
  for (const p of ports) {
    let hostPort = p.hostPort;
    if (hostPort === 0) {
      const used = taken[p.protocol];
      let candidate = next[p.protocol];
      while (candidate <= DYNAMIC_PORT_LAST && used.has(candidate)) candidate++;
      if (candidate > DYNAMIC_PORT_LAST) return null;
      used.add(candidate);
      next[p.protocol] = candidate + 1;
      hostPort = candidate;
    }
    out.push({
      containerName: p.containerName,
      containerPort: p.containerPort,
      hostPort,
      protocol: p.protocol,
    });
  }
  return out;
}

/** Index of the first checker the instance fails, or -1 when feasible. */
function firstFailure(instance: PlacementInstance, req: TaskRequirements): number {
  // A loop, not `findIndex` with a closure: every task placed checks the instance it draws.
  for (let k = 0; k < checkers.length; k++) if (!(checkers[k] as Checker).feasible(instance, req)) return k;
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Ranking

/** Tasks of the group per value of an attribute, over all instances (spread by attribute). */
function bucketCounts(
  instances: PlacementInstance[],
  name: string,
  group: string,
): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>();
  for (const i of instances) {
    const value = i.attributes.get(name);
    counts.set(value, (counts.get(value) ?? 0) + (i.groups.get(group) ?? 0));
  }
  return counts;
}

interface Scorer {
  /** Lower is better. */
  score(i: PlacementInstance): number;
  /** Keeps the scorer's aggregates current after a task is placed on `i`. */
  placed(i: PlacementInstance): void;
}

/** One scorer per strategy, prepared once per call and updated as tasks are placed. */
function scorers(req: TaskRequirements, all: PlacementInstance[], random: () => number): Scorer[] {
  const unchanged = () => {};
  return req.strategies.map((s): Scorer => {
    if (s.type === 'random') return { score: () => random(), placed: unchanged };
    if (s.type === 'binpack') {
      const cpu = (s.field ?? 'memory').toLowerCase() === 'cpu';
      return { score: (i) => (cpu ? i.remaining.cpu : i.remaining.memory), placed: unchanged };
    }
    const field = s.field ?? 'instanceId';
    if (field === 'instanceId' || field === 'host') {
      return { score: (i) => i.groups.get(req.group) ?? 0, placed: unchanged };
    }
    const name = field.startsWith('attribute:') ? field.slice('attribute:'.length) : field;
    const buckets = bucketCounts(all, name, req.group);
    return {
      score: (i) => buckets.get(i.attributes.get(name)) ?? 0,
      placed: (i) => {
        const value = i.attributes.get(name);
        buckets.set(value, (buckets.get(value) ?? 0) + 1);
      },
    };
  });
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The pipeline

/**
 * Places `count` tasks one by one, each on the best feasible instance, accounting for the ones
 * already placed in this call. Stops at the first task that cannot be placed.
 */
export function placeTasks(
  instances: PlacementInstance[],
  req: TaskRequirements,
  count: number,
  random: () => number = Math.random,
): PlacementResult {
  const spread = spreadPlan(req.strategies);
  return spread ? placeBySpread(instances, req, count, spread) : placeByScan(instances, req, count, random);
}

/** `placeTasks` by comparing every feasible instance for each task: O(count x instances). */
export function placeByScan(
  instances: PlacementInstance[],
  req: TaskRequirements,
  count: number,
  random: () => number = Math.random,
): PlacementResult {
  // Only the instance that receives a task changes, so feasibility is re-checked for it alone.
  const state = [...instances];
  const failure = state.map((i) => firstFailure(i, req));
  const score = scorers(req, state, random);
  const placements: Placement[] = [];
  // Two score buffers, swapped when a candidate becomes the best (no array per candidate).
  let scores: number[] = new Array<number>(score.length).fill(0);
  let bestScores: number[] = new Array<number>(score.length).fill(0);
  for (let n = 0; n < count; n++) {
    let best = -1;
    for (let k = 0; k < state.length; k++) {
      if (failure[k] !== -1) continue;
      const candidate = state[k] as PlacementInstance;
      for (let j = 0; j < score.length; j++) scores[j] = (score[j] as Scorer).score(candidate);
      const order =
        best < 0
          ? -1
          : compareScores(scores, bestScores) || compareArns(candidate, state[best] as PlacementInstance);
      if (order < 0) {
        best = k;
        [bestScores, scores] = [scores, bestScores];
      }
    }
    if (best < 0) return { placements, ...refusals(state, failure) };
    const chosen = state[best] as PlacementInstance;
    const ports = assignPorts(chosen.remaining, req.ports) as PortBinding[];
    if (!fits(chosen.remaining, { cpu: req.cpu, memory: req.memory, ports })) {
      throw new Error('placement: checkers passed but the booking does not fit');
    }
    placements.push({ instanceArn: chosen.arn, ports });
    for (const f of score) f.placed(chosen);
    const after = afterPlacement(chosen, req, ports);
    state[best] = after;
    failure[best] = firstFailure(after, req);
  }
  return { placements, failures: [] };
}

/**
 * Spread strategies by attributes, then at most one spread by instance, last (the services'
 * default: zone, then instance): the attributes named, and whether instances are ranked by their
 * own count of the group. Null for any other list (the scan handles it).
 */
function spreadPlan(strategies: Strategy[]): { attributes: string[]; byInstance: boolean } | null {
  if (strategies.length === 0) return null;
  const attributes: string[] = [];
  let byInstance = false;
  for (const s of strategies) {
    if (s.type !== 'spread' || byInstance) return null;
    const field = s.field ?? 'instanceId';
    if (field === 'instanceId' || field === 'host') byInstance = true;
    else attributes.push(field.startsWith('attribute:') ? field.slice('attribute:'.length) : field);
  }
  return { attributes, byInstance };
}

/** A binary min-heap of instance indexes, by `less`. */
class InstanceHeap {
  readonly items: number[] = [];
  constructor(private readonly less: (a: number, b: number) => boolean) {}
  push(k: number): void {
    const h = this.items;
    h.push(k);
    let i = h.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.less(h[i] as number, h[up] as number)) break;
      [h[i], h[up]] = [h[up] as number, h[i] as number];
      i = up;
    }
  }
  pop(): number | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l] as number, h[m] as number)) m = l;
      if (r < h.length && this.less(h[r] as number, h[m] as number)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as number, h[i] as number];
      i = m;
    }
    return top;
  }
}

/**
 * `placeTasks` for spread strategies (see `spreadPlan`), with the scan's exact choices and refusals
 * in O(instances + count x (classes + log instances)): feasible instances are grouped by their
 * values of the spread attributes (a zone: a few classes), each class a heap by (the instance's
 * count of the group, ARN); a task goes to the best top among the classes whose attribute counts
 * are least, in the strategies' order.
 */
function placeBySpread(
  instances: PlacementInstance[],
  req: TaskRequirements,
  count: number,
  plan: { attributes: string[]; byInstance: boolean },
): PlacementResult {
  const state = [...instances];
  const failure = state.map((i) => firstFailure(i, req));
  const own = (k: number) =>
    plan.byInstance ? ((state[k] as PlacementInstance).groups.get(req.group) ?? 0) : 0;
  const less = (a: number, b: number) => {
    const d = own(a) - own(b);
    return d !== 0 ? d < 0 : compareArns(state[a] as PlacementInstance, state[b] as PlacementInstance) < 0;
  };
  // Tasks of the group per attribute value, over every instance (feasible or not), as the scan counts.
  const buckets = plan.attributes.map((name) => bucketCounts(state, name, req.group));
  const classes = new Map<string, { values: (string | undefined)[]; heap: InstanceHeap }>();
  state.forEach((i, k) => {
    if (failure[k] !== -1) return;
    const values = plan.attributes.map((name) => i.attributes.get(name));
    const key = JSON.stringify(values.map((v) => v ?? null));
    let c = classes.get(key);
    if (!c) {
      c = { values, heap: new InstanceHeap(less) };
      classes.set(key, c);
    }
    c.heap.push(k);
  });
  const placements: Placement[] = [];
  for (let n = 0; n < count; n++) {
    let best: { values: (string | undefined)[]; heap: InstanceHeap } | undefined;
    let bestScore: number[] = [];
    for (const c of classes.values()) {
      const top = c.heap.items[0];
      if (top === undefined) continue;
      const score = c.values.map((v, j) => (buckets[j] as Map<string | undefined, number>).get(v) ?? 0);
      const order = best
        ? compareScores(score, bestScore) || (less(top, best.heap.items[0] as number) ? -1 : 1)
        : -1;
      if (order < 0) {
        best = c;
        bestScore = score;
      }
    }
    const k = best?.heap.pop();
    if (!best || k === undefined) return { placements, ...refusals(state, failure) };
    const chosen = state[k] as PlacementInstance;
    const ports = assignPorts(chosen.remaining, req.ports) as PortBinding[];
    if (!fits(chosen.remaining, { cpu: req.cpu, memory: req.memory, ports })) {
      throw new Error('placement: checkers passed but the booking does not fit');
    }
    placements.push({ instanceArn: chosen.arn, ports });
    best.values.forEach((v, j) => {
      const b = buckets[j] as Map<string | undefined, number>;
      b.set(v, (b.get(v) ?? 0) + 1);
    });
    const after = afterPlacement(chosen, req, ports);
    state[k] = after;
    failure[k] = firstFailure(after, req);
    if (failure[k] === -1) best.heap.push(k);
  }
  return { placements, failures: [] };
}

/** Random draws per task before the lazy path gives up and the full pipeline decides. */
const RANDOM_PROBES = 32;

/**
 * `placeTasks` for the default strategy (random alone), without looking at every instance: each
 * task draws instances uniformly at random until one is feasible, building only the views it
 * draws (`viewAt`). Uniform over the feasible instances, as the pipeline's random ranking is.
 * Gives up (null) when RANDOM_PROBES draws find nothing feasible for a task, or for any other
 * strategy: the caller then runs `placeTasks` over every instance, which also says why nothing fits.
 */
export function placeRandomly(
  size: number,
  viewAt: (index: number) => PlacementInstance,
  req: TaskRequirements,
  count: number,
  random: () => number = Math.random,
): Placement[] | null {
  if (size === 0 || req.strategies.length !== 1 || req.strategies[0]?.type !== 'random') return null;
  // Views drawn so far, as this call's placements left them.
  const state = new Map<number, PlacementInstance>();
  const placements: Placement[] = [];
  for (let n = 0; n < count; n++) {
    let chosen: PlacementInstance | undefined;
    let at = -1;
    for (let probe = 0; probe < RANDOM_PROBES && !chosen; probe++) {
      const k = Math.min(size - 1, Math.floor(random() * size));
      let view = state.get(k);
      if (!view) {
        view = viewAt(k);
        state.set(k, view);
      }
      if (firstFailure(view, req) === -1) {
        chosen = view;
        at = k;
      }
    }
    if (!chosen) return null;
    const ports = assignPorts(chosen.remaining, req.ports);
    if (!ports || !fits(chosen.remaining, { cpu: req.cpu, memory: req.memory, ports })) return null;
    placements.push({ instanceArn: chosen.arn, ports });
    state.set(at, afterPlacement(chosen, req, ports));
  }
  return placements;
}

const compareArns = (a: PlacementInstance, b: PlacementInstance): number =>
  a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0;

/** Why each ACTIVE instance refused, and the one that came closest (passed the most checks). */
function refusals(
  state: PlacementInstance[],
  failure: number[],
): Pick<PlacementResult, 'failures' | 'closest'> {
  const failures: PlacementFailure[] = [];
  let closest = -1;
  state.forEach((i, k) => {
    const index = failure[k] as number;
    if (index <= 0) return; // not ACTIVE: not a candidate at all
    failures.push({ arn: i.arn, reason: (checkers[index] as Checker).reason });
    if (closest < 0 || index > (failure[closest] as number)) closest = k;
  });
  if (failures.length === 0) return { failures: [{ reason: NO_INSTANCES }] };
  const c = state[closest] as PlacementInstance;
  return {
    failures,
    closest: { instanceArn: c.arn, reason: (checkers[failure[closest] as number] as Checker).reason },
  };
}

function cloneCapacity(c: InstanceCapacity): InstanceCapacity {
  return { cpu: c.cpu, memory: c.memory, tcp: new Set(c.tcp), udp: new Set(c.udp) };
}

function afterPlacement(i: PlacementInstance, req: TaskRequirements, ports: PortBinding[]) {
  // The port sets are copied only when a port is booked (a capacity's sets are never changed).
  const remaining = ports.length === 0 ? { ...i.remaining } : cloneCapacity(i.remaining);
  remaining.cpu -= req.cpu;
  remaining.memory -= req.memory;
  for (const p of ports) remaining[p.protocol].add(p.hostPort);
  const groups = new Map(i.groups);
  groups.set(req.group, (groups.get(req.group) ?? 0) + 1);
  const taskGroups = new Set(i.taskGroups);
  taskGroups.add(req.group);
  const freeEnis =
    req.awsvpcZones !== undefined && i.freeEnis !== undefined ? { freeEnis: i.freeEnis - 1 } : {};
  return { ...i, remaining, groups, taskGroups, runningTasksCount: i.runningTasksCount + 1, ...freeEnis };
}

// ---------------------------------------------------------------------------------------------
// Capacity provider strategies

export interface StrategyShare {
  capacityProvider: string;
  base: number;
  weight: number;
}

/**
 * How many of `count` new tasks each provider of a strategy gets, as ECS spreads them: the base
 * first (the minimum a provider runs, counting `existing` tasks, e.g. a service's), then the rest
 * in proportion to the weights, each new task going to the provider furthest below its share. A
 * strategy whose weights are all 0 (a single provider) takes every task on its first provider.
 */
export function distributeByStrategy(
  items: readonly StrategyShare[],
  count: number,
  existing: ReadonlyMap<string, number> = new Map(),
): Map<string, number> {
  const added = new Map<string, number>();
  if (items.length === 0 || count <= 0) return added;
  const have = items.map((i) => existing.get(i.capacityProvider) ?? 0);
  const totalWeight = items.reduce((sum, i) => sum + i.weight, 0);
  for (let n = 0; n < count; n++) {
    let pick = items.findIndex((item, k) => (have[k] as number) < item.base);
    if (pick < 0 && totalWeight === 0) pick = 0;
    if (pick < 0) {
      const extra = items.map((item, k) => Math.max(0, (have[k] as number) - item.base));
      const after = extra.reduce((a, b) => a + b, 0) + 1;
      let best = -Infinity;
      items.forEach((item, k) => {
        if (item.weight === 0) return;
        const deficit = (after * item.weight) / totalWeight - (extra[k] as number);
        if (deficit > best) {
          best = deficit;
          pick = k;
        }
      });
    }
    have[pick] = (have[pick] as number) + 1;
    const name = (items[pick] as StrategyShare).capacityProvider;
    added.set(name, (added.get(name) ?? 0) + 1);
  }
  return added;
}
