/**
 * In-process micro figures (no HTTP): `node bin/run-ts.mjs bench/scale/micro.ts [TASKS]`. Times the
 * describe and list handlers through the endpoint's dispatch (input checks and JSON output included)
 * with TASKS tasks RUNNING on 1,000 instances. A tool for profiling (add --cpu-prof), not a target.
 */
import { inProcessPlane, microCluster, runMicroTasks } from './in-process';
import { fmt, Latencies, table } from '../lib';

const tasks = Number(process.argv[2] ?? 1000);
const { plane, call } = await inProcessPlane(20);
const instances = await microCluster(call, 1000);
const t0 = performance.now();
const arns = await runMicroTasks(call, tasks);
const placed = performance.now() - t0;
for (;;) {
  const c = await call<{ clusters: { runningTasksCount: number }[] }>('DescribeClusters', {
    clusters: ['m'],
  });
  if (c.clusters[0]?.runningTasksCount === tasks) break;
  await new Promise((r) => setTimeout(r, 100));
}
const lat = new Latencies();
const time = async (name: string, fn: () => Promise<unknown>, n = 200) => {
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await fn();
    lat.record(name, performance.now() - s);
  }
};
const some = () => Array.from({ length: 100 }, () => arns[Math.floor(Math.random() * arns.length)]);
await time('DescribeTasks(100)', () => call('DescribeTasks', { cluster: 'm', tasks: some() }));
await time('ListTasks', () => call('ListTasks', { cluster: 'm' }));
await time('DescribeClusters', () => call('DescribeClusters', { clusters: ['m'], include: ['STATISTICS'] }));
await time('DescribeContainerInstances(100)', () =>
  call('DescribeContainerInstances', { cluster: 'm', containerInstances: instances.slice(0, 100) }),
);
await time(
  'RunTask+StopTask x10',
  async () => {
    const out = await call<{ tasks: { taskArn: string }[] }>('RunTask', {
      cluster: 'm',
      taskDefinition: 'm',
      count: 10,
    });
    for (const t of out.tasks) await call('StopTask', { cluster: 'm', task: t.taskArn });
  },
  50,
);
console.log(`${tasks} tasks placed in ${fmt(placed, 0)} ms`);
console.log(
  table(lat.rows().map((r) => ({ action: r.action, 'p50 ms': fmt(r.p50, 3), 'p99 ms': fmt(r.p99, 3) }))),
);
await plane.stop();
