/**
 * `npm run bench -- --only scale-micro [-- --levels 1000,10000,100000] [--with-metrics]`: DescribeTasks(100) and
 * ListTasks with a containerInstance filter over HTTP against an in-process control plane (state
 * file on disk) holding 1k, 10k and 100k RUNNING tasks on 1,000 instances. Quick to set up: a few
 * hundred tasks are launched for real (RunTask: two containers with overrides, tags, unicode and
 * escaped strings; a tenth on Fargate with their network attachment), then copied under new task ids
 * onto the instances through the tasks collection in one transaction per level (written like
 * placement writes them, so the newest 20,000 are in the collection's cache, as on a real server).
 * Times are to the response's last byte (the client does not parse); CPU ms/call is the process's
 * CPU time (server and client, both in this process) per call, steadier than wall time on a shared
 * machine. A tool for profiling, not a target: `--profile FILE` writes a CPU profile of the timed
 * rounds at the last level alone (not the fill); `HELD_MICRO_KEEP=1` leaves the state file in place
 * (its path is printed) for experiments on the table itself.
 */
import { request, Agent } from 'node:http';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalControlPlane } from '../../src/local/index';
import { ecsCollections, type TaskRecord } from '../../src/local/ecs/model';
import { fmt, Latencies, table } from '../lib';

const INSTANCES = 1000;
const TEMPLATE = 500;

export async function benchScaleMicro(argv: string[]): Promise<void> {
  const at = argv.indexOf('--levels');
  const levels = (at >= 0 ? (argv[at + 1] ?? '') : '1000,10000,100000').split(',').map(Number);
  const profileAt = argv.indexOf('--profile');
  const profileTo = profileAt >= 0 ? argv[profileAt + 1] : undefined;
  const session = new Session();
  const dir = mkdtempSync(join(tmpdir(), 'held-micro-'));
  // The minute metrics (agent/metrics.ts) read every RUNNING task once a minute: put off to an hour
  // here, so that what is timed is the requests alone (`--with-metrics` keeps the minute).
  const plane = new LocalControlPlane({
    statePath: join(dir, 'state.sqlite'),
    taskStepMs: 20,
    ...(argv.includes('--with-metrics') ? {} : { metricsIntervalMs: 3_600_000 }),
  });
  const url = new URL(await plane.listen(0));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (target: string, body: string, contentType: string) =>
    new Promise<Buffer>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: '/',
          method: 'POST',
          headers: {
            'content-type': contentType,
            ...(target ? { 'x-amz-target': target } : {}),
            authorization: `AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/${
              target ? 'ecs' : 'ec2'
            }/aws4_request, SignedHeaders=host, Signature=0`,
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const all = Buffer.concat(chunks);
            if ((res.statusCode ?? 500) >= 400) reject(new Error(`${res.statusCode} ${all.toString()}`));
            else resolve(all);
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const raw = (action: string, input: unknown) =>
    send(`AmazonEC2ContainerServiceV20141113.${action}`, JSON.stringify(input), 'application/x-amz-json-1.1');
  const call = async <T>(action: string, input: unknown): Promise<T> =>
    JSON.parse((await raw(action, input)).toString()) as T;

  await call('CreateCluster', { clusterName: 'm' });
  await call('RegisterTaskDefinition', {
    family: 'web',
    containerDefinitions: [
      {
        name: 'app',
        image: 'busybox',
        cpu: 10,
        memory: 32,
        portMappings: [{ containerPort: 80, hostPort: 0 }],
        environment: [{ name: 'GREETING', value: 'héllo "wörld" \\ ✓' }],
      },
      { name: 'sidecar', image: 'busybox', cpu: 5, memory: 16, essential: false },
    ],
  });
  await call('RegisterTaskDefinition', {
    family: 'fg',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'web', image: 'httpd:2.4', portMappings: [{ containerPort: 8080 }] }],
  });
  const subnetsXml = (
    await send(
      '',
      'Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=default-for-az&Filter.1.Value.1=true',
      'application/x-www-form-urlencoded',
    )
  ).toString();
  const subnets = [...subnetsXml.matchAll(/<subnetId>([^<]+)<\/subnetId>/g)].map((m) => m[1] as string);
  const instances: string[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    const out = await call<{ containerInstance: { containerInstanceArn: string } }>(
      'RegisterContainerInstance',
      {
        cluster: 'm',
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 1_000_000 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 1_000_000 },
        ],
      },
    );
    instances.push(out.containerInstance.containerInstanceArn);
  }
  // The template: real tasks, RUNNING.
  const template: string[] = [];
  for (let i = 0; i < TEMPLATE / 10; i++) {
    const fargate = i % 10 === 9;
    const out = await call<{ tasks: { taskArn: string }[] }>('RunTask', {
      cluster: 'm',
      count: 10,
      startedBy: `bench-${i % 7}`,
      group: 'family:web',
      tags: [
        { key: 'team', value: `t${i % 3}` },
        { key: 'note', value: 'ünï café' },
      ],
      ...(fargate
        ? {
            taskDefinition: 'fg',
            launchType: 'FARGATE',
            networkConfiguration: { awsvpcConfiguration: { subnets: subnets.slice(0, 2) } },
          }
        : {
            taskDefinition: 'web',
            overrides: {
              containerOverrides: [
                {
                  name: 'app',
                  environment: [{ name: 'N', value: String(i) }],
                  command: ['sh', '-c', 'echo ✓'],
                },
              ],
              cpu: '64',
            },
          }),
    });
    template.push(...out.tasks.map((t) => t.taskArn));
  }
  const col = ecsCollections(plane.deps.db);
  for (;;) {
    const running = template.filter((arn) => col.tasks.get(arn)?.task.lastStatus === 'RUNNING').length;
    if (running === template.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const texts = template.map((arn) => JSON.stringify(col.tasks.get(arn)));
  const arns: string[] = [...template];
  const taskId = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

  const rows: Record<string, string | number>[] = [];
  for (const level of levels) {
    const t0 = performance.now();
    plane.deps.db.tx(() => {
      for (let n = arns.length; n < level; n++) {
        const source = n % template.length;
        const oldArn = template[source] as string;
        const newId = (0x10000000 + n).toString(16).padStart(8, '0') + taskId(oldArn).slice(8);
        let text = (texts[source] as string).replaceAll(taskId(oldArn), newId);
        const rec = JSON.parse(text) as TaskRecord;
        const oldInstance = rec.task.containerInstanceArn;
        if (oldInstance !== undefined) {
          text = text.replaceAll(oldInstance, instances[n % INSTANCES] as string);
        }
        const copy = JSON.parse(text) as TaskRecord;
        col.tasks.putShared(copy.task.taskArn, copy);
        arns.push(copy.task.taskArn);
      }
    });
    const built = performance.now() - t0;
    const lat = new Latencies();
    const time = async (name: string, fn: () => Promise<unknown>, n = 300) => {
      for (let i = 0; i < 20; i++) await fn(); // warm up
      const cpu = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        await fn();
        lat.record(name, performance.now() - s);
      }
      const used = process.cpuUsage(cpu);
      const sum = cpuMs.get(name) ?? { ms: 0, n: 0 };
      cpuMs.set(name, { ms: sum.ms + (used.user + used.system) / 1000, n: sum.n + n });
    };
    const cpuMs = new Map<string, { ms: number; n: number }>();
    const some = () => Array.from({ length: 100 }, () => arns[Math.floor(Math.random() * arns.length)]);
    const instance = () => instances[Math.floor(Math.random() * INSTANCES)];
    const profiling = profileTo !== undefined && level === levels[levels.length - 1];
    if (profiling) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    // Rounds taking turns, so that a disturbance (background work, GC of the writes) is shared out.
    for (let round = 0; round < 3; round++) {
      await time('DescribeTasks(100)', () => raw('DescribeTasks', { cluster: 'm', tasks: some() }), 100);
      await time(
        'DescribeTasks(100) TAGS',
        () => raw('DescribeTasks', { cluster: 'm', tasks: some(), include: ['TAGS'] }),
        100,
      );
      await time(
        'ListTasks containerInstance',
        () => raw('ListTasks', { cluster: 'm', containerInstance: instance() }),
        100,
      );
      await time('ListTasks', () => raw('ListTasks', { cluster: 'm' }), 100);
    }
    if (profiling) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(profileTo, JSON.stringify(profile));
      session.disconnect();
      console.log(`profile of the timed rounds at ${level} tasks: ${profileTo}`);
    }
    const rss = process.memoryUsage().rss / 2 ** 20;
    console.log(
      `${level} tasks held (${fmt(built, 0)} ms to write), RSS ${fmt(rss, 0)} MiB, state file ${fmt(
        statSync(join(dir, 'state.sqlite')).size / 2 ** 20,
        0,
      )} MiB`,
    );
    for (const r of lat.rows()) {
      rows.push({
        tasks: level,
        action: r.action,
        'p50 ms': fmt(r.p50, 3),
        'p99 ms': fmt(r.p99, 3),
        'CPU ms/call': fmt((cpuMs.get(r.action)?.ms ?? NaN) / (cpuMs.get(r.action)?.n ?? 1), 3),
      });
    }
  }
  console.log(table(rows));
  agent.destroy();
  await plane.stop();
  if (process.env.HELD_MICRO_KEEP) console.log(`state kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
