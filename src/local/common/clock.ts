/**
 * Time source and timers, replaceable in tests. Every background loop reads the time and waits
 * through the clock in `deps.clock`, so a test drives time with a `ManualClock` instead of sleeping.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once `ms` have passed by this clock; returns a cancel. Never keeps the process alive. */
  after(ms: number, fn: () => void): () => void;
}

/** Longest delay setTimeout accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** ECS's JSON protocol sends timestamps as epoch seconds (with fractions). */
export const epochSeconds = (ms: number): number => Math.round(ms) / 1000;

interface PendingTimer {
  due: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock for tests. Frozen (the default), time moves only when `advance` says, and timers fire
 * from `advance`, earliest first, each seeing the time it was due at. Running (`running: true`),
 * time is real time plus everything `advance` added: a whole control plane runs at its own pace,
 * and a test still jumps over a grace period or a backoff instead of sleeping through it.
 */
export class ManualClock implements Clock {
  private offset: number;
  private frozenAt: number;
  private readonly timers: PendingTimer[] = [];
  private seq = 0;
  private cancelReal: (() => void) | undefined;

  constructor(private readonly options: { start?: number; running?: boolean } = {}) {
    const start = options.start ?? 1_700_000_000_000;
    this.frozenAt = start;
    this.offset = start - Date.now();
  }

  now(): number {
    return this.options.running ? Date.now() + this.offset : this.frozenAt;
  }

  after(ms: number, fn: () => void): () => void {
    const timer: PendingTimer = { due: this.now() + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
    this.armReal();
    return () => {
      const i = this.timers.indexOf(timer);
      if (i >= 0) this.timers.splice(i, 1);
      this.armReal();
    };
  }

  /** Moves time forward by `ms`, firing every timer that comes due on the way, in order. */
  advance(ms: number): void {
    const target = this.now() + Math.max(0, ms);
    for (let next = this.timers[0]; next && next.due <= target; next = this.timers[0]) {
      this.timers.shift();
      this.setNow(Math.max(this.now(), next.due));
      next.fn();
    }
    this.setNow(target);
    this.armReal();
  }

  /** Timers not yet fired (tests). */
  get pendingTimers(): number {
    return this.timers.length;
  }

  private setNow(ms: number): void {
    if (this.options.running) this.offset = ms - Date.now();
    else this.frozenAt = ms;
  }

  /** Running: one real timer for the earliest pending one. */
  private armReal(): void {
    if (!this.options.running) return;
    this.cancelReal?.();
    this.cancelReal = undefined;
    const first = this.timers[0];
    if (!first) return;
    this.cancelReal = systemClock.after(first.due - this.now(), () => {
      this.cancelReal = undefined;
      this.advance(0);
    });
  }
}
