/**
 * The counters and keys of counts.ts against the tasks themselves: generated runs of RunTask,
 * StopTask, services scaling and crash-looping, instances draining and deregistered, and the clock
 * moving (stopped tasks expire), checked after every step. Every count DescribeClusters,
 * DescribeServices and DescribeContainerInstances reports, every ListTasks filter and the
 * scheduler's live/failed keys must equal what counting the stored tasks one by one gives. Some
 * tasks are awsvpc (on the instances, and on FARGATE by capacity provider), so the interface,
 * capacity provider and attachment keys are exercised: PutClusterCapacityProviders refuses to
 * remove a provider exactly while a task of it is not STOPPED, SubmitAttachmentStateChanges finds
 * exactly the attachments of tasks not STOPPED, and ListContainerInstances' filters on
 * runningTasksCount and task:group agree with the tasks. The stored derived rows as a whole must
 * equal the key functions applied to every task (the store moves them by difference).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { LocalControlPlane } from '../index';
import { failedTask } from '../scheduler/reconcile';
import { reconcileTask } from '../scheduler/service-input';
import { countKeys, liveOnInstance, taskCounters, taskKeys, taskLookups, taskMember } from './counts';
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
// startedBy may hold `/`, and one value is a prefix of another.
const STARTED_BY = ['alice', 'bob', 'al/ice', undefined];
const PROVIDERS = ['FARGATE', 'FARGATE_SPOT'];

/** What the runs went through: each path must have been taken by one of them (no check trivially empty). */
const seen = { eni: 0, providerRefused: 0, providerRemoved: 0, attachmentFound: 0, attachmentGone: 0 };

async function setup() {
  const clock = new ManualClock({ start: 1_700_000_000_000 });
  plane = new LocalControlPlane({ statePath: null, taskStepMs: 100, resyncMs: 1000, clock });
  await plane.start();
  const p = plane;
  const call = <T = Record<string, unknown>>(action: string, input: unknown) =>
    p.deps.services.call<T>('ecs', action, input);
  const ec2 = <T>(action: string, input: unknown) => p.deps.services.call<T>('ec2', action, input);
  const subnets = await ec2<{ Subnets: { SubnetId: string; AvailabilityZone: string }[] }>(
    'DescribeSubnets',
    { Filters: [{ Name: 'default-for-az', Values: ['true'] }] },
  );
  const subnet = subnets.Subnets.find((x) => x.AvailabilityZone === 'us-east-1a')?.SubnetId ?? '';
  expect(subnet).not.toBe('');
  const network = { awsvpcConfiguration: { subnets: [subnet] } };
  const instances = new Map<string, string[]>();
  for (const cluster of CLUSTERS) {
    await call('CreateCluster', { clusterName: cluster });
    const arns: string[] = [];
    // EC2 instances without user data (no agent of their own), registered here: their task interfaces attach.
    const launched = await ec2<{ Instances: { InstanceId: string }[] }>('RunInstances', {
      ImageId: 'ami-0a7a1e5e0c5c0ffee',
      InstanceType: 'c5.xlarge',
      MinCount: 3,
      MaxCount: 3,
      SubnetId: subnet,
    });
    for (let i = 0; i < 3; i++) {
      const out = await call<{ containerInstance: { containerInstanceArn: string } }>(
        'RegisterContainerInstance',
        {
          cluster,
          instanceIdentityDocument: JSON.stringify({
            instanceId: launched.Instances[i]?.InstanceId,
            region: 'us-east-1',
            instanceType: 'c5.xlarge',
            availabilityZone: 'us-east-1a',
          }),
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
  await call('RegisterTaskDefinition', {
    family: 'vpc',
    networkMode: 'awsvpc',
    containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, essential: true }],
  });
  await call('RegisterTaskDefinition', {
    family: 'fg',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image: 'busybox', essential: true }],
  });
  for (const cluster of CLUSTERS) {
    await call('PutClusterCapacityProviders', {
      cluster,
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [],
    });
    for (const family of FAMILIES) {
      await call('CreateService', {
        cluster,
        serviceName: `svc-${family}`,
        taskDefinition: family,
        desiredCount: 1,
      });
    }
  }
  return { clock, call, instances, network, plane: p };
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

/** The stored derived rows (lookups and counters) against the key functions applied to every task. */
function checkStoredKeys(p: LocalControlPlane, tasks: TaskRecord[]): void {
  const lookups: string[] = [];
  const counters = new Map<string, number>();
  for (const t of tasks) {
    for (const k of taskLookups(t)) lookups.push(`${k} ${taskMember(t, t.task.taskArn)}`);
    for (const k of taskCounters(t)) counters.set(k, (counters.get(k) ?? 0) + 1);
  }
  const sql = p.deps.db.sql;
  const storedLookups = (
    sql.prepare('SELECT key, id FROM c_ecs_tasks_lookup').all() as { key: string; id: string }[]
  )
    .map((r) => `${r.key} ${r.id}`)
    .sort();
  expect(storedLookups).toEqual(lookups.sort());
  const storedCounters = sql.prepare('SELECT key, n FROM c_ecs_tasks_count WHERE n > 0').all() as {
    key: string;
    n: number;
  }[];
  expect(new Map(storedCounters.map((r) => [r.key, r.n]))).toEqual(counters);
}

/** Every count and list, from the API and the derived keys, against the stored tasks one by one. */
async function check({ call, instances, plane: p }: Setup): Promise<void> {
  const col = ecsCollections(p.deps.db);
  const tasks = col.tasks.all();
  checkStoredKeys(p, tasks);
  const live = (t: TaskRecord) => t.task.lastStatus !== 'STOPPED';
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
    // Capacity providers in use, instances busy, attachments held: by key and by scan.
    for (const provider of ['FARGATE', 'FARGATE_SPOT']) {
      expect(col.tasks.counted(countKeys.providerLive(clusterArn, provider)), provider).toBe(
        mine.filter((t) => live(t) && t.task.capacityProviderName === provider).length,
      );
    }
    for (const arn of ciArns) {
      expect(liveOnInstance(col.tasks, arn)).toBe(
        mine.filter((t) => live(t) && t.task.containerInstanceArn === arn).length,
      );
    }
    for (const t of mine) {
      for (const a of t.task.attachments ?? []) {
        expect(col.tasks.idsByKey(taskKeys.attachment(clusterArn, a.id ?? ''))).toEqual(
          live(t) ? [t.task.taskArn] : [],
        );
      }
    }
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

    // ListContainerInstances' filters on what runs there: the counters against the tasks.
    const listed = async (filter: string) => {
      const out = await call<{ containerInstanceArns: string[] }>('ListContainerInstances', {
        cluster,
        filter,
        maxResults: 100,
      });
      return [...out.containerInstanceArns].sort();
    };
    const registered = ciArns.filter((arn) => {
      const status = col.containerInstances.get(arn)?.containerInstance.status;
      return status === 'ACTIVE' || status === 'DRAINING';
    });
    const runningOn = (arn: string) =>
      mine.filter((t) => t.task.containerInstanceArn === arn && running(t)).length;
    for (const n of new Set(registered.map(runningOn))) {
      expect(await listed(`runningTasksCount == ${n}`)).toEqual(
        registered.filter((arn) => runningOn(arn) === n).sort(),
      );
    }
    for (const group of ['family:web', 'family:vpc', 'service:svc-web', 'service:svc-crash']) {
      const holds = (arn: string) =>
        mine.some(
          (t) =>
            live(t) &&
            t.task.desiredStatus === 'RUNNING' &&
            t.task.containerInstanceArn === arn &&
            t.task.group === group,
        );
      expect(await listed(`task:group == ${group}`), group).toEqual(registered.filter(holds).sort());
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
        [{ startedBy: 'al/ice' }, (t) => t.task.startedBy === 'al/ice'],
        [{ startedBy: 'al' }, (t) => t.task.startedBy === 'al'],
        [{ startedBy: 'bob', family: 'web' }, (t) => t.task.startedBy === 'bob' && familyOf(t) === 'web'],
        [{ launchType: 'EC2' }, (t) => t.task.launchType === 'EC2'],
        [{ launchType: 'FARGATE' }, (t) => t.task.launchType === 'FARGATE'],
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
          (t) =>
            t.task.containerInstanceArn === active[1] &&
            t.task.startedBy === 'alice' &&
            t.task.launchType === 'EC2',
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
  it.each([1, 2, 3])(
    'through a generated run (seed %i)',
    async (seed) => {
      const setupDone = await setup();
      const { clock, call, instances, network, plane: p } = setupDone;
      const rnd = random(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
      const settle = async (ms: number) => {
        clock.advance(ms);
        await p.idle();
      };
      await settle(0);
      for (let step = 0; step < 60; step++) {
        const cluster = pick(CLUSTERS);
        const op = rnd();
        if (op < 0.25) {
          const startedBy = pick(STARTED_BY);
          await call('RunTask', {
            cluster,
            taskDefinition: pick(FAMILIES),
            count: 1 + Math.floor(rnd() * 3),
            ...(startedBy ? { startedBy } : {}),
          });
        } else if (op < 0.37) {
          const listed = await listAll(call, { cluster });
          if (listed.length > 0) await call('StopTask', { cluster, task: pick(listed) });
        } else if (op < 0.5) {
          await call('UpdateService', {
            cluster,
            service: `svc-${pick(FAMILIES)}`,
            desiredCount: Math.floor(rnd() * 4),
          });
        } else if (op < 0.65) {
          // awsvpc: on the instances (some refused for want of interfaces), or on FARGATE / FARGATE_SPOT.
          const fargate = rnd() < 0.5;
          await call('RunTask', {
            cluster,
            taskDefinition: fargate ? 'fg' : 'vpc',
            count: 1 + Math.floor(rnd() * 3),
            networkConfiguration: network,
            ...(fargate ? { capacityProviderStrategy: [{ capacityProvider: pick(PROVIDERS) }] } : {}),
          });
        } else if (op < 0.75) {
          // Removing a provider is refused exactly while one of its tasks is not STOPPED (half the
          // time, the provider of such a task when there is one).
          const clusterArn = `arn:aws:ecs:us-east-1:000000000000:cluster/${cluster}`;
          const users = ecsCollections(p.deps.db)
            .tasks.all()
            .filter((t) => t.task.clusterArn === clusterArn && t.task.lastStatus !== 'STOPPED')
            .map((t) => t.task.capacityProviderName)
            .filter((x) => x !== undefined);
          const provider = users.length > 0 && rnd() < 0.5 ? pick(users) : pick(PROVIDERS);
          const inUse = users.includes(provider);
          const removal = call('PutClusterCapacityProviders', {
            cluster,
            capacityProviders: PROVIDERS.filter((x) => x !== provider),
            defaultCapacityProviderStrategy: [],
          });
          if (inUse) {
            await expect(removal).rejects.toMatchObject({
              code: 'ResourceInUseException',
              message: 'The specified capacity provider is in use and cannot be removed.',
            });
            seen.providerRefused++;
          } else {
            await removal;
            seen.providerRemoved++;
            await call('PutClusterCapacityProviders', {
              cluster,
              capacityProviders: PROVIDERS,
              defaultCapacityProviderStrategy: [],
            });
          }
        } else if (op < 0.84) {
          // An attachment report: found while its task is not STOPPED, refused after.
          const clusterArn = `arn:aws:ecs:us-east-1:000000000000:cluster/${cluster}`;
          const held = ecsCollections(p.deps.db)
            .tasks.all()
            .filter((t) => t.task.clusterArn === clusterArn)
            .flatMap((t) => (t.task.attachments ?? []).map((a) => ({ t, id: a.id ?? '' })));
          if (held.length > 0) {
            // Half the time, an attachment of a STOPPED task when there is one.
            const gone = held.filter((x) => x.t.task.lastStatus === 'STOPPED');
            const { t, id } = gone.length > 0 && rnd() < 0.5 ? pick(gone) : pick(held);
            const report = call('SubmitAttachmentStateChanges', {
              cluster,
              attachments: [
                { attachmentArn: `arn:aws:ecs:us-east-1:000000000000:attachment/${id}`, status: 'ATTACHED' },
              ],
            });
            if (t.task.lastStatus !== 'STOPPED') {
              await report;
              seen.attachmentFound++;
            } else {
              await expect(report).rejects.toMatchObject({ code: 'InvalidParameterException' });
              seen.attachmentGone++;
            }
          }
        } else if (op < 0.87) {
          const arn = pick(instances.get(cluster) ?? []);
          await call('UpdateContainerInstancesState', {
            cluster,
            containerInstances: [arn],
            status: 'DRAINING',
          });
        } else if (op < 0.9 && step > 20) {
          const arn = pick(instances.get(cluster) ?? []);
          await call('DeregisterContainerInstance', { cluster, containerInstance: arn, force: true }).catch(
            () => undefined, // already deregistered
          );
        }
        await settle(Math.floor(rnd() * 400));
        await check(setupDone);
        seen.eni += ecsCollections(p.deps.db)
          .tasks.all()
          .filter((t) => t.eni && t.task.containerInstanceArn && t.task.lastStatus !== 'STOPPED').length;
      }
      // Then each path once more on purpose (the run above takes them by chance): a Fargate task
      // holds its provider and its attachment until it has stopped; an awsvpc task on an instance
      // holds an interface there.
      {
        const cluster = pick(CLUSTERS);
        const run = await call<{ tasks: { taskArn: string; attachments: { id: string }[] }[] }>('RunTask', {
          cluster,
          taskDefinition: 'fg',
          networkConfiguration: network,
          capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }],
        });
        await call('RunTask', { cluster, taskDefinition: 'vpc', networkConfiguration: network });
        await settle(500);
        await check(setupDone);
        const [fg] = run.tasks;
        const attachmentArn = `arn:aws:ecs:us-east-1:000000000000:attachment/${fg?.attachments[0]?.id ?? ''}`;
        const report = () =>
          call('SubmitAttachmentStateChanges', {
            cluster,
            attachments: [{ attachmentArn, status: 'ATTACHED' }],
          });
        const onlySpot = () =>
          call('PutClusterCapacityProviders', {
            cluster,
            capacityProviders: ['FARGATE_SPOT'],
            defaultCapacityProviderStrategy: [],
          });
        await report();
        seen.attachmentFound++;
        await expect(onlySpot()).rejects.toMatchObject({ code: 'ResourceInUseException' });
        seen.providerRefused++;
        await call('StopTask', { cluster, task: fg?.taskArn });
        await settle(1000);
        await check(setupDone);
        await expect(report()).rejects.toMatchObject({ code: 'InvalidParameterException' });
        seen.attachmentGone++;
        // Other FARGATE tasks of the run may still be live: removed exactly when none is.
        const clusterArn = `arn:aws:ecs:us-east-1:000000000000:cluster/${cluster}`;
        const inUse = ecsCollections(p.deps.db)
          .tasks.all()
          .some(
            (t) =>
              t.task.clusterArn === clusterArn &&
              t.task.lastStatus !== 'STOPPED' &&
              t.task.capacityProviderName === 'FARGATE',
          );
        if (inUse) await expect(onlySpot()).rejects.toMatchObject({ code: 'ResourceInUseException' });
        else {
          await onlySpot();
          seen.providerRemoved++;
          await call('PutClusterCapacityProviders', {
            cluster,
            capacityProviders: PROVIDERS,
            defaultCapacityProviderStrategy: [],
          });
        }
        seen.eni += ecsCollections(p.deps.db)
          .tasks.all()
          .filter((t) => t.eni && t.task.containerInstanceArn && t.task.lastStatus !== 'STOPPED').length;
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

  it('took every path in those runs', () => {
    expect(
      Object.values(seen).every((n) => n > 0),
      JSON.stringify(seen),
    ).toBe(true);
  });
});
