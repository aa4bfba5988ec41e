/** Shared helpers for the benchmarks: child servers, latency stats, RSS. */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname } from 'node:path';
import { BIN, REPO, freePort, startProcess, stopProcess } from '../src/testing/process';

export const root = REPO;

export interface Started {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `ecs-console <command> ... --port 0` and waits for the line that carries its URL. */
export async function startEcsConsole(args: string[], urlPattern: RegExp, bin = BIN): Promise<Started> {
  const p = await startProcess(process.execPath, [bin, ...args], {
    url: urlPattern,
    timeoutMs: 120_000,
    spawn: { cwd: dirname(dirname(bin)) },
  });
  return { url: p.url.replace(/\/$/, ''), child: p.child, stop: () => p.stop('SIGTERM') };
}

/** Waits for a URL printed on stdout or stderr (moto_server logs to stderr). */
export function waitForUrl(child: ChildProcess, urlPattern: RegExp, timeoutMs = 60_000): Promise<Started> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = urlPattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: (m[1] ?? m[0]).replace(/\/$/, ''), child, stop: () => stopProcess(child, 'SIGTERM') });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing its URL:\n${out}`));
    });
  });
}

export { freePort };

/** Peak resident set size of a process (VmHWM), in MiB; null where /proc is missing. */
export function peakRssMiB(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

export class Latencies {
  private readonly byAction = new Map<string, number[]>();
  record(action: string, ms: number): void {
    let list = this.byAction.get(action);
    if (!list) this.byAction.set(action, (list = []));
    list.push(ms);
  }
  get total(): number {
    let n = 0;
    for (const l of this.byAction.values()) n += l.length;
    return n;
  }
  rows(): { action: string; count: number; mean: number; p50: number; p99: number }[] {
    return [...this.byAction.entries()].map(([action, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
      return { action, count: sorted.length, mean, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
    });
  }
  p99(action: string): number {
    return quantile(
      [...(this.byAction.get(action) ?? [])].sort((a, b) => a - b),
      0.99,
    );
  }
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  // Nearest rank: the smallest value with at least q of the samples at or below it.
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))] as number;
}

/** Runs `work` for each item with at most `concurrency` in flight. */
export async function pool<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(runners);
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

export function table(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0] as object);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(width[i] as number)).join('  ');
  return [
    line(cols),
    line(width.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(cols.map((c) => String(r[c])))),
  ].join('\n');
}

export type Json = Record<string, unknown>;

export interface EcsCaller {
  call<T = Json>(action: string, input: Json): Promise<T>;
  close(): void;
}

/** One keep-alive HTTP POST per call; the answer parsed as is (timestamps stay epoch numbers). */
export function rawEcs(endpoint: string, maxSockets = 64): EcsCaller {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const url = new URL(endpoint);
  const authorization =
    'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/ecs/aws4_request, ' +
    'SignedHeaders=content-type;host;x-amz-target, Signature=0';
  return {
    call: <T>(action: string, input: Json) => {
      const body = JSON.stringify(input);
      return new Promise<T>((resolve, reject) => {
        const req = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            path: '/',
            method: 'POST',
            headers: {
              'content-type': 'application/x-amz-json-1.1',
              'x-amz-target': `AmazonEC2ContainerServiceV20141113.${action}`,
              'x-amz-date': '20260101T000000Z',
              authorization,
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if ((res.statusCode ?? 500) >= 400) reject(new Error(`${action}: ${res.statusCode} ${text}`));
              else resolve((text ? JSON.parse(text) : {}) as T);
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/**
 * RegisterContainerInstance's input for the benches' simulated instance `i` of a cluster: its identity
 * document (an m5.large in us-east-1a) and 2,048 CPU units and 8,192 MiB.
 */
export function benchInstanceInput(cluster: string, instanceId: string, i: number) {
  return {
    cluster,
    instanceIdentityDocument: JSON.stringify({
      instanceId,
      region: 'us-east-1',
      instanceType: 'm5.large',
      availabilityZone: 'us-east-1a',
      privateIp: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    }),
    instanceIdentityDocumentSignature: 'bench',
    totalResources: [
      { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
    ],
  };
}

/**
 * CPU milliseconds a process has used so far, from /proc/PID/stat (Linux): user + system, or user
 * alone. Null where it cannot be read (no /proc, the process gone).
 */
export function processCpuMs(pid: number | undefined, userOnly = false): number | null {
  if (!pid) return null;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // After "pid (comm) ": utime and stime are the 12th and 13th fields, in ticks of 1/100 s (USER_HZ).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + (userOnly ? 0 : Number(fields[12]))) * 10;
}

/**
 * A process's CPU milliseconds so far by thread kind, from each /proc/PID/task/TID/stat (Linux): user time of
 * its main thread (the event loop: JavaScript, SQLite, JSON), user time of its other threads (V8's
 * GC and compiler workers, libuv's pool), and system time of all. Null where it cannot be read.
 */
export function threadCpuMs(
  pid: number | undefined,
): { main: number; others: number; system: number } | null {
  if (!pid) return null;
  let ids: string[];
  try {
    ids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  const out = { main: 0, others: 0, system: 0 };
  for (const id of ids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${id}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(id) === pid) out.main += Number(fields[11]) * 10;
    else out.others += Number(fields[11]) * 10;
    out.system += Number(fields[12]) * 10;
  }
  return out;
}
