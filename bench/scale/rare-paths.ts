/**
 * `npx tsx bench/scale/rare-paths.ts [10000,100000]`: the less frequent calls that used to read every
 * task of a cluster (issue 14), timed in process (`deps.services.call`, the model's validation
 * included, no HTTP) against a control plane with a state file on disk holding 10k and 100k tasks
 * on 100 instances: PutClusterCapacityProviders removing a provider no task uses (the in-use check),
 * SubmitAttachmentStateChanges for a running Fargate task's interface, and ListContainerInstances
 * with a runningTasksCount filter. The tasks are a few hundred real RunTask tasks (a fifth on
 * FARGATE by capacity provider, with their attachment), copied under new task and attachment ids
 * in one transaction per level. A measuring tool for the report, not a target; each figure is the
 * p50 of at most 40 calls, fewer when a call takes long.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalControlPlane } from '../../src/local/index';
import { ecsCollections, type TaskRecord } from '../../src/local/ecs/model';

const INSTANCES = 100;
const TEMPLATE = 500;

async function main(): Promise<void> {
  const levels = (process.argv[2] ?? '10000,100000').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'rare-paths-'));
  const plane = new LocalControlPlane({
    statePath: join(dir, 'state.sqlite'),
    taskStepMs: 20,
    metricsIntervalMs: 3_600_000,
  });
  await plane.start();
  const call = <T = unknown>(action: string, input: unknown) =>
    plane.deps.services.call<T>('ecs', action, input);
  await call('CreateCluster', { clusterName: 'r' });
  await call('PutClusterCapacityProviders', {
    cluster: 'r',
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [],
  });
  await call('RegisterTaskDefinition', {
    family: 'web',
    containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 10, memory: 32 }],
  });
  await call('RegisterTaskDefinition', {
    family: 'fg',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'web', image: 'httpd:2.4' }],
  });
  const subnets = await plane.deps.services.call<{ Subnets: { SubnetId: string }[] }>(
    'ec2',
    'DescribeSubnets',
    { Filters: [{ Name: 'default-for-az', Values: ['true'] }] },
  );
  for (let i = 0; i < INSTANCES; i++) {
    await call('RegisterContainerInstance', {
      cluster: 'r',
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 1_000_000 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 1_000_000 },
      ],
    });
  }
  const template: string[] = [];
  for (let i = 0; i < TEMPLATE / 10; i++) {
    const fargate = i % 5 === 4;
    const out = await call<{ tasks: { taskArn: string }[] }>('RunTask', {
      cluster: 'r',
      count: 10,
      ...(fargate
        ? {
            taskDefinition: 'fg',
            capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }],
            networkConfiguration: {
              awsvpcConfiguration: { subnets: subnets.Subnets.slice(0, 2).map((s) => s.SubnetId) },
            },
          }
        : { taskDefinition: 'web' }),
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
  const attachmentsOf = template.map((arn) =>
    (col.tasks.get(arn)?.task.attachments ?? []).map((a) => a.id ?? ''),
  );
  const taskId = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
  const attachments: string[] = attachmentsOf.flat();
  let n = template.length;

  const p50 = async (fn: () => Promise<unknown>): Promise<number> => {
    const times: number[] = [];
    const started = performance.now();
    while (times.length < 40 && (times.length < 3 || performance.now() - started < 3000)) {
      const s = performance.now();
      await fn();
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] ?? NaN;
  };

  for (const level of levels) {
    plane.deps.db.tx(() => {
      for (; n < level; n++) {
        const source = n % template.length;
        const oldId = taskId(template[source] as string);
        const newId = (0x10000000 + n).toString(16).padStart(8, '0') + oldId.slice(8);
        let text = (texts[source] as string).replaceAll(oldId, newId);
        for (const a of attachmentsOf[source] ?? []) {
          const fresh = (0x10000000 + n).toString(16).padStart(8, '0') + a.slice(8);
          text = text.replaceAll(a, fresh);
          attachments.push(fresh);
        }
        const copy = JSON.parse(text) as TaskRecord;
        col.tasks.putShared(copy.task.taskArn, copy);
      }
    });
    const put = await p50(async () => {
      await call('PutClusterCapacityProviders', {
        cluster: 'r',
        capacityProviders: ['FARGATE'],
        defaultCapacityProviderStrategy: [],
      });
      await call('PutClusterCapacityProviders', {
        cluster: 'r',
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [],
      });
    });
    const attach = await p50(() =>
      call('SubmitAttachmentStateChanges', {
        cluster: 'r',
        attachments: [
          {
            attachmentArn: `arn:aws:ecs:us-east-1:000000000000:attachment/${
              attachments[Math.floor(Math.random() * attachments.length)]
            }`,
            status: 'ATTACHED',
          },
        ],
      }),
    );
    const filtered = await p50(() =>
      call('ListContainerInstances', { cluster: 'r', filter: 'runningTasksCount > 0' }),
    );
    console.log(
      `${level} tasks: PutClusterCapacityProviders remove+add ${put.toFixed(2)} ms, ` +
        `SubmitAttachmentStateChanges ${attach.toFixed(2)} ms, ` +
        `ListContainerInstances(runningTasksCount filter) ${filtered.toFixed(2)} ms (p50)`,
    );
  }
  await plane.stop();
  rmSync(dir, { recursive: true, force: true });
}

void main();
