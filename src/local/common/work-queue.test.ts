import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { WorkQueue, type WorkQueueOptions } from './work-queue';

const queues: WorkQueue[] = [];
afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop();
});

/** A queue on a frozen manual clock that records what it handled, and when. */
function setup(options: Partial<WorkQueueOptions> = {}, clock = new ManualClock()) {
  const handled: { keys: string[]; at: number }[] = [];
  const logs: string[] = [];
  const q = new WorkQueue({
    name: 'test',
    clock,
    log: (m) => logs.push(m),
    handle: (keys) => {
      handled.push({ keys, at: clock.now() });
    },
    ...options,
  });
  queues.push(q);
  q.start();
  const keys = () => handled.flatMap((h) => h.keys);
  return { q, clock, handled, keys, logs };
}

const deferred = () => {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('WorkQueue', () => {
  it('with alignMs, takes keys due within one tick together, at the tick; keys due now at once', async () => {
    const clock = new ManualClock({ start: 1000 });
    const { q, handled } = setup({ batchSize: 10, alignMs: 50 }, clock);
    q.addAt('a', 1101);
    q.addAfter('b', 130);
    q.addAt('c', 1150);
    q.add('now');
    await q.idle();
    expect(handled).toEqual([{ keys: ['now'], at: 1000 }]);
    clock.advance(149);
    await q.idle();
    expect(handled).toHaveLength(1);
    clock.advance(1);
    await q.idle();
    expect(handled).toEqual([
      { keys: ['now'], at: 1000 },
      { keys: ['a', 'b', 'c'], at: 1150 },
    ]);
  });

  it('handles a key added many times once', async () => {
    const { q, keys } = setup();
    for (let i = 0; i < 5; i++) q.add('a');
    q.add('b');
    await q.idle();
    expect(keys()).toEqual(['a', 'b']);
    expect(q.size).toBe(0);
  });

  it('never handles a key twice at once; an add during handling looks again after', async () => {
    const gates: ReturnType<typeof deferred>[] = [];
    let inside = 0;
    let most = 0;
    const { q } = setup({
      concurrency: 4,
      handle: async () => {
        inside++;
        most = Math.max(most, inside);
        const gate = deferred();
        gates.push(gate);
        await gate.promise;
        inside--;
      },
    });
    q.add('a');
    await new Promise((r) => setImmediate(r));
    expect(gates).toHaveLength(1);
    q.add('a');
    q.add('a');
    await new Promise((r) => setImmediate(r));
    expect(gates).toHaveLength(1); // still the first handling
    gates[0]!.resolve();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(gates).toHaveLength(2); // once more, for both adds
    gates[1]!.resolve();
    await q.idle();
    expect(gates).toHaveLength(2);
    expect(most).toBe(1);
  });

  it('runs up to `concurrency` keys at once', async () => {
    const gates: ReturnType<typeof deferred>[] = [];
    const { q } = setup({
      concurrency: 2,
      handle: async () => {
        const gate = deferred();
        gates.push(gate);
        await gate.promise;
      },
    });
    for (const k of ['a', 'b', 'c']) q.add(k);
    await new Promise((r) => setImmediate(r));
    expect(gates).toHaveLength(2);
    gates[0]!.resolve();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(gates).toHaveLength(3);
    for (const g of gates) g.resolve();
    await q.idle();
  });

  it('waits until a key is due; the earliest time wins', async () => {
    const { q, clock, handled } = setup();
    const t0 = clock.now();
    q.addAfter('a', 1000);
    q.addAfter('a', 5000); // later: ignored
    q.addAfter('b', 3000);
    q.addAfter('b', 2000); // sooner: wins
    await q.idle();
    expect(handled).toEqual([]);
    clock.advance(999);
    await q.idle();
    expect(handled).toEqual([]);
    clock.advance(1);
    await q.idle();
    expect(handled).toEqual([{ keys: ['a'], at: t0 + 1000 }]);
    clock.advance(5000);
    await q.idle();
    expect(handled.map((h) => h.keys[0])).toEqual(['a', 'b']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('retries a failing key with doubling backoff up to the cap, and forgets it after a success', async () => {
    let failing = true;
    const attempts: number[] = [];
    const clock = new ManualClock();
    const t0 = clock.now();
    const { q, logs } = setup(
      {
        backoff: { firstMs: 100, maxMs: 500 },
        handle: () => {
          attempts.push(clock.now() - t0);
          if (failing) throw new Error('boom');
        },
      },
      clock,
    );
    q.add('k');
    await q.idle();
    for (let i = 0; i < 40; i++) {
      clock.advance(50);
      await q.idle();
    }
    // Retried after 100, 200, 400, then every 500 (the cap).
    expect(attempts.slice(0, 6)).toEqual([0, 100, 300, 700, 1200, 1700]);
    expect(q.failuresOf('k')).toBe(attempts.length);
    expect(logs[0]).toBe('test: failed, retrying');
    failing = false;
    for (let i = 0; i < 10; i++) {
      clock.advance(50);
      await q.idle();
    }
    expect(q.failuresOf('k')).toBe(0);
    const n = attempts.length;
    clock.advance(10_000);
    await q.idle();
    expect(attempts).toHaveLength(n);
  });

  it('retries one key of a batch alone with `retry`', async () => {
    const clock = new ManualClock();
    const seen: string[][] = [];
    let first = true;
    const q: WorkQueue = setup(
      {
        batchSize: 10,
        backoff: { firstMs: 100, maxMs: 100 },
        handle: (keys) => {
          seen.push(keys);
          if (first) q.retry('b', new Error('b failed'));
          first = false;
        },
      },
      clock,
    ).q;
    q.add('a');
    q.add('b');
    q.add('c');
    await q.idle();
    expect(seen).toEqual([['a', 'b', 'c']]);
    expect(q.failuresOf('b')).toBe(1);
    clock.advance(100);
    await q.idle();
    expect(seen).toEqual([['a', 'b', 'c'], ['b']]);
    expect(q.failuresOf('b')).toBe(0);
  });

  it('resyncs every key periodically, but a resync does not cut a backoff short (an add does)', async () => {
    const clock = new ManualClock();
    const names = new Set(['a', 'b']);
    const counts = new Map<string, number>();
    const { q } = setup(
      {
        backoff: { firstMs: 10_000, maxMs: 10_000 },
        resync: { everyMs: 1000, keys: () => names },
        handle: ([key]) => {
          counts.set(key!, (counts.get(key!) ?? 0) + 1);
          if (key === 'b') throw new Error('b is broken');
        },
      },
      clock,
    );
    await q.idle();
    expect(Object.fromEntries(counts)).toEqual({ a: 1, b: 1 });
    clock.advance(1000);
    await q.idle();
    clock.advance(1000);
    await q.idle();
    expect(Object.fromEntries(counts)).toEqual({ a: 3, b: 1 });
    q.add('b');
    await q.idle();
    expect(counts.get('b')).toBe(2);
    names.add('c');
    clock.advance(1000);
    await q.idle();
    expect(counts.get('c')).toBe(1);
  });

  it('hands out batches of due keys, earliest first', async () => {
    const { q, clock, handled } = setup({ batchSize: 2 });
    q.addAfter('late', 30);
    q.addAfter('early', 10);
    q.addAfter('mid', 20);
    clock.advance(30);
    await q.idle();
    expect(handled.map((h) => h.keys)).toEqual([['early', 'mid'], ['late']]);
  });

  it('stop drops waiting keys, waits for handling in flight, and ignores adds after', async () => {
    const gate = deferred();
    let finished = false;
    const { q, clock } = setup({
      handle: async () => {
        await gate.promise;
        finished = true;
      },
    });
    q.add('a');
    q.addAfter('b', 100);
    await new Promise((r) => setImmediate(r));
    const stopping = q.stop();
    gate.resolve();
    await stopping;
    expect(finished).toBe(true);
    expect(q.size).toBe(0);
    q.add('c');
    expect(q.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('handles each key once, no sooner than its earliest due time, in due order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.integer({ min: 0, max: 100 })), {
          maxLength: 30,
        }),
        fc.integer({ min: 1, max: 5 }),
        async (ops, batchSize) => {
          const clock = new ManualClock();
          const t0 = clock.now();
          const handled: { key: string; at: number }[] = [];
          const q = new WorkQueue({
            name: 'p',
            clock,
            log: () => {},
            batchSize,
            handle: (keys) => {
              for (const key of keys) handled.push({ key, at: clock.now() - t0 });
            },
          });
          q.start();
          const earliest = new Map<string, number>();
          for (const [key, due] of ops) {
            q.addAt(key, t0 + due);
            earliest.set(key, Math.min(due, earliest.get(key) ?? Infinity));
          }
          for (let t = 0; t <= 100; t += 10) {
            await q.idle();
            clock.advance(10);
          }
          await q.idle();
          await q.stop();
          expect(handled.map((h) => h.key).sort()).toEqual([...earliest.keys()].sort());
          for (const h of handled) expect(h.at).toBeGreaterThanOrEqual(earliest.get(h.key)!);
          const dues = handled.map((h) => earliest.get(h.key)!);
          expect(dues).toEqual([...dues].sort((a, b) => a - b));
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('ManualClock', () => {
  it('fires timers in order as time advances, each at its own time', () => {
    const clock = new ManualClock({ start: 0 });
    const fired: [string, number][] = [];
    clock.after(30, () => fired.push(['c', clock.now()]));
    clock.after(10, () => {
      fired.push(['a', clock.now()]);
      clock.after(5, () => fired.push(['a+5', clock.now()]));
    });
    const cancel = clock.after(20, () => fired.push(['b', clock.now()]));
    cancel();
    clock.advance(25);
    expect(fired).toEqual([
      ['a', 10],
      ['a+5', 15],
    ]);
    expect(clock.now()).toBe(25);
    clock.advance(5);
    expect(fired.at(-1)).toEqual(['c', 30]);
  });

  it('running, moves with real time plus what advance adds, and fires timers by itself', async () => {
    const clock = new ManualClock({ running: true, start: 0 });
    const fired = deferred();
    clock.after(5, () => fired.resolve());
    await fired.promise;
    expect(clock.now()).toBeGreaterThanOrEqual(5);
    const before = clock.now();
    let jumped = false;
    clock.after(60_000, () => (jumped = true));
    clock.advance(60_000);
    expect(jumped).toBe(true);
    expect(clock.now()).toBeGreaterThanOrEqual(before + 60_000);
  });
});
