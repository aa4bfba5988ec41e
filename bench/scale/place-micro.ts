/**
 * In-process placement figures (no HTTP): `node bin/run-ts.mjs bench/scale/place-micro.ts [TASKS] [INSTANCES] [service]`.
 * RunTask count 10 through the endpoint's dispatch until TASKS tasks are placed on INSTANCES instances
 * (lifecycle steps of 200 ms), or (`service` as a third argument) one service scaled 0 -> TASKS, then
 * waits for all to be RUNNING. Prints the CPU time of the RunTask
 * calls per task, the time to RUNNING, and the agent's share. A tool for profiling, not a target.
 */
import { LocalControlPlane } from '../../src/local/index';

const tasks = Number(process.argv[2] ?? 10000);
const instances = Number(process.argv[3] ?? 1000);
const service = process.argv[4] === 'service';
const plane = new LocalControlPlane({ statePath: null, taskStepMs: 200 });
await plane.start();
const headers = (action: string) => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `AmazonEC2ContainerServiceV20141113.${action}`,
  authorization:
    'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0',
});
const call = async <T>(action: string, input: unknown): Promise<T> => {
  const r = await plane.endpoint.dispatch('POST', '/', headers(action), Buffer.from(JSON.stringify(input)));
  if (r.status !== 200) throw new Error(`${action}: ${r.body}`);
  return JSON.parse(r.body.toString()) as T;
};
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
