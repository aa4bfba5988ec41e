/**
 * In-process figure for the task record writes of issue 14's workload (no HTTP):
 * `node bin/run-ts.mjs bench/scale/write-micro.ts [RUNS]`. 100 instances, RunTask x10 to 1,000
 * tasks, ListTasks, DescribeTasks(100), StopTask each, through the endpoint's dispatch with a turn
 * of the event loop between calls (the agent takes its steps, 200 ms apart, as over HTTP), then a
 * wait until every task is STOPPED; RUNS times on one plane. Prints per run the CPU per request and
 * the wall time spent in the tasks collection's writes per write (each timed around the call). A
 * tool for A/B runs of the store's write path, not a target (the agent's timing varies from run to
 * run: write-replay.ts replays the same writes).
 */
import { randomBytes } from 'node:crypto';
import { inProcessPlane } from './in-process';
import { benchInstanceInput } from '../lib';
import { ecsCollections } from '../../src/local/ecs/model';

type Call = <T>(action: string, input: unknown) => Promise<T>;

const turn = () => new Promise((r) => setImmediate(r));

/** The workload once (write-micro's and write-replay's); gives the number of requests. */
export async function workloadOnce(
  call: Call,
  instances: number,
  count: number,
  name: string,
): Promise<number> {
  const prefix = randomBytes(4).toString('hex');
  let requests = 0;
  const req = async <T>(action: string, input: unknown): Promise<T> => {
    requests++;
    await turn();
    return call<T>(action, input);
  };
  await req('CreateCluster', { clusterName: name });
  await req('RegisterTaskDefinition', {
    family: 'bench',
    containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 10, memory: 32, essential: true }],
  });
  for (let i = 0; i < instances; i++) {
    await req(
      'RegisterContainerInstance',
      benchInstanceInput(name, `i-${prefix}${i.toString(16).padStart(9, '0')}`, i),
    );
  }
  for (let placed = 0; placed < count; placed += 10) {
    await req('RunTask', { cluster: name, taskDefinition: 'bench', count: 10 });
  }
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await req<{ taskArns: string[]; nextToken?: string }>('ListTasks', {
      cluster: name,
      maxResults: 100,
      nextToken,
    });
    arns.push(...page.taskArns);
    nextToken = page.nextToken;
  } while (nextToken);
  for (let i = 0; i < arns.length; i += 100) {
    await req('DescribeTasks', { cluster: name, tasks: arns.slice(i, i + 100) });
  }
  for (const task of arns) await req('StopTask', { cluster: name, task, reason: 'bench' });
  return requests;
}

/** Waits until the cluster's tasks are all STOPPED (and their last steps written). */
export async function idle(call: Call, name: string): Promise<void> {
  for (;;) {
    const c = await call<{ clusters: { runningTasksCount: number; pendingTasksCount: number }[] }>(
      'DescribeClusters',
      { clusters: [name] },
    );
    const live = await call<{ taskArns: string[] }>('ListTasks', { cluster: name, desiredStatus: 'RUNNING' });
    if (
      c.clusters[0]?.runningTasksCount === 0 &&
      c.clusters[0]?.pendingTasksCount === 0 &&
      live.taskArns.length === 0
    ) {
      await new Promise((r) => setTimeout(r, 1500)); // the last STOPPED steps
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

if (process.argv[1]?.endsWith('write-micro.ts')) {
  const runs = Number(process.argv[2] ?? 5);
  const { plane, call } = await inProcessPlane(200);
  const tasks = ecsCollections(plane.deps.db).tasks as unknown as Record<
    string,
    (...a: unknown[]) => unknown
  >;
  let writeMs = 0;
  let writes = 0;
  for (const method of ['insertShared', 'putShared', 'insert', 'put', 'delete']) {
    const original = tasks[method] as (...a: unknown[]) => unknown;
    tasks[method] = function (this: unknown, ...a: unknown[]) {
      const s = performance.now();
      try {
        return original.apply(this, a);
      } finally {
        writeMs += performance.now() - s;
        writes++;
      }
    };
  }
  await workloadOnce(call, 10, 100, 'warm');
  await idle(call, 'warm');
  const cells: string[] = [];
  for (let run = 0; run < runs; run++) {
    writeMs = 0;
    writes = 0;
    const cpu0 = process.cpuUsage();
    const name = `run${run}`;
    const requests = await workloadOnce(call, 100, 1000, name);
    await idle(call, name);
    const cpu = process.cpuUsage(cpu0);
    cells.push(
      `${((cpu.user + cpu.system) / requests).toFixed(0)} us/req, ${writes} writes ${((writeMs * 1000) / writes).toFixed(1)} us/write`,
    );
  }
  console.log(cells.join(' | '));
  await plane.stop();
}
