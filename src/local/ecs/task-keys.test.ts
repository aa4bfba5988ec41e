/**
 * The tasks' lookup keys (counts.ts) since TASK_KEYS_VERSION 8: compact ARNs, and rows that store a
 * task's id rather than its ARN. Readers give back the same ARNs in the same order; a user's text
 * with `|` in it cannot make two keys one; a state file written with the version 7 keys opens with
 * its keys derived again and lists the same tasks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalControlPlane } from '../index';
import {
  compactArn,
  countKeys,
  TASK_KEYS_VERSION,
  taskCounters,
  taskKeys,
  taskLookups,
  taskMember,
} from './counts';
import type { TaskRecord } from './model';

const CLUSTER = 'arn:aws:ecs:us-east-1:000000000000:cluster/c1';
const TASK = 'arn:aws:ecs:us-east-1:000000000000:task/c1/0123456789abcdef0123456789abcdef';
const INSTANCE = 'arn:aws:ecs:us-east-1:000000000000:container-instance/c1/fedcba9876543210fedcba9876543210';
const SERVICE = 'arn:aws:ecs:us-east-1:000000000000:service/c1/web';

const record = (task: Partial<TaskRecord['task']>, serviceArn?: string): TaskRecord =>
  ({
    task: { taskArn: TASK, clusterArn: CLUSTER, desiredStatus: 'RUNNING', lastStatus: 'PENDING', ...task },
    ...(serviceArn ? { serviceArn } : {}),
  }) as TaskRecord;

describe('task lookup keys', () => {
  it('compacts ECS ARNs and keeps any other text whole', () => {
    expect(compactArn(CLUSTER)).toBe('us-east-1:000000000000:c1');
    expect(compactArn(INSTANCE)).toBe('us-east-1:000000000000:c1/fedcba9876543210fedcba9876543210');
    for (const odd of ['c1', 'arn:aws:ecs:us-east-1:000000000000:cluster', 'arn:aws:ecs:x:y:z:cluster/c', ''])
      expect(compactArn(odd)).toBe(odd);
  });

  it('stores a task id, and every reader turns it back into the ARN', () => {
    const r = record({ containerInstanceArn: INSTANCE }, SERVICE);
    const member = taskMember(r, TASK);
    expect(member).toBe('0123456789abcdef0123456789abcdef');
    for (const key of [
      taskKeys.listed(CLUSTER, 'RUNNING', 'family', 'web'),
      taskKeys.onInstance(INSTANCE, 'RUNNING'),
      taskKeys.liveOfService(SERVICE),
      taskKeys.failedOfService(SERVICE),
      taskKeys.attachment(CLUSTER, 'a1'),
      taskKeys.awaitingCapacity(CLUSTER, 'FARGATE'),
    ]) {
      expect(key.idOf(member), key.key).toBe(TASK);
      expect(key.memberOf(TASK), key.key).toBe(member);
    }
  });

  it('keeps the whole ARN of a task whose ARN is not of its cluster, instance or service', () => {
    const other = 'arn:aws:ecs:us-east-1:000000000000:task/c2/0123456789abcdef0123456789abcdef';
    expect(taskMember(record({ taskArn: other }), other)).toBe(other);
    const elsewhere = 'arn:aws:ecs:us-east-1:000000000000:container-instance/c2/ab';
    expect(taskMember(record({ containerInstanceArn: elsewhere }), TASK)).toBe(TASK);
    expect(taskMember(record({}, 'arn:aws:ecs:us-east-1:000000000000:service/c2/web'), TASK)).toBe(TASK);
    // Such a member reads back as itself through any key.
    expect(taskKeys.listed(CLUSTER, 'RUNNING', 'family', 'web').idOf(other)).toBe(other);
    expect(taskKeys.onInstance(INSTANCE, 'STOPPED').idOf(TASK)).toBe(TASK);
  });

  it('never makes one key of two different filters, whatever `|` or `/` a value holds (readers never split)', () => {
    const keys = new Set<string>();
    const values = ['a', 'a|b', 'a|R|b', 'R|a', '|', '', 'web', 'EC2', 'c1', '=x', 'a/b', 'c1/a'];
    const filters = ['family', 'startedBy', 'launchType', 'service'] as const;
    let n = 0;
    for (const desired of ['RUNNING', 'STOPPED', 'PENDING', 'R', '=R'])
      for (const filter of filters)
        for (const v of values) {
          const value = filter === 'service' ? `${SERVICE.slice(0, SERVICE.lastIndexOf('/'))}/${v}` : v;
          keys.add(taskKeys.listed(CLUSTER, desired, filter, value).key);
          n++;
        }
    expect(keys.size).toBe(n);
    // The keys a task stores are the ones the readers ask for.
    const r = record({ startedBy: 'a|R|b', launchType: 'EC2', containerInstanceArn: INSTANCE }, SERVICE);
    expect(taskLookups(r)).toEqual(
      expect.arrayContaining([
        taskKeys.listed(CLUSTER, 'RUNNING', 'startedBy', 'a|R|b').key,
        taskKeys.listed(CLUSTER, 'RUNNING', 'launchType', 'EC2').key,
        taskKeys.listed(CLUSTER, 'RUNNING', 'service', SERVICE).key,
        taskKeys.onInstance(INSTANCE, 'RUNNING').key,
        taskKeys.liveOfService(SERVICE).key,
      ]),
    );
  });
});

describe('task counter keys', () => {
  it('give back the group and the instance of a group key, whatever `|` the group holds', () => {
    const prefix = countKeys.groupPrefix(CLUSTER);
    const odd = 'arn:aws:ecs:us-east-1:000000000000:container-instance/c2/ab';
    for (const group of ['', 'service:web', 'a|b', '|', 'a|=x', 'x/y|'])
      for (const instanceArn of [INSTANCE, odd]) {
        const key = countKeys.group(CLUSTER, group, instanceArn);
        expect(key.startsWith(countKeys.groupPrefix(CLUSTER, group))).toBe(true);
        expect(countKeys.groupKeyParts(CLUSTER, key.slice(prefix.length))).toEqual({ group, instanceArn });
      }
    for (const instanceArn of [INSTANCE, odd]) {
      const key = countKeys.eni(CLUSTER, instanceArn);
      const eniPrefix = countKeys.eniPrefix(CLUSTER);
      expect(key.startsWith(eniPrefix)).toBe(true);
      expect(countKeys.eniInstance(CLUSTER, key.slice(eniPrefix.length))).toBe(instanceArn);
    }
  });

  it('keep a cluster, an instance and a service apart even when an instance id is a service name', () => {
    const id = INSTANCE.slice(INSTANCE.lastIndexOf('/') + 1);
    const service = `${SERVICE.slice(0, SERVICE.lastIndexOf('/'))}/${id}`;
    const keys = (['running', 'pending'] as const).flatMap((status) => [
      countKeys.cluster(CLUSTER, status),
      countKeys.clusterFargate(CLUSTER, status),
      countKeys.instance(INSTANCE, status),
      countKeys.service(service, status),
    ]);
    keys.push(countKeys.clusterLive(CLUSTER), countKeys.instanceStopping(INSTANCE));
    expect(new Set(keys).size).toBe(keys.length);
    // No group or interface key of another cluster starts with this cluster's prefixes.
    const other = 'arn:aws:ecs:us-east-1:000000000000:cluster/c10';
    const otherInstance = 'arn:aws:ecs:us-east-1:000000000000:container-instance/c10/ab';
    expect(countKeys.group(other, 'g', otherInstance).startsWith(countKeys.groupPrefix(CLUSTER))).toBe(false);
    expect(countKeys.eni(other, otherInstance).startsWith(countKeys.eniPrefix(CLUSTER))).toBe(false);
  });
});

/** The version 7 keys (before this change): full ARNs in the key, the task's ARN as the row's id. */
function v7Lookups(r: TaskRecord): string[] {
  const t = r.task;
  const listed = (filter: string, value: string) => `${filter}|${t.clusterArn}|${t.desiredStatus}|${value}`;
  const keys: string[] = [];
  const family = /task-definition\/([^:]+):/.exec(t.taskDefinitionArn ?? '')?.[1];
  if (family !== undefined) keys.push(listed('family', family));
  if (t.startedBy !== undefined) keys.push(listed('startedBy', t.startedBy));
  if (t.launchType !== undefined) keys.push(listed('launchType', t.launchType));
  if (t.containerInstanceArn) keys.push(`instance|${t.containerInstanceArn}|${t.desiredStatus}`);
  if (r.serviceArn !== undefined) {
    keys.push(listed('service', r.serviceArn));
    if (t.lastStatus !== 'STOPPED') keys.push(`live|${r.serviceArn}`);
  }
  return keys;
}

describe('a state file with version 7 task keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-task-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens with its keys derived again and lists the same tasks in the same order', async () => {
    const statePath = join(dir, 'state.db');
    const open = async () => {
      const p = new LocalControlPlane({ statePath, taskStepMs: 20 });
      await p.start();
      const call = <T>(action: string, input: unknown) => p.deps.services.call<T>('ecs', action, input);
      return { p, call };
    };
    const queries = (instance: string): Record<string, string>[] => [
      {},
      { family: 'web' },
      { startedBy: 'x/y' },
      { startedBy: 'x' },
      { launchType: 'EC2' },
      { serviceName: 'svc' },
      { containerInstance: instance },
      { containerInstance: instance, startedBy: 'x/y' },
      { desiredStatus: 'STOPPED' },
      { desiredStatus: 'STOPPED', family: 'web' },
    ];
    const listAll = async (call: Awaited<ReturnType<typeof open>>['call'], q: Record<string, string>) => {
      const out: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call<{ taskArns: string[]; nextToken?: string }>('ListTasks', {
          cluster: 'k',
          maxResults: 3,
          ...q,
          ...(nextToken ? { nextToken } : {}),
        });
        out.push(...page.taskArns);
        nextToken = page.nextToken;
      } while (nextToken);
      return out;
    };

    const first = await open();
    let instance: string;
    const before: string[][] = [];
    try {
      await first.call('CreateCluster', { clusterName: 'k' });
      const reg = await first.call<{ containerInstance: { containerInstanceArn: string } }>(
        'RegisterContainerInstance',
        {
          cluster: 'k',
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 4096 },
          ],
        },
      );
      instance = reg.containerInstance.containerInstanceArn;
      await first.call('RegisterTaskDefinition', {
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 16 }],
      });
      await first.call('RunTask', { cluster: 'k', taskDefinition: 'web', count: 4, startedBy: 'x/y' });
      const run = await first.call<{ tasks: { taskArn: string }[] }>('RunTask', {
        cluster: 'k',
        taskDefinition: 'web',
        count: 3,
        startedBy: 'x',
      });
      await first.call('StopTask', { cluster: 'k', task: run.tasks[0]?.taskArn });
      await first.call('CreateService', {
        cluster: 'k',
        serviceName: 'svc',
        taskDefinition: 'web',
        desiredCount: 2,
      });
      // The service's two tasks, placed by the scheduler (a positive signal, no sleep).
      for (let i = 0; (await listAll(first.call, { serviceName: 'svc' })).length < 2; i++) {
        if (i > 500) throw new Error('the service never placed its tasks');
        await new Promise((r) => setTimeout(r, 10));
      }
      for (const q of queries(instance)) before.push(await listAll(first.call, q));
    } finally {
      await first.p.stop();
    }
    expect(before[0]?.length).toBeGreaterThanOrEqual(6);
    expect(before[8]).toHaveLength(1);

    // Rewrite the stored keys as version 7 wrote them.
    const sql = new Database(statePath);
    const tasks = (sql.prepare('SELECT doc FROM c_ecs_tasks').all() as { doc: string }[]).map(
      (r) => JSON.parse(r.doc) as TaskRecord,
    );
    sql.exec('DELETE FROM c_ecs_tasks_lookup');
    const insert = sql.prepare('INSERT INTO c_ecs_tasks_lookup (key, id) VALUES (?, ?)');
    for (const t of tasks) for (const k of v7Lookups(t)) insert.run(k, t.task.taskArn);
    sql.exec('DELETE FROM c_ecs_tasks_count');
    const count = sql.prepare(
      'INSERT INTO c_ecs_tasks_count (key, n) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1',
    );
    for (const t of tasks) if (t.task.lastStatus !== 'STOPPED') count.run(`live|${t.task.clusterArn}`);
    sql.prepare('UPDATE meta SET value = ? WHERE key = ?').run('7', 'derived:c_ecs_tasks');
    sql.close();

    const again = await open();
    try {
      const after: string[][] = [];
      for (const q of queries(instance)) after.push(await listAll(again.call, q));
      expect(after).toEqual(before);
      const stored = (
        again.p.deps.db.sql.prepare('SELECT key, id FROM c_ecs_tasks_lookup').all() as {
          key: string;
          id: string;
        }[]
      )
        .map((r) => `${r.key} ${r.id}`)
        .sort();
      const now = again.p.deps.db.sql.prepare('SELECT doc FROM c_ecs_tasks').all() as { doc: string }[];
      const want = now
        .map((r) => JSON.parse(r.doc) as TaskRecord)
        .flatMap((t) => taskLookups(t).map((k) => `${k} ${taskMember(t, t.task.taskArn)}`))
        .sort();
      expect(stored).toEqual(want);
      expect(stored.some((row) => row.includes('arn:'))).toBe(false);
      const counters = new Map<string, number>();
      for (const r of now)
        for (const k of taskCounters(JSON.parse(r.doc) as TaskRecord))
          counters.set(k, (counters.get(k) ?? 0) + 1);
      const storedCounters = again.p.deps.db.sql.prepare('SELECT key, n FROM c_ecs_tasks_count').all() as {
        key: string;
        n: number;
      }[];
      expect(new Map(storedCounters.map((r) => [r.key, r.n]))).toEqual(counters);
      const marker = again.p.deps.db.sql
        .prepare('SELECT value FROM meta WHERE key = ?')
        .get('derived:c_ecs_tasks');
      expect(marker).toEqual({ value: String(TASK_KEYS_VERSION) });
    } finally {
      await again.p.stop();
    }
  });
});
