// The server's CPU per request under issue 14's JS SDK workload (100 instances, 1,000 tasks), the
// same server run N times in a row (fresh, then warm): req/s and the server process's CPU (user +
// system, /proc/PID/task/TID/stat) divided by the requests of each run, in all and split into the
// main thread's user time, the other threads' (V8's GC and compiler workers) and system time.
// Kinds: noop (the do-nothing endpoint), shaped (it, answering with ECS-shaped tasks), stored
// (shaped, its tasks kept as SQLite rows: the least a server that stores them does), ours,
// ours-noagent (ours with no agent step due during the run: --task-step-ms 600000).
//
//   node bin/run-ts.mjs bench/scale/server-cpu.ts [--runs N] noop shaped ours ours-noagent
//   URL=http://127.0.0.1:PORT PID=PID node bin/run-ts.mjs bench/scale/server-cpu.ts
//     (a server started by hand, e.g. under `node --cpu-prof`; SIGINT to it at the end)
import { threadCpuMs } from '../lib';
import { sdkWorkloadOnce, startNoop, startOurs } from './client';

const NONE = { main: NaN, others: NaN, system: NaN };
const cpuMs = (pid: number) => threadCpuMs(pid) ?? NONE;

interface Target {
  url: string;
  pid: number;
  stop(): Promise<void> | void;
}

async function measure(name: string, target: Target, runs: number): Promise<void> {
  const cells: string[] = [];
  try {
    await sdkWorkloadOnce(target.url, { instances: 10, tasks: 100 }, false); // untimed warm-up
    for (let i = 0; i < runs; i++) {
      const c0 = cpuMs(target.pid);
      const r = await sdkWorkloadOnce(target.url, { instances: 100, tasks: 1000 }, false);
      const c1 = cpuMs(target.pid);
      const per = (k: keyof typeof NONE) => (((c1[k] - c0[k]) * 1000) / r.requests).toFixed(0);
      const all = (
        ((c1.main + c1.others + c1.system - c0.main - c0.others - c0.system) * 1000) /
        r.requests
      ).toFixed(0);
      cells.push(
        `${r.requestsPerSecond.toFixed(0)} req/s ${all} us (${per('main')}/${per('others')}/${per('system')})`,
      );
    }
  } finally {
    await target.stop();
  }
  console.log(`${name.padEnd(13)} ${cells.join(' | ')}`);
}

async function started(s: Awaited<ReturnType<typeof startOurs>>): Promise<Target> {
  return { url: s.url, pid: s.child.pid ?? 0, stop: () => s.stop() };
}

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 5;
console.log(
  `server CPU per request, JS SDK, ${runs} runs on one server: all (main thread user / other threads user / system), 10 ms ticks`,
);
if (process.env['URL'] && process.env['PID']) {
  const pid = Number(process.env['PID']);
  await measure(
    'given',
    { url: process.env['URL'], pid, stop: () => void process.kill(pid, 'SIGINT') },
    runs,
  );
}
for (const kind of args) {
  if (kind === 'noop') await measure(kind, await started(await startNoop(false)), runs);
  else if (kind === 'shaped') await measure(kind, await started(await startNoop(true)), runs);
  else if (kind === 'stored') await measure(kind, await started(await startNoop('stored')), runs);
  else if (kind === 'ours') await measure(kind, await started(await startOurs()), runs);
  else if (kind === 'ours-noagent')
    await measure(kind, await started(await startOurs({ taskStepMs: 600_000 })), runs);
  else throw new Error(`unknown kind ${kind}`);
}
process.exit(0);
