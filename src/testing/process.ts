/**
 * Child processes in tests: `bin/ecs-console.mjs` (or any command) started until it prints its URL,
 * stopped by signal, and servers waited for until their URL answers.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(REPO, 'bin/ecs-console.mjs');

export interface RunningProcess {
  child: ChildProcess;
  url: string;
  /** All of stdout so far. */
  stdout(): string;
  /** The last 30 lines of stderr. */
  stderrTail(): string[];
  /** Sends `signal` (SIGKILL unless told) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  /** Matched against all of stdout; its first group is the URL. */
  url: RegExp;
  /** Also required of stdout before the process counts as started. */
  readyWhen?: (stdout: string) => boolean;
  timeoutMs?: number;
  spawn?: SpawnOptions;
}

/** Starts `command args` and resolves once stdout shows its URL; rejects on exit or timeout. */
export function startProcess(
  command: string,
  args: string[],
  options: StartOptions,
): Promise<RunningProcess> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const child = spawn(command, args, { ...options.spawn, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let tail: string[] = [];
  child.stderr?.on('data', (d: Buffer) => {
    tail = [...tail, ...d.toString().split('\n').filter(Boolean)].slice(-30);
  });
  const running = (url: string): RunningProcess => ({
    child,
    url,
    stdout: () => out,
    stderrTail: () => tail,
    stop: (signal) => stopProcess(child, signal),
  });
  return new Promise<RunningProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no URL printed in ${timeoutMs / 1000} s: ${out} ${tail.join('\n')}`));
    }, timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = options.url.exec(out);
      if (m && (!options.readyWhen || options.readyWhen(out))) {
        clearTimeout(timer);
        resolve(running(m[1] as string));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening: ${out} ${tail.join('\n')}`));
    });
  });
}

/** `ecs-console local --port 0 --state FILE --task-step-ms 20` as a child process. */
export function startLocalPlane(statePath: string): Promise<RunningProcess> {
  return startProcess(
    process.execPath,
    [BIN, 'local', '--port', '0', '--state', statePath, '--task-step-ms', '20'],
    { url: /listening on (http:\/\/[^\s]+)/, spawn: { cwd: REPO } },
  );
}

/** Sends `signal` to a child unless it has exited, and waits for the exit. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Polls `url` until it answers at all (any status); fails when `child` exits or time runs out. */
export async function waitForUrl(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const name = child.spawnfile;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${name} did not start within ${timeoutMs / 1000} s`);
}
