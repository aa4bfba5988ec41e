/**
 * The agent's operations over HTTP with the SDK: DiscoverPollEndpoint names this plane, an outside
 * agent's container and task reports are recorded (an essential container that stopped stops its
 * task), UpdateContainerAgent brings an old agent to the newest version and answers ECS's errors.
 */
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  DiscoverPollEndpointCommand,
  RunTaskCommand,
  SubmitAttachmentStateChangesCommand,
  SubmitContainerStateChangeCommand,
  SubmitTaskStateChangeCommand,
  UpdateContainerAgentCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, waitFor } from '../../testing/plane';
import { registerInstance, startTestPlane, type TestPlane } from './testing';

let t: TestPlane;
const CLUSTER = 'agentapi';
let instanceArn: string;
let td: string;

beforeAll(async () => {
  t = await startTestPlane();
  await t.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  instanceArn = (await registerInstance(t.ecs, CLUSTER)).containerInstanceArn!;
  td = (
    await t.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'reported',
        containerDefinitions: [
          { name: 'main', image: 'busybox', memory: 64, essential: true },
          { name: 'side', image: 'busybox', memory: 64, essential: false },
        ],
      }),
    )
  ).taskDefinition!.taskDefinitionArn!;
});

afterAll(async () => {
  await t?.stop();
});

const task = async (arn: string) =>
  (await t.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }))).tasks![0]!;

const running = async () => {
  const arn = (await t.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: td }))).tasks![0]!
    .taskArn!;
  await waitFor(async () => (await task(arn)).lastStatus === 'RUNNING', 10_000);
  return arn;
};

describe('agent operations', () => {
  it('DiscoverPollEndpoint answers with this control plane', async () => {
    const out = await t.ecs.send(
      new DiscoverPollEndpointCommand({ cluster: CLUSTER, containerInstance: instanceArn }),
    );
    expect(out).toMatchObject({
      endpoint: `${t.url}/`,
      telemetryEndpoint: `${t.url}/`,
      serviceConnectEndpoint: `${t.url}/`,
    });
    expect(
      await errorOf(
        t.ecs.send(new DiscoverPollEndpointCommand({ cluster: CLUSTER, containerInstance: 'nope' })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });

  it('records container reports; a non-essential exit keeps the task, an essential one stops it', async () => {
    const arn = await running();
    const ack = await t.ecs.send(
      new SubmitContainerStateChangeCommand({
        cluster: CLUSTER,
        task: arn,
        containerName: 'side',
        runtimeId: 'abc123',
        status: 'STOPPED',
        exitCode: 2,
        reason: 'done',
      }),
    );
    expect(ack.acknowledgment).toBe('ACK');
    const after = await task(arn);
    expect(after.lastStatus).toBe('RUNNING');
    expect(after.containers?.find((c) => c.name === 'side')).toMatchObject({
      lastStatus: 'STOPPED',
      exitCode: 2,
      reason: 'done',
      runtimeId: 'abc123',
    });
    await t.ecs.send(
      new SubmitTaskStateChangeCommand({
        cluster: CLUSTER,
        task: arn,
        containers: [{ containerName: 'main', status: 'STOPPED', exitCode: 137 }],
        pullStartedAt: new Date(1_700_000_000_000),
      }),
    );
    const stopped = await waitFor(async () => {
      const x = await task(arn);
      return x.lastStatus === 'STOPPED' ? x : undefined;
    }, 10_000);
    expect(stopped).toMatchObject({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
    });
    expect(stopped.containers?.find((c) => c.name === 'main')?.exitCode).toBe(137);
  });

  it('a task reported STOPPED stops, with the reason given', async () => {
    const arn = await running();
    await t.ecs.send(
      new SubmitTaskStateChangeCommand({
        cluster: CLUSTER,
        task: arn,
        status: 'STOPPED',
        reason: 'OutOfMemoryError: Container killed',
      }),
    );
    const stopped = await waitFor(async () => {
      const x = await task(arn);
      return x.lastStatus === 'STOPPED' ? x : undefined;
    }, 10_000);
    expect(stopped.stoppedReason).toBe('OutOfMemoryError: Container killed');
  });

  it('refuses reports about what does not exist, changing nothing', async () => {
    const arn = await running();
    const before = await task(arn);
    const cases = [
      new SubmitContainerStateChangeCommand({
        cluster: CLUSTER,
        task: arn,
        containerName: 'ghost',
        status: 'RUNNING',
      }),
      new SubmitTaskStateChangeCommand({ cluster: CLUSTER, task: arn, status: 'SLEEPING' }),
      new SubmitTaskStateChangeCommand({
        cluster: CLUSTER,
        task: arn,
        containers: [
          { containerName: 'side', status: 'STOPPED' },
          { containerName: 'ghost', status: 'STOPPED' },
        ],
      }),
      new SubmitTaskStateChangeCommand({
        cluster: CLUSTER,
        task: 'ffffffffffffffffffffffffffffffff',
        status: 'RUNNING',
      }),
      new SubmitAttachmentStateChangesCommand({
        cluster: CLUSTER,
        attachments: [
          { attachmentArn: 'arn:aws:ecs:us-east-1:000000000000:attachment/x', status: 'ATTACHED' },
        ],
      }),
    ];
    for (const c of cases) {
      expect(await errorOf(t.ecs.send(c as never))).toMatchObject({
        name: 'InvalidParameterException',
        status: 400,
      });
    }
    expect(
      await errorOf(
        t.ecs.send(new SubmitTaskStateChangeCommand({ cluster: 'nope', task: arn, status: 'RUNNING' })),
      ),
    ).toMatchObject({ name: 'ClusterNotFoundException', status: 400 });
    const after = await task(arn);
    expect(after.containers).toEqual(before.containers);
    expect(after.version).toBe(before.version);
  });

  it('UpdateContainerAgent updates an old agent once, then has nothing to update', async () => {
    const updated = await t.ecs.send(
      new UpdateContainerAgentCommand({ cluster: CLUSTER, containerInstance: instanceArn }),
    );
    expect(updated.containerInstance).toMatchObject({
      agentUpdateStatus: 'UPDATED',
      versionInfo: { agentVersion: '1.89.2' },
    });
    const described = await t.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [instanceArn] }),
    );
    expect(described.containerInstances?.[0]?.versionInfo?.agentVersion).toBe('1.89.2');
    expect(
      await errorOf(
        t.ecs.send(new UpdateContainerAgentCommand({ cluster: CLUSTER, containerInstance: instanceArn })),
      ),
    ).toMatchObject({ name: 'NoUpdateAvailableException', status: 400 });
    expect(
      await errorOf(
        t.ecs.send(new UpdateContainerAgentCommand({ cluster: CLUSTER, containerInstance: 'nope' })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });
});
