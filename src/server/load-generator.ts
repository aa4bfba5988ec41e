/**
 * Test traffic (`ecs-console load`, and the console's "send test traffic" control): HTTP GETs to one
 * URL at a steady rate for a bounded time, to loopback addresses only (the local control plane's load
 * balancers and tasks), so it cannot be pointed at someone else's site. Requests are spread evenly:
 * after t seconds, rps × t have been started, exactly rps × duration in all; at most MAX_IN_FLIGHT are
 * open at once (a request that would exceed it is counted as skipped, not queued).
 */
import { lookup } from 'node:dns/promises';
import { Agent, request } from 'node:http';
import { isLoopback } from '../local/index';

export const LOAD_LIMITS = { maxRps: 1000, maxDurationS: 600, maxInFlight: 256, timeoutMs: 10_000 };

export interface LoadOptions {
  url: string;
  rps: number;
  durationS: number;
  /** Called about once a second, and once at the end, with the figures so far. */
  progress?: (p: LoadProgress) => void;
  signal?: AbortSignal;
}

export interface LoadProgress {
  elapsedS: number;
  sent: number;
  /** Answers by class: 2xx, 3xx, 4xx, 5xx. */
  ok: number;
  status: Record<'2xx' | '3xx' | '4xx' | '5xx', number>;
  /** Connection errors and timeouts. */
  errors: number;
  skipped: number;
  inFlight: number;
  /** Latency percentiles of the answered requests (ms). */
  p50Ms: number;
  p95Ms: number;
  done: boolean;
}

/** Why these options cannot run, or null. Only http URLs whose host is (or resolves only to) loopback. */
export async function loadRefusal(o: Pick<LoadOptions, 'url' | 'rps' | 'durationS'>): Promise<string | null> {
  if (!Number.isInteger(o.rps) || o.rps < 1 || o.rps > LOAD_LIMITS.maxRps)
    return `--rps must be a whole number from 1 to ${LOAD_LIMITS.maxRps}`;
  if (!Number.isFinite(o.durationS) || o.durationS <= 0 || o.durationS > LOAD_LIMITS.maxDurationS)
    return `--duration must be more than 0 and at most ${LOAD_LIMITS.maxDurationS} seconds`;
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    return `not a URL: ${o.url}`;
  }
  if (url.protocol !== 'http:') return 'only http:// URLs (the local load balancers and tasks speak HTTP)';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isLoopback(host)) return null;
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `cannot resolve ${host}`;
  }
  if (!addresses.length || !addresses.every(isLoopback))
    return `${host} is not a loopback address: test traffic goes only to this machine (127.0.0.0/8, ::1)`;
  return null;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Sends the traffic; resolves with the final figures once every request has answered or failed. */
export async function runLoad(o: LoadOptions): Promise<LoadProgress> {
  const refusal = await loadRefusal(o);
  if (refusal) throw new Error(refusal);
  const url = new URL(o.url);
  const total = Math.round(o.rps * o.durationS);
  const agent = new Agent({ keepAlive: true, maxSockets: LOAD_LIMITS.maxInFlight });
  const status = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  let skipped = 0;
  let inFlight = 0;
  const started = Date.now();
  let settleAll: () => void = () => {};
  const allDone = new Promise<void>((r) => (settleAll = r));

  const figures = (done: boolean): LoadProgress => {
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      elapsedS: (Date.now() - started) / 1000,
      sent,
      ok: status['2xx'],
      status: { ...status },
      errors,
      skipped,
      inFlight,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      done,
    };
  };
  const finished = () => sent + skipped >= total && inFlight === 0;

  const one = () => {
    if (inFlight >= LOAD_LIMITS.maxInFlight) {
      skipped++;
      return;
    }
    sent++;
    inFlight++;
    const t0 = performance.now();
    const end = (ok: boolean, code?: number) => {
      inFlight--;
      if (ok && code !== undefined) {
        latencies.push(performance.now() - t0);
        const cls = `${Math.min(5, Math.max(2, Math.floor(code / 100)))}xx` as keyof typeof status;
        status[cls]++;
      } else errors++;
      if (finished()) settleAll();
    };
    const req = request(
      url,
      { method: 'GET', agent, timeout: LOAD_LIMITS.timeoutMs, headers: { 'user-agent': 'ecs-console-load' } },
      (res) => {
        res.resume();
        res.on('end', () => end(true, res.statusCode));
        res.on('error', () => end(false));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => end(false));
    req.end();
  };

  let lastProgress = started;
  const tick = setInterval(() => {
    const elapsed = Date.now() - started;
    const due = Math.min(total, Math.floor((o.rps * elapsed) / 1000));
    while (sent + skipped < due) one();
    if (Date.now() - lastProgress >= 1000) {
      lastProgress = Date.now();
      o.progress?.(figures(false));
    }
    if (sent + skipped >= total) {
      clearInterval(tick);
      if (finished()) settleAll();
    }
  }, 10);
  const abort = () => {
    clearInterval(tick);
    skipped += total - sent - skipped;
    if (finished()) settleAll();
  };
  o.signal?.addEventListener('abort', abort, { once: true });
  if (o.signal?.aborted) abort();
  await allDone;
  o.signal?.removeEventListener('abort', abort);
  agent.destroy();
  const last = figures(true);
  o.progress?.(last);
  return last;
}

/** One line of figures (the progress line and the summary). */
export const progressLine = (p: LoadProgress, total: number): string =>
  `${p.elapsedS.toFixed(1)}s  sent ${p.sent}/${total}  2xx ${p.status['2xx']}  3xx ${p.status['3xx']}  ` +
  `4xx ${p.status['4xx']}  5xx ${p.status['5xx']}  errors ${p.errors}  skipped ${p.skipped}  ` +
  `in flight ${p.inFlight}  p50 ${p.p50Ms.toFixed(1)} ms  p95 ${p.p95Ms.toFixed(1)} ms`;
