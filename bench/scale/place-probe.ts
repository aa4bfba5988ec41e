// Ad-hoc: placement against a running server (for profiling). tsx bench/scale/place-probe.ts URL INSTANCES TASKS
import { pool, rawEcs } from '../lib';
const [url, instancesArg, tasksArg, modeArg] = process.argv.slice(2);
const instances = Number(instancesArg ?? 1000);
const tasks = Number(tasksArg ?? 10000);
const c = rawEcs(url ?? '');
const cluster = `p${Date.now()}`;
await c.call('CreateCluster', { clusterName: cluster });
await c.call('RegisterTaskDefinition', {
  family: 'place',
  containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 10, memory: 32, essential: true }],
});
await pool(
  Array.from({ length: instances }, (_, i) => i),
  16,
  async () => {
    await c.call('RegisterContainerInstance', {
      cluster,
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
      ],
    });
  },
);
const t0 = performance.now();
if (modeArg === 'service') {
  await c.call('CreateService', {
    cluster,
    serviceName: 'svc',
    taskDefinition: 'place',
    desiredCount: tasks,
  });
} else {
  const calls = Array.from({ length: Math.ceil(tasks / 10) }, (_, i) => Math.min(10, tasks - i * 10));
  await pool(calls, 32, async (count) => {
    await c.call('RunTask', { cluster, taskDefinition: 'place', count });
  });
}
const placed = performance.now() - t0;
for (;;) {
  const out = await c.call<{ clusters: { runningTasksCount?: number }[] }>('DescribeClusters', {
    clusters: [cluster],
  });
  if ((out.clusters[0]?.runningTasksCount ?? 0) >= tasks) break;
  await new Promise((r) => setTimeout(r, 50));
}
const running = performance.now() - t0;
console.log(
  JSON.stringify({
    placedMs: Math.round(placed),
    runningMs: Math.round(running),
    placedPerS: Math.round((1000 * tasks) / placed),
    runningPerS: Math.round((1000 * tasks) / running),
  }),
);
c.close();
