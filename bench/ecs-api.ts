/**
 * ECS API benchmark (issue 2): register instances, run tasks (RunTask, 10 per call), describe them in
 * batches of 100 (one request at a time, for its latency), stop them. Prints tasks/s, requests/s,
 * p50/p99 per action, the server's peak RSS and the CPU time of server and client per request.
 * Runs against the embedded control plane (a child `ecs-console local`), against `--endpoint URL`,
 * and, when moto_server is installed, against moto with the same workload for the ratio.
 */
import {
  ECSClient,
  CreateClusterCommand,
  RegisterTaskDefinitionCommand,
  RegisterContainerInstanceCommand,
  RunTaskCommand,
  ListTasksCommand,
  DescribeTasksCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:http';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  fmt,
  freePort,
  Latencies,
  peakRssMiB,
  pool,
  rawEcs,
  type Json,
  startEcsConsole,
  table,
  waitForUrl,
  type Started,
  benchInstanceInput,
  processCpuMs,
} from './lib';

export interface WorkloadSize {
  instances: number;
  tasks: number;
  concurrency: number;
}

export interface WorkloadResult {
  label: string;
  size: WorkloadSize;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  tasksPerSecond: number;
  placed: number;
  latencies: Latencies;
  peakRssMiB: number | null;
  /** CPU seconds the server process used during the workload (null where /proc is missing). */
  serverCpuSeconds: number | null;
  /** CPU seconds this (client) process used during the workload. */
  clientCpuSeconds: number;
}

/** User + system CPU seconds of a process so far, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid: number | undefined): number | null {
  const ms = processCpuMs(pid);
  return ms === null ? null : ms / 1000;
}

function client(endpoint: string): ECSClient {
  return new ECSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) }),
  });
}

/**
 * A lean client for the same calls: one keep-alive HTTP POST per command (awsJson1_1, a fixed
 * SigV4-shaped Authorization header that neither server verifies), the JSON answer parsed as is.
 * It costs the client about a tenth of the SDK's CPU, so on a small shared machine requests/s
 * measure the server rather than the client. Dates stay epoch numbers (the bench reads none).
 */
function rawClient(endpoint: string): Pick<ECSClient, 'send' | 'destroy'> {
  const raw = rawEcs(endpoint);
  const send = (command: { input: unknown }): Promise<unknown> =>
    raw.call(command.constructor.name.replace(/Command$/, ''), command.input as Json);
  // The SDK's send signature, for the commands this bench sends (outputs read by field only).
  return { send, destroy: () => raw.close() } as unknown as Pick<ECSClient, 'send' | 'destroy'>;
}

export type ClientKind = 'sdk' | 'raw';

/**
 * moto's RegisterContainerInstance needs the EC2 instance to exist: launch them first (not timed).
 * ecs-console accepts any instance id, as the ECS API itself does not look the instance up.
 */
export async function launchEc2Instances(endpoint: string, n: number): Promise<string[]> {
  const ec2 = new EC2Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  const ids: string[] = [];
  try {
    while (ids.length < n) {
      const count = Math.min(100, n - ids.length);
      const out = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-12c6146b',
          InstanceType: 'm5.large',
          MinCount: count,
          MaxCount: count,
        }),
      );
      for (const i of out.Instances ?? []) if (i.InstanceId) ids.push(i.InstanceId);
    }
  } finally {
    ec2.destroy();
  }
  return ids;
}

export async function runWorkload(
  label: string,
  endpoint: string,
  size: WorkloadSize,
  options: { pid?: number; launchEc2?: boolean; client?: ClientKind } = {},
): Promise<WorkloadResult> {
  const pid = options.pid;
  const ec2Ids = options.launchEc2 ? await launchEc2Instances(endpoint, size.instances) : null;
  const ecs = options.client === 'raw' ? rawClient(endpoint) : client(endpoint);
  const lat = new Latencies();
  const timed = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      lat.record(action, performance.now() - t0);
    }
  };
  const cluster = `bench-${randomBytes(3).toString('hex')}`;
  const serverCpuBefore = cpuSeconds(pid);
  const clientCpuBefore = process.cpuUsage();
  const started = performance.now();
  await timed('CreateCluster', () => ecs.send(new CreateClusterCommand({ clusterName: cluster })));
  await timed('RegisterTaskDefinition', () =>
    ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'bench',
        containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 10, memory: 32, essential: true }],
      }),
    ),
  );
  const ids = Array.from({ length: size.instances }, (_, i) => i);
  // EC2 instance ids unique per run: an instance registered in one cluster cannot join another.
  const idPrefix = randomBytes(4).toString('hex');
  await pool(ids, size.concurrency, async (i) => {
    const instanceId = ec2Ids?.[i] ?? `i-${idPrefix}${i.toString(16).padStart(9, '0')}`;
    await timed('RegisterContainerInstance', () =>
      ecs.send(new RegisterContainerInstanceCommand(benchInstanceInput(cluster, instanceId, i))),
    );
  });
  const runStart = performance.now();
  let placed = 0;
  let last: string[] = [];
  await pool(
    Array.from({ length: Math.ceil(size.tasks / 10) }, (_, i) => i),
    size.concurrency,
    async () => {
      const out = await timed('RunTask', () =>
        ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'bench', count: 10 })),
      );
      placed += out.tasks?.length ?? 0;
      last = (out.tasks ?? []).flatMap((t) => (t.taskArn ? [t.taskArn] : []));
    },
  );
  const runSeconds = (performance.now() - runStart) / 1000;

  // Untimed: let the last tasks reach RUNNING, so DescribeTasks is measured with every task held at
  // rest (as moto holds them) rather than next to the agent's start-up steps.
  const settleStart = performance.now();
  for (let tries = 0; tries < 300 && last.length > 0; tries++) {
    const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: last }));
    if ((out.tasks ?? []).every((t) => t.lastStatus === 'RUNNING')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const settleMs = performance.now() - settleStart;

  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await timed('ListTasks', () =>
      ecs.send(new ListTasksCommand({ cluster, maxResults: 100, nextToken })),
    );
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const batches: string[][] = [];
  for (let i = 0; i < arns.length; i += 100) batches.push(arns.slice(i, i + 100));
  // One at a time: the p99 is the latency of one DescribeTasks with every task held, not the time
  // spent queued behind the bench's own other requests.
  let described = 0;
  await pool(batches, 1, async (batch) => {
    const out = await timed('DescribeTasks', () =>
      ecs.send(new DescribeTasksCommand({ cluster, tasks: batch })),
    );
    described += out.tasks?.length ?? 0;
  });
  if (arns.length !== placed || described !== placed) {
    throw new Error(`${label}: ${placed} tasks placed, but ${arns.length} listed and ${described} described`);
  }
  await pool(arns, size.concurrency, async (task) => {
    await timed('StopTask', () => ecs.send(new StopTaskCommand({ cluster, task, reason: 'bench' })));
  });
  const seconds = (performance.now() - started - settleMs) / 1000;
  const serverCpuAfter = cpuSeconds(pid);
  const clientCpu = process.cpuUsage(clientCpuBefore);
  ecs.destroy();
  return {
    label,
    size,
    seconds,
    requests: lat.total,
    requestsPerSecond: lat.total / seconds,
    tasksPerSecond: placed / runSeconds,
    placed,
    latencies: lat,
    peakRssMiB: peakRssMiB(pid),
    serverCpuSeconds:
      serverCpuBefore !== null && serverCpuAfter !== null ? serverCpuAfter - serverCpuBefore : null,
    clientCpuSeconds: (clientCpu.user + clientCpu.system) / 1e6,
  };
}

export function printResult(r: WorkloadResult): void {
  console.log(
    `\n[${r.label}] ${r.size.instances} instances, ${r.placed}/${r.size.tasks} tasks placed, ` +
      `${r.requests} requests in ${fmt(r.seconds, 2)} s, concurrency ${r.size.concurrency} ` +
      `(DescribeTasks one at a time)`,
  );
  console.log(
    `  tasks/s (RunTask phase): ${fmt(r.tasksPerSecond, 0)}   requests/s: ${fmt(r.requestsPerSecond, 0)}   ` +
      `server peak RSS: ${r.peakRssMiB ?? 'n/a'} MiB`,
  );
  const perRequest = (cpu: number) => `${fmt((cpu * 1000) / r.requests, 2)} ms/request`;
  console.log(
    `  CPU: server ${r.serverCpuSeconds === null ? 'n/a' : `${fmt(r.serverCpuSeconds, 1)} s (${perRequest(r.serverCpuSeconds)})`}, ` +
      `client ${fmt(r.clientCpuSeconds, 1)} s (${perRequest(r.clientCpuSeconds)})`,
  );
  console.log(
    table(
      r.latencies.rows().map((row) => ({
        action: row.action,
        count: row.count,
        'p50 ms': fmt(row.p50, 2),
        'p99 ms': fmt(row.p99, 2),
      })),
    ),
  );
}

async function startLocal(): Promise<Started> {
  return startEcsConsole(
    ['local', '--port', '0', '--ephemeral', '--task-step-ms', '200'],
    /listening on (http:\/\/\S+)/,
  );
}

async function startMoto(): Promise<Started | null> {
  if (!motoInstalled()) return null;
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return waitForUrl(child, /Running on (http:\/\/127\.0\.0\.1:\d+)/);
}

export async function benchEcsApi(argv: string[]): Promise<void> {
  const endpointIndex = argv.indexOf('--endpoint');
  const quick = argv.includes('--quick');
  const full: WorkloadSize = quick
    ? { instances: 100, tasks: 1000, concurrency: 8 }
    : { instances: 1000, tasks: 10_000, concurrency: 8 };
  const compare: WorkloadSize = { instances: 100, tasks: 1000, concurrency: 8 };
  // The lean client by default (figures of the server); `--sdk-client` for what an SDK user sees.
  const fullClient: ClientKind = argv.includes('--sdk-client') ? 'sdk' : 'raw';
  console.log('\n== ECS API: register instances, RunTask x10, DescribeTasks x100, StopTask ==');

  if (endpointIndex >= 0) {
    const url = argv[endpointIndex + 1];
    if (!url) throw new Error('--endpoint needs a URL');
    printResult(await runWorkload(`endpoint ${url}`, url, full, { client: fullClient }));
    return;
  }

  const local = await startLocal();
  let localFull: WorkloadResult;
  try {
    localFull = await runWorkload(`local, ${fullClient} client`, local.url, full, {
      pid: local.child.pid,
      client: fullClient,
    });
    printResult(localFull);
  } finally {
    await local.stop();
  }
  const p99 = localFull.latencies.p99('DescribeTasks');
  console.log(
    `  DescribeTasks p99 with ${localFull.placed} tasks held: ${fmt(p99, 2)} ms (target <= 10 ms: ${p99 <= 10 ? 'met' : 'MISSED'})`,
  );

  // The ratio with both clients: the SDK's own CPU per request (about 1-2 ms here) caps what a
  // small shared machine can show, the lean client measures the servers. Each run gets a fresh
  // server, warmed up by a small untimed workload (moto's state only grows, ours needs its JIT);
  // the runs alternate and the median of 3 is compared (1 with --quick), the runs being short and noisy.
  const compareRuns = quick ? 1 : 3;
  if (!motoInstalled()) {
    console.log('\n[moto] moto_server not installed: comparison skipped');
    return;
  }
  const ratios: string[] = [];
  for (const kind of ['raw', 'sdk'] as const) {
    const motoRuns: WorkloadResult[] = [];
    const localRuns: WorkloadResult[] = [];
    for (let run = 0; run < compareRuns; run++) {
      motoRuns.push(await comparisonRun('moto', kind, compare));
      localRuns.push(await comparisonRun('local', kind, compare));
    }
    const motoResult = median(motoRuns);
    const localCompare = median(localRuns);
    printResult(motoResult);
    printResult(localCompare);
    const ratio = localCompare.requestsPerSecond / motoResult.requestsPerSecond;
    const perRequest = (r: WorkloadResult) => (r.serverCpuSeconds ?? NaN) / r.requests;
    const all = (runs: WorkloadResult[]) => runs.map((r) => fmt(r.requestsPerSecond, 0)).join(', ');
    ratios.push(
      `  ${kind} client, requests/s at ${compare.instances} instances / ${compare.tasks} tasks (median of ` +
        `${compareRuns}; local ${all(localRuns)}; moto ${all(motoRuns)}): local ${fmt(localCompare.requestsPerSecond, 0)}, ` +
        `moto ${fmt(motoResult.requestsPerSecond, 0)}, ratio ${fmt(ratio, 1)}x ` +
        `(target >= 5x: ${ratio >= 5 ? 'met' : 'MISSED'}), server CPU per request ` +
        `${fmt(perRequest(motoResult) / perRequest(localCompare), 1)}x less`,
    );
  }
  console.log(`\n${ratios.join('\n')}`);
}

const WARM_UP: WorkloadSize = { instances: 10, tasks: 100, concurrency: 8 };

function motoInstalled(): boolean {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

/** One comparison workload on a fresh, warmed-up server. */
async function comparisonRun(server: 'moto' | 'local', kind: ClientKind, size: WorkloadSize) {
  const started = server === 'moto' ? await startMoto() : await startLocal();
  if (!started) throw new Error('moto_server did not start');
  const options = { pid: started.child.pid, launchEc2: server === 'moto', client: kind };
  try {
    await runWorkload(`${server} warm-up`, started.url, WARM_UP, options);
    return await runWorkload(`${server}, ${kind} client`, started.url, size, options);
  } finally {
    await started.stop();
  }
}

/** The run with the median requests/s. */
function median(runs: WorkloadResult[]): WorkloadResult {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)] as WorkloadResult;
}
