/**
 * Fuzzing the ECS endpoint over HTTP: thousands of seeded random and malformed requests to every
 * action (wrong types at any depth, missing and unknown members, huge strings, bad JSON, non-object
 * bodies, unknown actions and actions named after Object.prototype members, prototype names as keys
 * at any depth, every HTTP method, nesting beyond the endpoint's limit, missing auth). Checked for every request: no status >= 500; every error
 * is AWS-shaped ({__type, message}); and a rejected request leaves the stored state byte for byte
 * as it was (the whole SQLite database is compared, which covers every List/Describe answer).
 *
 * The control plane's background parts (agent, scheduler) are not started, so only requests change
 * state. Set FUZZ_SEED to replay a run, FUZZ_REQUESTS to change its length.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOTYPE_NAMES, setOwn } from '../common/safe-object';
import { mulberry32 } from '../../testing/random';
import { LocalControlPlane } from '../index';
import { ECS_ACTIONS } from './provider';
import type { Member, Shape } from '../protocol/model/types';
import { model } from './shapes.gen';

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5000);
const TARGET = 'AmazonEC2ContainerServiceV20141113';
const AUTH =
  'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=0';
const ARN = 'arn:aws:ecs:us-east-1:000000000000';
const MAX_BODY = 7 * 1024 * 1024;

class Gen {
  constructor(readonly random: () => number) {}
  chance(p: number): boolean {
    return this.random() < p;
  }
  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

/** Values that hit real resources and the edges of the rules. */
const STRINGS = [
  'default',
  'fuzz',
  'fuzz-td',
  'fuzz-td:1',
  'fuzz-td:2',
  'web',
  'app',
  'nginx:latest',
  'httpd:2.4',
  '',
  ' ',
  'a b',
  'x'.repeat(256),
  '../../etc/passwd',
  'ünïcødé',
  '\u0000',
  '😀',
  'memberOf',
  'distinctInstance',
  'attribute:ecs.instance-type == t2.micro',
  'attribute:x ==',
  '((((',
  'cpu',
  'memory',
  'instanceId',
  'TAGS',
  'ACTIVE',
  'DRAINING',
  'INACTIVE',
  'RUNNING',
  'STOPPED',
  'EC2',
  'FARGATE',
  'awsvpc',
  'tcp',
  'aws:reserved',
  'arn:',
  'arn:aws:ecs:us-east-1:000000000000:',
  `${ARN}:cluster/fuzz`,
  `${ARN}:cluster/none`,
  `${ARN}:task-definition/fuzz-td:1`,
  `${ARN}:service/fuzz/web`,
  `${ARN}:task/fuzz/0123456789abcdef0123456789abcdef`,
  `${ARN}:container-instance/fuzz/0123456789abcdef0123456789abcdef`,
  'arn:aws:ecs:eu-west-1:111111111111:cluster/fuzz',
  '{"instanceId":"i-0123456789abcdef0","privateIp":"127.0.0.1"}',
  '{"instanceId": 5}',
  'eyJhIjoiYiIsInEiOiJ4In0',
  'ecs-svc/1234567890123456789',
  'EXTERNAL',
  'CODE_DEPLOY',
  'ROLLBACK',
  'containerInsights',
  'enabled',
  'enhanced',
  'on',
  'arn:aws:iam::000000000000:root',
  'arn:aws:iam::000000000000:role/fuzz',
  `${ARN}:service-deployment/fuzz/web/AAAAAAAAAAAAAAAAAAAA`,
  `${ARN}:service-revision/fuzz/web/1`,
  `${ARN}:task-set/fuzz/ext/ecs-svc/1`,
  `${ARN}:daemon-task-definition/fuzz-daemon:1`,
  'fuzz-daemon',
  'ext',
];
const NUMBERS = [
  0,
  1,
  -1,
  2,
  5,
  10,
  11,
  22,
  80,
  100,
  101,
  128,
  2375,
  10240,
  65535,
  65536,
  2 ** 31,
  -(2 ** 31) - 1,
  1.5,
  1e300,
];

function wrongValue(g: Gen, shape: Shape): unknown {
  const options: unknown[] = ['str', 7, true, [], {}, [1, 'a', null], { nested: { deep: [{}] } }];
  const wrong = options.filter((v) => {
    switch (shape.type) {
      case 'structure':
      case 'map':
        return typeof v !== 'object' || Array.isArray(v);
      case 'list':
        return !Array.isArray(v);
      case 'string':
        return typeof v !== 'string';
      case 'boolean':
        return typeof v !== 'boolean';
      default:
        return typeof v !== 'number';
    }
  });
  return g.pick(wrong);
}

function value(g: Gen, shapeName: string, depth: number, liveCluster: string[]): unknown {
  const shape = model.shapes[shapeName] as Shape;
  if (g.chance(0.04)) return wrongValue(g, shape);
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      if (depth > 5) return out;
      for (const [member, { shape: memberShape }] of Object.entries<Member>(shape.members)) {
        const required = shape.required?.includes(member);
        if (g.chance(required ? 0.9 : 0.3)) out[member] = value(g, memberShape, depth + 1, liveCluster);
      }
      if (g.chance(0.05)) out[`unknown${g.int(3)}`] = g.pick([1, 'x', { a: [1, { b: null }] }, null]);
      // A prototype name as a key (setOwn: `__proto__` stays a key, so the JSON carries it).
      if (g.chance(0.05)) setOwn(out, g.pick(PROTOTYPE_NAMES), g.pick([1, 'x', { required: 'x' }, null]));
      if (g.chance(0.03)) out[g.pick(Object.keys(shape.members).concat('x'))] = null;
      return out;
    }
    case 'list': {
      const n = g.chance(0.05) ? g.pick([0, 11, 101, 150]) : g.int(4);
      if (depth > 5) return [];
      return Array.from({ length: n }, () => value(g, shape.member, depth + 1, liveCluster));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (let i = g.int(3); i > 0; i--) {
        const key = g.chance(0.2) ? g.pick(PROTOTYPE_NAMES) : g.pick(STRINGS);
        setOwn(out, key, value(g, shape.value, depth + 1, liveCluster));
      }
      return out;
    }
    case 'string': {
      if (shape.enum && g.chance(0.8)) return g.pick(shape.enum);
      if (g.chance(0.01)) return 'y'.repeat(g.pick([1024, 70_000, 300_000]));
      if (g.chance(0.3) && liveCluster.length) return g.pick(liveCluster);
      return g.pick(STRINGS);
    }
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
    case 'timestamp':
      return g.pick(NUMBERS);
    case 'blob':
      return g.pick(STRINGS);
    case 'boolean':
      return g.chance(0.5);
  }
}

interface Request {
  target: string | null;
  body: string;
  auth: boolean;
  method?: string;
}

function request(g: Gen, live: string[]): Request {
  const roll = g.random();
  const action = g.pick(ECS_ACTIONS);
  const target = `${TARGET}.${action}`;
  if (roll < 0.04)
    return {
      target: `${TARGET}.${g.pick(['Nope', 'createCluster', 'DescribeTaskSets', '', ...PROTOTYPE_NAMES])}`,
      body: '{}',
      auth: true,
    };
  if (roll < 0.06) return { target: `NotAService.${action}`, body: '{}', auth: true };
  if (roll < 0.08) return { target, body: '{}', auth: false };
  if (roll < 0.12)
    return {
      target,
      body: g.pick(['{', '{"a":', 'null', '[]', '"x"', '12', 'true', '\u0000\u0001', '{"a":1}}']),
      auth: true,
    };
  if (roll < 0.14) {
    let nested: unknown = {};
    for (let i = 0, n = g.pick([200, 2000]); i < n; i++) nested = { a: [nested] };
    return { target, body: JSON.stringify(nested), auth: true };
  }
  if (roll < 0.16) {
    // Any method but POST names no awsJson operation, whatever the body.
    const body = JSON.stringify(value(g, model.operations[action]?.input as string, 0, live));
    return { target, body, auth: true, method: g.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) };
  }
  const input = value(g, model.operations[action]?.input as string, 0, live);
  const body = JSON.stringify(input);
  // Bodies over the endpoint's 8 MiB limit are cut off at the socket (see the report); keep below it.
  return {
    target,
    body: body.length > MAX_BODY ? JSON.stringify({ huge: 'z'.repeat(1_000_000) }) : body,
    auth: true,
  };
}

let plane: LocalControlPlane;
let server: Server;
let url: string;

async function send(r: Request): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
  if (r.target !== null) headers['x-amz-target'] = r.target;
  if (r.auth) headers.authorization = AUTH;
  const method = r.method ?? 'POST';
  const res = await fetch(url, { method, headers, body: method === 'GET' ? undefined : r.body });
  return { status: res.status, text: await res.text() };
}

async function call(action: string, input: unknown): Promise<Record<string, unknown>> {
  const res = await send({ target: `${TARGET}.${action}`, body: JSON.stringify(input), auth: true });
  expect(res.status, res.text).toBe(200);
  return JSON.parse(res.text) as Record<string, unknown>;
}

/** Every row of every table, in a stable order. */
function snapshot(): string {
  const sql = plane.deps.db.sql;
  const tables = (
    sql.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  return tables
    .map((t) => `${t}:${JSON.stringify(sql.prepare(`SELECT * FROM "${t}" ORDER BY 1`).all())}`)
    .join('\n');
}

describe('fuzzing the ECS endpoint', () => {
  beforeAll(async () => {
    // Not started: no agent or scheduler writing in the background.
    plane = new LocalControlPlane({ statePath: null, taskStepMs: 20 });
    server = createServer((req, res) => {
      plane.handle(req, res).catch(() => res.writeHead(500).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await plane.stop();
  });

  it(
    `survives ${REQUESTS} random requests (seed ${SEED}) with AWS-shaped errors and no change on rejection`,
    { timeout: 180_000 },
    async () => {
      await call('CreateCluster', { clusterName: 'fuzz' });
      await call('CreateCluster', {});
      const ci = (await call('RegisterContainerInstance', { cluster: 'fuzz' })).containerInstance as {
        containerInstanceArn: string;
      };
      await call('RegisterTaskDefinition', {
        family: 'fuzz-td',
        containerDefinitions: [
          { name: 'app', image: 'nginx:latest', memory: 32, portMappings: [{ containerPort: 80 }] },
        ],
      });
      await call('CreateService', {
        cluster: 'fuzz',
        serviceName: 'web',
        taskDefinition: 'fuzz-td',
        desiredCount: 1,
      });
      const run = (await call('RunTask', { cluster: 'fuzz', taskDefinition: 'fuzz-td' })).tasks as {
        taskArn: string;
      }[];
      // Task sets, service deployments and daemon task definitions to hit.
      const web = (
        (await call('DescribeServices', { cluster: 'fuzz', services: ['web'] })).services as {
          currentServiceDeployment: string;
          currentServiceRevisions: { arn: string }[];
        }[]
      )[0];
      await call('CreateService', {
        cluster: 'fuzz',
        serviceName: 'ext',
        desiredCount: 1,
        deploymentController: { type: 'EXTERNAL' },
      });
      const set = (
        await call('CreateTaskSet', { cluster: 'fuzz', service: 'ext', taskDefinition: 'fuzz-td' })
      ).taskSet as { id: string; taskSetArn: string };
      await call('RegisterDaemonTaskDefinition', {
        family: 'fuzz-daemon',
        containerDefinitions: [{ name: 'agent', image: 'busybox' }],
      });
      const live = [
        ci.containerInstanceArn,
        ci.containerInstanceArn.split('/').pop() as string,
        run[0]?.taskArn ?? '',
        web?.currentServiceDeployment ?? '',
        web?.currentServiceRevisions[0]?.arn ?? '',
        set.id,
        set.taskSetArn,
      ];

      const g = new Gen(mulberry32(SEED));
      const statuses = new Map<number, number>();
      const codes = new Map<string, number>();
      const perAction = new Map<string, number>();
      let accepted = 0;
      let before = snapshot();
      const prototypes = () =>
        `${Object.getOwnPropertyNames(Object.prototype)}|${Object.getOwnPropertyNames(Array.prototype)}`;
      const pristine = prototypes();
      for (let i = 0; i < REQUESTS; i++) {
        const r = request(g, live);
        const res = await send(r);
        expect(prototypes(), `request ${i} (seed ${SEED}) changed a prototype`).toBe(pristine);
        const action = r.target?.slice(TARGET.length + 1) ?? '';
        perAction.set(action, (perAction.get(action) ?? 0) + 1);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const where = `request ${i} (seed ${SEED}): ${r.target} ${r.body.slice(0, 300)} -> ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, where).toBeLessThan(500);
        if (res.status === 200) {
          accepted++;
          JSON.parse(res.text);
          before = snapshot();
          continue;
        }
        const err = JSON.parse(res.text) as { __type?: unknown; message?: unknown };
        expect(typeof err.__type, where).toBe('string');
        expect(typeof err.message, where).toBe('string');
        codes.set(err.__type as string, (codes.get(err.__type as string) ?? 0) + 1);
        const after = snapshot();
        expect(after === before, `state changed by a rejected ${where}`).toBe(true);
      }
      console.log(
        `fuzz seed ${SEED}: ${REQUESTS} requests, ${accepted} accepted; statuses ${JSON.stringify(Object.fromEntries(statuses))}; errors ${JSON.stringify(Object.fromEntries(codes))}`,
      );
      expect(accepted).toBeGreaterThan(0);
      // Every action gets at least half of its fair share of the requests.
      for (const action of ECS_ACTIONS)
        expect(perAction.get(action) ?? 0, action).toBeGreaterThan(REQUESTS / ECS_ACTIONS.length / 2);
      expect(codes.size).toBeGreaterThan(3);
    },
  );
});
