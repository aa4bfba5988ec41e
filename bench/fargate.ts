/**
 * Issue 10 figures, against a child `ecs-console local` at its default delays:
 * - the Fargate task launch rate: tasks per second from the first RunTask (launchType FARGATE, awsvpc,
 *   a network interface each) until every task is RUNNING;
 * - the time from "6 tasks wanted, 0 instances" to the service's steady state, through an Auto
 *   Scaling group capacity provider with managed scaling (the group starts at 0 instances).
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { fmt, startEcsConsole } from './lib';

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

async function poll<T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function fargateRate(url: string, count: number): Promise<{ seconds: number; rate: number }> {
  const settings = { endpoint: url, region: 'us-east-1', credentials };
  const ecs = new ECSClient(settings);
  const ec2 = new EC2Client(settings);
  try {
    const subnets = (
      await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))
    ).Subnets?.map((s) => s.SubnetId ?? '');
    const group = (
      await ec2.send(
        new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }),
      )
    ).SecurityGroups?.[0]?.GroupId;
    await ecs.send(new CreateClusterCommand({ clusterName: 'fargate-bench' }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'fargate-bench',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'web', image: 'httpd:2.4', portMappings: [{ containerPort: 80 }] }],
      }),
    );
    const t0 = performance.now();
    const arns: string[] = [];
    for (let left = count; left > 0; left -= 10) {
      const out = await ecs.send(
        new RunTaskCommand({
          cluster: 'fargate-bench',
          taskDefinition: 'fargate-bench',
          launchType: 'FARGATE',
          count: Math.min(10, left),
          networkConfiguration: {
            awsvpcConfiguration: { subnets, securityGroups: group ? [group] : [], assignPublicIp: 'ENABLED' },
          },
        }),
      );
      arns.push(...(out.tasks ?? []).map((t) => t.taskArn ?? ''));
    }
    await poll(async () => {
      for (let i = 0; i < arns.length; i += 100) {
        const out = await ecs.send(
          new DescribeTasksCommand({ cluster: 'fargate-bench', tasks: arns.slice(i, i + 100) }),
        );
        if ((out.tasks ?? []).some((t) => t.lastStatus !== 'RUNNING')) return undefined;
      }
      return true;
    }, 300_000);
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, rate: count / seconds };
  } finally {
    ecs.destroy();
    ec2.destroy();
  }
}

async function growFromZero(url: string): Promise<{ seconds: number; instances: number }> {
  const settings = { endpoint: url, region: 'us-east-1', credentials };
  const ecs = new ECSClient(settings);
  const asg = new AutoScalingClient(settings);
  try {
    const userData = Buffer.from('#!/bin/bash\necho ECS_CLUSTER=grow-bench >> /etc/ecs/ecs.config').toString(
      'base64',
    );
    await ecs.send(new CreateClusterCommand({ clusterName: 'grow-bench' }));
    await asg.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'grow-bench',
        ImageId: 'ami-0a7a1e5e0c5c0ffee',
        InstanceType: 't2.micro',
        UserData: userData,
      }),
    );
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'grow-bench',
        LaunchConfigurationName: 'grow-bench',
        MinSize: 0,
        MaxSize: 6,
        DesiredCapacity: 0,
        AvailabilityZones: ['us-east-1a', 'us-east-1b'],
        NewInstancesProtectedFromScaleIn: true,
      }),
    );
    await ecs.send(
      new CreateCapacityProviderCommand({
        name: 'grow-bench',
        autoScalingGroupProvider: {
          autoScalingGroupArn: 'grow-bench',
          managedScaling: { status: 'ENABLED', targetCapacity: 100 },
          managedTerminationProtection: 'ENABLED',
        },
      }),
    );
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'grow-bench',
        capacityProviders: ['grow-bench'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'grow-bench', weight: 1 }],
      }),
    );
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'grow-bench',
        containerDefinitions: [
          {
            name: 'web',
            image: 'httpd:2.4',
            memory: 300,
            portMappings: [{ containerPort: 80, hostPort: 0 }],
          },
        ],
      }),
    );
    const t0 = performance.now();
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'grow-bench',
        serviceName: 'web',
        taskDefinition: 'grow-bench',
        desiredCount: 6,
      }),
    );
    await poll(async () => {
      const s = (await ecs.send(new DescribeServicesCommand({ cluster: 'grow-bench', services: ['web'] })))
        .services?.[0];
      return s && s.runningCount === 6 && s.events?.some((e) => e.message?.includes('steady state'))
        ? true
        : undefined;
    }, 300_000);
    const seconds = (performance.now() - t0) / 1000;
    const g = (
      await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['grow-bench'] }))
    ).AutoScalingGroups?.[0];
    return { seconds, instances: g?.Instances?.length ?? 0 };
  } finally {
    ecs.destroy();
    asg.destroy();
  }
}

export async function benchFargate(argv: string[]): Promise<void> {
  console.log(
    '\n== Fargate launch rate; capacity provider growing a cluster from 0 instances (default delays) ==',
  );
  const plane = await startEcsConsole(['local', '--port', '0', '--ephemeral'], /listening on (http:\/\/\S+)/);
  try {
    const count = argv.includes('--quick') ? 20 : 100;
    const fargate = await fargateRate(plane.url, count);
    console.log(
      `  Fargate: ${count} tasks (RunTask FARGATE, awsvpc) RUNNING in ${fmt(fargate.seconds, 2)} s: ` +
        `${fmt(fargate.rate, 1)} tasks/s`,
    );
    const grow = await growFromZero(plane.url);
    console.log(
      `  capacity provider: 6 tasks wanted, 0 instances -> steady state in ${fmt(grow.seconds, 2)} s ` +
        `(${grow.instances} instances launched by managed scaling)`,
    );
  } finally {
    await plane.stop();
  }
}
