/**
 * Crash loops and the deployment circuit breaker, end to end over HTTP: containers whose command
 * exits (agent/exit.ts) stop as ECS stops them, and a rollout of such a revision fails and rolls
 * back to the last completed deployment, in ECS's own words. The plane runs on a running
 * ManualClock: to show that something does not happen, a test jumps the clock far ahead, waits
 * for every background loop to be idle (a positive signal), and only then looks.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlane, waitFor, type TestPlane } from '../../testing/plane';
import { ManualClock } from '../common/clock';

let t: TestPlane;
let ecs: ECSClient;
const CLUSTER = 'breaker';
const clock = new ManualClock({ running: true, start: Date.now() });

beforeAll(async () => {
  t = await startTestPlane({ resyncMs: 200, clock });
  ecs = new ECSClient(t.client);
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  for (let i = 0; i < 2; i++) {
    await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: CLUSTER,
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 2048 },
        ],
      }),
    );
  }
});

afterAll(async () => {
  ecs?.destroy();
  await t?.plane.stop();
});

const register = async (family: string, command?: string[]) =>
  (
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          {
            name: 'app',
            image: 'public.ecr.aws/docker/library/busybox:latest',
            memory: 128,
            essential: true,
            ...(command ? { command } : {}),
          },
        ],
      }),
    )
  ).taskDefinition!.taskDefinitionArn!;

const service = async (name: string): Promise<Service> =>
  (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }))).services![0]!;

const task = async (arn: string) =>
  (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }))).tasks?.[0];

describe('containers that exit', () => {
  it('stop the task with EssentialContainerExited and the exit code', async () => {
    const td = await register('crash', ['sh', '-c', 'exit 3']);
    const run = await ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: td }));
    const arn = run.tasks![0]!.taskArn!;
    const stopped = await waitFor(async () => {
      const task = (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }))).tasks?.[0];
      return task?.lastStatus === 'STOPPED' ? task : undefined;
    }, 10_000);
    expect(stopped).toMatchObject({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      desiredStatus: 'STOPPED',
    });
    expect(stopped.containers?.[0]).toMatchObject({ name: 'app', lastStatus: 'STOPPED', exitCode: 3 });
    expect(stopped.startedAt).toBeDefined();

    // A container override decides too: this one keeps running, while one that sleeps a minute exits.
    const runWith = async (command: string[]) =>
      (
        await ecs.send(
          new RunTaskCommand({
            cluster: CLUSTER,
            taskDefinition: td,
            overrides: { containerOverrides: [{ name: 'app', command }] },
          }),
        )
      ).tasks![0]!.taskArn!;
    const keptArn = await runWith(['httpd-foreground']);
    const sleeperArn = await runWith(['sh', '-c', 'sleep 60; exit 0']);
    for (const arn of [keptArn, sleeperArn])
      await waitFor(async () => (await task(arn))?.lastStatus === 'RUNNING', 10_000);
    clock.advance(10 * 60_000);
    const slept = await waitFor(async () => {
      const x = await task(sleeperArn);
      return x?.lastStatus === 'STOPPED' ? x : undefined;
    }, 10_000);
    expect(slept.containers?.[0]?.exitCode).toBe(0);
    await t.plane.idle();
    expect((await task(keptArn))?.lastStatus).toBe('RUNNING');
  });
});

describe('deployment circuit breaker', () => {
  it('fails a crash-looping rollout and rolls back to the last completed deployment', async () => {
    const good = await register('web');
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: good,
        desiredCount: 2,
        deploymentConfiguration: {
          minimumHealthyPercent: 100,
          maximumPercent: 200,
          deploymentCircuitBreaker: { enable: true, rollback: true },
        },
      }),
    );
    const first = await waitFor(async () => {
      const s = await service('web');
      return s.deployments?.[0]?.rolloutState === 'COMPLETED' && s.runningCount === 2 ? s : undefined;
    }, 10_000);
    const goodDeployment = first.deployments![0]!.id!;

    const bad = await register('web', ['sh', '-c', 'exit 1']);
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: bad }));
    let lowest = 2;
    const rolledBack = await waitFor(
      async () => {
        const s = await service('web');
        lowest = Math.min(lowest, s.runningCount ?? 0);
        const primary = s.deployments?.[0];
        return primary?.id === goodDeployment &&
          primary.rolloutState === 'COMPLETED' &&
          s.deployments?.length === 1
          ? s
          : undefined;
      },
      15_000,
      20,
    );
    expect(rolledBack.taskDefinition).toBe(good);
    expect(rolledBack.runningCount).toBe(2);
    // The old tasks kept serving all along (minimumHealthyPercent 100).
    expect(lowest).toBe(2);
    const messages = (rolledBack.events ?? []).map((e) => e.message ?? '').reverse();
    const failed = messages.findIndex((m) =>
      /\(deployment ecs-svc\/\d+\) deployment failed: tasks failed to start\.$/.test(m),
    );
    const rolling = messages.indexOf(`(service web) rolling back to deployment ${goodDeployment}.`);
    expect(failed).toBeGreaterThanOrEqual(0);
    expect(rolling).toBeGreaterThan(failed);
    expect(messages.at(-1)).toBe('(service web) has reached a steady state.');
  });

  it('without rollback, the deployment is FAILED and launches nothing more', async () => {
    const bad = await register('lone', ['exit 2']);
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'lone',
        taskDefinition: bad,
        desiredCount: 1,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
      }),
    );
    const failed = await waitFor(async () => {
      const s = await service('lone');
      return s.deployments?.[0]?.rolloutState === 'FAILED' ? s : undefined;
    }, 10_000);
    expect(failed.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
    });
    expect(failed.deployments?.[0]?.failedTasks).toBeGreaterThanOrEqual(3);
    // Tasks already launched when it tripped finish failing (all STOPPED, every loop idle)...
    const tasksOf = async (desiredStatus: 'RUNNING' | 'STOPPED') =>
      (await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'lone', desiredStatus })))
        .taskArns ?? [];
    const live = () => tasksOf('RUNNING');
    await waitFor(async () => {
      if ((await live()).length > 0) return false;
      const stopping = await tasksOf('STOPPED');
      const described = stopping.length
        ? ((await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: stopping }))).tasks ?? [])
        : [];
      if (!described.every((x) => x.lastStatus === 'STOPPED')) return false;
      // ...and the scheduler has counted each of them (its pass after a hint runs up to a hint gap later).
      return (await service('lone')).deployments?.[0]?.failedTasks === stopping.length;
    }, 10_000);
    await t.plane.idle();
    const settled = await service('lone');
    expect(settled.runningCount! + settled.pendingCount!).toBe(0);
    // ...then nothing more is launched: ten minutes later, every loop having looked again.
    clock.advance(10 * 60_000);
    await t.plane.idle();
    const later = await service('lone');
    expect(await live()).toEqual([]);
    expect(later.runningCount! + later.pendingCount!).toBe(0);
    expect(later.deployments?.[0]?.failedTasks).toBe(settled.deployments?.[0]?.failedTasks);
    expect(later.deployments?.[0]?.rolloutState).toBe('FAILED');
  });
});
