// Two builds of ours under issue 14's JS SDK workload, side by side: both servers started at once
// (this checkout's or another's `bin/ecs-console.mjs`), warmed up, then run after run in turns (A, B,
// A, B, ...), so a change in the machine's load falls on both alike. Prints each run's server CPU per
// request (user + system, /proc/PID/stat; main thread and others) and req/s, their medians, and the
// median of the per-round differences (B - A).
//
//   node bin/run-ts.mjs bench/scale/server-ab.ts [--rounds N] [--warm N] [--task-step-ms MS] ROOT_A ROOT_B
//   ROOT may end in @NODE_OPTIONS (e.g. `.@--max-semi-space-size=64`): that server runs with them.
import { join, resolve } from 'node:path';
import { processCpuMs } from '../lib';
import { ours, sdkWorkloadOnce, startOurs } from './client';

const cpuMs = (pid: number) => processCpuMs(pid) ?? NaN;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : dflt;
};
const rounds = opt('--rounds', 6);
const warm = opt('--warm', 2);
const taskStepMs = opt('--task-step-ms', 200);
if (args.length !== 2) {
  console.error('usage: server-ab.ts [--rounds N] [--warm N] [--task-step-ms MS] ROOT_A ROOT_B');
  process.exit(2);
}
const size = { instances: 100, tasks: 1000 };
const servers = [];
for (const arg of args) {
  const at = arg.indexOf('@');
  const root = at < 0 ? arg : arg.slice(0, at);
  ours.bin = join(resolve(root), 'bin/ecs-console.mjs');
  const s = await startOurs({ taskStepMs, ...(at < 0 ? {} : { nodeOptions: arg.slice(at + 1) }) });
  servers.push({ root: arg, s, pid: s.child.pid ?? 0, us: [] as number[], rps: [] as number[] });
}
try {
  for (const v of servers) {
    await sdkWorkloadOnce(v.s.url, { instances: 10, tasks: 100 }, false);
    for (let i = 0; i < warm; i++) await sdkWorkloadOnce(v.s.url, size, false);
  }
  for (let r = 0; r < rounds; r++) {
    // Turns alternate which build goes first.
    for (const v of r % 2 ? [...servers].reverse() : servers) {
      const c0 = cpuMs(v.pid);
      const out = await sdkWorkloadOnce(v.s.url, size, false);
      v.us.push(((cpuMs(v.pid) - c0) * 1000) / out.requests);
      v.rps.push(out.requestsPerSecond);
    }
  }
} finally {
  for (const v of servers) await v.s.stop();
}
console.log(`server CPU per request, JS SDK, ${warm} warm-up runs then ${rounds} rounds in turns`);
for (const v of servers) {
  console.log(
    `${v.root}: median ${median(v.us).toFixed(0)} us, ${median(v.rps).toFixed(0)} req/s; ` +
      `runs ${v.us.map((x) => x.toFixed(0)).join(' ')}`,
  );
}
const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
const d = a.us.map((x, i) => (b.us[i] as number) - x);
const dr = a.rps.map((x, i) => (b.rps[i] as number) / x - 1);
console.log(
  `B - A per round: median ${median(d).toFixed(0)} us (${d.map((x) => x.toFixed(0)).join(' ')}); ` +
    `req/s ${(100 * median(dr)).toFixed(1)} %`,
);
process.exit(0);
