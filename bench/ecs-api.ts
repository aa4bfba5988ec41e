/**
 * ECS API benchmark (issue 2): register instances, run tasks (RunTask, 10 per call), describe them in
 * batches of 100, stop them. Prints tasks/s, requests/s, p50/p99 per action and the server's peak RSS.
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
  startEcsConsole,
  table,
  waitForUrl,
  type Started,
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

export async function runWorkload(
  label: string,
  endpoint: string,
  size: WorkloadSize,
  pid?: number,
): Promise<WorkloadResult> {
  const ecs = client(endpoint);
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
  await pool(ids, size.concurrency, async (i) => {
    const instanceId = `i-${(0x100000 + i).toString(16).padStart(17, '0')}`;
    await timed('RegisterContainerInstance', () =>
      ecs.send(
        new RegisterContainerInstanceCommand({
          cluster,
          instanceIdentityDocument: JSON.stringify({
            instanceId,
            region: 'us-east-1',
            instanceType: 'm5.large',
            availabilityZone: 'us-east-1a',
            privateIp: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
          }),
          instanceIdentityDocumentSignature: 'bench',
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
          ],
        }),
      ),
    );
  });
  const runStart = performance.now();
  let placed = 0;
  await pool(
    Array.from({ length: Math.ceil(size.tasks / 10) }, (_, i) => i),
    size.concurrency,
    async () => {
      const out = await timed('RunTask', () =>
        ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'bench', count: 10 })),
      );
      placed += out.tasks?.length ?? 0;
    },
  );
  const runSeconds = (performance.now() - runStart) / 1000;

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
  await pool(batches, size.concurrency, async (batch) => {
    await timed('DescribeTasks', () => ecs.send(new DescribeTasksCommand({ cluster, tasks: batch })));
  });
  await pool(arns, size.concurrency, async (task) => {
    await timed('StopTask', () => ecs.send(new StopTaskCommand({ cluster, task, reason: 'bench' })));
  });
  const seconds = (performance.now() - started) / 1000;
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
  };
}

export function printResult(r: WorkloadResult): void {
  console.log(
    `\n[${r.label}] ${r.size.instances} instances, ${r.placed}/${r.size.tasks} tasks placed, ` +
      `${r.requests} requests in ${fmt(r.seconds, 2)} s, concurrency ${r.size.concurrency}`,
  );
  console.log(
    `  tasks/s (RunTask phase): ${fmt(r.tasksPerSecond, 0)}   requests/s: ${fmt(r.requestsPerSecond, 0)}   ` +
      `server peak RSS: ${r.peakRssMiB ?? 'n/a'} MiB`,
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
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) return null;
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
  console.log('\n== ECS API: register instances, RunTask x10, DescribeTasks x100, StopTask ==');

  if (endpointIndex >= 0) {
    const url = argv[endpointIndex + 1];
    if (!url) throw new Error('--endpoint needs a URL');
    printResult(await runWorkload(`endpoint ${url}`, url, full));
    return;
  }

  const local = await startLocal();
  let localFull: WorkloadResult;
  let localCompare: WorkloadResult;
  try {
    localFull = await runWorkload('local', local.url, full, local.child.pid);
    printResult(localFull);
    localCompare = await runWorkload('local (comparison size)', local.url, compare, local.child.pid);
  } finally {
    await local.stop();
  }
  const p99 = localFull.latencies.p99('DescribeTasks');
  console.log(
    `  DescribeTasks p99 with ${localFull.placed} tasks held: ${fmt(p99, 2)} ms (target <= 10 ms: ${p99 <= 10 ? 'met' : 'MISSED'})`,
  );

  const moto = await startMoto();
  if (!moto) {
    console.log('\n[moto] moto_server not installed: comparison skipped');
    return;
  }
  try {
    const motoResult = await runWorkload('moto', moto.url, compare, moto.child.pid);
    printResult(motoResult);
    printResult(localCompare);
    const ratio = localCompare.requestsPerSecond / motoResult.requestsPerSecond;
    console.log(
      `\n  requests/s at ${compare.instances} instances / ${compare.tasks} tasks: local ${fmt(localCompare.requestsPerSecond, 0)}, ` +
        `moto ${fmt(motoResult.requestsPerSecond, 0)}, ratio ${fmt(ratio, 1)}x (target >= 5x: ${ratio >= 5 ? 'met' : 'MISSED'})`,
    );
  } finally {
    await moto.stop();
  }
}
