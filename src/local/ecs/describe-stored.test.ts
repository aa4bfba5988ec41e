/**
 * DescribeTasks answers a task that is not in the tasks collection's cache from its stored bytes
 * (tasks.ts `storedTask`, task-json.ts `storedTaskCut`, `taskJsonOf`): the HTTP body must be byte for byte
 * `JSON.stringify` of the answer built from the parsed records, with and without TAGS, after a
 * restart from the state file, after a rolled-back transaction, and through an in-process call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalControlPlane } from '../index';
import { ecsCollections, type TaskRecord } from './model';
import { rawEcsCall } from './testing';
import { waitFor } from '../../testing/plane';

const dir = mkdtempSync(join(tmpdir(), 'describe-stored-'));
const statePath = join(dir, 'state.sqlite');
let plane: LocalControlPlane;
let url = '';
const arns: string[] = [];

async function raw(action: string, input: unknown): Promise<string> {
  const { status, text } = await rawEcsCall(url, action, input);
  if (status !== 200) throw new Error(`${action}: ${status} ${text}`);
  return text;
}
const call = async <T>(action: string, input: unknown): Promise<T> =>
  JSON.parse(await raw(action, input)) as T;

const open = async () => {
  plane = new LocalControlPlane({ statePath, taskStepMs: 20, instanceBootMs: 20 });
  url = await plane.listen(0);
  return ecsCollections(plane.deps.db).tasks;
};

/** The answer as JSON.stringify writes it from the parsed records (what DescribeTasks answered before). */
function expected(refs: string[], withTags: boolean): string {
  const tasks = ecsCollections(plane.deps.db).tasks;
  const found: unknown[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of refs) {
    // A full ARN of the cluster, or a bare task id.
    const arn = arns.find((a) => a === ref || a.endsWith(`/stored/${ref}`));
    const rec = arn === undefined ? undefined : tasks.get(arn);
    if (!rec) {
      failures.push({ arn: ref, reason: 'MISSING' });
      continue;
    }
    const { tags: _tags, ...untagged } = rec.task;
    found.push(withTags ? rec.task : untagged);
  }
  return JSON.stringify({ tasks: found, failures });
}

/**
 * Describes `input` until one answer came from stored bytes for every task (background work, such
 * as the agents after a restart, may cache tasks between dropping the cache and the request),
 * checking every answer against `expected`.
 */
async function describeFromBytes(
  tasks: ReturnType<typeof ecsCollections>['tasks'],
  seen: { bytes: number },
  input: { tasks: string[]; include?: string[] },
): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    tasks.dropCache();
    const before = seen.bytes;
    const body = await raw('DescribeTasks', { cluster: 'stored', ...input });
    expect(body).toBe(expected(input.tasks, (input.include ?? []).length > 0));
    if (seen.bytes - before === input.tasks.length - 2) return body; // all but the 2 missing
    if (attempt === 20) throw new Error('DescribeTasks never read the stored bytes');
  }
}

/** Counts what `peekOrBytes` gave DescribeTasks: cached records and stored bytes. */
function spy(tasks: ReturnType<typeof ecsCollections>['tasks']) {
  const seen = { bytes: 0, cached: 0 };
  const original = tasks.peekOrBytes.bind(tasks);
  tasks.peekOrBytes = (ids) => {
    const out = original(ids);
    for (const d of out) {
      if (Buffer.isBuffer(d)) seen.bytes++;
      else if (d !== undefined) seen.cached++;
    }
    return out;
  };
  return seen;
}

beforeAll(async () => {
  await open();
  await call('CreateCluster', { clusterName: 'stored' });
  await call('CreateCluster', { clusterName: 'other' });
  await call('RegisterTaskDefinition', {
    family: 'stored',
    containerDefinitions: [
      {
        name: 'app',
        image: 'busybox',
        memory: 32,
        portMappings: [{ containerPort: 80, hostPort: 0 }],
        environment: [{ name: 'G', value: 'héllo "wörld" \\ ✓ 𝄞 \u2028 {"tags":[]}' }],
      },
      { name: 'side', image: 'busybox', memory: 16, essential: false },
    ],
  });
  await call('RegisterContainerInstance', {
    cluster: 'stored',
    totalResources: [
      { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
    ],
  });
  for (const tags of [
    [
      { key: 'team', value: 'ünï café' },
      { key: 'b', value: '' },
    ],
    undefined,
    [],
  ]) {
    const out = await call<{ tasks: { taskArn: string }[] }>('RunTask', {
      cluster: 'stored',
      taskDefinition: 'stored',
      count: 2,
      startedBy: 'me',
      ...(tags ? { tags } : {}),
      overrides: {
        containerOverrides: [
          {
            name: 'app',
            command: ['sh', '-c', 'echo "\\"tags\\":" }]} \\\\'],
            environment: [{ name: 'N', value: '\t\n\u0001 ü' }],
          },
        ],
      },
    });
    arns.push(...out.tasks.map((t) => t.taskArn));
  }
  await waitFor(
    async () => {
      const out = await call<{ tasks: { lastStatus: string }[] }>('DescribeTasks', {
        cluster: 'stored',
        tasks: arns,
      });
      return out.tasks.every((t) => t.lastStatus === 'RUNNING');
    },
    10_000,
    50,
    'the tasks to run',
  );
});

afterAll(async () => {
  await plane.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('DescribeTasks from stored bytes', () => {
  const refs = () => [
    ...arns,
    'nope',
    arns[0] as string,
    (arns[1] as string).replace('/stored/', '/other/'),
    (arns[2] as string).split('/').pop() as string,
  ];

  it('answers the same JSON from the cache and from the stored bytes, with and without tags', async () => {
    const tasks = ecsCollections(plane.deps.db).tasks;
    const seen = spy(tasks);
    for (const withTags of [false, true]) {
      const input = { cluster: 'stored', tasks: refs(), ...(withTags ? { include: ['TAGS'] } : {}) };
      // Written by the agent's steps (cached, frozen): the same document.
      for (const arn of arns) tasks.peek(arn);
      const cached = await raw('DescribeTasks', input);
      expect(JSON.parse(cached)).toEqual(JSON.parse(expected(input.tasks, withTags)));
      // Not cached: the task's JSON cut out of the row, byte for byte.
      await describeFromBytes(tasks, seen, input);
      // Cached again from the row (parsed): the same bytes too.
      for (const arn of arns) tasks.peek(arn);
      expect(await raw('DescribeTasks', input)).toBe(expected(input.tasks, withTags));
    }
    expect(seen.cached).toBeGreaterThan(0);
  });

  it('answers from the state file after a restart', async () => {
    await plane.stop();
    const tasks = await open();
    const seen = spy(tasks);
    for (const withTags of [false, true]) {
      const input = { cluster: 'stored', tasks: refs(), ...(withTags ? { include: ['TAGS'] } : {}) };
      const body = await describeFromBytes(tasks, seen, input);
      const parsed = JSON.parse(body) as { tasks: { tags?: unknown; lastStatus: string }[] };
      expect(parsed.tasks.map((t) => t.tags !== undefined)).toEqual(parsed.tasks.map(() => withTags));
    }
  });

  it('answers what the table holds after a rolled-back transaction', async () => {
    const tasks = ecsCollections(plane.deps.db).tasks;
    const arn = arns[0] as string;
    const rec = tasks.get(arn) as TaskRecord;
    expect(() =>
      plane.deps.db.tx(() => {
        tasks.putShared(arn, { ...rec, task: { ...rec.task, lastStatus: 'STOPPED', group: 'rolled back' } });
        throw new Error('rollback');
      }),
    ).toThrow('rollback');
    for (const include of [[], ['TAGS']]) {
      const body = await raw('DescribeTasks', { cluster: 'stored', tasks: [arn], include });
      expect(body).toBe(expected([arn], include.length > 0));
      expect(body).not.toContain('rolled back');
    }
  });

  it('gives in-process callers the same tasks', async () => {
    const tasks = ecsCollections(plane.deps.db).tasks;
    for (const include of [[], ['TAGS']]) {
      tasks.dropCache();
      const out = await plane.deps.services.call('ecs', 'DescribeTasks', {
        cluster: 'stored',
        tasks: refs(),
        include,
      });
      expect(out).toEqual(JSON.parse(expected(refs(), include.length > 0)));
    }
  });
});
