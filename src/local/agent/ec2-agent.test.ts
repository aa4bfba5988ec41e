/** The agent on simulated EC2 instances, through the whole control plane (EC2 -> agent -> ECS). */
import { afterEach, expect, it } from 'vitest';
import { LocalControlPlane } from '../index';
import { waitFor } from './test-fixtures';

let plane: LocalControlPlane | null = null;
afterEach(async () => {
  await plane?.stop();
  plane = null;
});

interface Ci {
  containerInstanceArn: string;
  ec2InstanceId: string;
  status: string;
  registeredResources: { name: string; integerValue?: number }[];
  runningTasksCount: number;
}

it('registers an EC2 instance whose UserData names the cluster, runs its tasks, and cleans up on terminate', async () => {
  plane = new LocalControlPlane({ statePath: null, taskStepMs: 20, instanceBootMs: 20 });
  await plane.start();
  const call = plane.deps.services;
  await call.call('ecs', 'CreateCluster', { clusterName: 'agents' });
  const userData = Buffer.from('#!/bin/bash\necho ECS_CLUSTER=agents >> /etc/ecs/ecs.config\n').toString(
    'base64',
  );
  await call.call('ec2', 'RunInstances', {
    ImageId: 'ami-0123456789abcdef0',
    InstanceType: 't2.micro',
    MinCount: 1,
    MaxCount: 1,
    UserData: userData,
  });
  const list = async () =>
    (
      await call.call<{ containerInstanceArns: string[] }>('ecs', 'ListContainerInstances', {
        cluster: 'agents',
      })
    ).containerInstanceArns;
  const [ciArn] = await waitFor(
    async () => {
      const arns = await list();
      return arns.length === 1 && arns;
    },
    5000,
    'registration',
  );
  const describe = async () =>
    (
      await call.call<{ containerInstances: Ci[] }>('ecs', 'DescribeContainerInstances', {
        cluster: 'agents',
        containerInstances: [ciArn],
      })
    ).containerInstances[0] as Ci;
  const ci = await describe();
  expect(ci.ec2InstanceId).toMatch(/^i-/);
  expect(ci.registeredResources.find((r) => r.name === 'CPU')?.integerValue).toBe(1024);
  expect(ci.registeredResources.find((r) => r.name === 'MEMORY')?.integerValue).toBe(993);

  await call.call('ecs', 'RegisterTaskDefinition', {
    family: 'console-sample-app-static',
    containerDefinitions: [
      {
        name: 'simple-app',
        image: 'httpd:2.4',
        cpu: 10,
        memory: 300,
        portMappings: [{ containerPort: 80, hostPort: 0 }],
      },
    ],
  });
  const run = await call.call<{ tasks: { taskArn: string }[] }>('ecs', 'RunTask', {
    cluster: 'agents',
    taskDefinition: 'console-sample-app-static',
  });
  const taskArn = run.tasks[0]?.taskArn as string;
  type Task = {
    lastStatus: string;
    stopCode?: string;
    stoppedReason?: string;
    containers: { exitCode?: number; networkBindings: { hostPort: number }[] }[];
  };
  const task = async () =>
    (await call.call<{ tasks: Task[] }>('ecs', 'DescribeTasks', { cluster: 'agents', tasks: [taskArn] }))
      .tasks[0] as Task;
  const running = await waitFor(async () => {
    const t = await task();
    return t.lastStatus === 'RUNNING' && t;
  });
  // The instance's own loopback address is its private IP, which the agent reported.
  const instances = await call.call<{ Reservations: { Instances: { PrivateIpAddress: string }[] }[] }>(
    'ec2',
    'DescribeInstances',
    { InstanceIds: [ci.ec2InstanceId] },
  );
  const ip = instances.Reservations[0]?.Instances[0]?.PrivateIpAddress;
  const page = await (
    await fetch(`http://${ip}:${running.containers[0]?.networkBindings[0]?.hostPort}/`)
  ).text();
  expect(page).toContain('Congratulations!');
  expect(page).toContain(ci.ec2InstanceId);

  await call.call('ec2', 'TerminateInstances', { InstanceIds: [ci.ec2InstanceId] });
  const stopped = await waitFor(async () => {
    const t = await task();
    return t.lastStatus === 'STOPPED' && t;
  });
  expect(stopped.stopCode).toBe('TerminationNotice');
  expect(stopped.stoppedReason).toBe(`Host EC2 (instance ${ci.ec2InstanceId}) terminated.`);
  expect(stopped.containers[0]?.exitCode).toBe(137);
  await waitFor(async () => (await describe()).status === 'INACTIVE', 5000, 'INACTIVE');
});
