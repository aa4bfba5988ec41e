/**
 * `npm run bench -- --only scale [--full] [--parts a,b] [--repeat N] [--server-root DIR]`: issue 14's
 * figures in one run.
 *
 * - workload: the boto3 client (python3 workload.py) and the JS SDK, one request at a time, against
 *   the do-nothing endpoint (the client's ceiling), moto (when installed) and ours: requests/s and
 *   each one's share of the ceiling, RunTask / DescribeTasks / StopTask latencies; each server runs
 *   it twice, and both runs are printed: fresh (as started) and warm (the same server again); with
 *   `--full` five times, and its fifth run is printed too (steady: its JIT warmed up);
 * - starting: DescribeTasks(100) while 1,000 tasks are starting (ours; the do-nothing endpoint's figure);
 * - held: DescribeTasks(100), ListTasks (each filter), DescribeClusters, DescribeServices and
 *   DescribeContainerInstances p50/p99 with 1k, 10k and 100k tasks held on 1,000 instances, the
 *   server's RSS and the state file's size at each level;
 * - placement: RunTask count 10 from 32 clients, and a service scaled 0 -> N, tasks/s to RUNNING;
 * - churn: tasks run and stopped in rounds; the state file and RSS while stopped tasks expire;
 * - dashboard: bench/dashboard.ts (requests per refresh cycle, render time) at 10k tasks.
 * By default sizes a 2-core machine runs in a few minutes (held at 1k and 10k tasks, placement 1,000
 * tasks on 100 instances, churn 4 x 1,000, one workload run each); `--full`: the issue's sizes (held
 * at 1k, 10k and 100k on 1,000 instances, placement 10,000 tasks on 1,000 instances, churn 8 x 5,000,
 * three workload runs). `--server-root DIR`: run another checkout's server as "ours" (before/after).
 * Figures only: nothing asserts a time (a shared machine is noisy; the do-nothing figure of the same
 * run is printed next to ours).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { benchDashboard } from '../dashboard';
import { fmt, Latencies, pool, table, type Started } from '../lib';
import {
  boto3Installed,
  boto3Workload,
  motoInstalled,
  ours,
  rawEcs,
  peakRssMiB,
  rssMiB,
  sdkWorkload,
  startOurs,
  startServer,
  stateFileMiB,
  timed,
  type EcsCaller,
  type Json,
  type ServerKind,
  type WorkloadFigures,
} from './client';

const PARTS = ['workload', 'starting', 'held', 'placement', 'churn', 'dashboard'] as const;
type Part = (typeof PARTS)[number];

/** The summary lines: figure, value, target. */
const summary: { figure: string; value: string; target: string }[] = [];

export async function benchScale(argv: string[]): Promise<void> {
  const full = argv.includes('--full');
  const quick = !full;
  const rootArg = argv.includes('--server-root') ? argv[argv.indexOf('--server-root') + 1] : undefined;
  if (rootArg) ours.bin = resolve(rootArg, 'bin/ecs-console.mjs');
  const partsArg = argv.includes('--parts') ? argv[argv.indexOf('--parts') + 1] : undefined;
  const parts = new Set<Part>(
    partsArg
      ? (partsArg.split(',').filter((p) => (PARTS as readonly string[]).includes(p)) as Part[])
      : PARTS,
  );
  const repeat = argv.includes('--repeat') ? Number(argv[argv.indexOf('--repeat') + 1]) : quick ? 1 : 3;
  console.log(
    `\n== scale (issue 14), ${full ? 'full sizes (--full)' : 'small sizes (--full for the issue sizes: 100k held, 10k placed)'}: ` +
      `${[...parts].join(', ')}; ours = ${ours.bin} ==`,
  );
  if (parts.has('workload')) await workloadPart(repeat, full ? STEADY_RUN : 0);
  if (parts.has('starting')) await startingPart();
  if (parts.has('held')) await heldPart(quick ? [1000, 10_000] : [1000, 10_000, 100_000]);
  if (parts.has('placement'))
    await placementPart(quick ? { instances: 100, tasks: 1000 } : { instances: 1000, tasks: 10_000 });
  if (parts.has('churn')) await churnPart(quick ? { rounds: 4, tasks: 1000 } : { rounds: 8, tasks: 5000 });
  if (parts.has('dashboard')) await benchDashboard(quick ? ['--quick'] : []);
  if (summary.length > 0) {
    console.log('\n-- scale: summary --');
    console.log(table(summary));
  }
}

// ---------------------------------------------------------------------------------------------

async function withServer<T>(start: () => Promise<Started>, fn: (s: Started) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

/** Wall ms per request not spent in the client's own CPU (the server, the wire, the kernel). */
const notClient = (f: WorkloadFigures): number => (1000 * f.seconds - 1000 * f.clientCpuSeconds) / f.requests;

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.floor(s.length / 2)] as number);
};

/**
 * The run of one server the workload's "steady" figure is (`--full`): the first runs are a server
 * warming up (V8 compiles the hot code in the background: the server's other threads spend ~200 us a
 * request on it in runs 1-2, ~30-50 by run 4-5, PROFILE.md's sixteenth pass), so a server in use for
 * a while is better measured by a later run. Runs between the warm one and this are not timed.
 */
const STEADY_RUN = 5;

async function workloadPart(repeat: number, steadyRun: number): Promise<void> {
  const size = { instances: 100, tasks: 1000 };
  console.log(
    `\n-- workload: ${size.instances} instances, RunTask x10 to ${size.tasks} tasks, ListTasks, ` +
      `DescribeTasks x100 (tasks still starting), StopTask each; one request at a time; ${repeat} server(s) each, ` +
      `each run fresh, again warm${steadyRun ? `, and steady (its run ${steadyRun})` : ''} --`,
  );
  const clients: { name: string; run: typeof sdkWorkload }[] = [];
  if (boto3Installed()) clients.push({ name: 'boto3', run: boto3Workload });
  else console.log('[boto3] python3 cannot import boto3: the boto3 client is skipped');
  clients.push({ name: 'js sdk', run: sdkWorkload });
  const servers: ServerKind[] = ['noop', 'noop-shaped', 'noop-stored', 'ours'];
  if (motoInstalled()) servers.splice(2, 0, 'moto');
  else console.log('[moto] moto_server not installed: moto is skipped');

  for (const client of clients) {
    // The JS SDK client runs in this process: its own JIT is cold at first, and the first server
    // measured (the stubs) would pay for it. One untimed full-size run against the stubs warms it.
    if (client.run === sdkWorkload)
      await withServer(
        () => startServer('noop'),
        (s) => client.run(s.url, size, false),
      );
    // Each server runs the workload twice: first fresh (as started), then again on the same server
    // ("warm": its JIT and heap have seen one run, as any server in use has). Both are measured.
    const fresh = new Map<ServerKind, WorkloadFigures[]>(servers.map((s) => [s, []]));
    const warm = new Map<ServerKind, WorkloadFigures[]>(servers.map((s) => [s, []]));
    const steady = new Map<ServerKind, WorkloadFigures[]>(servers.map((s) => [s, []]));
    // Alternate the servers run by run, so a noisy minute hurts them alike.
    for (let r = 0; r < repeat; r++) {
      for (const kind of servers) {
        const [first, second, last] = await withServer(
          () => startServer(kind),
          async (s) => {
            const a = await client.run(s.url, size, kind === 'moto');
            const b = await client.run(s.url, size, kind === 'moto');
            let c: WorkloadFigures | undefined;
            for (let run = 3; run <= steadyRun; run++) c = await client.run(s.url, size, kind === 'moto');
            return [a, b, c] as const;
          },
        );
        fresh.get(kind)?.push(first);
        warm.get(kind)?.push(second);
        if (last) steady.get(kind)?.push(last);
      }
    }
    const shares: string[] = [];
    const sets: [string, Map<ServerKind, WorkloadFigures[]>][] = [
      ['a fresh server', fresh],
      ['the same server again (warm)', warm],
    ];
    if (steadyRun) sets.push([`the same server's run ${steadyRun} (steady)`, steady]);
    for (const [label, runs] of sets) {
      const share = workloadTable(`${client.name} client, ${label}`, client.name === 'boto3', servers, runs);
      if (share) shares.push(`${label}: ${share}`);
    }
    summary.push({
      figure: `workload, ${client.name}: share of the do-nothing endpoint's requests/s`,
      value: shares.join('; '),
      target: '>= 80 %',
    });
  }
}

const medianRun = (figs: WorkloadFigures[]): WorkloadFigures | undefined =>
  [...figs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(figs.length / 2)];

/** Prints one client's table for one set of runs; returns ours' share for the summary. */
function workloadTable(
  title: string,
  singleThreaded: boolean,
  servers: ServerKind[],
  runs: Map<ServerKind, WorkloadFigures[]>,
): string | null {
  const rps = (kind: ServerKind) => median((runs.get(kind) ?? []).map((f) => f.requestsPerSecond));
  const ceiling = rps('noop');
  const moto = runs.has('moto') ? rps('moto') : NaN;
  const rows = servers.map((kind) => {
    const figs = runs.get(kind) ?? [];
    const mid = medianRun(figs) as WorkloadFigures;
    const action = (name: string) => mid.actions[name];
    return {
      server: kind,
      'req/s (runs)': figs.map((f) => fmt(f.requestsPerSecond, 0)).join(' '),
      'req/s median': fmt(rps(kind), 0),
      'of ceiling': `${fmt((100 * rps(kind)) / ceiling, 0)} %`,
      'vs moto': Number.isFinite(moto) ? `${fmt(rps(kind) / moto, 1)}x` : 'n/a',
      'RunTask mean': fmt(action('RunTask')?.mean ?? NaN, 2),
      'DescribeTasks mean/p50': `${fmt(action('DescribeTasks')?.mean ?? NaN, 2)}/${fmt(action('DescribeTasks')?.p50 ?? NaN, 2)}`,
      'StopTask mean': fmt(action('StopTask')?.mean ?? NaN, 2),
      'client CPU ms/req': fmt((1000 * mid.clientCpuSeconds) / mid.requests, 2),
      // Wall time per request the client did not spend computing: the server, the wire, the kernel.
      // Only meaningful for a client whose CPU time is its one thread's (boto3): the JS client's
      // process CPU counts libuv's and the GC's threads too, so it can exceed the wall time.
      'not client ms/req': singleThreaded ? fmt(notClient(mid), 2) : 'n/a',
    };
  });
  console.log(`\n[${title}] (ms)`);
  console.log(table(rows));
  // The client spends more CPU on whole tasks and instances (ECS's answers, ours') than on the
  // do-nothing endpoint's stubs: the do-nothing endpoint answering with ECS-shaped templates
  // (noop-shaped) measures the ceiling of a server that answers like ECS, for this client.
  const ours = rows.find((r) => r.server === 'ours');
  if (!ours) return null;
  const shapedCeiling = rps('noop-shaped');
  const storedFloor = rps('noop-stored');
  const [stubMid, shapedMid, oursMid] = (['noop', 'noop-shaped', 'ours'] as const).map((k) =>
    medianRun(runs.get(k) ?? []),
  );
  if (singleThreaded && stubMid && shapedMid && oursMid) {
    const perReq = (f: WorkloadFigures) => fmt((1000 * f.clientCpuSeconds) / f.requests, 2);
    console.log(
      `client CPU ms/req: ${perReq(stubMid)} on the stubs, ${perReq(shapedMid)} on ECS-shaped answers, ` +
        `${perReq(oursMid)} on ours'; not client ms/req: ${fmt(notClient(stubMid), 2)} stubs, ` +
        `${fmt(notClient(shapedMid), 2)} shaped, ${fmt(notClient(oursMid), 2)} ours`,
    );
  }
  return (
    `${ours['of ceiling']} (${ours['req/s median']} of ${fmt(ceiling, 0)} req/s; ${ours['vs moto']} moto), ` +
    `${fmt((100 * rps('ours')) / shapedCeiling, 0)} % of the do-nothing endpoint answering like ECS ` +
    `(${fmt(shapedCeiling, 0)} req/s, itself ${fmt((100 * shapedCeiling) / ceiling, 0)} % of the stubs'); ` +
    `storing its tasks as SQLite rows, it reaches ${fmt((100 * storedFloor) / ceiling, 0)} % of the stubs'`
  );
}

// ---------------------------------------------------------------------------------------------

async function registerInstances(c: EcsCaller, cluster: string, n: number): Promise<string[]> {
  const arns: string[] = [];
  await pool(
    Array.from({ length: n }, (_, i) => i),
    16,
    async () => {
      const out = await c.call<{ containerInstance: { containerInstanceArn: string } }>(
        'RegisterContainerInstance',
        {
          cluster,
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
          ],
        },
      );
      arns.push(out.containerInstance.containerInstanceArn);
    },
  );
  return arns;
}

const taskDefinition = (family: string): Json => ({
  family,
  containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 10, memory: 32, essential: true }],
});

interface RunTaskOut {
  tasks: { taskArn: string; lastStatus: string }[];
  failures: unknown[];
}

/** RunTask count 10 (the last call fewer) until `n` tasks are placed, `concurrency` calls at once. */
async function runTasks(
  c: EcsCaller,
  input: Json,
  n: number,
  concurrency: number,
  lat?: Latencies,
): Promise<string[]> {
  const arns: string[] = [];
  const calls = Array.from({ length: Math.ceil(n / 10) }, (_, i) => Math.min(10, n - i * 10));
  await pool(calls, concurrency, async (count) => {
    const send = () => c.call<RunTaskOut>('RunTask', { ...input, count });
    const out = lat ? await timed(lat, 'RunTask', send) : await send();
    if (out.tasks.length !== count) throw new Error(`RunTask placed ${out.tasks.length} of ${count}`);
    for (const t of out.tasks) arns.push(t.taskArn);
  });
  return arns;
}

async function runningCount(c: EcsCaller, cluster: string): Promise<number> {
  const out = await c.call<{ clusters: { runningTasksCount?: number }[] }>('DescribeClusters', {
    clusters: [cluster],
  });
  return out.clusters[0]?.runningTasksCount ?? 0;
}

/** Polls until `done()` answers true; returns the ms it took. */
async function until(done: () => Promise<boolean>, everyMs: number, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  while (!(await done())) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`not done within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return performance.now() - t0;
}

async function startingPart(): Promise<void> {
  console.log(
    '\n-- starting: DescribeTasks(100), one at a time, while 1,000 tasks go PROVISIONING -> RUNNING (100 instances) --',
  );
  const rows: Record<string, string | number>[] = [];
  for (const kind of ['noop', 'ours'] as const) {
    await withServer(
      () => startServer(kind),
      async (s) => {
        const c = rawEcs(s.url);
        try {
          await c.call('CreateCluster', { clusterName: 'starting' });
          await c.call('RegisterTaskDefinition', taskDefinition('starting'));
          // Warm-up: a small round (the server's JIT), then wait for it to settle.
          await registerInstances(c, 'starting', 100);
          const warm = await runTasks(c, { cluster: 'starting', taskDefinition: 'starting' }, 100, 8);
          await describeUntilRunning(c, 'starting', warm, new Latencies(), 60_000);
          const lat = new Latencies();
          const t0 = performance.now();
          const arns = await runTasks(c, { cluster: 'starting', taskDefinition: 'starting' }, 1000, 8, lat);
          const placedMs = performance.now() - t0;
          const rounds = await describeUntilRunning(c, 'starting', arns, lat, 120_000);
          const row = lat.rows().find((r) => r.action === 'DescribeTasks');
          rows.push({
            server: kind,
            'DescribeTasks samples': row?.count ?? 0,
            'p50 ms': fmt(row?.p50 ?? NaN, 2),
            'p99 ms': fmt(row?.p99 ?? NaN, 2),
            'rounds to RUNNING': rounds,
            'RunTask phase ms': fmt(placedMs, 0),
          });
          if (kind === 'ours')
            summary.push({
              figure: 'DescribeTasks(100) p50 while 1,000 tasks are starting',
              value: `${fmt(row?.p50 ?? NaN, 2)} ms (do-nothing ${rows[0]?.['p50 ms']} ms)`,
              target: '<= 3 ms',
            });
        } finally {
          c.close();
        }
      },
    );
  }
  console.log(table(rows));
}

/** Describes `arns` 100 at a time, round after round (at least 3), until every task is RUNNING. */
async function describeUntilRunning(
  c: EcsCaller,
  cluster: string,
  arns: string[],
  lat: Latencies,
  timeoutMs: number,
): Promise<number> {
  const t0 = performance.now();
  for (let round = 1; ; round++) {
    let starting = 0;
    for (let i = 0; i < arns.length; i += 100) {
      const out = await timed(lat, 'DescribeTasks', () =>
        c.call<{ tasks: { lastStatus: string }[] }>('DescribeTasks', {
          cluster,
          tasks: arns.slice(i, i + 100),
        }),
      );
      starting += out.tasks.filter((t) => t.lastStatus !== 'RUNNING').length;
    }
    if (starting === 0 && round >= 3) return round;
    if (performance.now() - t0 > timeoutMs) throw new Error(`${starting} tasks still starting`);
  }
}

// ---------------------------------------------------------------------------------------------

/** Samples `fn` one call at a time: up to `max` calls or `budgetMs`, at least 5. */
async function sample(
  lat: Latencies,
  action: string,
  fn: () => Promise<unknown>,
  max = 200,
  budgetMs = 15_000,
) {
  const t0 = performance.now();
  for (let i = 0; i < max; i++) {
    await timed(lat, action, fn);
    if (i >= 4 && performance.now() - t0 > budgetMs) break;
  }
}

const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)] as T;

/** How long the held part leaves the server idle after filling a level, before measuring it. */
const QUIET_MS = 3_000;

/** How long the held part leaves the server idle before reading its RSS again. */
const SETTLE_MS = 10_000;

async function heldPart(levels: number[]): Promise<void> {
  const instances = 1000;
  console.log(
    `\n-- held: ${levels.join(', ')} tasks held on ${instances} instances (a tenth by one service, ` +
      '10 of a rare family and startedBy, the rest RunTask); one request at a time --',
  );
  const dir = mkdtempSync(join(tmpdir(), 'ecs-scale-'));
  const state = join(dir, 'state.sqlite');
  const figures: Record<string, string | number>[] = [];
  const rss: { level: number; mib: number }[] = [];
  let settled: { mib: number; peak: number } | undefined;
  try {
    await withServer(
      () => startOurs({ state }),
      async (s) => {
        const c = rawEcs(s.url);
        const cluster = 'scale';
        try {
          await c.call('CreateCluster', { clusterName: cluster });
          await c.call('RegisterTaskDefinition', taskDefinition('scale'));
          await c.call('RegisterTaskDefinition', taskDefinition('rare'));
          const instanceArns = await registerInstances(c, cluster, instances);
          await c.call('CreateService', {
            cluster,
            serviceName: 'svc',
            taskDefinition: 'scale',
            desiredCount: 0,
          });
          const empty = rssMiB(s.child.pid) ?? NaN;
          console.log(`server RSS with ${instances} instances and no tasks: ${fmt(empty, 0)} MiB`);
          const runArns: string[] = await runTasks(
            c,
            { cluster, taskDefinition: 'rare', startedBy: 'rare' },
            10,
            1,
          );
          let held = 10;
          for (const level of levels) {
            const t0 = performance.now();
            await c.call('UpdateService', { cluster, service: 'svc', desiredCount: level / 10 });
            const more = level - level / 10 - held;
            runArns.push(
              ...(await runTasks(c, { cluster, taskDefinition: 'scale', startedBy: 'bench' }, more, 16)),
            );
            held = level - level / 10;
            await until(async () => (await runningCount(c, cluster)) >= level, 1000, 30 * 60_000);
            console.log(
              `${level} tasks RUNNING after ${fmt((performance.now() - t0) / 1000, 1)} s; measuring`,
            );
            // The fill's aftermath (its garbage collected, the WAL copied into the state file) is
            // let pass before measuring, and DescribeTasks is sampled in three rounds among the other
            // calls: one burst of background work moves one round, not the whole p50.
            await new Promise((r) => setTimeout(r, QUIET_MS));
            const lat = new Latencies();
            const budget = level >= 100_000 ? 20_000 : 10_000;
            const describeTasks = () =>
              sample(
                lat,
                'DescribeTasks(100)',
                () =>
                  c.call('DescribeTasks', {
                    cluster,
                    tasks: Array.from({ length: 100 }, () => pick(runArns)),
                  }),
                200,
                budget / 3,
              );
            await describeTasks();
            await sample(lat, 'ListTasks', () => c.call('ListTasks', { cluster }), 200, budget);
            await sample(
              lat,
              'ListTasks family (10 of N)',
              () => c.call('ListTasks', { cluster, family: 'rare' }),
              100,
              budget,
            );
            await sample(
              lat,
              'ListTasks startedBy (10 of N)',
              () => c.call('ListTasks', { cluster, startedBy: 'rare' }),
              100,
              budget,
            );
            await sample(
              lat,
              'ListTasks serviceName',
              () => c.call('ListTasks', { cluster, serviceName: 'svc' }),
              100,
              budget,
            );
            await sample(
              lat,
              'ListTasks containerInstance',
              () => c.call('ListTasks', { cluster, containerInstance: pick(instanceArns) }),
              100,
              budget,
            );
            await describeTasks();
            await sample(
              lat,
              'DescribeClusters',
              () => c.call('DescribeClusters', { clusters: [cluster], include: ['STATISTICS'] }),
              200,
              budget,
            );
            await sample(
              lat,
              'DescribeServices',
              () => c.call('DescribeServices', { cluster, services: ['svc'] }),
              200,
              budget,
            );
            await sample(
              lat,
              'DescribeContainerInstances(100)',
              () =>
                c.call('DescribeContainerInstances', {
                  cluster,
                  containerInstances: Array.from({ length: 100 }, () => pick(instanceArns)),
                }),
              100,
              budget,
            );
            await describeTasks();
            const mib = rssMiB(s.child.pid) ?? NaN;
            rss.push({ level, mib });
            for (const r of lat.rows()) {
              figures.push({
                tasks: level,
                action: r.action,
                samples: r.count,
                'p50 ms': fmt(r.p50, 2),
                'p99 ms': fmt(r.p99, 2),
              });
            }
            console.log(
              `  RSS ${fmt(mib, 0)} MiB, state file ${fmt(stateFileMiB(state), 1)} MiB with ${level} tasks held`,
            );
          }
          // The reading above falls anywhere in the heap's cycle (garbage of the fill not yet
          // collected: 580-1,100 MiB at 100k from one run to the next). A server left idle gives its
          // memory back (V8's memory reducer): the held figure is read again after SETTLE_MS
          // idle, and the peak through the fill is printed beside it.
          await new Promise((r) => setTimeout(r, SETTLE_MS));
          settled = { mib: rssMiB(s.child.pid) ?? NaN, peak: peakRssMiB(s.child.pid) ?? NaN };
          console.log(
            `  RSS ${fmt(settled.mib, 0)} MiB after ${SETTLE_MS / 1000} s idle (peak so far ${fmt(settled.peak, 0)} MiB)`,
          );
        } finally {
          c.close();
        }
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(table(figures));
  const p50 = (level: number, action: string) =>
    Number(figures.find((f) => f.tasks === level && f.action === action)?.['p50 ms']);
  const lo = levels[0] as number;
  const hi = levels[levels.length - 1] as number;
  const first = rss[0];
  const last = rss[rss.length - 1];
  if (first && last && last.level > first.level) {
    const per10k = ((last.mib - first.mib) / (last.level - first.level)) * 10_000;
    console.log(
      `server RSS per 10k tasks held: ${fmt(per10k, 0)} MiB (${first.level} -> ${last.level} tasks)`,
    );
    summary.push({
      figure: `RSS with ${hi} tasks held (per 10k)`,
      value:
        `${fmt(settled?.mib ?? NaN, 0)} MiB after ${SETTLE_MS / 1000} s idle, ${fmt(last.mib, 0)} MiB when ` +
        `measured (${fmt(per10k, 0)} MiB per 10k); peak through the fill ${fmt(settled?.peak ?? NaN, 0)} MiB`,
      target: '<= 1024 MiB at 100k',
    });
  }
  summary.push({
    figure: `DescribeTasks(100) p50, ${lo} -> ${hi} tasks held`,
    value: `${fmt(p50(lo, 'DescribeTasks(100)'), 2)} -> ${fmt(p50(hi, 'DescribeTasks(100)'), 2)} ms`,
    target: 'flat within 2x',
  });
  summary.push({
    figure: `DescribeClusters p50 at ${hi} tasks`,
    value: `${fmt(p50(hi, 'DescribeClusters'), 2)} ms`,
    target: '<= 2 ms at 100k',
  });
}

// ---------------------------------------------------------------------------------------------

async function placementPart(size: { instances: number; tasks: number }): Promise<void> {
  console.log(
    `\n-- placement: ${size.tasks} tasks onto ${size.instances} instances (task step 200 ms: a task placed ` +
      `reaches RUNNING three steps, 0.6 s, later; "to RUNNING" includes that lag) --`,
  );
  const rows: Record<string, string>[] = [];
  await withServer(
    () => startOurs(),
    async (s) => {
      const c = rawEcs(s.url);
      try {
        await c.call('CreateCluster', { clusterName: 'place' });
        await c.call('RegisterTaskDefinition', taskDefinition('place'));
        await registerInstances(c, 'place', size.instances);
        const t0 = performance.now();
        await runTasks(c, { cluster: 'place', taskDefinition: 'place' }, size.tasks, 32);
        const placedMs = performance.now() - t0;
        await until(async () => (await runningCount(c, 'place')) >= size.tasks, 50, 10 * 60_000);
        const runningMs = performance.now() - t0;
        rows.push({
          how: 'RunTask count 10, 32 clients',
          'placed (acknowledged) tasks/s': fmt((1000 * size.tasks) / placedMs, 0),
          'to RUNNING tasks/s': fmt((1000 * size.tasks) / runningMs, 0),
          'all RUNNING after s': fmt(runningMs / 1000, 2),
          'last placed -> all RUNNING s': fmt((runningMs - placedMs) / 1000, 2),
        });
        summary.push({
          figure: `placement, RunTask x10 from 32 clients onto ${size.instances} instances`,
          value: `${fmt((1000 * size.tasks) / placedMs, 0)} tasks/s placed, ${fmt((1000 * size.tasks) / runningMs, 0)} to RUNNING`,
          target: '>= 5,000 tasks/s',
        });
      } finally {
        c.close();
      }
    },
  );
  await withServer(
    () => startOurs(),
    async (s) => {
      const c = rawEcs(s.url);
      try {
        await c.call('CreateCluster', { clusterName: 'place' });
        await c.call('RegisterTaskDefinition', taskDefinition('place'));
        await registerInstances(c, 'place', size.instances);
        await c.call('CreateService', {
          cluster: 'place',
          serviceName: 'svc',
          taskDefinition: 'place',
          desiredCount: 0,
        });
        const t0 = performance.now();
        await c.call('UpdateService', { cluster: 'place', service: 'svc', desiredCount: size.tasks });
        // Placed: the first answer whose running + pending counts reach the desired count (the
        // scheduler has written every task; polled every 50 ms, so up to 50 ms late).
        let placedMs: number | undefined;
        await until(
          async () => {
            const out = await c.call<{ services: { runningCount: number; pendingCount: number }[] }>(
              'DescribeServices',
              { cluster: 'place', services: ['svc'] },
            );
            const svc = out.services[0];
            if (placedMs === undefined && (svc?.pendingCount ?? 0) + (svc?.runningCount ?? 0) >= size.tasks)
              placedMs = performance.now() - t0;
            return (svc?.runningCount ?? 0) >= size.tasks;
          },
          50,
          10 * 60_000,
        );
        const runningMs = performance.now() - t0;
        const placed = placedMs ?? runningMs;
        rows.push({
          how: `service 0 -> ${size.tasks}`,
          'placed (acknowledged) tasks/s': `${fmt((1000 * size.tasks) / placed, 0)} (all in the counts)`,
          'to RUNNING tasks/s': fmt((1000 * size.tasks) / runningMs, 0),
          'all RUNNING after s': fmt(runningMs / 1000, 2),
          'last placed -> all RUNNING s': fmt((runningMs - placed) / 1000, 2),
        });
        summary.push({
          figure: `placement, service 0 -> ${size.tasks} on ${size.instances} instances`,
          value: `${fmt((1000 * size.tasks) / placed, 0)} tasks/s placed, ${fmt((1000 * size.tasks) / runningMs, 0)} to RUNNING`,
          target: '>= 5,000 tasks/s',
        });
      } finally {
        c.close();
      }
    },
  );
  console.log(table(rows));
}

// ---------------------------------------------------------------------------------------------

function supportsRetentionFlag(): boolean {
  const help = spawnSync(process.execPath, [ours.bin, 'local', '--help'], { encoding: 'utf8' });
  return `${help.stdout}${help.stderr}`.includes('--stopped-task-retention-ms');
}

async function churnPart(size: { rounds: number; tasks: number }): Promise<void> {
  const retentionMs = 5000;
  const flag = supportsRetentionFlag();
  console.log(
    `\n-- churn: ${size.rounds} rounds of ${size.tasks} tasks run then stopped (100 instances), stopped tasks kept ` +
      `${flag ? `${retentionMs / 1000} s` : 'an hour (this build has no --stopped-task-retention-ms)'} --`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'ecs-churn-'));
  const state = join(dir, 'state.sqlite');
  const rows: Record<string, string | number>[] = [];
  try {
    await withServer(
      () =>
        startOurs({
          state,
          taskStepMs: 50,
          extra: flag ? ['--stopped-task-retention-ms', String(retentionMs)] : [],
        }),
      async (s) => {
        const c = rawEcs(s.url);
        try {
          await c.call('CreateCluster', { clusterName: 'churn' });
          await c.call('RegisterTaskDefinition', taskDefinition('churn'));
          await registerInstances(c, 'churn', 100);
          const stoppedHeld = async () => {
            let n = 0;
            let nextToken: string | undefined;
            do {
              const page = await c.call<{ taskArns: string[]; nextToken?: string }>('ListTasks', {
                cluster: 'churn',
                desiredStatus: 'STOPPED',
                ...(nextToken ? { nextToken } : {}),
              });
              n += page.taskArns.length;
              nextToken = page.nextToken;
            } while (nextToken);
            return n;
          };
          for (let round = 1; round <= size.rounds; round++) {
            const arns = await runTasks(c, { cluster: 'churn', taskDefinition: 'churn' }, size.tasks, 16);
            await until(async () => (await runningCount(c, 'churn')) >= size.tasks, 200, 10 * 60_000);
            await pool(arns, 16, async (task) => {
              await c.call('StopTask', { cluster: 'churn', task });
            });
            await until(async () => (await runningCount(c, 'churn')) === 0, 200, 10 * 60_000);
            rows.push({
              after: `round ${round}`,
              'tasks run so far': round * size.tasks,
              'stopped tasks held': await stoppedHeld(),
              'state file MiB': fmt(stateFileMiB(state), 1),
              'RSS MiB': fmt(rssMiB(s.child.pid) ?? NaN, 0),
            });
          }
          if (flag) {
            await new Promise((r) => setTimeout(r, retentionMs + 3000));
            rows.push({
              after: `${(retentionMs + 3000) / 1000} s idle`,
              'tasks run so far': size.rounds * size.tasks,
              'stopped tasks held': await stoppedHeld(),
              'state file MiB': fmt(stateFileMiB(state), 1),
              'RSS MiB': fmt(rssMiB(s.child.pid) ?? NaN, 0),
            });
          }
        } finally {
          c.close();
        }
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(table(rows));
  const last = rows[rows.length - 1];
  summary.push({
    figure: `churn: ${size.rounds * size.tasks} tasks run and stopped`,
    value: `${last?.['stopped tasks held']} stopped tasks held, state file ${last?.['state file MiB']} MiB, RSS ${last?.['RSS MiB']} MiB`,
    target: 'bounded (stopped tasks expire)',
  });
}
