/**
 * Auto Scaling lifecycle hooks and ECS managed draining, through the real SDK clients.
 *
 * - Hooks: PutLifecycleHook / DescribeLifecycleHooks / DeleteLifecycleHook with AWS's checks; an
 *   instance taken out waits in Terminating:Wait, a launched one in Pending:Wait, until
 *   CompleteLifecycleAction (CONTINUE or ABANDON).
 * - Managed draining (a capacity provider's default): ECS puts its hook on the group; an instance the
 *   group takes out is set DRAINING, its service task is started elsewhere, and only then is the
 *   instance terminated. With managedDraining DISABLED the hook is removed.
 */
import {
  AutoScalingClient,
  CompleteLifecycleActionCommand,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DeleteLifecycleHookCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand,
  PutLifecycleHookCommand,
  SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  UpdateCapacityProviderCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS, eventually, expectAwsError } from '../ecs/testing';
import { LocalControlPlane } from '../index';

/** The ECS-optimized image the local EC2 serves (src/local/ec2/catalog.ts). */
const ECS_AMI = 'ami-0a7a1e5e0c5c0ffee';
const HOOK = 'ecs-managed-draining-termination-hook';
let plane: LocalControlPlane;
let ecs: ECSClient;
let asg: AutoScalingClient;
let ec2: EC2Client;

beforeAll(async () => {
  plane = new LocalControlPlane({ statePath: null, taskStepMs: 20, instanceBootMs: 20, resyncMs: 200 });
  const url = await plane.listen(0);
  const common = { endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  ecs = new ECSClient(common);
  asg = new AutoScalingClient(common);
  ec2 = new EC2Client(common);
});

afterAll(async () => {
  ecs.destroy();
  asg.destroy();
  ec2.destroy();
  await plane.stop();
});

async function makeGroup(name: string, cluster: string, size: number): Promise<string> {
  const userData = Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config`).toString(
    'base64',
  );
  await asg.send(
    new CreateLaunchConfigurationCommand({
      LaunchConfigurationName: `${name}-lc`,
      ImageId: ECS_AMI,
      InstanceType: 't2.micro',
      UserData: userData,
    }),
  );
  await asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      LaunchConfigurationName: `${name}-lc`,
      MinSize: 0,
      MaxSize: 4,
      DesiredCapacity: size,
      AvailabilityZones: ['us-east-1a'],
    }),
  );
  return (await groupOf(name))?.AutoScalingGroupARN ?? '';
}

const groupOf = async (name: string) =>
  (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })))
    .AutoScalingGroups?.[0];

const stateOf = async (name: string, instanceId: string) =>
  (await groupOf(name))?.Instances?.find((i) => i.InstanceId === instanceId)?.LifecycleState;

const ec2State = async (instanceId: string) =>
  (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations?.[0]
    ?.Instances?.[0]?.State?.Name;

describe('Auto Scaling lifecycle hooks', () => {
  it('hold a terminating and a launching instance until their action is completed', async () => {
    await makeGroup('hooked', 'nobody', 1);
    const first = await eventually(async () => {
      const i = (await groupOf('hooked'))?.Instances?.[0];
      return i?.LifecycleState === 'InService' ? i.InstanceId : undefined;
    });

    // What AWS refuses, before anything is written.
    await expectAwsError(
      asg.send(
        new PutLifecycleHookCommand({
          AutoScalingGroupName: 'hooked',
          LifecycleHookName: 'bad',
          LifecycleTransition: 'autoscaling:EC2_INSTANCE_REBOOTING',
        }),
      ),
      'ValidationError',
      'Invalid Lifecycle Transition',
    );
    await expectAwsError(
      asg.send(
        new PutLifecycleHookCommand({
          AutoScalingGroupName: 'hooked',
          LifecycleHookName: 'bad',
          LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
          HeartbeatTimeout: 10,
        }),
      ),
      'ValidationError',
      'between 30 and 7200',
    );
    await expectAwsError(
      asg.send(new PutLifecycleHookCommand({ AutoScalingGroupName: 'hooked', LifecycleHookName: 'bad' })),
      'ValidationError',
      'lifecycle transition is required',
    );
    await expectAwsError(
      asg.send(
        new PutLifecycleHookCommand({
          AutoScalingGroupName: 'nope',
          LifecycleHookName: 'bad',
          LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        }),
      ),
      'ValidationError',
      'not found',
    );
    expect(
      (await asg.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'hooked' }))).LifecycleHooks,
    ).toEqual([]);

    await asg.send(
      new PutLifecycleHookCommand({
        AutoScalingGroupName: 'hooked',
        LifecycleHookName: 'out',
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        HeartbeatTimeout: 300,
        DefaultResult: 'CONTINUE',
      }),
    );
    await asg.send(
      new PutLifecycleHookCommand({
        AutoScalingGroupName: 'hooked',
        LifecycleHookName: 'in',
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      }),
    );
    const hooks = (await asg.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'hooked' })))
      .LifecycleHooks;
    expect(hooks).toEqual([
      expect.objectContaining({
        LifecycleHookName: 'out',
        AutoScalingGroupName: 'hooked',
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        HeartbeatTimeout: 300,
        GlobalTimeout: 30_000,
        DefaultResult: 'CONTINUE',
      }),
      expect.objectContaining({ LifecycleHookName: 'in', HeartbeatTimeout: 3600, DefaultResult: 'ABANDON' }),
    ]);
    await expectAwsError(
      asg.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: 'hooked',
          LifecycleHookName: 'out',
          LifecycleActionResult: 'CONTINUE',
          InstanceId: first,
        }),
      ),
      'ValidationError',
      `No active Lifecycle Action found with instance ID ${first}`,
    );

    // Taken out: it waits, still running, and a replacement launches and waits for the launch hook.
    await asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({
        InstanceId: first,
        ShouldDecrementDesiredCapacity: false,
      }),
    );
    expect(await stateOf('hooked', first)).toBe('Terminating:Wait');
    const second = await eventually(async () => {
      const i = (await groupOf('hooked'))?.Instances?.find((x) => x.LifecycleState === 'Pending:Wait');
      return i?.InstanceId;
    });
    expect(await ec2State(first)).toBe('running');
    expect(await stateOf('hooked', first)).toBe('Terminating:Wait');

    await asg.send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: 'hooked',
        LifecycleHookName: 'in',
        LifecycleActionResult: 'CONTINUE',
        InstanceId: second,
      }),
    );
    await eventually(async () => ((await stateOf('hooked', second)) === 'InService' ? true : undefined));
    await asg.send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: 'hooked',
        LifecycleHookName: 'out',
        LifecycleActionResult: 'CONTINUE',
        InstanceId: first,
      }),
    );
    await eventually(async () => ((await ec2State(first)) === 'terminated' ? true : undefined));
    await eventually(async () => ((await stateOf('hooked', first)) === undefined ? true : undefined));

    // A launch abandoned: the instance is terminated (and another one launched in its place).
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'hooked', DesiredCapacity: 2 }));
    const third = await eventually(async () => {
      const i = (await groupOf('hooked'))?.Instances?.find((x) => x.LifecycleState === 'Pending:Wait');
      return i?.InstanceId;
    });
    await asg.send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: 'hooked',
        LifecycleHookName: 'in',
        LifecycleActionResult: 'ABANDON',
        InstanceId: third,
      }),
    );
    await eventually(async () => ((await ec2State(third)) === 'terminated' ? true : undefined));

    // Deleting the hooks lets waiting instances go on.
    await asg.send(
      new DeleteLifecycleHookCommand({ AutoScalingGroupName: 'hooked', LifecycleHookName: 'in' }),
    );
    await eventually(async () => {
      const live = (await groupOf('hooked'))?.Instances ?? [];
      return live.length === 2 && live.every((i) => i.LifecycleState === 'InService') ? true : undefined;
    });
    await expectAwsError(
      asg.send(new DeleteLifecycleHookCommand({ AutoScalingGroupName: 'hooked', LifecycleHookName: 'in' })),
      'ValidationError',
      'No Lifecycle Hook found',
    );
  });
});

describe('ECS managed draining', () => {
  it("drains an instance the group takes out, moves its service's task, then lets it terminate", async () => {
    const asgArn = await makeGroup('drained', 'drain', 2);
    await ecs.send(new CreateClusterCommand({ clusterName: 'drain' }));
    await ecs.send(
      new CreateCapacityProviderCommand({
        name: 'drain-cp',
        autoScalingGroupProvider: { autoScalingGroupArn: asgArn, managedTerminationProtection: 'DISABLED' },
      }),
    );
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'drain',
        capacityProviders: ['drain-cp'],
        defaultCapacityProviderStrategy: [],
      }),
    );
    // ECS puts its hook on the group (managed draining is on by default).
    const hook = await eventually(async () => {
      const out = await asg.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'drained' }));
      return out.LifecycleHooks?.find((h) => h.LifecycleHookName === HOOK);
    });
    expect(hook).toMatchObject({
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
      DefaultResult: 'CONTINUE',
    });

    await eventually(async () => {
      const out = await ecs.send(new ListContainerInstancesCommand({ cluster: 'drain' }));
      return (out.containerInstanceArns ?? []).length === 2 ? true : undefined;
    });
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'drain-web',
        containerDefinitions: [{ name: 'web', image: 'httpd:2.4', memory: 64 }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'drain',
        serviceName: 'web',
        taskDefinition: 'drain-web',
        desiredCount: 1,
        launchType: 'EC2',
      }),
    );
    const task = await eventually(async () => {
      const arns = await ecs.send(new ListTasksCommand({ cluster: 'drain', serviceName: 'web' }));
      if (!arns.taskArns?.length) return undefined;
      const t = (await ecs.send(new DescribeTasksCommand({ cluster: 'drain', tasks: arns.taskArns })))
        .tasks?.[0];
      return t?.lastStatus === 'RUNNING' ? t : undefined;
    });
    const ci = (
      await ecs.send(
        new DescribeContainerInstancesCommand({
          cluster: 'drain',
          containerInstances: [task.containerInstanceArn ?? ''],
        }),
      )
    ).containerInstances?.[0];
    const victim = ci?.ec2InstanceId ?? '';

    // The group takes out the instance that runs the task.
    await asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({
        InstanceId: victim,
        ShouldDecrementDesiredCapacity: true,
      }),
    );
    // ECS drains it: DRAINING, the task replaced on the other instance, then the group terminates it.
    await eventually(async () => {
      const out = await ecs.send(
        new DescribeContainerInstancesCommand({
          cluster: 'drain',
          containerInstances: [ci?.containerInstanceArn ?? ''],
        }),
      );
      return out.containerInstances?.[0]?.status === 'DRAINING' ? true : undefined;
    });
    const replacement = await eventually(async () => {
      const arns = await ecs.send(new ListTasksCommand({ cluster: 'drain', serviceName: 'web' }));
      if (!arns.taskArns?.length) return undefined;
      const ts =
        (await ecs.send(new DescribeTasksCommand({ cluster: 'drain', tasks: arns.taskArns }))).tasks ?? [];
      return ts.find((t) => t.taskArn !== task.taskArn && t.lastStatus === 'RUNNING');
    });
    expect(replacement.containerInstanceArn).not.toBe(task.containerInstanceArn);
    await eventually(async () => ((await ec2State(victim)) === 'terminated' ? true : undefined));
    const old = (await ecs.send(new DescribeTasksCommand({ cluster: 'drain', tasks: [task.taskArn ?? ''] })))
      .tasks?.[0];
    expect(old?.lastStatus).toBe('STOPPED');

    // Managed draining off: the hook is removed.
    await ecs.send(
      new UpdateCapacityProviderCommand({
        name: 'drain-cp',
        autoScalingGroupProvider: { managedDraining: 'DISABLED' },
      }),
    );
    await eventually(async () => {
      const out = await asg.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'drained' }));
      return (out.LifecycleHooks ?? []).length === 0 ? true : undefined;
    });
  });
});
