// The framing alone: what a request costs the server between the socket and a handler and back,
// with no store behind it. Two servers in child processes answer the workload's calls with the same
// canned ECS-shaped answers: `floor` (plain node:http, as noop-server.mjs reads and writes) and
// `ours` (AwsEndpoint.handle with the ECS model's input checks, as `ecs-console local` serves it,
// the handlers stubbed). A raw keep-alive client (no SDK: its own CPU stays small) sends the JS
// SDK's request bytes one at a time, in the workload's mix (per 122 requests: 100 StopTask, 10
// RunTask(10), 10 RegisterContainerInstance, 1 ListTasks(100), 1 DescribeTasks(100)), and reads the
// server process's CPU (/proc/PID/stat) per request.
//
//   node bin/run-ts.mjs bench/scale/framing-micro.ts [--requests N] [--rounds R] floor ours
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processCpuMs } from '../lib';

const REGION = 'us-east-1';
const arn = (r: string) => `arn:aws:ecs:${REGION}:000000000000:${r}`;
const TARGET = 'AmazonEC2ContainerServiceV20141113';

/** A task as ours answers StopTask (RUNNING, desired STOPPED), ~1.5 KB of JSON. */
function task(i: number, stopped: boolean) {
  const id = i.toString(16).padStart(32, '0');
  const taskArn = arn(`task/bench/${id}`);
  return {
    attachments: [],
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: 'us-east-1a',
    clusterArn: arn('cluster/bench'),
    connectivity: 'CONNECTED',
    connectivityAt: 1765000000.123,
    containerInstanceArn: arn('container-instance/bench/2f4e3d8a78a02fc44c68fdde8066b6fa'),
    containers: [
      {
        containerArn: arn(`container/bench/${id}/33ab1f74-07f5-4806-8d9e-978c9a9958dc`),
        taskArn,
        name: 'app',
        image: 'busybox',
        lastStatus: 'RUNNING',
        networkBindings: [],
        networkInterfaces: [],
        cpu: '10',
        memory: '32',
        runtimeId: 'f'.repeat(64),
      },
    ],
    cpu: '10',
    createdAt: 1765000000.123,
    desiredStatus: stopped ? 'STOPPED' : 'RUNNING',
    enableExecuteCommand: false,
    group: 'family:bench',
    lastStatus: 'RUNNING',
    launchType: 'EC2',
    memory: '32',
    overrides: { containerOverrides: [{ name: 'app' }], inferenceAcceleratorOverrides: [] },
    pullStartedAt: 1765000000.2,
    pullStoppedAt: 1765000000.3,
    startedAt: 1765000000.4,
    taskArn,
    taskDefinitionArn: arn('task-definition/bench:1'),
    version: stopped ? 3 : 2,
    ...(stopped ? { stopCode: 'UserInitiated', stoppedReason: 'bench', stoppingAt: 1765000001.5 } : {}),
  };
}

const ANSWERS: Record<string, () => unknown> = {
  StopTask: () => ({ task: task(7, true) }),
  RunTask: () => ({ tasks: Array.from({ length: 10 }, (_, i) => task(i, false)), failures: [] }),
  ListTasks: () => ({
    taskArns: Array.from({ length: 100 }, (_, i) => task(i, false).taskArn),
    nextToken: 'x',
  }),
  DescribeTasks: () => ({ tasks: Array.from({ length: 100 }, (_, i) => task(i, false)), failures: [] }),
  RegisterContainerInstance: () => ({
    containerInstance: {
      containerInstanceArn: arn('container-instance/bench/2f4e3d8a78a02fc44c68fdde8066b6fa'),
      ec2InstanceId: 'i-0123456789abcdef0',
      status: 'ACTIVE',
      agentConnected: true,
      attributes: Array.from({ length: 50 }, (_, i) => ({ name: `com.amazonaws.ecs.capability.c${i}` })),
    },
  }),
};

// ---------------------------------------------------------------------------------------------
// Servers (child processes)

function floorServer() {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const action = target.slice(target.lastIndexOf('.') + 1);
      const body = Buffer.concat(chunks).toString('utf8');
      if (body) JSON.parse(body);
      const out = JSON.stringify(ANSWERS[action]?.() ?? {});
      res.writeHead(200, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(out),
        'x-amzn-requestid': '2f4e3d8a-78a0-2fc4-4c68-fdde8066b6fa',
      });
      res.end(out);
    });
  });
}

async function oursServer() {
  const { AwsEndpoint } = await import('../../src/local/protocol/endpoint');
  const { answerClientError } = await import('../../src/local/protocol/client-error');
  const { model } = await import('../../src/local/ecs/shapes.gen');
  const { ecsValidation } = await import('../../src/local/protocol/model/validation-styles');
  const { JsonBytes } = await import('../../src/local/protocol/json-body');
  const actions = Object.fromEntries(Object.entries(ANSWERS).map(([k, f]) => [k, () => f()]));
  // FRAMING_KEPT=1: StopTask answers its task as bytes already made (json-body.ts JsonBytes), as a
  // quiet StopTask of ecs-console does: the answer goes out in pieces (`AwsResponse.parts`).
  if (process.env['FRAMING_KEPT'] === '1')
    actions['StopTask'] = () => ({ task: new JsonBytes(Buffer.from(JSON.stringify(task(7, true)))) });
  const endpoint = new AwsEndpoint([{ id: 'ecs', model, validation: ecsValidation, actions }], {
    accountId: '000000000000',
    defaultRegion: REGION,
  });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    endpoint.handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(400).end();
    });
  });
  server.on('clientError', answerClientError);
  return server;
}

async function serve(kind: string): Promise<void> {
  const server = kind === 'floor' ? floorServer() : await oursServer();
  server.keepAliveTimeout = 60_000;
  process.on('SIGINT', () => process.exit(0));
  server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
    const addr = server.address();
    console.log(typeof addr === 'object' && addr ? addr.port : 0);
  });
}

// ---------------------------------------------------------------------------------------------
// The client

function request(action: string, body: string): Buffer {
  const sha = 'df3145a15a8ce59c2bbe57e5e81ed604258de500bf602b83159a88bdb23c322c';
  return Buffer.from(
    'POST / HTTP/1.1\r\ncontent-type: application/x-amz-json-1.1\r\n' +
      `x-amz-target: ${TARGET}.${action}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      'x-amz-user-agent: aws-sdk-js/3.1163.0\r\nuser-agent: aws-sdk-js/3.1163.0 ua/2.1 os/linux#6.18.44 ' +
      'lang/js md/nodejs#20.20.2 api/ecs#3.1163.0 m/N,E,e\r\nhost: 127.0.0.1:47950\r\n' +
      'amz-sdk-invocation-id: f5955131-865b-4512-946a-469c5c5d318e\r\namz-sdk-request: attempt=1; max=3\r\n' +
      `x-amz-date: 20261206T082426Z\r\nx-amz-content-sha256: ${sha}\r\n` +
      'authorization: AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/ecs/aws4_request, ' +
      'SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;' +
      'x-amz-content-sha256;x-amz-date;x-amz-target;x-amz-user-agent, ' +
      'Signature=a51e0ba37cbd5c515b00f13bf9480b31203f5ecdc518d692b22fcc50e84f9b55\r\n' +
      `Connection: keep-alive\r\n\r\n${body}`,
  );
}

/** The workload's mix, 122 requests. */
function mix(): Buffer[] {
  const t = (i: number) => task(i, false).taskArn;
  const out: Buffer[] = [];
  for (let i = 0; i < 10; i++) {
    out.push(
      request(
        'RegisterContainerInstance',
        JSON.stringify({
          cluster: 'bench',
          instanceIdentityDocument: JSON.stringify({ instanceId: `i-${i}`, region: REGION }),
          instanceIdentityDocumentSignature: 'bench',
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
          ],
        }),
      ),
    );
    out.push(request('RunTask', JSON.stringify({ cluster: 'bench', taskDefinition: 'bench', count: 10 })));
  }
  out.push(request('ListTasks', JSON.stringify({ cluster: 'bench', maxResults: 100 })));
  out.push(
    request(
      'DescribeTasks',
      JSON.stringify({ cluster: 'bench', tasks: Array.from({ length: 100 }, (_, i) => t(i)) }),
    ),
  );
  for (let i = 0; i < 100; i++)
    out.push(request('StopTask', JSON.stringify({ cluster: 'bench', task: t(i), reason: 'bench' })));
  return out;
}

/** The process's CPU time in ms: user + system, or user alone. */
const cpuMs = (pid: number, userOnly = false) => processCpuMs(pid, userOnly) ?? NaN;

/** Sends `n` requests one at a time; resolves with the seconds taken. */
function drive(port: number, n: number, requests: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let sent = 0;
    let buf: Buffer = Buffer.alloc(0);
    let t0 = 0;
    const next = () => {
      if (sent === n) {
        socket.end();
        resolve((performance.now() - t0) / 1000);
        return;
      }
      socket.write(requests[sent++ % requests.length] as Buffer);
    };
    socket.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const m = /content-length: (\d+)/i.exec(head);
        if (!m || !head.startsWith('HTTP/1.1 200')) return reject(new Error(head));
        const total = end + 4 + Number(m[1]);
        if (buf.length < total) return;
        buf = buf.subarray(total);
        next();
      }
    });
    socket.on('error', reject);
    socket.on('connect', () => {
      t0 = performance.now();
      next();
    });
  });
}

async function start(kind: string, root: string): Promise<{ port: number; pid: number; stop(): void }> {
  const self = join(root, 'bench/scale/framing-micro.ts');
  const runTs = join(root, 'bin/run-ts.mjs');
  const child = spawn(process.execPath, [runTs, self, '--serve', kind], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { port, pid: child.pid ?? 0, stop: () => child.kill() };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : dflt;
};
if (args[0] === '--serve') {
  await serve(args[1] ?? 'ours');
} else {
  // Each server is KIND or KIND@ROOT (ROOT: another checkout whose framing-micro.ts serves it). All
  // run at once and take turns, a batch of requests each per round, so a change in the machine's
  // load falls on all of them alike.
  const n = opt('--requests', 12_200);
  const rounds = opt('--rounds', 10);
  const requests = mix();
  const here = fileURLToPath(new URL('../..', import.meta.url));
  const servers = [];
  for (const spec of args) {
    const [kind = 'ours', root = here] = spec.split('@');
    // `given`: a server started by hand (`--serve KIND` under --cpu-prof), PORT and PID in the environment.
    const s =
      kind === 'given'
        ? {
            port: Number(process.env['PORT']),
            pid: Number(process.env['PID']),
            stop: () => process.kill(Number(process.env['PID']), 'SIGINT'),
          }
        : await start(kind, root);
    await drive(s.port, 5_000, requests); // warm-up
    servers.push({ spec, s, us: [] as number[], user: [] as number[], rps: [] as number[] });
  }
  for (let r = 0; r < rounds; r++) {
    for (const v of servers) {
      const c0 = cpuMs(v.s.pid);
      const u0 = cpuMs(v.s.pid, true);
      const seconds = await drive(v.s.port, n, requests);
      v.us.push(((cpuMs(v.s.pid) - c0) * 1000) / n);
      v.user.push(((cpuMs(v.s.pid, true) - u0) * 1000) / n);
      v.rps.push(n / seconds);
    }
  }
  for (const v of servers) {
    v.s.stop();
    const us = v.us.map((x) => x.toFixed(1)).join(' ');
    console.log(
      `${v.spec}: median ${median(v.us).toFixed(1)} us (user ${median(v.user).toFixed(1)}), ${median(v.rps).toFixed(0)} req/s; rounds: ${us}`,
    );
  }
  if (servers.length === 2) {
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const d = a.us.map((x, i) => (b.us[i] as number) - x);
    console.log(
      `second - first, per round: median ${median(d).toFixed(1)} us (${d.map((x) => x.toFixed(1)).join(' ')})`,
    );
  }
  process.exit(0);
}
