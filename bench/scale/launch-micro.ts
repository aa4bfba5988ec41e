/**
 * In-process figures for the launch's requests (no HTTP): `node bin/run-ts.mjs bench/scale/launch-micro.ts [ROUNDS]`.
 * Each round registers 100 container instances in a new cluster (RegisterContainerInstance) and runs
 * 1,000 tasks on them, ten a RunTask, through the endpoint's dispatch (input checks and JSON output
 * included); no agent step falls due meanwhile. Prints the process's CPU per call of each, per round
 * the mean and the median of rounds 2 on and, past 4 rounds, the median of rounds 4 on (warm;
 * steadier with 16 or more rounds). A tool for before/after figures and profiling, not a target.
 */
import { inProcessPlane, registerMicroInstances } from './in-process';

const rounds = Number(process.argv[2] ?? 8);
const { plane, call } = await inProcessPlane(600_000);
await call('RegisterTaskDefinition', {
  family: 'm',
  containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 10, memory: 32 }],
});
const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const register: number[] = [];
const run: number[] = [];
for (let r = 0; r < rounds; r++) {
  const cluster = `m${r}`;
  await call('CreateCluster', { clusterName: cluster });
  let c0 = cpuUs();
  await registerMicroInstances(call, cluster, 100);
  register.push((cpuUs() - c0) / 100);
  c0 = cpuUs();
  for (let i = 0; i < 100; i++) await call('RunTask', { cluster, taskDefinition: 'm', count: 10 });
  run.push((cpuUs() - c0) / 100);
  console.log(
    `round ${r}: RegisterContainerInstance ${register[r]!.toFixed(0)} us, RunTask(10) ${run[r]!.toFixed(0)} us`,
  );
}
if (rounds > 4) {
  // Rounds 1-2 still warm up (the JIT); with many rounds, the median of the rest moves less.
  console.log(
    `median of rounds 4-${rounds}: RegisterContainerInstance ${median(register.slice(3)).toFixed(0)} us, ` +
      `RunTask(10) ${median(run.slice(3)).toFixed(0)} us of CPU a call`,
  );
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
// Rounds 2-3 still warm up and a round with a major GC is slow: the median of rounds 2 on sits
// between the slow and the fast rounds and moves by 2x from run to run; their mean is all the CPU.
console.log(
  `mean of rounds 2-${rounds}: RegisterContainerInstance ${mean(register.slice(1)).toFixed(0)} us, ` +
    `RunTask(10) ${mean(run.slice(1)).toFixed(0)} us of CPU a call`,
);
console.log(
  `median of rounds 2-${rounds}: RegisterContainerInstance ${median(register.slice(1)).toFixed(0)} us, ` +
    `RunTask(10) ${median(run.slice(1)).toFixed(0)} us of CPU a call`,
);
await plane.stop();
process.exit(0);
