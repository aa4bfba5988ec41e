/**
 * In-process StopTask figure (no HTTP): `node bin/run-ts.mjs bench/scale/stop-micro.ts [TASKS] [ROUNDS]`.
 * 100 instances, TASKS tasks RUNNING, then each stopped by StopTask through the endpoint's dispatch;
 * prints the wall time per StopTask handled. A tool for profiling (add --cpu-prof), not a target.
 */
import { inProcessPlane, microCluster, runMicroTasks } from './in-process';
import { statSync } from 'node:fs';
import { fmt, Latencies, table } from '../lib';

const statSize = (f: string) => {
  try {
    return statSync(f).size;
  } catch {
    return 0;
  }
};
const tasks = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 3);
const statePath = process.env.STOP_MICRO_STATE;
const gapMs = Number(process.env.STOP_MICRO_GAP_MS ?? 0);
const { plane, call } = await inProcessPlane(200, statePath);
await microCluster(call, 100);
const lat = new Latencies();
for (let round = 0; round < rounds; round++) {
  const arns = await runMicroTasks(call, tasks, (ms) => lat.record('RunTask x10', ms));
  for (;;) {
    const c = await call<{ clusters: { runningTasksCount: number }[] }>('DescribeClusters', {
      clusters: ['m'],
    });
    if (c.clusters[0]?.runningTasksCount === tasks) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const wal0 = statePath ? statSize(`${statePath}-wal`) : 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const arn of arns) {
    const s = performance.now();
    await call('StopTask', { cluster: 'm', task: arn });
    lat.record('StopTask', performance.now() - s);
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
  }
  const wall = performance.now() - t0;
  if (statePath)
    console.log(
      `WAL frames per StopTask ${((statSize(`${statePath}-wal`) - wal0) / 4120 / tasks).toFixed(2)}`,
    );
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `WAL ${statePath ? (statSize(`${statePath}-wal`) / 1048576).toFixed(1) : '-'} MiB, checkpoints ${JSON.stringify(await (plane.deps.db as { checkpointStats?: () => Promise<unknown> }).checkpointStats?.())}; round ${round}: ${tasks} StopTask in ${fmt(wall, 0)} ms, ${fmt((wall * 1000) / tasks, 1)} us wall and ${fmt((cpu.user + cpu.system) / tasks, 1)} us CPU each`,
  );
  for (;;) {
    const c = await call<{ clusters: { runningTasksCount: number; pendingTasksCount: number }[] }>(
      'DescribeClusters',
      { clusters: ['m'] },
    );
    if (c.clusters[0]?.runningTasksCount === 0 && c.clusters[0]?.pendingTasksCount === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
}
console.log(
  table(
    lat.rows().map((r) => ({
      action: r.action,
      'p50 ms': fmt(r.p50, 3),
      'p99 ms': fmt(r.p99, 3),
      'mean ms': fmt(r.mean, 3),
    })),
  ),
);
await plane.stop();
