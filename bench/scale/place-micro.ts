/**
 * In-process placement figures (no HTTP): `node bin/run-ts.mjs bench/scale/place-micro.ts [TASKS] [INSTANCES] [service]`.
 * RunTask count 10 through the endpoint's dispatch until TASKS tasks are placed on INSTANCES instances
 * (lifecycle steps of 200 ms), or (`service` as a third argument) one service scaled 0 -> TASKS, then
 * waits for all to be RUNNING. Prints the wall time of the RunTask calls per task, the process's CPU
 * time per task (server and client alike), and the time to RUNNING. A tool for profiling, not a target.
 */
import { inProcessPlane } from './in-process';

const tasks = Number(process.argv[2] ?? 10000);
const instances = Number(process.argv[3] ?? 1000);
const service = process.argv[4] === 'service';
const { plane, call } = await inProcessPlane(200);
await call('CreateCluster', { clusterName: 'm' });
await call('RegisterTaskDefinition', {
  family: 'm',
  containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 10, memory: 32 }],
});
for (let i = 0; i < instances; i++) {
  await call('RegisterContainerInstance', {
    cluster: 'm',
    totalResources: [
      { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
    ],
  });
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let runTaskMs = 0;
if (service) {
  await call('CreateService', { cluster: 'm', serviceName: 's', taskDefinition: 'm', desiredCount: tasks });
} else {
  for (let i = 0; i < tasks / 10; i++) {
    const s = performance.now();
    await call('RunTask', { cluster: 'm', taskDefinition: 'm', count: 10 });
    runTaskMs += performance.now() - s;
  }
}
const placedMs = performance.now() - t0;
for (;;) {
  const c = await call<{ clusters: { runningTasksCount: number }[] }>('DescribeClusters', {
    clusters: ['m'],
  });
  if (c.clusters[0]?.runningTasksCount === tasks) break;
  await new Promise((r) => setTimeout(r, 20));
}
const runningMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(
  JSON.stringify({
    tasks,
    instances,
    runTaskUsPerTask: Math.round((1000 * runTaskMs) / tasks),
    placedMs: Math.round(placedMs),
    runningMs: Math.round(runningMs),
    cpuUsPerTask: Math.round((1000 * cpuMs) / tasks),
    runningPerS: Math.round((1000 * tasks) / runningMs),
  }),
);
await plane.stop();
