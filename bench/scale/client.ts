/**
 * What bench/scale talks to servers with: a lean ECS JSON caller (one keep-alive HTTP POST per call,
 * a SigV4-shaped Authorization header no local server verifies), the JS SDK workload (the same calls
 * in the same order as workload.py), and the servers themselves (ours, moto, the do-nothing one).
 */
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { launchEc2Instances } from '../ecs-api';
import {
  benchInstanceInput,
  freePort,
  Latencies,
  root,
  startEcsConsole,
  waitForUrl,
  type Started,
} from '../lib';

export { rawEcs, type EcsCaller, type Json } from '../lib';

/** Times each call under its action's name. */
export async function timed<T>(lat: Latencies, action: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    lat.record(action, performance.now() - t0);
  }
}

// ---------------------------------------------------------------------------------------------
// The workload, as workload.py runs it

export interface WorkloadFigures {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  clientCpuSeconds: number;
  /** Per action: count, mean, p50, p99 (ms). */
  actions: Record<string, { count: number; mean: number; p50: number; p99: number }>;
}

/** The boto3 client (python3 workload.py) against `endpoint`; null when boto3 is not installed. */
export function boto3Workload(
  endpoint: string,
  size: { instances: number; tasks: number },
  launchEc2: boolean,
): Promise<WorkloadFigures> {
  const args = [
    join(root, 'bench/scale/workload.py'),
    '--endpoint',
    endpoint,
    '--instances',
    String(size.instances),
    '--tasks',
    String(size.tasks),
    '--warm-up',
    ...(launchEc2 ? ['--launch-ec2'] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`workload.py exited with ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out) as WorkloadFigures);
    });
  });
}

export function boto3Installed(): boolean {
  const probe = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

function sdkClient(endpoint: string): ECSClient {
  return new ECSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 4 }) }),
  });
}

/** The same workload with the JS SDK, one request at a time. */
export async function sdkWorkload(
  endpoint: string,
  size: { instances: number; tasks: number },
  launchEc2: boolean,
): Promise<WorkloadFigures> {
  await sdkWorkloadOnce(endpoint, { instances: 10, tasks: 100 }, launchEc2); // warm-up
  return sdkWorkloadOnce(endpoint, size, launchEc2);
}

export async function sdkWorkloadOnce(
  endpoint: string,
  size: { instances: number; tasks: number },
  launchEc2: boolean,
): Promise<WorkloadFigures> {
  const ec2Ids = launchEc2 ? await launchEc2Instances(endpoint, size.instances) : null;
  const ecs = sdkClient(endpoint);
  const lat = new Latencies();
  const cluster = `bench-${randomBytes(3).toString('hex')}`;
  const prefix = randomBytes(4).toString('hex');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    await timed(lat, 'CreateCluster', () => ecs.send(new CreateClusterCommand({ clusterName: cluster })));
    await timed(lat, 'RegisterTaskDefinition', () =>
      ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'bench',
          containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 10, memory: 32, essential: true }],
        }),
      ),
    );
    for (let i = 0; i < size.instances; i++) {
      const instanceId = ec2Ids?.[i] ?? `i-${prefix}${i.toString(16).padStart(9, '0')}`;
      await timed(lat, 'RegisterContainerInstance', () =>
        ecs.send(new RegisterContainerInstanceCommand(benchInstanceInput(cluster, instanceId, i))),
      );
    }
    let placed = 0;
    while (placed < size.tasks) {
      const out = await timed(lat, 'RunTask', () =>
        ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'bench', count: 10 })),
      );
      if (!out.tasks?.length) throw new Error(`RunTask placed nothing: ${JSON.stringify(out.failures)}`);
      placed += out.tasks.length;
    }
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await timed(lat, 'ListTasks', () =>
        ecs.send(new ListTasksCommand({ cluster, maxResults: 100, nextToken })),
      );
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    let described = 0;
    for (let i = 0; i < arns.length; i += 100) {
      const out = await timed(lat, 'DescribeTasks', () =>
        ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) })),
      );
      described += out.tasks?.length ?? 0;
    }
    if (arns.length !== placed || described !== placed)
      throw new Error(`${placed} placed, ${arns.length} listed, ${described} described`);
    for (const task of arns) {
      await timed(lat, 'StopTask', () => ecs.send(new StopTaskCommand({ cluster, task, reason: 'bench' })));
    }
  } finally {
    ecs.destroy();
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const actions: WorkloadFigures['actions'] = {};
  for (const r of lat.rows()) actions[r.action] = { count: r.count, mean: r.mean, p50: r.p50, p99: r.p99 };
  return {
    requests: lat.total,
    seconds,
    requestsPerSecond: lat.total / seconds,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    actions,
  };
}

// ---------------------------------------------------------------------------------------------
// Servers

/** `noop-shaped`: the do-nothing endpoint answering with ECS-shaped tasks and instances (noop-server.mjs). */
/** `noop-stored`: it, keeping each task as a row of an in-memory SQLite table (a floor for storing). */
export type ServerKind = 'noop' | 'noop-shaped' | 'noop-stored' | 'moto' | 'ours';

export interface LocalServerOptions {
  taskStepMs?: number;
  state?: string;
  extra?: string[];
  /** Node options for the server process (e.g. --cpu-prof). */
  nodeOptions?: string;
}

/**
 * The ecs-console the bench starts as "ours": this checkout's, or another checkout's
 * (`--server-root DIR`, e.g. the main branch, for before/after figures from one bench).
 */
export const ours = { bin: join(root, 'bin/ecs-console.mjs') };

export async function startOurs(options: LocalServerOptions = {}): Promise<Started> {
  const args = [
    'local',
    '--port',
    '0',
    ...(options.state ? ['--state', options.state] : ['--ephemeral']),
    '--task-step-ms',
    String(options.taskStepMs ?? 200),
    ...(options.extra ?? []),
  ];
  const before = process.env['NODE_OPTIONS'];
  if (options.nodeOptions) process.env['NODE_OPTIONS'] = options.nodeOptions;
  try {
    return await startEcsConsole(args, /listening on (http:\/\/\S+)/, ours.bin);
  } finally {
    if (options.nodeOptions) {
      if (before === undefined) delete process.env['NODE_OPTIONS'];
      else process.env['NODE_OPTIONS'] = before;
    }
  }
}

export function motoInstalled(): boolean {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

export async function startMoto(): Promise<Started> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return waitForUrl(child, /Running on (http:\/\/127\.0\.0\.1:\d+)/);
}

export async function startNoop(shaped: boolean | 'stored' = false): Promise<Started> {
  const mode = shaped === 'stored' ? ['--stored'] : shaped ? ['--shaped'] : [];
  const args = [join(root, 'bench/scale/noop-server.mjs'), ...mode];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return waitForUrl(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
}

export function startServer(kind: ServerKind): Promise<Started> {
  if (kind === 'noop-stored') return startNoop('stored');
  if (kind === 'noop' || kind === 'noop-shaped') return startNoop(kind === 'noop-shaped');
  return kind === 'moto' ? startMoto() : startOurs();
}

/** Current resident set size of a process (VmRSS), in MiB; null where /proc is missing. */
export function rssMiB(pid: number | undefined): number | null {
  return procStatusMiB(pid, 'VmRSS');
}

/** The peak resident set size of a process so far (VmHWM), in MiB; null where /proc is missing. */
export function peakRssMiB(pid: number | undefined): number | null {
  return procStatusMiB(pid, 'VmHWM');
}

function procStatusMiB(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | null {
  if (!pid) return null;
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** The state file's size with its write-ahead log, in MiB. */
export function stateFileMiB(path: string): number {
  let bytes = 0;
  for (const p of [path, `${path}-wal`]) {
    try {
      bytes += statSync(p).size;
    } catch {
      // absent
    }
  }
  return bytes / 1024 / 1024;
}
