/**
 * The task record writes of issue 14's workload, replayed: the same writes every time, so two
 * builds of the store's write path can be compared on the same work (no agent timing, no HTTP).
 *
 *   node bin/run-ts.mjs bench/scale/write-replay.ts capture FILE
 *     runs the workload once in process (write-micro.ts's, one run after a warm-up) and saves every
 *     write of the tasks collection (method, id, document) with the transactions they were in; the
 *     documents keep their sharing (a version's members shared with the previous version's stay
 *     shared) and which parts were frozen already.
 *   node bin/run-ts.mjs bench/scale/write-replay.ts replay FILE [ROUNDS]
 *     replays them ROUNDS times, each on a fresh in-memory store with documents made anew, and
 *     prints the CPU per write of each round.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Db } from '../../src/local/store/db';
import { ecsCollections } from '../../src/local/ecs/model';

type Val = { r: number } | { u: 1 } | { v: unknown };
type Node = { a?: Val[]; o?: [string, Val][]; f?: 1 };
type Op = ['B'] | ['E'] | [string, string, number | null];

const [mode, file, roundsText] = process.argv.slice(2);
if (!file) throw new Error('usage: capture|replay FILE [ROUNDS]');

if (mode === 'capture') {
  const { inProcessPlane } = await import('./in-process');
  const { plane, call } = await inProcessPlane(200);
  const db = plane.deps.db as unknown as { tx: (fn: () => unknown) => unknown };
  const tasks = ecsCollections(plane.deps.db).tasks as unknown as Record<
    string,
    (...a: unknown[]) => unknown
  >;
  const nodes: Node[] = [];
  const seen = new Map<object, number>();
  const ops: Op[] = [];
  let capturing = false;
  const enc = (v: unknown): Val => {
    if (v === undefined) return { u: 1 };
    if (v === null || typeof v !== 'object') return { v };
    return { r: node(v) };
  };
  const node = (o: object): number => {
    const known = seen.get(o);
    if (known !== undefined) return known;
    const at = nodes.length;
    const n: Node = Object.isFrozen(o) ? { f: 1 } : {};
    nodes.push(n);
    seen.set(o, at);
    if (Array.isArray(o)) n.a = o.map(enc);
    else n.o = Object.entries(o).map(([k, v]) => [k, enc(v)]);
    return at;
  };
  for (const method of ['insertShared', 'putShared', 'insert', 'put', 'delete']) {
    const original = tasks[method] as (...a: unknown[]) => unknown;
    tasks[method] = function (this: unknown, id: unknown, doc: unknown) {
      if (capturing) ops.push([method, id as string, doc === undefined ? null : node(doc as object)]);
      return original.call(this, id, doc);
    };
  }
  let depth = 0;
  const tx = db.tx.bind(db);
  db.tx = (fn) => {
    if (depth === 0 && capturing) ops.push(['B']);
    depth++;
    try {
      return tx(fn);
    } finally {
      depth--;
      if (depth === 0 && capturing) ops.push(['E']);
    }
  };
  const { workloadOnce, idle } = await import('./write-micro');
  await workloadOnce(call, 10, 100, 'warm');
  await idle(call, 'warm');
  capturing = true;
  await workloadOnce(call, 100, 1000, 'captured');
  await idle(call, 'captured');
  capturing = false;
  await plane.stop();
  writeFileSync(file, JSON.stringify({ nodes, ops }));
  console.log(`${ops.filter((o) => o.length === 3).length} writes, ${nodes.length} objects`);
} else {
  const { nodes, ops } = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; ops: Op[] };
  const rounds = Number(roundsText ?? 10);
  const cells: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Documents made anew: unfrozen but where they were frozen when written.
    const made: object[] = nodes.map((n) => (n.a ? new Array<unknown>(n.a.length) : {}));
    const dec = (v: Val): unknown => ('r' in v ? made[v.r] : 'u' in v ? undefined : v.v);
    nodes.forEach((n, i) => {
      const o = made[i] as Record<string, unknown> & unknown[];
      if (n.a) n.a.forEach((v, j) => (o[j] = dec(v)));
      else for (const [k, v] of n.o ?? []) o[k] = dec(v);
    });
    for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i]?.f) Object.freeze(made[i]);
    const db = new Db(null);
    const tasks = ecsCollections(db).tasks as unknown as Record<
      string,
      (id: string, doc?: unknown) => unknown
    >;
    const groups: (() => void)[] = [];
    let group: Op[] | null = null;
    const runOps = (list: Op[]) => () => {
      for (const op of list) {
        const [method, id, at] = op as [string, string, number | null];
        if (at === null) tasks[method]?.(id);
        else tasks[method]?.(id, made[at]);
      }
    };
    for (const op of ops) {
      if (op[0] === 'B') group = [];
      else if (op[0] === 'E') {
        const list = group ?? [];
        groups.push(() => db.tx(runOps(list)));
        group = null;
      } else if (group) group.push(op);
      else groups.push(runOps([op]));
    }
    const writes = ops.filter((o) => o.length === 3).length;
    const cpu0 = process.cpuUsage();
    for (const g of groups) g();
    const cpu = process.cpuUsage(cpu0);
    cells.push((cpu.user + cpu.system) / writes);
    db.close();
  }
  const sorted = [...cells].sort((a, b) => a - b);
  console.log(
    `us CPU per write: ${cells.map((c) => c.toFixed(2)).join(' ')}; median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(2)} min ${sorted[0]?.toFixed(2)}`,
  );
}
