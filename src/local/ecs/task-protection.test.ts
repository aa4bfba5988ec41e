/**
 * Task scale-in protection over HTTP: protected tasks of a service survive scaling in until their
 * protection is removed or expires (the clock jumps two hours; the scheduler looks again by itself);
 * standalone and unknown tasks fail as ECS reports them.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  GetTaskProtectionCommand,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  UpdateTaskProtectionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestPlane, waitFor, type TestPlane } from '../../testing/plane';
import { ManualClock } from '../common/clock';

let t: TestPlane;
let ecs: ECSClient;
const CLUSTER = 'protect';
const clock = new ManualClock({ running: true, start: Date.now() });
let td: string;

beforeAll(async () => {
  t = await startTestPlane({ resyncMs: 200, clock });
  ecs = new ECSClient(t.client);
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await ecs.send(
    new RegisterContainerInstanceCommand({
      cluster: CLUSTER,
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 4096 },
      ],
    }),
  );
  td = (
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'worker',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, essential: true }],
      }),
    )
  ).taskDefinition!.taskDefinitionArn!;
});

afterAll(async () => {
  ecs?.destroy();
  await t?.plane.stop();
});

const running = async () =>
  (await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'jobs', desiredStatus: 'RUNNING' })))
    .taskArns ?? [];

const service = async () =>
  (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['jobs'] }))).services![0]!;

describe('task scale-in protection', () => {
  it('keeps protected tasks through a scale-in until protection ends', async () => {
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'jobs',
        taskDefinition: td,
        desiredCount: 3,
      }),
    );
    await waitFor(
      async () =>
        (await service()).runningCount === 3 &&
        (await service()).deployments?.[0]?.rolloutState === 'COMPLETED',
      10_000,
    );
    const [a, b, c] = (await running()).sort();
    const protectedOut = await ecs.send(
      new UpdateTaskProtectionCommand({
        cluster: CLUSTER,
        tasks: [a!, b!],
        protectionEnabled: true,
        expiresInMinutes: 60,
      }),
    );
    expect(protectedOut.failures).toEqual([]);
    expect(protectedOut.protectedTasks?.map((x) => [x.taskArn, x.protectionEnabled])).toEqual([
      [a, true],
      [b, true],
    ]);
    const expires = protectedOut.protectedTasks![0]!.expirationDate!.getTime();
    expect(Math.abs(expires - (clock.now() + 3_600_000))).toBeLessThan(5_000);
    const got = await ecs.send(new GetTaskProtectionCommand({ cluster: CLUSTER, tasks: [a!, c!] }));
    expect(got.protectedTasks?.map((x) => x.protectionEnabled)).toEqual([true, false]);

    // Down to 1: the unprotected task goes, both protected ones stay (one held past its desired count).
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'jobs', desiredCount: 1 }));
    await waitFor(async () => !(await running()).includes(c!), 10_000);
    await t.plane.idle();
    expect((await running()).sort()).toEqual([a, b].sort());
    const events = (await service()).events?.map((e) => e.message) ?? [];
    expect(events).toContain(
      '(service jobs) was unable to scale in due to (reason 1 tasks under protection).',
    );

    // When protection expires the scheduler looks again by itself and scales in.
    clock.advance(61 * 60_000);
    await waitFor(async () => (await running()).length === 1, 10_000);
    const left = await ecs.send(new GetTaskProtectionCommand({ cluster: CLUSTER, tasks: await running() }));
    expect(left.protectedTasks?.[0]?.protectionEnabled).toBe(false);
  });

  it('removing protection lets scaling stop the task', async () => {
    const [only] = await running();
    await ecs.send(
      new UpdateTaskProtectionCommand({ cluster: CLUSTER, tasks: [only!], protectionEnabled: true }),
    );
    const got = await ecs.send(new GetTaskProtectionCommand({ cluster: CLUSTER, tasks: [only!] }));
    // Two hours by default.
    expect(
      Math.abs(got.protectedTasks![0]!.expirationDate!.getTime() - (clock.now() + 7_200_000)),
    ).toBeLessThan(5_000);
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'jobs', desiredCount: 0 }));
    await t.plane.idle();
    expect(await running()).toEqual([only]);
    await ecs.send(
      new UpdateTaskProtectionCommand({ cluster: CLUSTER, tasks: [only!], protectionEnabled: false }),
    );
    await waitFor(async () => (await running()).length === 0, 10_000);
  });

  it('fails standalone and unknown tasks, and refuses bad input', async () => {
    const standalone = (await ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: td })))
      .tasks![0]!.taskArn!;
    const out = await ecs.send(
      new UpdateTaskProtectionCommand({
        cluster: CLUSTER,
        tasks: [standalone, 'ffffffffffffffffffffffffffffffff'],
        protectionEnabled: true,
      }),
    );
    expect(out.protectedTasks).toEqual([]);
    expect(out.failures).toEqual([
      { arn: standalone, reason: 'TASK_NOT_VALID', detail: 'The task is not part of a service.' },
      { arn: 'ffffffffffffffffffffffffffffffff', reason: 'MISSING' },
    ]);
    expect(
      await errorOf(
        ecs.send(
          new UpdateTaskProtectionCommand({
            cluster: CLUSTER,
            tasks: [standalone],
            protectionEnabled: true,
            expiresInMinutes: 2881,
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(
      await errorOf(
        ecs.send(
          new UpdateTaskProtectionCommand({
            cluster: CLUSTER,
            tasks: Array.from({ length: 11 }, () => standalone),
            protectionEnabled: true,
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(
      await errorOf(ecs.send(new GetTaskProtectionCommand({ cluster: 'nope', tasks: [standalone] }))),
    ).toMatchObject({ name: 'ClusterNotFoundException', status: 400 });
  });
});
