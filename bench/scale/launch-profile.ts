/**
 * RunTask(10) in process, looked into (launch-micro.ts's rounds: 100 instances registered, then 100
 * RunTask of ten tasks, in a new cluster each round), the registrations left out of what is measured:
 *
 *   node bin/run-ts.mjs bench/scale/launch-profile.ts sql [ROUNDS]    CPU per SQL text (every
 *     better-sqlite3 statement run wrapped in process.cpuUsage), us and runs a RunTask(10)
 *   node bin/run-ts.mjs bench/scale/launch-profile.ts heap [ROUNDS]   what is allocated a RunTask(10)
 *     (sampling heap profiler, objects collected by either GC included), self and inclusive
 *   node bin/run-ts.mjs bench/scale/launch-profile.ts cpu [ROUNDS]    a .cpuprofile per round
 *     (/tmp/launch-profile-ROUND.cpuprofile, 50 us sampling; summarise with cpu-profile.mjs; for line
 *     numbers, bundle this file with esbuild first: tsx's lines are all :1)
 *
 * Rounds 1 on are measured (round 0 warms up). A tool for looking, not for figures: the wrapping and
 * the profilers cost CPU of their own.
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { inProcessPlane, registerMicroInstances } from './in-process';

const mode = process.argv[2] ?? 'sql';
const rounds = Number(process.argv[3] ?? 8);
if (!['sql', 'heap', 'cpu'].includes(mode) || !(rounds > 1)) {
  console.error('usage: launch-profile.ts sql|heap|cpu [ROUNDS > 1]');
  process.exit(2);
}
const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

/** CPU us and runs per SQL text, while `measuring`. */
const sqlStats = new Map<string, { runs: number; us: number }>();
let measuring = false;
if (mode === 'sql') {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  probe.close();
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = proto[method] as (...args: unknown[]) => unknown;
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      if (!measuring) return original.apply(this, args);
      const t0 = cpuUs();
      try {
        return original.apply(this, args);
      } finally {
        const s = sqlStats.get(this.source) ?? { runs: 0, us: 0 };
        s.runs++;
        s.us += cpuUs() - t0;
        sqlStats.set(this.source, s);
      }
    };
  }
}

interface HeapNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: HeapNode[];
}

const { plane, call } = await inProcessPlane(600_000);
const session = new Session();
session.connect();
if (mode === 'cpu') {
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
}
if (mode === 'heap') await session.post('HeapProfiler.enable');
await call('RegisterTaskDefinition', {
  family: 'm',
  containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 10, memory: 32 }],
});

let calls = 0;
let heapBytes = 0;
const heapSelf = new Map<string, number>();
const heapInclusive = new Map<string, number>();
const label = (n: HeapNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/.*\/(src|node_modules|bench)\//, '$1/')}`;
const walk = (n: HeapNode, stack: readonly string[]) => {
  const here = [...stack, label(n)];
  heapSelf.set(
    here[here.length - 1] as string,
    (heapSelf.get(here[here.length - 1] as string) ?? 0) + n.selfSize,
  );
  for (const l of new Set(here)) heapInclusive.set(l, (heapInclusive.get(l) ?? 0) + n.selfSize);
  heapBytes += n.selfSize;
  for (const c of n.children) walk(c, here);
};

for (let r = 0; r < rounds; r++) {
  const cluster = `m${r}`;
  await call('CreateCluster', { clusterName: cluster });
  await registerMicroInstances(call, cluster, 100);
  const measured = r >= 1;
  if (measured) {
    measuring = true;
    if (mode === 'cpu') await session.post('Profiler.start');
    if (mode === 'heap') {
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      } as never);
    }
  }
  const c0 = cpuUs();
  for (let i = 0; i < 100; i++) await call('RunTask', { cluster, taskDefinition: 'm', count: 10 });
  const us = (cpuUs() - c0) / 100;
  if (measured) {
    measuring = false;
    calls += 100;
    if (mode === 'cpu') {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(`/tmp/launch-profile-${r}.cpuprofile`, JSON.stringify(profile));
    }
    if (mode === 'heap') {
      const { profile } = (await session.post('HeapProfiler.stopSampling')) as {
        profile: { head: HeapNode };
      };
      walk(profile.head, []);
    }
  }
  console.log(`round ${r}: RunTask(10) ${us.toFixed(0)} us of CPU a call`);
}

const top = <K>(m: Map<K, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
if (mode === 'sql') {
  let sum = 0;
  for (const [text, s] of top(new Map([...sqlStats].map(([k, v]) => [k, v.us])), 30)) {
    const runs = (sqlStats.get(text)?.runs ?? 0) / calls;
    sum += s;
    console.log(
      `${(s / calls).toFixed(1).padStart(7)} us ${runs.toFixed(2).padStart(6)} runs  ${text.replace(/\s+/g, ' ').slice(0, 120)}`,
    );
  }
  console.log(`SQL ${(sum / calls).toFixed(1)} us a RunTask(10) (the statements above)`);
}
if (mode === 'heap') {
  console.log(`allocated ${(heapBytes / calls / 1024).toFixed(1)} KB a RunTask(10) (sampled)`);
  for (const [l, b] of top(heapSelf, 25))
    console.log(`${(b / calls / 1024).toFixed(2).padStart(7)} KB self  ${l}`);
  for (const [l, b] of top(heapInclusive, 30))
    console.log(`${(b / calls / 1024).toFixed(2).padStart(7)} KB incl  ${l}`);
}
if (mode === 'cpu') console.log(`profiles: /tmp/launch-profile-1..${rounds - 1}.cpuprofile`);
session.disconnect();
await plane.stop();
process.exit(0);
