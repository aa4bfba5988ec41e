/**
 * The server's CPU time per task placed over HTTP (issue 14), less sensitive to a shared machine's
 * load than tasks/s: `node bin/run-ts.mjs bench/scale/place-cpu.ts [PAIRS] [TASKS] [INSTANCES] [OTHER_ROOT]`.
 * Starts this checkout's server (and, with OTHER_ROOT, another checkout's, alternating: before/after),
 * registers INSTANCES instances, sends RunTask count 10 from 32 clients until TASKS are placed, waits
 * until all are RUNNING, and prints the server process's CPU (user + system, from /proc) per task
 * for the RunTask phase and to RUNNING, with the wall rates. A tool for comparing builds, not a target.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pool, processCpuMs, rawEcs, startEcsConsole, type EcsCaller } from '../lib';

const pairs = Number(process.argv[2] ?? 3);
const tasks = Number(process.argv[3] ?? 10_000);
const instances = Number(process.argv[4] ?? 1000);
const other = process.argv[5] ? resolve(process.argv[5]) : undefined;
const here = resolve(import.meta.dirname, '../..');

/** CPU seconds (user + system) the process has used so far. */
const cpuSeconds = (pid: number) => (processCpuMs(pid) ?? NaN) / 1000;

/** `PLACE_CPU_PROFILE=DIR`: the server writes a V8 CPU profile there (node --cpu-prof) when stopped. */
const profileDir = process.env['PLACE_CPU_PROFILE'];

async function once(root: string): Promise<Record<string, number>> {
  const bin = join(root, 'bin/ecs-console.mjs');
  const s = await startEcsConsole(
    [
      ...(profileDir ? [`--cpu-prof`, `--cpu-prof-dir=${profileDir}`, bin] : []),
      'local',
      '--port',
      '0',
      '--ephemeral',
      '--task-step-ms',
      '200',
    ],
    /listening on (http:\/\/\S+)/,
    // With a profile, node's flags come first: the "bin" is node's first argument.
    profileDir ? '--no-warnings' : bin,
  );
  const c: EcsCaller = rawEcs(s.url);
  try {
    const pid = s.child.pid as number;
    await c.call('CreateCluster', { clusterName: 'place' });
    await c.call('RegisterTaskDefinition', {
      family: 'place',
      containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 10, memory: 32, essential: true }],
    });
    await pool(
      Array.from({ length: instances }, (_, i) => i),
      16,
      async () => {
        await c.call('RegisterContainerInstance', {
          cluster: 'place',
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
          ],
        });
      },
    );
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    await pool(
      Array.from({ length: Math.ceil(tasks / 10) }, (_, i) => Math.min(10, tasks - i * 10)),
      32,
      async (count) => {
        const out = await c.call<{ tasks: unknown[] }>('RunTask', {
          cluster: 'place',
          taskDefinition: 'place',
          count,
        });
        if (out.tasks.length !== count) throw new Error(`RunTask placed ${out.tasks.length} of ${count}`);
      },
    );
    const placedMs = performance.now() - t0;
    const cpuPlaced = cpuSeconds(pid) - cpu0;
    for (;;) {
      const out = await c.call<{ clusters: { runningTasksCount?: number }[] }>('DescribeClusters', {
        clusters: ['place'],
      });
      if ((out.clusters[0]?.runningTasksCount ?? 0) >= tasks) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const runningMs = performance.now() - t0;
    const cpuRunning = cpuSeconds(pid) - cpu0;
    return {
      placedPerS: Math.round((1000 * tasks) / placedMs),
      runningPerS: Math.round((1000 * tasks) / runningMs),
      cpuUsPerTaskPlaced: Math.round((1e6 * cpuPlaced) / tasks),
      cpuUsPerTaskToRunning: Math.round((1e6 * cpuRunning) / tasks),
    };
  } finally {
    c.close();
    await s.stop();
  }
}

for (let i = 0; i < pairs; i++) {
  for (const [name, root] of other
    ? [['other', other] as const, ['this', here] as const]
    : [['this', here] as const]) {
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    console.log(JSON.stringify({ build: name, load, ...(await once(root)) }));
  }
}
