/**
 * Issue 13 figures: the time from RunTask to RUNNING per task (the task's own createdAt -> startedAt),
 * with the simulated runtime and with the Docker runtime (image present on the engine), each in a
 * child `ecs-console local --runtime R` at the default lifecycle step (200 ms): one task at a time,
 * then 10 at once. Without a Docker Engine the docker row says it was skipped.
 */
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { ensureTestImage, hasDockerEngine, TEST_IMAGE } from '../src/testing/docker';
import { fmt, quantile, startEcsConsole, table } from './lib';

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

async function poll<T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `count` tasks in one RunTask call; resolves with each one's RunTask -> RUNNING seconds. */
async function runBatch(ecs: ECSClient, count: number): Promise<number[]> {
  const run = await ecs.send(new RunTaskCommand({ cluster: 'bench', taskDefinition: 'web', count }));
  const arns = (run.tasks ?? []).map((t) => t.taskArn ?? '');
  if (arns.length !== count)
    throw new Error(`placed ${arns.length} of ${count}: ${JSON.stringify(run.failures)}`);
  const tasks = await poll(async () => {
    const out = await ecs.send(new DescribeTasksCommand({ cluster: 'bench', tasks: arns }));
    const all = out.tasks ?? [];
    if (all.some((t) => t.lastStatus === 'STOPPED'))
      throw new Error(`a task stopped: ${all.find((t) => t.lastStatus === 'STOPPED')?.stoppedReason}`);
    return all.every((t) => t.lastStatus === 'RUNNING') ? all : undefined;
  }, 120_000);
  await Promise.all(arns.map((task) => ecs.send(new StopTaskCommand({ cluster: 'bench', task }))));
  return tasks.map((t) => ((t.startedAt?.getTime() ?? 0) - (t.createdAt?.getTime() ?? 0)) / 1000);
}

async function measure(runtime: 'simulated' | 'docker'): Promise<Record<string, string>[]> {
  const plane = await startEcsConsole(
    [
      'local',
      '--port',
      '0',
      '--ephemeral',
      '--runtime',
      runtime,
      '--instances',
      '2',
      '--cluster',
      'bench',
      '--instance-type',
      't2.medium',
    ],
    /listening on (http:\/\/\S+)/,
  );
  const ecs = new ECSClient({ endpoint: plane.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: 'bench' }));
    await poll(async () => {
      const out = await ecs.send(new ListContainerInstancesCommand({ cluster: 'bench' }));
      return (out.containerInstanceArns?.length ?? 0) >= 2 ? true : undefined;
    }, 30_000);
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [
          {
            name: 'web',
            image: TEST_IMAGE,
            memory: 32,
            portMappings: [{ containerPort: 80, hostPort: 0 }],
            stopTimeout: 2,
          },
        ],
      }),
    );
    await runBatch(ecs, 1); // warm-up (first task definition read, first container)
    const single: number[] = [];
    for (let i = 0; i < 10; i++) single.push(...(await runBatch(ecs, 1)));
    const batch = await runBatch(ecs, 10);
    const row = (label: string, xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return {
        runtime,
        run: label,
        tasks: String(xs.length),
        'p50 s': fmt(quantile(sorted, 0.5), 2),
        'p99 s': fmt(quantile(sorted, 0.99), 2),
        'mean s': fmt(xs.reduce((a, b) => a + b, 0) / xs.length, 2),
      };
    };
    return [row('one at a time', single), row('10 at once', batch)];
  } finally {
    ecs.destroy();
    await plane.stop();
  }
}

export async function benchRuntime(): Promise<void> {
  console.log('\n== RunTask -> RUNNING per task, simulated vs Docker runtime (lifecycle step 200 ms) ==');
  const rows = await measure('simulated');
  if (hasDockerEngine()) {
    ensureTestImage();
    rows.push(...(await measure('docker')));
  } else {
    rows.push({
      runtime: 'docker',
      run: 'skipped: no Docker Engine answers',
      tasks: '',
      'p50 s': '',
      'p99 s': '',
      'mean s': '',
    });
  }
  console.log(table(rows));
  console.log(
    '(the lifecycle walks PROVISIONING -> PENDING -> ACTIVATING -> RUNNING one 200 ms step at a time; the rest is the runtime)',
  );
}
