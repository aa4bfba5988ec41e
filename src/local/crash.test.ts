/**
 * Nothing lost: the control plane runs as a child process (`ecs-console local`), services are scaled
 * up and down (and rolled to new task definition revisions) while the process is killed with
 * SIGKILL at random moments (seeded), then restarted on the same state file. Checked after every
 * kill, on the state file itself: every booking is counted once (registered - remaining == what
 * the unstopped tasks hold, per instance), no two tasks hold the same host port, and the counters
 * and lookup keys kept next to the records (ecs/counts.ts) are exactly what the records derive. Checked after
 * every restart, through the API: every acknowledged write is there. At the end: every service
 * converges to its desired count with a steady-state event, and every RUNNING task's ports answer.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { clientSettings } from '../testing/plane';
import { mulberry32 } from '../testing/random';
import { startLocalPlane, type RunningProcess } from '../testing/process';
import { instanceCounters, serviceCounters, taskCounters, taskLookups, taskMember } from './ecs/counts';
import type { ContainerInstanceRecord, ServiceRecord, TaskRecord } from './ecs/model';
import { remainingResourcesPart } from './ecs/instance-json';

const SEED = Number(process.env.CRASH_SEED ?? 20261125);
const CYCLES = 6;
const CLUSTER = 'crash';
const SERVICES = { dyn: { max: 9 }, fixed: { max: 3 } } as const;
type ServiceName = keyof typeof SERVICES;

const dir = mkdtempSync(join(tmpdir(), 'ecs-console-crash-'));
const state = join(dir, 'state.sqlite');
/** The running control plane; null once killed. */
let plane: RunningProcess | null = null;
let stderrTail = (): string[] => [];

afterAll(() => {
  plane?.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startChild(): Promise<ECSClient> {
  plane = await startLocalPlane(state);
  stderrTail = plane.stderrTail;
  return new ECSClient(clientSettings(plane.url));
}

async function killChild(): Promise<void> {
  const p = plane;
  plane = null;
  await p?.stop();
}

// ------------------------------------------------------------------------------------------------
// Invariants on the state file

interface Snapshot {
  tasks: TaskRecord[];
  instances: ContainerInstanceRecord[];
  /** Counters and lookup keys as stored, against what the records derive (one line per difference). */
  derivedProblems: string[];
}

function readState(): Snapshot {
  const db = new Database(state, { readonly: true });
  try {
    const docs = <T>(table: string) =>
      (db.prepare(`SELECT doc FROM ${table}`).all() as { doc: string }[]).map((r) => JSON.parse(r.doc) as T);
    const tasks = docs<TaskRecord>('c_ecs_tasks');
    // An instance's remaining resources live in a side row once a booking changed them (Collection `part`).
    const instances = (
      db
        .prepare(
          `SELECT doc, (SELECT part FROM c_ecs_container_instances_part p WHERE p.id = i.id) AS part FROM c_ecs_container_instances i`,
        )
        .all() as { doc: string; part: string | null }[]
    ).map((r) => {
      const doc = JSON.parse(r.doc) as ContainerInstanceRecord;
      return r.part === null ? doc : remainingResourcesPart.with(doc, JSON.parse(r.part));
    });
    const derivedProblems = [
      ...derivedDiff(db, 'c_ecs_tasks', tasks, taskCounters, taskLookups, (t) =>
        taskMember(t, t.task.taskArn),
      ),
      ...derivedDiff(
        db,
        'c_ecs_container_instances',
        instances,
        instanceCounters,
        () => [],
        (i) => i.containerInstance.containerInstanceArn,
      ),
      ...derivedDiff(
        db,
        'c_ecs_services',
        docs<ServiceRecord>('c_ecs_services'),
        serviceCounters,
        () => [],
        (x) => x.service.serviceArn,
      ),
    ];
    return { tasks, instances, derivedProblems };
  } finally {
    db.close();
  }
}

/** The stored counters and lookup pairs of a table against those its documents derive. */
function derivedDiff<T>(
  db: Database.Database,
  table: string,
  docs: T[],
  counters: (doc: T) => readonly string[],
  lookups: (doc: T) => readonly string[],
  idOf: (doc: T) => string,
): string[] {
  const want = new Map<string, number>();
  for (const d of docs) for (const k of counters(d)) want.set(k, (want.get(k) ?? 0) + 1);
  const have = new Map(
    (db.prepare(`SELECT key, n FROM ${table}_count`).all() as { key: string; n: number }[]).map((r) => [
      r.key,
      r.n,
    ]),
  );
  const problems: string[] = [];
  for (const k of new Set([...want.keys(), ...have.keys()])) {
    if ((want.get(k) ?? 0) !== (have.get(k) ?? 0))
      problems.push(`${table} counter ${k}: stored ${have.get(k) ?? 0}, records say ${want.get(k) ?? 0}`);
  }
  const wantPairs = new Set(docs.flatMap((d) => lookups(d).map((k) => `${k} ${idOf(d)}`)));
  const havePairs = new Set(
    (db.prepare(`SELECT key, id FROM ${table}_lookup`).all() as { key: string; id: string }[]).map(
      (r) => `${r.key} ${r.id}`,
    ),
  );
  for (const pair of wantPairs) if (!havePairs.has(pair)) problems.push(`${table} lookup missing: ${pair}`);
  for (const pair of havePairs) if (!wantPairs.has(pair)) problems.push(`${table} lookup stale: ${pair}`);
  return problems;
}

type Resources = ContainerInstanceRecord['containerInstance']['registeredResources'];
const integer = (r: Resources, name: string) => r?.find((x) => x.name === name)?.integerValue ?? 0;
const ports = (r: Resources, name: string) => new Set(r?.find((x) => x.name === name)?.stringSetValue ?? []);

/** Every booking counted once; no host port held twice; no served address:port shared. */
function bookingProblems(s: Snapshot): string[] {
  const problems: string[] = [];
  const served = new Map<string, string>();
  for (const inst of s.instances) {
    const ci = inst.containerInstance;
    const live = s.tasks.filter(
      (t) => t.task.containerInstanceArn === ci.containerInstanceArn && t.task.lastStatus !== 'STOPPED',
    );
    const name = ci.containerInstanceArn.slice(-8);
    const cpu = integer(ci.registeredResources, 'CPU') - integer(ci.remainingResources, 'CPU');
    const mem = integer(ci.registeredResources, 'MEMORY') - integer(ci.remainingResources, 'MEMORY');
    const wantCpu = live.reduce((n, t) => n + t.reservedCpu, 0);
    const wantMem = live.reduce((n, t) => n + t.reservedMemory, 0);
    if (cpu !== wantCpu) problems.push(`${name}: CPU booked ${cpu}, tasks hold ${wantCpu}`);
    if (mem !== wantMem) problems.push(`${name}: MEMORY booked ${mem}, tasks hold ${wantMem}`);
    const reserved = ports(ci.registeredResources, 'PORTS');
    const booked = [...ports(ci.remainingResources, 'PORTS')].filter((p) => !reserved.has(p)).sort();
    const held = live.flatMap((t) =>
      t.ports.filter((p) => p.protocol === 'tcp').map((p) => String(p.hostPort)),
    );
    if (new Set(held).size !== held.length)
      problems.push(`${name}: a host port is held by two tasks: ${held}`);
    if (JSON.stringify([...new Set(held)].sort()) !== JSON.stringify(booked)) {
      problems.push(`${name}: PORTS booked ${booked}, tasks hold ${held.sort()}`);
    }
    for (const t of live.filter((x) => x.task.lastStatus === 'RUNNING')) {
      for (const c of t.task.containers ?? []) {
        for (const b of c.networkBindings ?? []) {
          const key = `${b.bindIP === '0.0.0.0' ? inst.address : b.bindIP}:${b.hostPort}/${b.protocol}`;
          const other = served.get(key);
          if (other) problems.push(`${key} served by two RUNNING tasks: ${other} and ${t.task.taskArn}`);
          served.set(key, t.task.taskArn);
        }
      }
    }
  }
  return problems;
}

const countStatuses = (s: Snapshot): string => {
  const n = new Map<string, number>();
  for (const t of s.tasks) n.set(t.task.lastStatus, (n.get(t.task.lastStatus) ?? 0) + 1);
  return [...n].map(([k, v]) => `${k} ${v}`).join(', ');
};

// ------------------------------------------------------------------------------------------------

/** What the test knows the server acknowledged (and the one write in flight when it was killed). */
const acked = {
  desired: { dyn: 2, fixed: 1 } as Record<ServiceName, number>,
  inDoubt: {} as Partial<Record<ServiceName, number>>,
  taskDefinitions: new Set<string>(),
  latestDyn: '',
};

/** Container instance ARN -> the address its ports are served on. */
const addressOf = new Map<string, string>();

async function setUp(ecs: ECSClient) {
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  for (let i = 0; i < 3; i++) {
    // The instance's address comes from its identity document, as the agent sends it.
    const privateIp = `127.2.250.${i + 1}`;
    const out = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: CLUSTER,
        instanceIdentityDocument: JSON.stringify({
          instanceId: `i-0c0ffee00000000${i}`,
          region: 'us-east-1',
          instanceType: 'm5.large',
          availabilityZone: 'us-east-1a',
          privateIp,
        }),
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 2048 },
        ],
      }),
    );
    addressOf.set(out.containerInstance?.containerInstanceArn ?? '', privateIp);
  }
  const dyn = await registerDyn(ecs);
  const fixed = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'crash-fixed',
      containerDefinitions: [
        {
          name: 'web',
          image: 'nginx:1.27',
          cpu: 32,
          memory: 64,
          portMappings: [{ containerPort: 80, hostPort: 18480 }],
        },
      ],
    }),
  );
  acked.taskDefinitions.add(fixed.taskDefinition?.taskDefinitionArn as string);
  await ecs.send(
    new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'dyn', taskDefinition: dyn, desiredCount: 2 }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: 'fixed',
      taskDefinition: 'crash-fixed',
      desiredCount: 1,
    }),
  );
}

async function registerDyn(ecs: ECSClient): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'crash-dyn',
      containerDefinitions: [
        {
          name: 'web',
          image: 'httpd:2.4',
          cpu: 64,
          memory: 128,
          portMappings: [{ containerPort: 80, hostPort: 0 }],
        },
      ],
    }),
  );
  const arn = out.taskDefinition?.taskDefinitionArn as string;
  acked.taskDefinitions.add(arn);
  acked.latestDyn = arn;
  return arn;
}

/** Scales and rolls until the process dies; returns how many writes were acknowledged. */
async function chaos(ecs: ECSClient, rand: () => number, until: Promise<unknown>): Promise<number> {
  let dead = false;
  void until.then(() => (dead = true));
  let done = 0;
  while (!dead) {
    const pick = rand();
    const service: ServiceName = pick < 0.55 ? 'dyn' : 'fixed';
    try {
      if (pick > 0.9) {
        await registerDyn(ecs);
        await ecs.send(
          new UpdateServiceCommand({ cluster: CLUSTER, service: 'dyn', taskDefinition: acked.latestDyn }),
        );
      } else {
        const count = Math.floor(rand() * (SERVICES[service].max + 1));
        acked.inDoubt[service] = count;
        await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service, desiredCount: count }));
        acked.desired[service] = count;
        delete acked.inDoubt[service];
      }
      done++;
    } catch (err) {
      if (!dead && plane) throw err;
    }
    await new Promise((r) => setTimeout(r, rand() * 40));
  }
  return done;
}

async function checkAcknowledged(ecs: ECSClient) {
  const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['dyn', 'fixed'] }));
  for (const s of out.services ?? []) {
    const name = s.serviceName as ServiceName;
    const allowed = [acked.desired[name], acked.inDoubt[name]].filter((n) => n !== undefined);
    expect(allowed, `desiredCount of ${name}`).toContain(s.desiredCount);
    acked.desired[name] = s.desiredCount as number;
    delete acked.inDoubt[name];
  }
  for (const arn of acked.taskDefinitions) {
    const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
    expect(td.taskDefinition?.taskDefinitionArn).toBe(arn);
  }
}

async function converged(ecs: ECSClient, since: number): Promise<string[]> {
  const waiting: string[] = [];
  const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['dyn', 'fixed'] }));
  for (const s of out.services ?? []) {
    const running = await ecs.send(
      new ListTasksCommand({ cluster: CLUSTER, serviceName: s.serviceName, desiredStatus: 'RUNNING' }),
    );
    const arns = running.taskArns ?? [];
    const described = arns.length
      ? ((await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks ?? [])
      : [];
    const runningNow = described.filter((t) => t.lastStatus === 'RUNNING').length;
    const steady = (s.events ?? []).some(
      (e) =>
        e.message === `(service ${s.serviceName}) has reached a steady state.` &&
        (e.createdAt?.getTime() ?? 0) >= since,
    );
    if (
      runningNow !== s.desiredCount ||
      described.length !== s.desiredCount ||
      s.deployments?.length !== 1 ||
      !steady
    ) {
      waiting.push(
        `${s.serviceName}: desired ${s.desiredCount}, running ${runningNow}/${described.length}, ` +
          `deployments ${s.deployments?.length}, steady event ${steady}`,
      );
    }
  }
  return waiting;
}

it('loses no acknowledged write, books nothing twice and converges across SIGKILLs', async () => {
  const started = Date.now();
  const rand = mulberry32(SEED);
  let ecs = await startChild();
  await setUp(ecs);
  let writes = 0;
  const statusesAtKills: string[] = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const killAfter = 150 + Math.floor(rand() * 750);
    const killed = new Promise<void>((resolve) =>
      setTimeout(() => void killChild().then(resolve), killAfter),
    );
    writes += await chaos(ecs, rand, killed);
    await killed;
    ecs.destroy();
    const snap = readState();
    expect(bookingProblems(snap).join('\n'), `after kill ${cycle + 1} (${killAfter} ms)`).toBe('');
    expect(snap.derivedProblems.join('\n'), `counters after kill ${cycle + 1}`).toBe('');
    statusesAtKills.push(countStatuses(snap));
    ecs = await startChild();
    await checkAcknowledged(ecs);
  }

  // Final, acknowledged scale (a change for both, so both must act and then report a steady
  // state again); then everything must converge on the restarted process.
  const since = Math.floor(Date.now() / 1000) * 1000;
  const final = { dyn: acked.desired.dyn === 5 ? 4 : 5, fixed: acked.desired.fixed === 2 ? 3 : 2 };
  await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'dyn', desiredCount: final.dyn }));
  await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'fixed', desiredCount: final.fixed }));
  const until = Date.now() + 25_000;
  let waiting = await converged(ecs, since);
  while (waiting.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    waiting = await converged(ecs, since);
  }
  expect(waiting.join('\n'), stderrTail().join('\n')).toBe('');

  // Every RUNNING task's ports answer with its own page (read through the API: the state file is
  // locked by its owning process while it runs).
  const runningArns =
    (await ecs.send(new ListTasksCommand({ cluster: CLUSTER, desiredStatus: 'RUNNING' }))).taskArns ?? [];
  const described = runningArns.length
    ? ((await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: runningArns }))).tasks ?? [])
    : [];
  const running = described.filter((t) => t.lastStatus === 'RUNNING');
  expect(running).toHaveLength(final.dyn + final.fixed);
  for (const t of running) {
    for (const b of t.containers?.flatMap((c) => c.networkBindings ?? []) ?? []) {
      const host = b.bindIP === '0.0.0.0' ? addressOf.get(t.containerInstanceArn ?? '') : b.bindIP;
      const res = await fetch(`http://${host}:${b.hostPort}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(t.taskArn);
    }
  }
  ecs.destroy();
  await killChild();
  const snap = readState();
  expect(bookingProblems(snap).join('\n')).toBe('');
  expect(snap.derivedProblems.join('\n')).toBe('');
  expect(snap.tasks.filter((t) => t.task.lastStatus === 'RUNNING')).toHaveLength(final.dyn + final.fixed);
  console.log(
    `crash test: seed ${SEED}, ${CYCLES} SIGKILLs, ${writes} acknowledged writes, ` +
      `${acked.taskDefinitions.size} task definitions, converged in ${Date.now() - started} ms total`,
  );
  console.log(`tasks by lastStatus at each kill:\n  ${statusesAtKills.join('\n  ')}`);
}, 90_000);
