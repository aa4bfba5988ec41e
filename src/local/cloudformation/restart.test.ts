/**
 * Stacks survive SIGKILL. The control plane runs as a child process (`ecs-console local --state FILE`);
 * it is killed while the 2015 cluster stack is CREATE_IN_PROGRESS (the Auto Scaling group waiting for
 * its instances), UPDATE_IN_PROGRESS (the group growing) and DELETE_IN_PROGRESS, then restarted on the
 * same state file.
 * After each restart the stack reaches a final status (nothing stays *_IN_PROGRESS), and after the
 * delete nothing the stack made is left: no VPC, instance, Auto Scaling group, launch configuration,
 * role or instance profile.
 */
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  type StackResource,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { IAMClient, ListInstanceProfilesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { clientSettings } from '../../testing/plane';
import { startLocalPlane, type RunningProcess } from '../../testing/process';
import { fixture, settle } from './testing';

const STACK = 'EC2ContainerService-restart';
const dir = mkdtempSync(join(tmpdir(), 'ecs-console-cfn-restart-'));
const state = join(dir, 'state.sqlite');
let plane: RunningProcess | null = null;

afterAll(() => {
  plane?.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Clients {
  cfn: CloudFormationClient;
  ec2: EC2Client;
  asg: AutoScalingClient;
  iam: IAMClient;
}

async function start(): Promise<Clients> {
  plane = await startLocalPlane(state);
  const config = clientSettings(plane.url);
  return {
    cfn: new CloudFormationClient(config),
    ec2: new EC2Client(config),
    asg: new AutoScalingClient(config),
    iam: new IAMClient(config),
  };
}

async function kill(clients: Clients): Promise<void> {
  for (const c of Object.values(clients)) (c as { destroy(): void }).destroy();
  const p = plane;
  plane = null;
  await p?.stop();
}

async function resources(cfn: CloudFormationClient, stack: string): Promise<StackResource[]> {
  return (await cfn.send(new DescribeStackResourcesCommand({ StackName: stack }))).StackResources ?? [];
}

/** Polls the stack's resources until `ready` holds (then the caller kills the process). */
async function waitFor(
  cfn: CloudFormationClient,
  stack: string,
  ready: (r: StackResource[]) => boolean,
): Promise<StackResource[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await resources(cfn, stack);
    if (ready(r)) return r;
    if (Date.now() > deadline)
      throw new Error(
        `condition not reached: ${JSON.stringify(r.map((x) => [x.LogicalResourceId, x.ResourceStatus]))}`,
      );
    await new Promise((res) => setTimeout(res, 10));
  }
}

it('completes or rolls back after SIGKILL during CREATE, UPDATE and DELETE_IN_PROGRESS, leaving nothing behind', async () => {
  let c = await start();
  const { StackId } = await c.cfn.send(
    new CreateStackCommand({
      StackName: STACK,
      TemplateBody: fixture('cluster-2015.yaml'),
      Capabilities: ['CAPABILITY_IAM'],
    }),
  );
  const stackId = StackId as string;
  await waitFor(c.cfn, STACK, (r) =>
    r.some((x) => x.LogicalResourceId === 'EcsInstanceAsg' && x.ResourceStatus === 'CREATE_IN_PROGRESS'),
  );
  await kill(c);

  c = await start();
  const created = await settle(c.cfn, stackId, 60_000);
  expect(['CREATE_COMPLETE', 'ROLLBACK_COMPLETE']).toContain(created.StackStatus);
  const ids = Object.fromEntries(
    (await resources(c.cfn, stackId)).map((r) => [r.LogicalResourceId, r.PhysicalResourceId]),
  );
  if (created.StackStatus === 'CREATE_COMPLETE') {
    const groups = await c.asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [ids.EcsInstanceAsg as string] }),
    );
    const inService = groups.AutoScalingGroups?.[0]?.Instances?.filter(
      (i) => i.LifecycleState === 'InService',
    );
    expect(inService).toHaveLength(3);
    const vpcs = await c.ec2.send(new DescribeVpcsCommand({}));
    expect(vpcs.Vpcs?.filter((v) => !v.IsDefault).map((v) => v.VpcId)).toEqual([ids.Vpc]);
  }

  if (created.StackStatus === 'CREATE_COMPLETE') {
    // Grow the group, and kill while the Auto Scaling group is being updated.
    await c.cfn.send(
      new UpdateStackCommand({
        StackName: STACK,
        UsePreviousTemplate: true,
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: [{ ParameterKey: 'AsgMaxSize', ParameterValue: '4' }],
      }),
    );
    await waitFor(c.cfn, STACK, (r) =>
      r.some((x) => x.LogicalResourceId === 'EcsInstanceAsg' && x.ResourceStatus === 'UPDATE_IN_PROGRESS'),
    );
    await kill(c);
    c = await start();
    const updated = await settle(c.cfn, stackId, 60_000);
    expect(['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE']).toContain(updated.StackStatus);
    const groups = await c.asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [ids.EcsInstanceAsg as string] }),
    );
    const inService = groups.AutoScalingGroups?.[0]?.Instances?.filter(
      (i) => i.LifecycleState === 'InService',
    );
    expect(inService).toHaveLength(updated.StackStatus === 'UPDATE_COMPLETE' ? 4 : 3);
  }

  await c.cfn.send(new DeleteStackCommand({ StackName: STACK }));
  await waitFor(c.cfn, stackId, (r) =>
    r.some((x) => x.ResourceStatus === 'DELETE_IN_PROGRESS' || x.ResourceStatus === 'DELETE_COMPLETE'),
  );
  await kill(c);

  c = await start();
  const deleted = await settle(c.cfn, stackId, 60_000);
  expect(deleted.StackStatus).toBe('DELETE_COMPLETE');
  const stacks = await c.cfn.send(new ListStacksCommand({}));
  expect(stacks.StackSummaries?.filter((s) => s.StackStatus?.endsWith('_IN_PROGRESS'))).toEqual([]);

  const vpcs = await c.ec2.send(new DescribeVpcsCommand({}));
  expect(vpcs.Vpcs?.filter((v) => !v.IsDefault)).toEqual([]);
  const instances = await c.ec2.send(new DescribeInstancesCommand({}));
  const live = (instances.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.State?.Name !== 'terminated');
  expect(live).toEqual([]);
  const groups = await c.ec2.send(new DescribeSecurityGroupsCommand({}));
  expect(groups.SecurityGroups?.filter((g) => g.GroupName !== 'default')).toEqual([]);
  expect((await c.asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups).toEqual([]);
  expect((await c.asg.send(new DescribeLaunchConfigurationsCommand({}))).LaunchConfigurations).toEqual([]);
  const roles = await c.iam.send(new ListRolesCommand({}));
  expect(roles.Roles?.filter((r) => r.RoleName?.startsWith(STACK.slice(0, 10)))).toEqual([]);
  const profiles = await c.iam.send(new ListInstanceProfilesCommand({}));
  expect(
    profiles.InstanceProfiles?.filter((p) => p.InstanceProfileName?.startsWith(STACK.slice(0, 10))),
  ).toEqual([]);
  await kill(c);
});
