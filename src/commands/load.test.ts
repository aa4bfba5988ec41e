/**
 * `ecs-console load` as a user runs it: exactly rps × duration requests reach a loopback server, with
 * progress lines and a summary; URLs beyond loopback and out-of-bounds rates and durations are refused
 * before anything is sent. Also the generator itself (abort, 5xx, connection errors).
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRefusal, runLoad } from '../server/load-generator';

const run = promisify(execFile);
let server: Server;
let url: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    res.writeHead(req.url === '/fail' ? 503 : 200).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run('node', ['bin/ecs-console.mjs', 'load', ...args], { cwd: process.cwd() }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );
}

describe('ecs-console load', () => {
  it('sends exactly rps × duration requests with a progress line and a summary', async () => {
    hits = 0;
    const r = await cli([`${url}/`, '--rps', '40', '--duration', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(hits).toBe(80);
    expect(r.stderr).toMatch(/sent \d+\/80 {2}2xx \d+/);
    expect(r.stdout).toMatch(/^done: .* sent 80\/80 {2}2xx 80 .* errors 0 {2}skipped 0 /m);
  }, 30_000);

  it('refuses URLs beyond loopback and unbounded rates before sending anything', async () => {
    hits = 0;
    for (const [args, message] of [
      [['http://192.0.2.1/', '--rps', '5', '--duration', '1'], 'is not a loopback address'],
      [[`${url}/`, '--rps', '5000'], '--rps must be'],
      [[], 'give exactly one URL'],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
    }
    const refused = (u: string, rps = 5, durationS = 1) => loadRefusal({ url: u, rps, durationS });
    expect(await refused('https://127.0.0.1/')).toContain('only http:// URLs');
    expect(await refused('not a url')).toContain('not a URL');
    expect(await refused('http://10.0.0.1/')).toContain('is not a loopback address');
    expect(await refused(`${url}/`, 0)).toContain('--rps must be');
    expect(await refused(`${url}/`, 1.5)).toContain('--rps must be');
    expect(await refused(`${url}/`, 5, 601)).toContain('--duration must be');
    expect(await refused(`${url}/`, 5, Number.NaN)).toContain('--duration must be');
    expect(hits).toBe(0);
    expect(await loadRefusal({ url: 'http://localhost:1/', rps: 1, durationS: 1 })).toBeNull();
    expect(await loadRefusal({ url: 'http://[::1]:1/', rps: 1, durationS: 1 })).toBeNull();
  }, 60_000);

  it('counts answers by class and connection errors, and stops when aborted', async () => {
    const failing = await runLoad({ url: `${url}/fail`, rps: 20, durationS: 0.5 });
    expect(failing).toMatchObject({ sent: 10, ok: 0, errors: 0, done: true });
    expect(failing.status['5xx']).toBe(10);
    const closed = await runLoad({ url: 'http://127.0.0.1:1/', rps: 20, durationS: 0.25 });
    expect(closed).toMatchObject({ sent: 5, errors: 5 });
    hits = 0;
    const controller = new AbortController();
    const long = runLoad({ url: `${url}/`, rps: 10, durationS: 60, signal: controller.signal });
    // Abort once the first requests have answered (a positive signal, not a sleep).
    while (hits === 0) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const aborted = await long;
    expect(aborted.sent).toBeLessThan(600);
    expect(aborted.sent + aborted.skipped).toBe(600);
    expect(aborted.done).toBe(true);
  }, 30_000);
});
