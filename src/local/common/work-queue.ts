/**
 * The one work queue behind every background loop (after client-go's workqueue, as the Kubernetes
 * sample controller uses it). A loop is written as:
 *
 * - event handlers (bus hints, API actions) only `add` a key: the ARN or id of what to look at;
 * - `handle(keys)` re-reads the state of each key and converges it, in any order, any number of times;
 * - the queue does the rest: one entry per key (repeated adds coalesce), a key is never handled
 *   twice at the same time (an add during handling looks again after it), a key can wait until a
 *   time (`addAt`/`addAfter`: the earliest wins), a failed key is retried with exponential backoff
 *   up to a cap, and a periodic resync adds every key, so a lost hint only delays.
 *
 * Time and timers come from the clock (`deps.clock`): tests drive a queue with a `ManualClock`.
 * One timer serves the whole queue, however many keys wait in it.
 */
import type { Clock } from './clock';

export interface WorkQueueOptions {
  /** Names the loop in logs. */
  name: string;
  clock: Clock;
  log: (message: string, detail?: Record<string, unknown>) => void;
  /**
   * Looks at `keys` (at most `batchSize`, each due, none being handled elsewhere). Throwing or
   * rejecting retries all of them with backoff; `queue.retry(key, err)` retries one.
   */
  handle: (keys: string[]) => void | Promise<void>;
  /** Keys given to one `handle` call (default 1); a batch can share one transaction. */
  batchSize?: number;
  /** `handle` calls in flight at once (default 1); use Infinity for long, independent work. */
  concurrency?: number;
  /** Retry delays: `firstMs`, doubling per consecutive failure of the key, at most `maxMs`. */
  backoff?: { firstMs: number; maxMs: number };
  /** Every `everyMs`, and once on start, adds every key `keys()` lists (a key in backoff keeps waiting). */
  resync?: { everyMs: number; keys: () => Iterable<string> };
  /**
   * How the queue lets the rest of the process run between batches: the next turn of the event
   * loop (`setImmediate`, the default), or a zero-delay timer (`setTimeout`), which waits for I/O a
   * little longer: for a loop whose batches are long and many (the agent), so requests keep their pace.
   */
  betweenBatches?: 'setImmediate' | 'setTimeout';
  /**
   * Rounds future times (`addAt`, `addAfter`) up to a multiple of this many ms: keys due within one
   * tick are handled together, in as few batches (transactions) as `batchSize` allows, instead of a
   * timer and a batch per millisecond they differ by. Keys due now are not delayed.
   */
  alignMs?: number;
  /**
   * A batch's time budget in ms (wall clock, synchronous handlers only): the batch size adapts, from
   * the time keys took in earlier batches, so that a batch takes about this long (at most
   * `batchSize` keys). What a request arriving during background work waits for is one batch
   * (issue 14), so this bounds it whatever a key costs.
   */
  budgetMs?: number;
}

interface Entry {
  due: number;
  seq: number;
  key: string;
}

const DEFAULT_BACKOFF = { firstMs: 50, maxMs: 10_000 };

export class WorkQueue {
  /** Waiting keys as a binary min-heap on (due, seq); `waiting` holds each key's live entry. */
  private readonly heap: Entry[] = [];
  private readonly waiting = new Map<string, Entry>();
  private readonly processing = new Set<string>();
  /** Keys added while being handled: looked at again (at that time) once handling ends. */
  private readonly again = new Map<string, number>();
  /** Consecutive failures per key; forgotten when the key is handled without one. */
  private readonly failures = new Map<string, number>();
  /** Keys that failed in the current handling (so success does not forget them). */
  private readonly failedNow = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly idleWaiters: (() => void)[] = [];
  private seq = 0;
  private active = false;
  private handling = 0;
  private pumpScheduled = false;
  private cancelTimer: (() => void) | undefined;
  private timerDue = Infinity;
  private cancelResync: (() => void) | undefined;
  private readonly batchSize: number;
  /** With `budgetMs`: the keys the next batch takes, from the smoothed time per key. */
  private adaptiveBatch: number;
  private msPerKey = 0;
  private readonly concurrency: number;
  private readonly backoff: { firstMs: number; maxMs: number };

  constructor(private readonly options: WorkQueueOptions) {
    this.batchSize = Math.max(1, options.batchSize ?? 1);
    this.adaptiveBatch = this.batchSize;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  /** Keys waiting or being handled. */
  get size(): number {
    return this.waiting.size + this.processing.size;
  }

  /** Starts handling (and, with `resync`, adds every key now and then periodically). */
  start(): void {
    if (this.active) return;
    this.active = true;
    if (this.options.resync) this.resync();
    this.arm();
  }

  /** Stops handling: drops every waiting key and timer, and waits for the handling in flight. */
  async stop(): Promise<void> {
    this.active = false;
    this.cancelResync?.();
    this.cancelResync = undefined;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.timerDue = Infinity;
    this.heap.length = 0;
    this.waiting.clear();
    this.again.clear();
    this.failures.clear();
    await Promise.allSettled([...this.inFlight]);
    this.settleIdle();
  }

  /** Look at `key` as soon as possible. */
  add(key: string): void {
    this.addAt(key, this.options.clock.now());
  }

  /** Look at `key` once `ms` have passed (or sooner, if it is added for sooner). */
  addAfter(key: string, ms: number): void {
    this.addAt(key, this.options.clock.now() + Math.max(0, ms));
  }

  /** Look at `key` at `due` (epoch ms by the clock), or sooner if it already waits for sooner. */
  addAt(key: string, due: number): void {
    if (!this.active) return;
    const align = this.options.alignMs;
    if (align !== undefined && align > 1 && due > this.options.clock.now())
      due = Math.ceil(due / align) * align;
    if (this.processing.has(key)) {
      const later = this.again.get(key);
      if (later === undefined || due < later) this.again.set(key, due);
      return;
    }
    const current = this.waiting.get(key);
    if (current !== undefined && current.due <= due) return;
    const entry = { due, seq: this.seq++, key };
    this.waiting.set(key, entry);
    this.push(entry);
    this.arm();
  }

  /** Retries `key` after its backoff delay (called from `handle` for a key that failed alone). */
  retry(key: string, err: unknown): void {
    if (!this.active) return;
    const attempts = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, attempts);
    if (this.processing.has(key)) this.failedNow.add(key);
    const delay = Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** Math.min(30, attempts - 1));
    this.options.log(`${this.options.name}: failed, retrying`, { key, attempts, delay, err: errorText(err) });
    this.addAfter(key, delay);
  }

  /** Consecutive failures of `key` so far (0 once it was handled without one). */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Whether a key is due now or being handled. */
  get busy(): boolean {
    return !this.isIdle();
  }

  /** Resolves once nothing is due now and nothing is being handled (tests and benchmarks). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ---------------------------------------------------------------------------------------------

  private resync(): void {
    const resync = this.options.resync;
    if (!resync || !this.active) return;
    for (const key of resync.keys()) {
      // A resync is no news: a key waiting out its backoff keeps waiting.
      if (this.failures.has(key) && (this.waiting.has(key) || this.again.has(key))) continue;
      this.add(key);
    }
    this.cancelResync = this.options.clock.after(resync.everyMs, () => this.resync());
  }

  private isIdle(): boolean {
    if (this.handling > 0 || this.pumpScheduled) return false;
    const first = this.peek();
    return !this.active || first === undefined || first.due > this.options.clock.now();
  }

  private settleIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Makes sure due keys get a pump soon, and the earliest future one has the timer. */
  private arm(): void {
    if (!this.active) return;
    const first = this.peek();
    if (first === undefined) return;
    const now = this.options.clock.now();
    if (first.due <= now) {
      this.schedulePump();
      return;
    }
    if (this.cancelTimer && this.timerDue <= first.due) return;
    this.cancelTimer?.();
    this.timerDue = first.due;
    this.cancelTimer = this.options.clock.after(first.due - now, () => {
      this.cancelTimer = undefined;
      this.timerDue = Infinity;
      this.arm();
    });
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.handling >= this.concurrency) return;
    this.pumpScheduled = true;
    // A macrotask, so requests and other loops run between batches.
    if (this.options.betweenBatches === 'setTimeout') setTimeout(this.pump, 0);
    else setImmediate(this.pump);
  }

  private readonly pump = (): void => {
    this.pumpScheduled = false;
    if (!this.active) return this.settleIdle();
    const now = this.options.clock.now();
    let started = 0;
    while (this.handling < this.concurrency && started < this.concurrency) {
      const keys = this.takeDue(now);
      if (keys.length === 0) break;
      started++;
      this.run(keys);
    }
    this.arm();
    this.settleIdle();
  };

  /** Up to `batchSize` due keys, earliest first, marked as being handled. */
  private takeDue(now: number): string[] {
    const keys: string[] = [];
    while (keys.length < this.adaptiveBatch) {
      const top = this.peek();
      if (!top || top.due > now) break;
      this.pop();
      this.waiting.delete(top.key);
      this.processing.add(top.key);
      keys.push(top.key);
    }
    return keys;
  }

  private run(keys: string[]): void {
    this.handling++;
    let result: void | Promise<void>;
    const started = this.options.budgetMs === undefined ? 0 : performance.now();
    try {
      result = this.options.handle(keys);
    } catch (err) {
      this.done(keys, err);
      return;
    }
    if (!(result instanceof Promise)) {
      if (this.options.budgetMs !== undefined) this.adapt(keys.length, performance.now() - started);
      this.done(keys, undefined);
      return;
    }
    const work = result.then(
      () => this.done(keys, undefined),
      (err: unknown) => this.done(keys, err),
    );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Sizes the next batch from the time per key so far (an average weighted to the recent batches). */
  private adapt(keys: number, ms: number): void {
    const budget = this.options.budgetMs ?? Infinity;
    const perKey = ms / Math.max(1, keys);
    this.msPerKey = this.msPerKey === 0 ? perKey : 0.7 * this.msPerKey + 0.3 * perKey;
    const fit = this.msPerKey > 0 ? Math.floor(budget / this.msPerKey) : this.batchSize;
    this.adaptiveBatch = Math.max(1, Math.min(this.batchSize, fit));
  }

  private done(keys: string[], err: unknown): void {
    this.handling--;
    for (const key of keys) {
      this.processing.delete(key);
      if (err !== undefined) this.retry(key, err);
      else if (!this.failedNow.has(key)) this.failures.delete(key);
      this.failedNow.delete(key);
      const again = this.again.get(key);
      if (again !== undefined) {
        this.again.delete(key);
        this.addAt(key, again);
      }
    }
    this.arm();
    this.settleIdle();
  }

  // ---- the heap -----------------------------------------------------------------------------------

  /** The earliest live entry (stale ones, superseded by an earlier add, are dropped on the way). */
  private peek(): Entry | undefined {
    for (let top = this.heap[0]; top && this.waiting.get(top.key) !== top; top = this.heap[0]) this.pop();
    return this.heap[0];
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, h[parent] as Entry)) break;
      h[i] = h[parent] as Entry;
      i = parent;
    }
    h[i] = entry;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && before(h[r] as Entry, h[l] as Entry) ? r : l;
      if (!before(h[child] as Entry, last)) break;
      h[i] = h[child] as Entry;
      i = child;
    }
    h[i] = last;
  }
}

const before = (a: Entry, b: Entry): boolean => a.due < b.due || (a.due === b.due && a.seq < b.seq);

function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
