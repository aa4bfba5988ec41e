/**
 * Fixtures for tests that run services over the wire: EC2 instances whose agents join a cluster,
 * and a target group behind an Application Load Balancer listener, built with the real SDK clients.
 */
import { ECSClient, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import {
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  type CreateTargetGroupCommandInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { waitFor, type ClientSettings } from './plane';

export interface ServiceClients {
  ecs: ECSClient;
  ec2: EC2Client;
  elb: ElasticLoadBalancingV2Client;
  destroy(): void;
}

export function serviceClients(settings: ClientSettings): ServiceClients {
  const ecs = new ECSClient(settings);
  const ec2 = new EC2Client(settings);
  const elb = new ElasticLoadBalancingV2Client(settings);
  return {
    ecs,
    ec2,
    elb,
    destroy() {
      for (const c of [ecs, ec2, elb]) c.destroy();
    },
  };
}

/** Launches `count` EC2 instances whose UserData names `cluster`, and waits until their agents registered. */
export async function joinCluster(
  c: ServiceClients,
  cluster: string,
  count: number,
  instanceType: _InstanceType = 't2.micro',
): Promise<string[]> {
  const userData = Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config\n`).toString(
    'base64',
  );
  const before =
    (await c.ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns?.length ?? 0;
  await c.ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12345678',
      MinCount: count,
      MaxCount: count,
      InstanceType: instanceType,
      UserData: userData,
    }),
  );
  return waitFor(
    async () => {
      const arns = (await c.ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns;
      return arns && arns.length >= before + count ? arns : undefined;
    },
    20_000,
    50,
    `${count} agents registered in ${cluster}`,
  );
}

/**
 * A target group in the default VPC with an Application Load Balancer listening on `port` that
 * forwards to it. `targetGroup` overrides the group's settings (its health check, for one).
 */
export async function targetGroupBehindListener(
  c: ServiceClients,
  name: string,
  port: number,
  targetGroup: Partial<CreateTargetGroupCommandInput> = {},
): Promise<{ targetGroupArn: string; dnsName: string }> {
  // The default VPC and its subnets (a test may have made other VPCs).
  const vpcs = (await c.ec2.send(new DescribeVpcsCommand({}))).Vpcs!;
  const vpcId = (vpcs.find((v) => v.IsDefault) ?? vpcs[0]!).VpcId!;
  const subnets = (
    await c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))
  ).Subnets!.map((s) => s.SubnetId!);
  const targetGroupArn = (
    await c.elb.send(
      new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, VpcId: vpcId, ...targetGroup }),
    )
  ).TargetGroups![0]!.TargetGroupArn!;
  const lb = (await c.elb.send(new CreateLoadBalancerCommand({ Name: name, Subnets: subnets.slice(0, 2) })))
    .LoadBalancers![0]!;
  await c.elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancerArn!,
      Protocol: 'HTTP',
      Port: port,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
    }),
  );
  return { targetGroupArn, dnsName: lb.DNSName! };
}
