import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DeleteAutoScalingGroupCommand,
  DeleteLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLaunchConfigurationsCommand,
  DescribeScalingActivitiesCommand,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  DescribeInstanceHealthCommand,
  ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand as CreateLoadBalancerV2Command,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECS_OPTIMIZED_AMI } from '../ec2/catalog';
import { LocalControlPlane } from '../index';
import { autoScalingStore, groupKey } from './model';
import { errorOf, startTestPlane, waitFor, type TestPlane } from '../../testing/plane';

let t: TestPlane;
let asg: AutoScalingClient;
let ec2: EC2Client;

beforeAll(async () => {
  t = await startTestPlane({ resyncMs: 100 });
  asg = new AutoScalingClient(t.client);
  ec2 = new EC2Client(t.client);
});
afterAll(async () => {
  asg.destroy();
  ec2.destroy();
  await t.plane.stop();
});

async function group(client: AutoScalingClient, name: string): Promise<AutoScalingGroup | undefined> {
  const out = await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  return out.AutoScalingGroups?.[0];
}

const inService = (g: AutoScalingGroup | undefined) =>
  (g?.Instances ?? []).filter((i) => i.LifecycleState === 'InService');

async function liveInstances(client: EC2Client, name: string) {
  const out = await client.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:aws:autoscaling:groupName', Values: [name] },
        { Name: 'instance-state-name', Values: ['pending', 'running'] },
      ],
    }),
  );
  return out.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
}

/** A plain launch configuration (the ECS-optimized AMI on a t2.micro). */
const plainLaunchConfig = (name: string) =>
  new CreateLaunchConfigurationCommand({
    LaunchConfigurationName: name,
    ImageId: ECS_OPTIMIZED_AMI.imageId,
    InstanceType: 't2.micro',
  });

describe('Auto Scaling over the wire', () => {
  it('keeps a group at its desired capacity, spread over zones, replacing lost instances', async () => {
    const userData = Buffer.from('#!/bin/bash\necho ECS_CLUSTER=default >> /etc/ecs/ecs.config').toString(
      'base64',
    );
    await asg.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'ecs-lc',
        ImageId: ECS_OPTIMIZED_AMI.imageId,
        InstanceType: 't2.micro',
        UserData: userData,
        IamInstanceProfile: 'ecsInstanceRole',
      }),
    );
    const lcs = await asg.send(
      new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: ['ecs-lc'] }),
    );
    expect(lcs.LaunchConfigurations?.[0]).toMatchObject({
      ImageId: ECS_OPTIMIZED_AMI.imageId,
      UserData: userData,
    });

    const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'ecs-asg',
        LaunchConfigurationName: 'ecs-lc',
        MinSize: 1,
        MaxSize: 5,
        DesiredCapacity: 3,
        VPCZoneIdentifier: subnets.map((s) => s.SubnetId).join(','),
        Tags: [{ Key: 'Name', Value: 'ECS Instance', PropagateAtLaunch: true }],
      }),
    );
    const up = await waitFor(async () => {
      const g = await group(asg, 'ecs-asg');
      return inService(g).length === 3 ? g : undefined;
    });
    expect(new Set(up.Instances?.map((i) => i.AvailabilityZone)).size).toBe(3);
    expect(
      up.Instances?.every((i) => i.HealthStatus === 'Healthy' && i.LaunchConfigurationName === 'ecs-lc'),
    ).toBe(true);

    const instances = await liveInstances(ec2, 'ecs-asg');
    expect(instances).toHaveLength(3);
    expect(instances[0]?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'Name', Value: 'ECS Instance' },
        { Key: 'aws:autoscaling:groupName', Value: 'ecs-asg' },
      ]),
    );

    // Terminate one behind the group's back: it is replaced.
    const lost = instances[0]?.InstanceId ?? '';
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [lost] }));
    const healed = await waitFor(async () => {
      const g = await group(asg, 'ecs-asg');
      const ids = inService(g).map((i) => i.InstanceId);
      return ids.length === 3 && !ids.includes(lost) && g?.Instances?.length === 3 ? g : undefined;
    });
    expect(healed.DesiredCapacity).toBe(3);
    expect(await liveInstances(ec2, 'ecs-asg')).toHaveLength(3);

    // Through the group API, decrementing capacity: not replaced.
    const victim = inService(healed)[0]?.InstanceId ?? '';
    const out = await asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({
        InstanceId: victim,
        ShouldDecrementDesiredCapacity: true,
      }),
    );
    expect(out.Activity?.Description).toBe(`Terminating EC2 instance: ${victim}`);
    expect(out.Activity?.StatusCode).toBe('InProgress');
    await waitFor(async () => {
      const g = await group(asg, 'ecs-asg');
      return g?.DesiredCapacity === 2 && g.Instances?.length === 2 && inService(g).length === 2;
    });
    // The activity completes once its instance is gone (it keeps the instance id, not just the words).
    const done = await waitFor(async () => {
      const all = await asg.send(
        new DescribeScalingActivitiesCommand({ ActivityIds: [out.Activity!.ActivityId!] }),
      );
      const a = all.Activities?.[0];
      return a?.StatusCode === 'Successful' ? a : undefined;
    });
    expect(done.Progress).toBe(100);

    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'ecs-asg', DesiredCapacity: 1 }));
    await waitFor(async () => (await liveInstances(ec2, 'ecs-asg')).length === 1);
    const asgInstances = await asg.send(new DescribeAutoScalingInstancesCommand({}));
    expect(asgInstances.AutoScalingInstances?.filter((i) => i.LifecycleState === 'InService')).toHaveLength(
      1,
    );
    expect(asgInstances.AutoScalingInstances?.[0]?.AutoScalingGroupName).toBe('ecs-asg');

    const activities = await asg.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'ecs-asg' }),
    );
    expect(activities.Activities?.filter((a) => a.Description?.startsWith('Launching'))).toHaveLength(4);

    // Deleting needs ForceDelete while instances remain; then everything goes away.
    expect(
      await errorOf(asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'ecs-asg' }))),
    ).toMatchObject({
      name: 'ResourceInUseFault',
    });
    expect(
      await errorOf(asg.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: 'ecs-lc' }))),
    ).toMatchObject({ name: 'ResourceInUseFault' });
    await asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'ecs-asg', ForceDelete: true }));
    await waitFor(async () => (await group(asg, 'ecs-asg')) === undefined, 5000);
    expect(await liveInstances(ec2, 'ecs-asg')).toHaveLength(0);
    await asg.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: 'ecs-lc' }));
  });

  it('validates input like Auto Scaling', async () => {
    await asg.send(plainLaunchConfig('v-lc'));
    expect(await errorOf(asg.send(plainLaunchConfig('v-lc')))).toMatchObject({
      name: 'AlreadyExistsFault',
      status: 400,
    });
    expect(
      await errorOf(
        asg.send(
          new CreateAutoScalingGroupCommand({
            AutoScalingGroupName: 'v',
            LaunchConfigurationName: 'v-lc',
            MinSize: 2,
            MaxSize: 1,
            AvailabilityZones: ['us-east-1a'],
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationError' });
    expect(
      await errorOf(
        asg.send(
          new CreateAutoScalingGroupCommand({
            AutoScalingGroupName: 'v',
            LaunchConfigurationName: 'missing',
            MinSize: 0,
            MaxSize: 1,
            AvailabilityZones: ['us-east-1a'],
          }),
        ),
      ),
    ).toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('Launch configuration missing not found'),
    });
    expect(
      await errorOf(
        asg.send(
          new CreateAutoScalingGroupCommand({
            AutoScalingGroupName: 'v',
            LaunchConfigurationName: 'v-lc',
            MinSize: 0,
            MaxSize: 1,
          }),
        ),
      ),
    ).toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('At least one Availability Zone'),
    });
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'v',
        LaunchConfigurationName: 'v-lc',
        MinSize: 0,
        MaxSize: 2,
        AvailabilityZones: ['us-east-1a'],
      }),
    );
    expect(
      await errorOf(
        asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'v', DesiredCapacity: 3 })),
      ),
    ).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('above max value 2') });
    expect(
      await errorOf(
        asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'nope', MaxSize: 3 })),
      ),
    ).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('not found') });
    await asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'v' }));
    await asg.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: 'v-lc' }));
  });
});

describe('Auto Scaling instance scale-in protection', () => {
  it('never scales in a protected instance; new instances start protected when the group says so', async () => {
    await asg.send(plainLaunchConfig('p-lc'));
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'p',
        LaunchConfigurationName: 'p-lc',
        MinSize: 0,
        MaxSize: 3,
        DesiredCapacity: 2,
        AvailabilityZones: ['us-east-1a'],
      }),
    );
    const up = await waitFor(async () => {
      const g = await group(asg, 'p');
      return inService(g).length === 2 ? g : undefined;
    });
    expect(up.NewInstancesProtectedFromScaleIn).toBe(false);
    const [older, newer] = (up.Instances ?? []).map((i) => i.InstanceId ?? '');
    // Scale-in picks the oldest instance by default: protect it, and the other one goes.
    await asg.send(
      new SetInstanceProtectionCommand({
        AutoScalingGroupName: 'p',
        InstanceIds: [older ?? ''],
        ProtectedFromScaleIn: true,
      }),
    );
    const described = await asg.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [older ?? ''] }));
    expect(described.AutoScalingInstances?.[0]?.ProtectedFromScaleIn).toBe(true);
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'p', DesiredCapacity: 1 }));
    const one = await waitFor(async () => {
      const g = await group(asg, 'p');
      return g?.Instances?.length === 1 ? g : undefined;
    });
    expect(one.Instances?.[0]).toMatchObject({ InstanceId: older, ProtectedFromScaleIn: true });
    expect(newer).toBeDefined();
    // All protected: a scale-in to 0 terminates nothing.
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'p', DesiredCapacity: 0 }));
    await t.plane.idle();
    expect((await group(asg, 'p'))?.Instances?.map((i) => i.InstanceId)).toEqual([older]);
    await asg.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: 'p',
        NewInstancesProtectedFromScaleIn: true,
      }),
    );
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'p', DesiredCapacity: 2 }));
    const two = await waitFor(async () => {
      const g = await group(asg, 'p');
      return g?.Instances?.length === 2 ? g : undefined;
    });
    expect(two.NewInstancesProtectedFromScaleIn).toBe(true);
    expect(two.Instances?.every((i) => i.ProtectedFromScaleIn)).toBe(true);

    expect(
      await errorOf(
        asg.send(
          new SetInstanceProtectionCommand({
            AutoScalingGroupName: 'p',
            InstanceIds: [older ?? '', 'i-00000000000000000'],
            ProtectedFromScaleIn: false,
          }),
        ),
      ),
    ).toMatchObject({
      name: 'ValidationError',
      status: 400,
      message: expect.stringContaining('not part of'),
    });
    // Nothing half-applied: the instance that exists stays protected.
    const still = await asg.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [older ?? ''] }));
    expect(still.AutoScalingInstances?.[0]?.ProtectedFromScaleIn).toBe(true);
    expect(
      await errorOf(
        asg.send(
          new SetInstanceProtectionCommand({
            AutoScalingGroupName: 'nope',
            InstanceIds: [older ?? ''],
            ProtectedFromScaleIn: false,
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('not found') });
    await asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'p', ForceDelete: true }));
  });
});

describe('Auto Scaling with load balancers', () => {
  it('registers its instances with its target groups and classic load balancers, and deregisters them', async () => {
    const elbv2 = new ElasticLoadBalancingV2Client(t.client);
    const elb = new ElasticLoadBalancingClient(t.client);
    try {
      const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
      const tg = (
        await elbv2.send(
          new CreateTargetGroupCommand({
            Name: 'asg-tg',
            Protocol: 'HTTP',
            Port: 80,
            VpcId: subnets[0]?.VpcId,
          }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn;
      await elb.send(
        new CreateLoadBalancerCommand({
          LoadBalancerName: 'asg-elb',
          Listeners: [
            {
              Protocol: 'HTTP',
              LoadBalancerPort: 20000 + Math.floor(Math.random() * 20000),
              InstancePort: 80,
            },
          ],
          AvailabilityZones: ['us-east-1a'],
        }),
      );
      await asg.send(plainLaunchConfig('lb-lc'));
      await asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: 'lb-asg',
          LaunchConfigurationName: 'lb-lc',
          MinSize: 0,
          MaxSize: 2,
          DesiredCapacity: 1,
          AvailabilityZones: ['us-east-1a'],
          TargetGroupARNs: [tg ?? ''],
          LoadBalancerNames: ['asg-elb'],
        }),
      );
      const g = await waitFor(async () => {
        const cur = await group(asg, 'lb-asg');
        return inService(cur).length === 1 ? cur : undefined;
      });
      const id = g.Instances?.[0]?.InstanceId;
      await waitFor(async () => {
        const targets = (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg })))
          .TargetHealthDescriptions;
        return targets?.length === 1 && targets[0]?.Target?.Id === id;
      });
      await waitFor(async () => {
        const states = (await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'asg-elb' })))
          .InstanceStates;
        return states?.length === 1 && states[0]?.InstanceId === id;
      });
      await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'lb-asg', DesiredCapacity: 0 }));
      await waitFor(async () => {
        const targets = (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg })))
          .TargetHealthDescriptions;
        const states = (await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'asg-elb' })))
          .InstanceStates;
        return targets?.length === 0 && states?.length === 0;
      });
    } finally {
      elbv2.destroy();
      elb.destroy();
    }
  });
});

describe('Auto Scaling with ELB health checks', () => {
  it('replaces an instance its target group finds unhealthy', async () => {
    const elbv2 = new ElasticLoadBalancingV2Client(t.client);
    try {
      const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
      const lb = (
        await elbv2.send(
          new CreateLoadBalancerV2Command({ Name: 'hc-alb', Subnets: subnets.map((s) => s.SubnetId ?? '') }),
        )
      ).LoadBalancers?.[0];
      // Nothing listens on the instances' port 9: every scheduled check fails.
      const tg = (
        await elbv2.send(
          new CreateTargetGroupCommand({
            Name: 'hc-tg',
            Protocol: 'HTTP',
            Port: 9,
            VpcId: subnets[0]?.VpcId,
            HealthCheckIntervalSeconds: 1,
            HealthCheckTimeoutSeconds: 1,
            UnhealthyThresholdCount: 2,
          }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn;
      await elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb?.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: 20000 + Math.floor(Math.random() * 20000),
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }],
        }),
      );
      await asg.send(plainLaunchConfig('hc-lc'));
      await asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: 'hc-asg',
          LaunchConfigurationName: 'hc-lc',
          MinSize: 1,
          MaxSize: 1,
          AvailabilityZones: ['us-east-1a'],
          TargetGroupARNs: [tg ?? ''],
          HealthCheckType: 'ELB',
          HealthCheckGracePeriod: 0,
        }),
      );
      const first = await waitFor(async () => inService(await group(asg, 'hc-asg'))[0]?.InstanceId);
      const replaced = await waitFor(
        async () => {
          const ids = inService(await group(asg, 'hc-asg')).map((i) => i.InstanceId);
          return ids.length === 1 && ids[0] !== first;
        },
        15_000,
        100,
      );
      expect(replaced).toBe(true);
      const activities = await asg.send(
        new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'hc-asg' }),
      );
      expect(activities.Activities?.some((a) => a.Cause?.includes('ELB system health check failure'))).toBe(
        true,
      );
      await asg.send(
        new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'hc-asg', ForceDelete: true }),
      );
    } finally {
      elbv2.destroy();
    }
  });
});

describe('Auto Scaling across a restart', () => {
  it('converges after a restart without duplicate instances', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asg-restart-'));
    const statePath = join(dir, 'state.db');
    try {
      const first = await startTestPlane({ statePath, resyncMs: 100 });
      const a1 = new AutoScalingClient(first.client);
      await a1.send(plainLaunchConfig('lc'));
      await a1.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: 'g',
          LaunchConfigurationName: 'lc',
          MinSize: 0,
          MaxSize: 4,
          DesiredCapacity: 2,
          AvailabilityZones: ['us-east-1a', 'us-east-1b'],
        }),
      );
      await waitFor(async () => inService(await group(a1, 'g')).length === 2);
      await a1.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 4 }));
      a1.destroy();
      await first.plane.stop();

      const second = await startTestPlane({ statePath, resyncMs: 100 });
      const a2 = new AutoScalingClient(second.client);
      const e2 = new EC2Client(second.client);
      try {
        await waitFor(async () => inService(await group(a2, 'g')).length === 4);
        // One more pass (a no-op change makes the worker look), every loop idle: still exactly four.
        await a2.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 4 }));
        await second.plane.idle();
        expect(await liveInstances(e2, 'g')).toHaveLength(4);
        expect((await group(a2, 'g'))?.Instances).toHaveLength(4);
      } finally {
        a2.destroy();
        e2.destroy();
        await second.plane.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('adopts the instance of a launch recorded before a crash instead of launching another', async () => {
    // Built but not started: as if the process died between RunInstances and recording its result.
    const plane = new LocalControlPlane({
      statePath: null,
      instanceBootMs: 20,
      taskStepMs: 20,
      resyncMs: 100,
    });
    const call = (service: 'ec2' | 'autoscaling', action: string, input: unknown) =>
      plane.endpoint.call(service, action, input);
    await call('autoscaling', 'CreateLaunchConfiguration', {
      LaunchConfigurationName: 'crash-lc',
      ImageId: ECS_OPTIMIZED_AMI.imageId,
      InstanceType: 't2.micro',
    });
    await call('autoscaling', 'CreateAutoScalingGroup', {
      AutoScalingGroupName: 'crash',
      LaunchConfigurationName: 'crash-lc',
      MinSize: 1,
      MaxSize: 1,
      AvailabilityZones: ['us-east-1a'],
    });
    const launched = await call('ec2', 'RunInstances', {
      ImageId: ECS_OPTIMIZED_AMI.imageId,
      InstanceType: 't2.micro',
      MinCount: 1,
      MaxCount: 1,
      ClientToken: 'launch-before-crash',
      Placement: { AvailabilityZone: 'us-east-1a' },
      TagSpecifications: [
        { ResourceType: 'instance', Tags: [{ Key: 'aws:autoscaling:groupName', Value: 'crash' }] },
      ],
    });
    const store = autoScalingStore(plane.deps.db);
    const key = groupKey('us-east-1', 'crash');
    const g = store.groups.get(key);
    if (!g) throw new Error('group missing');
    g.intents.push({
      clientToken: 'launch-before-crash',
      availabilityZone: 'us-east-1a',
      createdAt: Date.now(),
    });
    store.groups.put(key, g);

    const url = await plane.listen(0);
    const a = new AutoScalingClient({ ...t.client, endpoint: url });
    const e = new EC2Client({ ...t.client, endpoint: url });
    try {
      const adopted = await waitFor(async () => {
        const cur = await group(a, 'crash');
        return inService(cur).length === 1 ? cur : undefined;
      });
      expect(adopted.Instances?.[0]?.InstanceId).toBe(launched.Instances[0].InstanceId);
      await new Promise((r) => setTimeout(r, 300));
      expect(await liveInstances(e, 'crash')).toHaveLength(1);
    } finally {
      a.destroy();
      e.destroy();
      await plane.stop();
    }
  });
});
