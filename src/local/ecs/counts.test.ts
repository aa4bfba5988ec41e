/**
 * The counters and keys of counts.ts against the tasks themselves: generated runs of RunTask,
 * StopTask, services scaling and crash-looping, instances draining and deregistered, and the clock
 * moving (stopped tasks expire), checked after every step. Every count DescribeClusters,
 * DescribeServices and DescribeContainerInstances reports, every ListTasks filter and the
 * scheduler's live/failed keys must equal what counting the stored tasks one by one gives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { LocalControlPlane } from '../index';
import { failedTask } from '../scheduler/reconcile';
import { reconcileTask } from '../scheduler/service-input';
import { countKeys, taskKeys } from './counts';
import { ecsCollections, PENDING_STATUSES, type TaskRecord } from './model';

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let plane: LocalControlPlane | undefined;
afterEach(async () => {
  await plane?.stop();
  plane = undefined;
});

const CLUSTERS = ['a', 'b'];
const FAMILIES = ['web', 'crash'];
const STARTED_BY = ['alice', 'bob', undefined];

async function setup() {
  const clock = new ManualClock({ start: 1_700_000_000_000 });
  plane = new LocalControlPlane({ statePath: null, taskStepMs: 100, resyncMs: 1000, clock });
  await plane.start();
  const p = plane;
  const call = <T = Record<string, unknown>>(action: string, input: unknown) =>
    p.deps.services.call<T>('ecs', action, input);
  const instances = new Map<string, string[]>();
  for (const cluster of CLUSTERS) {
    await call('CreateCluster', { clusterName: cluster });
    const arns: string[] = [];
    for (let i = 0; i < 3; i++) {
      const out = await call<{ containerInstance: { containerInstanceArn: string } }>(
        'RegisterContainerInstance',
        {
          cluster,
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 4096 },
          ],
        },
      );
      arns.push(out.containerInstance.containerInstanceArn);
    }
    instances.set(cluster, arns);
  }
  await call('RegisterTaskDefinition', {
    family: 'web',
    containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, essential: true }],
  });
  await call('RegisterTaskDefinition', {
    family: 'crash',
    containerDefinitions: [
      { name: 'app', image: 'busybox', memory: 64, essential: true, command: ['sh', '-c', 'exit 1'] },
    ],
  });
  for (const cluster of CLUSTERS) {
    for (const family of FAMILIES) {
      await call('CreateService', {
        cluster,
        serviceName: `svc-${family}`,
        taskDefinition: family,
        desiredCount: 1,
      });
    }
  }
  return { clock, call, instances, plane: p };
}

type Setup = Awaited<ReturnType<typeof setup>>;

async function listAll(call: Setup['call'], input: Record<string, unknown>): Promise<string[]> {
  const out: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call<{ taskArns: string[]; nextToken?: string }>('ListTasks', {
      ...input,
      maxResults: 7,
      ...(nextToken ? { nextToken } : {}),
    });
    out.push(...page.taskArns);
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

const familyOf = (t: TaskRecord) => /task-definition\/([^:]+):/.exec(t.task.taskDefinitionArn ?? '')?.[1];

/** Every count and list, from the API and the derived keys, against the stored tasks one by one. */
async function check({ call, instances, plane: p }: Setup): Promise<void> {
  const col = ecsCollections(p.deps.db);
  const tasks = col.tasks.all();
  const running = (t: TaskRecord) => t.task.lastStatus === 'RUNNING';
  const pending = (t: TaskRecord) => PENDING_STATUSES.has(t.task.lastStatus);
  for (const cluster of CLUSTERS) {
    const clusterArn = `arn:aws:ecs:us-east-1:000000000000:cluster/${cluster}`;
    const mine = tasks.filter((t) => t.task.clusterArn === clusterArn);
    const described = await call<{ clusters: Record<string, unknown>[] }>('DescribeClusters', {
      clusters: [cluster],
    });
    const ciArns = instances.get(cluster) ?? [];
    const cis = ciArns.map((arn) => col.containerInstances.get(arn));
    // Placement's group counters: tasks not STOPPED, desired RUNNING, per group and instance.
    const groups = new Map<string, number>();
    for (const t of mine) {
      if (
        t.task.lastStatus === 'STOPPED' ||
        t.task.desiredStatus !== 'RUNNING' ||
        !t.task.containerInstanceArn
      )
        continue;
      const key = countKeys.group(clusterArn, t.task.group ?? '', t.task.containerInstanceArn);
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    const enis = new Map<string, number>();
    for (const t of mine) {
      if (t.task.lastStatus === 'STOPPED' || !t.task.containerInstanceArn || !t.eni || t.eni.deleted)
        continue;
      const key = countKeys.eni(clusterArn, t.task.containerInstanceArn);
      enis.set(key, (enis.get(key) ?? 0) + 1);
    }
    expect(new Map([...col.tasks.countedWithPrefix(countKeys.eniPrefix(clusterArn))].sort())).toEqual(
      new Map([...enis].sort()),
    );
    expect(new Map([...col.tasks.countedWithPrefix(countKeys.groupPrefix(clusterArn))].sort())).toEqual(
      new Map([...groups].sort()),
    );
    expect(described.clusters[0]).toMatchObject({
      runningTasksCount: mine.filter(running).length,
      pendingTasksCount: mine.filter(pending).length,
      registeredContainerInstancesCount: cis.filter(
        (ci) => ci?.containerInstance.status === 'ACTIVE' || ci?.containerInstance.status === 'DRAINING',
      ).length,
      activeServicesCount: FAMILIES.length,
    });

    const svcs = await call<{
      services: { serviceArn: string; runningCount: number; pendingCount: number }[];
    }>('DescribeServices', { cluster, services: FAMILIES.map((f) => `svc-${f}`) });
    for (const svc of svcs.services) {
      const of = mine.filter((t) => t.serviceArn === svc.serviceArn);
      expect([svc.runningCount, svc.pendingCount]).toEqual([
        of.filter(running).length,
        of.filter((t) => pending(t) && t.task.desiredStatus === 'RUNNING').length,
      ]);
      const live = of.filter((t) => t.task.lastStatus !== 'STOPPED').map((t) => t.task.taskArn);
      expect(col.tasks.idsByKey(taskKeys.liveOfService(svc.serviceArn))).toEqual(live.sort());
      const failed = of.filter((t) => failedTask(reconcileTask(t, 'GONE'))).map((t) => t.task.taskArn);
      expect(col.tasks.idsByKey(taskKeys.failedOfService(svc.serviceArn))).toEqual(failed.sort());
    }

    const active = ciArns.filter(
      (arn) => col.containerInstances.get(arn)?.containerInstance.status !== 'INACTIVE',
    );
    if (active.length > 0) {
      const cis = await call<{
        containerInstances: {
          containerInstanceArn: string;
          runningTasksCount: number;
          pendingTasksCount: number;
        }[];
      }>('DescribeContainerInstances', { cluster, containerInstances: active });
      for (const ci of cis.containerInstances) {
        const on = mine.filter((t) => t.task.containerInstanceArn === ci.containerInstanceArn);
        expect([ci.runningTasksCount, ci.pendingTasksCount]).toEqual([
          on.filter(running).length,
          on.filter(pending).length,
        ]);
      }
    }

    // ListTasks: each filter alone and a few together, both desired statuses.
    for (const desiredStatus of ['RUNNING', 'STOPPED']) {
      const base = mine.filter((t) => t.task.desiredStatus === desiredStatus);
      const cases: [Record<string, string>, (t: TaskRecord) => boolean][] = [
        [{}, () => true],
        ...FAMILIES.map((f): [Record<string, string>, (t: TaskRecord) => boolean] => [
          { family: f },
          (t) => familyOf(t) === f,
        ]),
        ...FAMILIES.map((f): [Record<string, string>, (t: TaskRecord) => boolean] => [
          { serviceName: `svc-${f}` },
          (t) => t.serviceArn?.endsWith(`/svc-${f}`) === true,
        ]),
        [{ startedBy: 'alice' }, (t) => t.task.startedBy === 'alice'],
        [{ startedBy: 'bob', family: 'web' }, (t) => t.task.startedBy === 'bob' && familyOf(t) === 'web'],
        [{ launchType: 'EC2' }, () => true],
        [{ launchType: 'FARGATE' }, () => false],
        ...active.map((arn): [Record<string, string>, (t: TaskRecord) => boolean] => [
          { containerInstance: arn },
          (t) => t.task.containerInstanceArn === arn,
        ]),
        [
          { containerInstance: active[0] ?? '', family: 'web' },
          (t) => t.task.containerInstanceArn === active[0] && familyOf(t) === 'web',
        ],
        [
          { containerInstance: active[1] ?? '', startedBy: 'alice', launchType: 'EC2' },
          (t) => t.task.containerInstanceArn === active[1] && t.task.startedBy === 'alice',
        ],
        ...FAMILIES.map((f): [Record<string, string>, (t: TaskRecord) => boolean] => [
          { containerInstance: active[0] ?? '', serviceName: `svc-${f}` },
          (t) => t.task.containerInstanceArn === active[0] && t.serviceArn?.endsWith(`/svc-${f}`) === true,
        ]),
      ];
      for (const [filter, keep] of cases) {
        if (filter.containerInstance === '') continue;
        const want = base
          .filter(keep)
          .map((t) => t.task.taskArn)
          .sort();
        expect(await listAll(call, { cluster, desiredStatus, ...filter }), JSON.stringify(filter)).toEqual(
          want,
        );
      }
    }
  }
}

describe('counts and ListTasks keys follow the tasks', () => {
  it.each([1, 2])(
    'through a generated run (seed %i)',
    async (seed) => {
      const setupDone = await setup();
      const { clock, call, instances, plane: p } = setupDone;
      const rnd = random(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
      const settle = async (ms: number) => {
        clock.advance(ms);
        await p.idle();
      };
      await settle(0);
      for (let step = 0; step < 40; step++) {
        const cluster = pick(CLUSTERS);
        const op = rnd();
        if (op < 0.3) {
          const startedBy = pick(STARTED_BY);
          await call('RunTask', {
            cluster,
            taskDefinition: pick(FAMILIES),
            count: 1 + Math.floor(rnd() * 3),
            ...(startedBy ? { startedBy } : {}),
          });
        } else if (op < 0.45) {
          const listed = await listAll(call, { cluster });
          if (listed.length > 0) await call('StopTask', { cluster, task: pick(listed) });
        } else if (op < 0.6) {
          await call('UpdateService', {
            cluster,
            service: `svc-${pick(FAMILIES)}`,
            desiredCount: Math.floor(rnd() * 4),
          });
        } else if (op < 0.65) {
          const arn = pick(instances.get(cluster) ?? []);
          await call('UpdateContainerInstancesState', {
            cluster,
            containerInstances: [arn],
            status: 'DRAINING',
          });
        } else if (op < 0.68 && step > 20) {
          const arn = pick(instances.get(cluster) ?? []);
          await call('DeregisterContainerInstance', { cluster, containerInstance: arn, force: true }).catch(
            () => undefined, // already deregistered
          );
        }
        await settle(Math.floor(rnd() * 400));
        await check(setupDone);
      }
      // An hour later every stopped task has expired, and the counts still agree.
      await settle(3_700_000);
      await settle(1000);
      await check(setupDone);
      const col = ecsCollections(p.deps.db);
      expect(
        col.tasks
          .all()
          .filter((t) => t.task.lastStatus === 'STOPPED' && t.task.stoppedAt! < clock.now() / 1000 - 3600),
      ).toEqual([]);
    },
    120_000,
  );
});
