/**
 * The access token of a plane or console reachable beyond loopback: how it is compared, how short it
 * may be, and how fast one client address may guess. A token bucket per address: `burst` wrong
 * tokens at once, then one more per `refillMs`. While an address has no guess left, every token it
 * offers (the right one too) is answered 429, so guessing cannot go faster; the bucket refills on its
 * own, so the right token is never locked out for longer than one refill step after the guessing stops.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** Whether `host` (a bind address or Host name) is this machine's loopback. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Shortest token accepted (`serve --token`, `local --token`). */
export const MIN_TOKEN_LENGTH = 16;

/** Why `token` cannot be used, or null. */
export function tokenRefusal(token: string): string | null {
  return token.length < MIN_TOKEN_LENGTH
    ? `the token must be at least ${MIN_TOKEN_LENGTH} characters (use a random one, e.g. openssl rand -hex 16)`
    : null;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compares in constant time (whatever the lengths). */
export const sameSecret = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

export interface GuessLimiterOptions {
  /** Wrong tokens an address may send at once. */
  burst: number;
  /** One more wrong token allowed per this many ms. */
  refillMs: number;
  /** Addresses tracked at most (the fullest buckets are forgotten first). */
  maxClients: number;
  now: () => number;
}

export const defaultGuessLimits: Omit<GuessLimiterOptions, 'now'> = {
  burst: 10,
  refillMs: 1000,
  maxClients: 10_000,
};

interface Bucket {
  tokens: number;
  at: number;
}

export class GuessLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly options: GuessLimiterOptions;

  constructor(options: Partial<GuessLimiterOptions> = {}) {
    this.options = { ...defaultGuessLimits, now: () => Date.now(), ...options };
  }

  private level(client: string): Bucket {
    const { burst, refillMs, now } = this.options;
    const t = now();
    const b = this.buckets.get(client);
    if (!b) return { tokens: burst, at: t };
    return { tokens: Math.min(burst, b.tokens + (t - b.at) / refillMs), at: t };
  }

  /** Whether `client` may offer a token now. */
  allowed(client: string): boolean {
    return this.level(client).tokens >= 1;
  }

  /** Milliseconds until `client` may offer a token again (0 when it may now). */
  retryAfterMs(client: string): number {
    const b = this.level(client);
    return b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) * this.options.refillMs);
  }

  /** `client` offered a wrong token. */
  failed(client: string): void {
    const b = this.level(client);
    b.tokens = Math.max(0, b.tokens - 1);
    this.buckets.delete(client);
    this.buckets.set(client, b);
    if (this.buckets.size > this.options.maxClients) this.forget();
  }

  /** Drops the buckets that have refilled, then the oldest, down to `maxClients`. */
  private forget(): void {
    for (const client of [...this.buckets.keys()]) {
      if (this.level(client).tokens >= this.options.burst) this.buckets.delete(client);
    }
    for (const client of this.buckets.keys()) {
      if (this.buckets.size <= this.options.maxClients) break;
      this.buckets.delete(client);
    }
  }
}
