/**
 * The resource providers against the real local services (EC2, Auto Scaling, IAM, ELB, ECS), over
 * HTTP with the AWS SDK: the 2015 cluster stack and its load-balancer variant come up (instances
 * InService, registered with ECS), resources are found where the stack says, and deletion leaves
 * nothing behind.
 */
import {
  CancelUpdateStackCommand,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  UpdateStackCommand,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { eventsOf, fixture, outputsOf, settle, startCfnPlane, type CfnTestPlane } from './testing';

let t: CfnTestPlane;
let cfn: CloudFormationClient;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let call: (service: any, action: string, input: unknown) => Promise<any>;

beforeAll(async () => {
  t = await startCfnPlane();
  cfn = t.cfn;
  call = (service, action, input) => t.plane.deps.services.call(service, action, input);
});
afterAll(async () => {
  await t.stop();
});

async function physicalIds(stack: string): Promise<Record<string, string>> {
  const out = await cfn.send(new DescribeStackResourcesCommand({ StackName: stack }));
  return Object.fromEntries(
    (out.StackResources ?? []).map((r) => [r.LogicalResourceId, r.PhysicalResourceId]),
  );
}

async function failureReasons(stackId: string): Promise<string[]> {
  return (await eventsOf(cfn, stackId))
    .filter((e) => e.ResourceStatus?.endsWith('FAILED'))
    .map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`);
}

describe('ECS resources', () => {
  it('creates a cluster, task definition and service, updates and deletes them', async () => {
    const { StackId } = await cfn.send(
      new CreateStackCommand({ StackName: 'web', TemplateBody: fixture('ecs-service.json') }),
    );
    const stack = await settle(cfn, StackId as string);
    expect(await failureReasons(StackId as string)).toEqual([]);
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const ids = await physicalIds('web');
    expect(ids.Cluster).toMatch(/^web-Cluster-[A-Z0-9]{13}$/);
    const out = outputsOf(stack);
    expect(out.ClusterArn).toBe(`arn:aws:ecs:us-east-1:000000000000:cluster/${ids.Cluster}`);
    expect(out.TaskDefinitionArn).toBe('arn:aws:ecs:us-east-1:000000000000:task-definition/web-web:1');
    const td = await call('ecs', 'DescribeTaskDefinition', { taskDefinition: out.TaskDefinitionArn });
    expect(td.taskDefinition.containerDefinitions[0]).toMatchObject({
      name: 'simple-app',
      memory: 300,
      cpu: 10,
      essential: true,
      portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': ids.Logs, 'awslogs-stream-prefix': 'web' },
      },
    });
    const svc = await call('ecs', 'DescribeServices', { cluster: ids.Cluster, services: [ids.Service] });
    expect(svc.services[0]).toMatchObject({
      status: 'ACTIVE',
      desiredCount: 0,
      serviceName: out.ServiceName,
    });

    // A new image: a new task definition revision, the service moves to it, the old revision is deregistered.
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'web',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Image', ParameterValue: 'nginx:1' }],
      }),
    );
    const updated = await settle(cfn, StackId as string);
    expect(await failureReasons(StackId as string)).toEqual([]);
    expect(updated.StackStatus).toBe('UPDATE_COMPLETE');
    expect(outputsOf(updated).TaskDefinitionArn).toBe(
      'arn:aws:ecs:us-east-1:000000000000:task-definition/web-web:2',
    );
    const moved = await call('ecs', 'DescribeServices', { cluster: ids.Cluster, services: [ids.Service] });
    expect(moved.services[0].taskDefinition).toBe(outputsOf(updated).TaskDefinitionArn);
    const old = await call('ecs', 'DescribeTaskDefinition', { taskDefinition: out.TaskDefinitionArn });
    expect(old.taskDefinition.status).toBe('INACTIVE');

    await cfn.send(new DeleteStackCommand({ StackName: 'web' }));
    expect((await settle(cfn, StackId as string)).StackStatus).toBe('DELETE_COMPLETE');
    const clusters = await call('ecs', 'DescribeClusters', { clusters: [ids.Cluster] });
    expect(clusters.clusters[0]?.status ?? 'INACTIVE').toBe('INACTIVE');
  });
});

describe('an ECS service on the stack-made instances', () => {
  it('waits for the service to reach a steady state, like CloudFormation', async () => {
    const web = await cfn.send(
      new CreateStackCommand({ StackName: 'steady', TemplateBody: fixture('ecs-service.json') }),
    );
    const s1 = await settle(cfn, web.StackId as string);
    expect(s1.StackStatus).toBe('CREATE_COMPLETE');
    const ids = await physicalIds('steady');
    const hosts = await cfn.send(
      new CreateStackCommand({
        StackName: 'steady-hosts',
        TemplateBody: fixture('cluster-2015.yaml'),
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: [
          { ParameterKey: 'EcsClusterName', ParameterValue: ids.Cluster as string },
          { ParameterKey: 'AsgMaxSize', ParameterValue: '2' },
        ],
      }),
    );
    expect((await settle(cfn, hosts.StackId as string, 60_000)).StackStatus).toBe('CREATE_COMPLETE');
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'steady',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'DesiredCount', ParameterValue: '2' }],
      }),
    );
    const s2 = await settle(cfn, web.StackId as string, 60_000);
    expect(await failureReasons(web.StackId as string)).toEqual([]);
    expect(s2.StackStatus).toBe('UPDATE_COMPLETE');
    // UPDATE_COMPLETE came only once the service was steady: both tasks run, one deployment.
    const svc = (await call('ecs', 'DescribeServices', { cluster: ids.Cluster, services: [ids.Service] }))
      .services[0];
    expect(svc.runningCount).toBe(2);
    expect(svc.deployments).toHaveLength(1);

    // As in AWS, the cluster cannot go while instances are registered: DELETE_FAILED, the rest is deleted.
    await cfn.send(new DeleteStackCommand({ StackName: 'steady' }));
    const failed = await settle(cfn, web.StackId as string, 60_000);
    expect(failed.StackStatus).toBe('DELETE_FAILED');
    expect(await failureReasons(web.StackId as string)).toEqual([
      expect.stringMatching(/^Cluster: .*ClusterContainsContainerInstancesException/),
      'steady: The following resource(s) failed to delete: [Cluster]. ',
    ]);
    const tasks = await call('ecs', 'ListTasks', { cluster: ids.Cluster });
    expect(tasks.taskArns).toEqual([]);
    await cfn.send(new DeleteStackCommand({ StackName: 'steady-hosts' }));
    expect((await settle(cfn, hosts.StackId as string, 60_000)).StackStatus).toBe('DELETE_COMPLETE');
    await cfn.send(new DeleteStackCommand({ StackName: 'steady' }));
    expect((await settle(cfn, web.StackId as string, 60_000)).StackStatus).toBe('DELETE_COMPLETE');
  });
});

describe('EC2 instance resources', () => {
  it('runs an instance from a launch template, with an ingress rule and a role policy', async () => {
    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName: 'box',
        TemplateBody: fixture('instance.yaml'),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const stack = await settle(cfn, StackId as string);
    expect(await failureReasons(StackId as string)).toEqual([]);
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const out = outputsOf(stack);
    const ids = await physicalIds('box');
    expect(out.InstanceId).toMatch(/^i-/);
    expect(out.PublicIp).toMatch(/^127\./);
    expect(out.AvailabilityZone).toMatch(/^us-east-1[a-z]$/);
    expect(out.TemplateVersion).toBe('1');
    const reservations = await call('ec2', 'DescribeInstances', { InstanceIds: [out.InstanceId] });
    const instance = reservations.Reservations[0].Instances[0];
    expect(instance.State.Name).toBe('running');
    expect(instance.SecurityGroups.map((g: { GroupId: string }) => g.GroupId)).toEqual([ids.Group]);
    const groups = await call('ec2', 'DescribeSecurityGroups', { GroupIds: [ids.Group] });
    expect(JSON.stringify(groups.SecurityGroups[0])).toContain('10.0.0.0/8');
    const policy = await call('iam', 'GetRolePolicy', { RoleName: ids.Role, PolicyName: 'read-only' });
    expect(decodeURIComponent(policy.PolicyDocument)).toContain('ecs:Describe*');

    await cfn.send(new DeleteStackCommand({ StackName: 'box' }));
    expect((await settle(cfn, StackId as string)).StackStatus).toBe('DELETE_COMPLETE');
    const after = await call('ec2', 'DescribeInstances', { InstanceIds: [out.InstanceId] });
    expect(after.Reservations[0].Instances[0].State.Name).toBe('terminated');
    await expect(call('iam', 'GetRole', { RoleName: ids.Role })).rejects.toThrow();
    await expect(
      call('ec2', 'DescribeLaunchTemplates', { LaunchTemplateIds: [ids.Template] }),
    ).rejects.toThrow();
  });
});

describe('IAM resources', () => {
  it('a named role needs CAPABILITY_NAMED_IAM; a second stack cannot take over an existing name', async () => {
    const params = [{ ParameterKey: 'RoleName', ParameterValue: 'shared-task-role' }];
    const create = (name: string) =>
      cfn.send(
        new CreateStackCommand({
          StackName: name,
          TemplateBody: fixture('iam-role.yaml'),
          Parameters: params,
          Capabilities: ['CAPABILITY_NAMED_IAM'],
        }),
      );
    const first = await create('role-a');
    const a = await settle(cfn, first.StackId as string);
    expect(a.StackStatus).toBe('CREATE_COMPLETE');
    expect(outputsOf(a).RoleArn).toBe('arn:aws:iam::000000000000:role/shared-task-role');
    const policies = await call('iam', 'ListRolePolicies', { RoleName: 'shared-task-role' });
    expect(policies.PolicyNames).toEqual(['logs']);

    const second = await create('role-b');
    const b = await settle(cfn, second.StackId as string);
    expect(b.StackStatus).toBe('ROLLBACK_COMPLETE');
    const reasons = await failureReasons(second.StackId as string);
    expect(reasons[0]).toMatch(/^Role: .*shared-task-role.*EntityAlreadyExists/);
    // The first stack's role is still there.
    expect((await call('iam', 'GetRole', { RoleName: 'shared-task-role' })).Role.Arn).toBe(
      outputsOf(a).RoleArn,
    );

    await cfn.send(new DeleteStackCommand({ StackName: 'role-a' }));
    expect((await settle(cfn, first.StackId as string)).StackStatus).toBe('DELETE_COMPLETE');
    await expect(call('iam', 'GetRole', { RoleName: 'shared-task-role' })).rejects.toThrow(
      /cannot be found|NoSuchEntity/,
    );
  });
});

describe('the 2015 cluster stacks', () => {
  it('creates the VPC, IAM, launch configuration and an Auto Scaling group of 3 InService instances', async () => {
    await call('ecs', 'CreateCluster', { clusterName: 'default' });
    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName: 'EC2ContainerService-default',
        TemplateBody: fixture('cluster-2015.yaml'),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const stack = await settle(cfn, StackId as string, 60_000);
    expect(await failureReasons(StackId as string)).toEqual([]);
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const ids = await physicalIds('EC2ContainerService-default');
    expect(ids.Vpc).toMatch(/^vpc-/);
    expect(ids.EcsInstanceAsg).toMatch(/^EC2ContainerService-default-EcsInstanceAsg-[A-Z0-9]{13}$/);
    expect(ids.EcsInstanceLc).toMatch(/^EC2ContainerService-default-EcsInstanceLc-[A-Z0-9]{13}$/);
    expect(ids.EcsInstanceRole?.length).toBeLessThanOrEqual(64);
    const ami = stack.Parameters?.find((p) => p.ParameterKey === 'EcsAmiId');
    expect(ami?.ResolvedValue).toMatch(/^ami-/);

    const groups = await call('autoscaling', 'DescribeAutoScalingGroups', {
      AutoScalingGroupNames: [ids.EcsInstanceAsg],
    });
    const group = groups.AutoScalingGroups[0];
    expect(
      group.Instances.filter((i: { LifecycleState: string }) => i.LifecycleState === 'InService'),
    ).toHaveLength(3);
    const subnets = await call('ec2', 'DescribeSubnets', { SubnetIds: [ids.PubSubnetAz1, ids.PubSubnetAz2] });
    expect(subnets.Subnets.map((s: { VpcId: string }) => s.VpcId)).toEqual([ids.Vpc, ids.Vpc]);
    expect(outputsOf(stack).SecurityGroupId).toBe(ids.EcsSecurityGroup);

    await cfn.send(new DeleteStackCommand({ StackName: 'EC2ContainerService-default' }));
    expect((await settle(cfn, StackId as string, 60_000)).StackStatus).toBe('DELETE_COMPLETE');
    const vpcs = await call('ec2', 'DescribeVpcs', {});
    expect(vpcs.Vpcs.map((v: { VpcId: string }) => v.VpcId)).not.toContain(ids.Vpc);
    const instances = await call('ec2', 'DescribeInstances', {});
    const live = instances.Reservations.flatMap(
      (r: { Instances: { State: { Name: string } }[] }) => r.Instances,
    ).filter((i: { State: { Name: string } }) => i.State.Name !== 'terminated');
    expect(live).toEqual([]);
  });

  it('DeleteStack while CREATE_IN_PROGRESS cancels the creation and deletes what exists', async () => {
    // Slow instances, so the stack is still creating when the delete arrives.
    const slow = await startCfnPlane({ instanceBootMs: 1000 });
    const cfn = slow.cfn;
    const call = (service: 'ec2' | 'autoscaling', action: string, input: unknown) =>
      slow.plane.deps.services.call(service, action, input);
    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName: 'cancelled',
        TemplateBody: fixture('cluster-2015.yaml'),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    for (;;) {
      const r = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'cancelled' }));
      if (r.StackResources?.some((x) => x.LogicalResourceId === 'EcsInstanceAsg')) break;
      await new Promise((res) => setTimeout(res, 5));
    }
    await cfn.send(new DeleteStackCommand({ StackName: 'cancelled' }));
    const stack = await settle(cfn, StackId as string, 60_000);
    expect(stack.StackStatus).toBe('DELETE_COMPLETE');
    const lines = (await eventsOf(cfn, StackId as string)).map(
      (e) => `${e.LogicalResourceId} ${e.ResourceStatus}`,
    );
    expect(lines).not.toContain('cancelled CREATE_COMPLETE');
    expect(lines).toContain('EcsInstanceAsg CREATE_FAILED');
    const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: StackId }));
    const ids = Object.fromEntries(
      (resources.StackResources ?? []).map((r) => [r.LogicalResourceId, r.PhysicalResourceId]),
    );
    const groups = await call('autoscaling', 'DescribeAutoScalingGroups', {
      AutoScalingGroupNames: [ids.EcsInstanceAsg],
    });
    expect(groups.AutoScalingGroups).toEqual([]);
    const vpcs = await call('ec2', 'DescribeVpcs', {});
    expect(vpcs.Vpcs.filter((v: { IsDefault: boolean }) => !v.IsDefault)).toEqual([]);
    await slow.stop();
  });

  it('CancelUpdateStack stops an update in flight and rolls it back', async () => {
    const slow = await startCfnPlane({ instanceBootMs: 500 });
    const { StackId } = await slow.cfn.send(
      new CreateStackCommand({
        StackName: 'grow',
        TemplateBody: fixture('cluster-2015.yaml'),
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: [{ ParameterKey: 'AsgMaxSize', ParameterValue: '1' }],
      }),
    );
    expect((await settle(slow.cfn, StackId as string, 30_000)).StackStatus).toBe('CREATE_COMPLETE');
    await slow.cfn.send(
      new UpdateStackCommand({
        StackName: 'grow',
        UsePreviousTemplate: true,
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: [{ ParameterKey: 'AsgMaxSize', ParameterValue: '3' }],
      }),
    );
    for (;;) {
      const r = await slow.cfn.send(new DescribeStackResourcesCommand({ StackName: 'grow' }));
      if (
        r.StackResources?.some(
          (x) => x.LogicalResourceId === 'EcsInstanceAsg' && x.ResourceStatus === 'UPDATE_IN_PROGRESS',
        )
      )
        break;
      await new Promise((res) => setTimeout(res, 5));
    }
    await slow.cfn.send(new CancelUpdateStackCommand({ StackName: 'grow' }));
    const stack = await settle(slow.cfn, StackId as string, 30_000);
    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(stack.Parameters?.find((p) => p.ParameterKey === 'AsgMaxSize')?.ParameterValue).toBe('1');
    const ids = Object.fromEntries(
      (
        (await slow.cfn.send(new DescribeStackResourcesCommand({ StackName: 'grow' }))).StackResources ?? []
      ).map((r) => [r.LogicalResourceId, r.PhysicalResourceId]),
    );
    const groups = await slow.plane.deps.services.call('autoscaling', 'DescribeAutoScalingGroups', {
      AutoScalingGroupNames: [ids.EcsInstanceAsg],
    });
    expect(Number(groups.AutoScalingGroups[0].DesiredCapacity)).toBe(1);
    await slow.cfn.send(new DeleteStackCommand({ StackName: 'grow' }));
    expect((await settle(slow.cfn, StackId as string, 30_000)).StackStatus).toBe('DELETE_COMPLETE');
    await slow.stop();
  });

  it('TimeoutInMinutes cancels a creation that takes too long, and the stack rolls back', async () => {
    const clock = new ManualClock({ running: true, start: Date.now() });
    const slow = await startCfnPlane({ instanceBootMs: 2000, clock });
    const { StackId } = await slow.cfn.send(
      new CreateStackCommand({
        StackName: 'slow',
        TemplateBody: fixture('cluster-2015.yaml'),
        Capabilities: ['CAPABILITY_IAM'],
        TimeoutInMinutes: 5,
      }),
    );
    for (;;) {
      const r = await slow.cfn.send(new DescribeStackResourcesCommand({ StackName: 'slow' }));
      if (r.StackResources?.some((x) => x.LogicalResourceId === 'EcsInstanceAsg')) break;
      await new Promise((res) => setTimeout(res, 5));
    }
    clock.advance(6 * 60_000);
    const stack = await settle(slow.cfn, StackId as string, 30_000);
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE');
    const events = await eventsOf(slow.cfn, StackId as string);
    expect(events.find((e) => e.ResourceStatus === 'ROLLBACK_IN_PROGRESS')?.ResourceStatusReason).toBe(
      'Stack creation time has exceeded the specified timeout. Rollback requested by user.',
    );
    expect(
      events.find((e) => e.LogicalResourceId === 'EcsInstanceAsg' && e.ResourceStatus === 'CREATE_FAILED')
        ?.ResourceStatusReason,
    ).toBe('Resource creation cancelled');
    await slow.stop();
  });

  it('the load balancer variant adds an ALB, its target group and listener, and a classic ELB', async () => {
    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName: 'EC2ContainerService-elb',
        TemplateBody: fixture('cluster-2015-elb.yaml'),
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: [{ ParameterKey: 'AsgMaxSize', ParameterValue: '1' }],
      }),
    );
    const stack = await settle(cfn, StackId as string, 60_000);
    expect(await failureReasons(StackId as string)).toEqual([]);
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const ids = await physicalIds('EC2ContainerService-elb');
    const out = outputsOf(stack);
    expect(ids.EcsElasticLoadBalancer).toMatch(/^EC2Contai-EcsElast-[A-Z0-9]{13}$/);
    expect(out.EcsElbName).toBe(ids.EcsElasticLoadBalancer);
    expect(out.AlbFullName).toMatch(/^app\/EC2Contai-EcsAppli-[A-Z0-9]{13}\/[0-9a-f]+$/);
    expect(out.TargetGroupFullName).toMatch(/^targetgroup\/EC2Contai-DefaultT-[A-Z0-9]{13}\/[0-9a-f]+$/);
    const listeners = await call('elasticloadbalancingv2', 'DescribeListeners', {
      LoadBalancerArn: ids.EcsApplicationLoadBalancer,
    });
    expect(listeners.Listeners[0].DefaultActions[0].TargetGroupArn).toBe(ids.DefaultTargetGroup);

    await cfn.send(new DeleteStackCommand({ StackName: 'EC2ContainerService-elb' }));
    expect((await settle(cfn, StackId as string, 60_000)).StackStatus).toBe('DELETE_COMPLETE');
  });
});
