/**
 * Starts `ecs-console serve` (embedded control plane, in memory, fast task steps) on a free port for the
 * whole run and stops it afterwards. Tests read its URL from ECS_CONSOLE_E2E_URL.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export default async function globalSetup(): Promise<() => Promise<void>> {
  const child = spawn(
    process.execPath,
    [
      'bin/ecs-console.mjs',
      'serve',
      '--port',
      '0',
      '--ephemeral',
      '--allow-reset',
      '--task-step-ms',
      '50',
      // Metrics every second, so alarms and auto scaling act within a journey (e2e/metrics.spec.ts).
      '--metrics-interval-ms',
      '1000',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`ecs-console serve did not start in 180 s:\n${output}`)),
      180_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /ecs-console console: (http:\/\/\S+?)\/?\s/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ecs-console serve exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  // Keep draining the server's output so it never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
  process.env['ECS_CONSOLE_E2E_URL'] = url;

  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
}
