/**
 * The agent's CPU per task, in process (no HTTP): `node bin/run-ts.mjs bench/scale/agent-micro.ts [TASKS] [ROUNDS]`.
 * 100 instances; each round runs TASKS tasks with RunTask x10 and stops each with StopTask, one call
 * at a time with a short pause between calls, so the agent keeps up and writes each step on its
 * own as it does under issue 14's workload over HTTP (PENDING, ACTIVATING, RUNNING, then a quiet
 * stop's STOPPED with the release of the booking). Prints the time spent in the agent's batches
 * (`TaskDriver.step`: wall time of a synchronous call, GC inside it included, and the process's CPU
 * during those calls, which a busy machine's preemption does not inflate) per task, per round, and
 * the process's CPU per task. A tool for comparing builds (run two checkouts in turns), not a target.
 */
import { TaskDriver } from '../../src/local/agent/driver';
import { fmt, table } from '../lib';
import { inProcessPlane, microCluster, runMicroTasks } from './in-process';

const tasks = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 4);
/** Calls per pause: the workload's client sends about one request a millisecond. */
const CALLS_PER_PAUSE = Number(process.env['AGENT_MICRO_CALLS_PER_PAUSE'] ?? 2);

let stepMs = 0;
let stepCpuUs = 0;
let batches = 0;
const proto = TaskDriver.prototype as unknown as { step(this: unknown, arns: string[]): void };
const step = proto.step;
proto.step = function (this: unknown, arns: string[]) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  try {
    step.call(this, arns);
  } finally {
    const c = process.cpuUsage(c0);
    stepCpuUs += c.user + c.system;
    stepMs += performance.now() - t0;
    batches++;
  }
};

const { plane, call } = await inProcessPlane(200);
await microCluster(call, 100);
const pause = () => new Promise((r) => setTimeout(r, 1));
const running = () =>
  call<{ clusters: { runningTasksCount: number }[] }>('DescribeClusters', { clusters: ['m'] }).then(
    (c) => c.clusters[0]?.runningTasksCount ?? -1,
  );

const rows: Record<string, string>[] = [];
for (let round = 0; round < rounds; round++) {
  const cpu0 = process.cpuUsage();
  const step0 = stepMs;
  const stepCpu0 = stepCpuUs;
  const batches0 = batches;
  const arns = await runMicroTasks(call, tasks, pause);
  while ((await running()) !== tasks) await new Promise((r) => setTimeout(r, 50));
  const started = stepMs - step0;
  for (let i = 0; i < arns.length; i++) {
    await call('StopTask', { cluster: 'm', task: arns[i] });
    if (i % CALLS_PER_PAUSE === CALLS_PER_PAUSE - 1) await pause();
  }
  // Stopped in order: the last one's STOPPED is the round's last step.
  const last = arns[arns.length - 1];
  for (;;) {
    const d = await call<{ tasks: { lastStatus: string }[] }>('DescribeTasks', {
      cluster: 'm',
      tasks: [last],
    });
    if (d.tasks[0]?.lastStatus === 'STOPPED') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const cpu = process.cpuUsage(cpu0);
  rows.push({
    round: String(round),
    'agent us/task': fmt(((stepMs - step0) * 1000) / tasks, 1),
    '- starting': fmt((started * 1000) / tasks, 1),
    '- stopping': fmt(((stepMs - step0 - started) * 1000) / tasks, 1),
    'agent CPU us/task': fmt((stepCpuUs - stepCpu0) / tasks, 1),
    batches: String(batches - batches0),
    'process CPU us/task': fmt((cpu.user + cpu.system) / tasks, 0),
  });
}
console.log(table(rows));
await plane.stop();
