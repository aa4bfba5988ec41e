/**
 * The data plane shared by ELB v2 and classic: one real HTTP reverse proxy per listener (on the
 * load balancer's own loopback address and the listener's port) and periodic health checks.
 * It holds no state of its own beyond sockets and counters: every request and every probe asks the
 * provider (`LbSource`) for the current listeners, targets and settings, so it is level-triggered.
 */
import { request, createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect } from 'node:net';
import type { LocalDeps, Runnable } from '../deps';

export interface Backend {
  host: string;
  port: number;
}

export interface ListenerSpec {
  key: string;
  host: string;
  port: number;
}

export interface HealthCheckSpec {
  protocol: 'HTTP' | 'TCP';
  /** Port to probe, or undefined for each target's own port. */
  port?: number;
  path: string;
  intervalMs: number;
  timeoutMs: number;
  matcher: (status: number) => boolean;
}

export interface HealthGroup {
  key: string;
  check: HealthCheckSpec;
  /** `registering`: not yet passed a check; such targets are probed every housekeeping tick, not every interval. */
  targets: { key: string; host: string; port: number; registering: boolean }[];
}

export interface ProbeResult {
  ok: boolean;
  /** From the quick probing of registering targets (between scheduled checks). */
  early?: boolean;
  reason?: string;
  description?: string;
}

/**
 * What the runtime asks the provider: current as of the store's last write (the providers keep what
 * they computed until a write, versioned.ts). The runtime never mutates what it is given.
 */
export interface LbSource {
  listeners(): ListenerSpec[];
  /** Healthy backends for a listener, in a stable order (the runtime rotates through them). */
  backends(listenerKey: string): Backend[];
  healthGroups(): HealthGroup[];
  /** One probe result for a target; the provider applies thresholds and persists transitions. */
  report(groupKey: string, targetKey: string, result: ProbeResult): void;
  /** Periodic housekeeping (ends draining). */
  housekeeping(): void;
  /**
   * Told of every request a listener answered (for its CloudWatch metrics); must return at once.
   * `elb`: the load balancer answered itself (no target, or none reachable); `targetMs`: how long the
   * target took to answer.
   */
  served?(
    listenerKey: string,
    outcome: { status: number; elb: boolean; targetMs?: number; target?: Backend },
  ): void;
}

export interface LbRuntime extends Runnable {
  /** Re-reads listeners and health groups: opens/closes proxies, (re)schedules checks, probes new targets. */
  sync(): Promise<void>;
}

const MAX_BODY = 10 * 1024 * 1024;

export function createLbRuntime(deps: LocalDeps, name: string, source: LbSource): LbRuntime {
  const servers = new Map<string, { server: Server; spec: ListenerSpec }>();
  const checkTimers = new Map<string, { timer: NodeJS.Timeout; intervalMs: number }>();
  const inFlight = new Set<string>();
  const rotation = new Map<string, number>();
  let housekeeping: NodeJS.Timeout | undefined;
  let active = false;
  // The source answers the same array until the store changes: its registering targets are found once.
  const registeringOf = new WeakMap<HealthGroup[], HealthGroup[]>();
  const registering = (groups: HealthGroup[]): HealthGroup[] => {
    let found = registeringOf.get(groups);
    if (!found) {
      found = groups.flatMap((g) => {
        const targets = g.targets.filter((t) => t.registering);
        return targets.length > 0 ? [{ ...g, targets }] : [];
      });
      registeringOf.set(groups, found);
    }
    return found;
  };

  const openProxy = (spec: ListenerSpec): Promise<void> =>
    new Promise((resolve) => {
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) {
            res.writeHead(413).end();
            req.destroy();
            return;
          }
          chunks.push(c);
        });
        req.on('end', () => {
          const backends = source.backends(spec.key);
          const startedAt = Date.now();
          if (backends.length === 0) {
            source.served?.(spec.key, { status: 503, elb: true });
            res
              .writeHead(503, { 'content-type': 'text/html', server: 'awselb/2.0' })
              .end(
                '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>\n',
              );
            return;
          }
          const start = rotation.get(spec.key) ?? 0;
          rotation.set(spec.key, start + 1);
          const body = Buffer.concat(chunks);
          const headers: IncomingHttpHeaders = {
            ...req.headers,
            'x-forwarded-for': [req.headers['x-forwarded-for'], req.socket.remoteAddress]
              .filter(Boolean)
              .join(', '),
            'x-forwarded-proto': 'http',
            'x-forwarded-port': String(spec.port),
          };
          // A backend that refuses the connection is skipped for this request (the next one is tried).
          const attempt = (n: number): void => {
            const b = backends[(start + n) % backends.length] as Backend;
            const up = request(
              { host: b.host, port: b.port, method: req.method, path: req.url, headers, timeout: 60_000 },
              (upRes) => {
                source.served?.(spec.key, {
                  status: upRes.statusCode ?? 502,
                  elb: false,
                  targetMs: Date.now() - startedAt,
                  target: b,
                });
                res.writeHead(upRes.statusCode ?? 502, upRes.headers);
                upRes.pipe(res);
              },
            );
            up.on('timeout', () => up.destroy(new Error('upstream timeout')));
            up.on('error', () => {
              if (res.headersSent) {
                res.destroy();
              } else if (n + 1 < backends.length) {
                attempt(n + 1);
              } else {
                source.served?.(spec.key, { status: 502, elb: true });
                res
                  .writeHead(502, { 'content-type': 'text/html', server: 'awselb/2.0' })
                  .end(
                    '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n',
                  );
              }
            });
            up.end(body);
          };
          attempt(0);
        });
      });
      server.keepAliveTimeout = 5_000;
      server.once('error', (err) => {
        deps.log(`${name}: cannot open listener ${spec.host}:${spec.port}`, { err: String(err) });
        servers.delete(spec.key);
        resolve();
      });
      server.listen(spec.port, spec.host, () => resolve());
      servers.set(spec.key, { server, spec });
    });

  const closeProxy = (key: string): Promise<void> => {
    const entry = servers.get(key);
    servers.delete(key);
    if (!entry) return Promise.resolve();
    entry.server.closeAllConnections();
    return new Promise((resolve) => entry.server.close(() => resolve()));
  };

  const checkGroup = (group: HealthGroup, onlyRegistering: boolean): void => {
    for (const t of group.targets) {
      const id = `${group.key}\u0000${t.key}`;
      if ((onlyRegistering && !t.registering) || inFlight.has(id)) continue;
      inFlight.add(id);
      void probe(t.host, group.check.port ?? t.port, group.check).then((result) => {
        inFlight.delete(id);
        if (active) source.report(group.key, t.key, onlyRegistering ? { ...result, early: true } : result);
      });
    }
  };

  const runChecks = (groupKey: string): void => {
    const group = source.healthGroups().find((g) => g.key === groupKey);
    if (group) checkGroup(group, false);
  };

  // Syncs run one after another: two interleaved syncs could otherwise reopen a listener that the
  // later one (reading newer state) had just closed, e.g. a deleted load balancer answering again.
  let queue: Promise<void> = Promise.resolve();
  const sync = (): Promise<void> => {
    const run = queue.then(syncNow, syncNow);
    queue = run.catch(() => {});
    return run;
  };

  const syncNow = async (): Promise<void> => {
    if (!active) return;
    const wanted = new Map(source.listeners().map((l) => [l.key, l]));
    for (const [key, entry] of [...servers]) {
      const w = wanted.get(key);
      if (!w || w.host !== entry.spec.host || w.port !== entry.spec.port) await closeProxy(key);
    }
    for (const [key, spec] of wanted) if (!servers.has(key)) await openProxy(spec);

    const groups = source.healthGroups();
    const groupKeys = new Set(groups.map((g) => g.key));
    for (const [key, t] of [...checkTimers]) {
      const g = groups.find((x) => x.key === key);
      if (!groupKeys.has(key) || g?.check.intervalMs !== t.intervalMs) {
        clearInterval(t.timer);
        checkTimers.delete(key);
      }
    }
    for (const g of groups) {
      if (!checkTimers.has(g.key)) {
        const timer = setInterval(() => runChecks(g.key), g.check.intervalMs);
        timer.unref?.();
        checkTimers.set(g.key, { timer, intervalMs: g.check.intervalMs });
      }
      checkGroup(g, true);
    }
  };

  return {
    sync,
    async start() {
      active = true;
      const every = Math.max(20, Math.min(deps.config.taskStepMs, 250));
      // Targets left draining by the last run are looked at now, so that an idle plane's ticks write
      // nothing from its start on (the first tick used to: a transaction at a moment of its own).
      try {
        source.housekeeping();
      } catch (err) {
        deps.log(`${name}: housekeeping failed`, { err: String(err) });
      }
      housekeeping = setInterval(() => {
        try {
          source.housekeeping();
          for (const g of registering(source.healthGroups())) checkGroup(g, true);
        } catch (err) {
          deps.log(`${name}: housekeeping failed`, { err: String(err) });
        }
      }, every);
      housekeeping.unref?.();
      await sync();
    },
    async stop() {
      active = false;
      await queue; // a sync in flight finishes before its listeners are closed
      if (housekeeping) clearInterval(housekeeping);
      for (const t of checkTimers.values()) clearInterval(t.timer);
      checkTimers.clear();
      inFlight.clear();
      await Promise.all([...servers.keys()].map(closeProxy));
    },
  };
}

/** One health check: an HTTP GET whose status the matcher accepts, or a TCP connect. */
export function probe(host: string, port: number, check: HealthCheckSpec): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: ProbeResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    if (check.protocol === 'TCP') {
      const socket = connect({ host, port });
      socket.setTimeout(check.timeoutMs, () => {
        socket.destroy();
        done({ ok: false, reason: 'Target.Timeout', description: 'Request timed out' });
      });
      socket.once('connect', () => {
        socket.destroy();
        done({ ok: true });
      });
      socket.once('error', () =>
        done({ ok: false, reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }),
      );
      return;
    }
    const req = request(
      {
        host,
        port,
        path: check.path,
        method: 'GET',
        timeout: check.timeoutMs,
        headers: { 'user-agent': 'ELB-HealthChecker/2.0' },
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        done(
          check.matcher(status)
            ? { ok: true }
            : {
                ok: false,
                reason: 'Target.ResponseCodeMismatch',
                description: `Health checks failed with these codes: [${status}]`,
              },
        );
      },
    );
    req.on('timeout', () => {
      req.destroy();
      done({ ok: false, reason: 'Target.Timeout', description: 'Request timed out' });
    });
    req.on('error', () =>
      done({ ok: false, reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }),
    );
    req.end();
  });
}

/** ELBv2 matcher syntax: "200", "200,202", "200-299". */
export function httpCodeMatcher(spec: string): (status: number) => boolean {
  const parts = spec.split(',').map((p) => p.trim());
  return (status) =>
    parts.some((p) => {
      const [lo, hi] = p.split('-').map(Number);
      return hi === undefined ? status === lo : lo !== undefined && status >= lo && status <= hi;
    });
}
