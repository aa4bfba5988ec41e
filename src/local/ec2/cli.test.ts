/**
 * The AWS CLI (botocore's own parsers) reads our EC2, Auto Scaling, ELB and IAM XML.
 * Skips when `aws` is not installed, unless ECS_CONSOLE_REQUIRE_TOOLS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsJson, requireTool } from '../../testing/tools';
import { ECS_OPTIMIZED_AMI } from './catalog';
import { startTestPlane, waitFor, type TestPlane } from '../../testing/plane';

const available = requireTool('aws', 'EC2/Auto Scaling/ELB/IAM with the AWS CLI');

let t: TestPlane;

/** One CLI command against the plane (asynchronous, so the plane in this process can answer). */
const aws = (...args: string[]): Promise<Record<string, unknown>> => awsJson(t.url, args);

describe.skipIf(!available)('AWS CLI against the local EC2, Auto Scaling, ELB and IAM', () => {
  beforeAll(async () => {
    t = await startTestPlane();
  });
  afterAll(async () => {
    await t.plane.stop();
  });

  // Each CLI start costs a second or more on a loaded machine.
  it('parses our responses', { timeout: 180_000 }, async () => {
    await aws(
      'autoscaling',
      'create-launch-configuration',
      '--launch-configuration-name',
      'cli-lc',
      '--image-id',
      ECS_OPTIMIZED_AMI.imageId,
      '--instance-type',
      't2.micro',
      '--user-data',
      '#!/bin/bash\necho ECS_CLUSTER=default >> /etc/ecs/ecs.config',
      '--iam-instance-profile',
      'ecsInstanceRole',
    );
    await aws(
      'autoscaling',
      'create-auto-scaling-group',
      '--auto-scaling-group-name',
      'cli-asg',
      '--launch-configuration-name',
      'cli-lc',
      '--min-size',
      '1',
      '--max-size',
      '3',
      '--desired-capacity',
      '2',
      '--availability-zones',
      'us-east-1a',
      'us-east-1b',
    );
    const groups = await waitFor(
      async () => {
        const out = (await aws('autoscaling', 'describe-auto-scaling-groups')) as {
          AutoScalingGroups: { Instances: { LifecycleState: string }[]; DesiredCapacity: number }[];
        };
        const g = out.AutoScalingGroups[0];
        return g && g.Instances.filter((i) => i.LifecycleState === 'InService').length === 2
          ? out
          : undefined;
      },
      10_000,
      200,
    );
    expect(groups.AutoScalingGroups[0]?.DesiredCapacity).toBe(2);

    const described = (await aws(
      'ec2',
      'describe-instances',
      '--filters',
      'Name=instance-state-name,Values=running',
    )) as {
      Reservations: {
        Instances: {
          InstanceId: string;
          PublicIpAddress: string;
          State: { Name: string };
          Tags: unknown[];
        }[];
      }[];
    };
    const instances = described.Reservations.flatMap((r) => r.Instances);
    expect(instances).toHaveLength(2);
    expect(instances[0]?.PublicIpAddress).toMatch(/^127\.1\./);
    expect(instances[0]?.Tags).toContainEqual({ Key: 'aws:autoscaling:groupName', Value: 'cli-asg' });

    const subnets = (await aws('ec2', 'describe-subnets')) as {
      Subnets: { SubnetId: string; DefaultForAz: boolean }[];
    };
    expect(subnets.Subnets.every((s) => s.DefaultForAz)).toBe(true);

    const lb = (await aws(
      'elbv2',
      'create-load-balancer',
      '--name',
      'cli-alb',
      '--subnets',
      ...subnets.Subnets.map((s) => s.SubnetId),
    )) as { LoadBalancers: { DNSName: string }[] };
    expect(lb.LoadBalancers[0]?.DNSName).toMatch(/^127\.3\./);
    const lbs = (await aws('elbv2', 'describe-load-balancers')) as {
      LoadBalancers: { LoadBalancerName: string; State: { Code: string } }[];
    };
    expect(lbs.LoadBalancers).toEqual([
      expect.objectContaining({ LoadBalancerName: 'cli-alb', State: { Code: 'active' } }),
    ]);

    const classic = (await aws(
      'elb',
      'create-load-balancer',
      '--load-balancer-name',
      'cli-elb',
      '--listeners',
      'Protocol=HTTP,LoadBalancerPort=18080,InstanceProtocol=HTTP,InstancePort=80',
      '--availability-zones',
      'us-east-1a',
    )) as { DNSName: string };
    expect(classic.DNSName).toMatch(/^127\.3\./);

    const roles = (await aws('iam', 'list-roles')) as {
      Roles: { RoleName: string; AssumeRolePolicyDocument: unknown }[];
    };
    expect(roles.Roles.map((r) => r.RoleName)).toContain('ecsInstanceRole');
    // botocore decodes the URL-encoded policy document into JSON, as with real IAM.
    expect(roles.Roles[0]?.AssumeRolePolicyDocument).toMatchObject({ Statement: expect.any(Array) });

    // Errors come back in the CLI's own words.
    await expect(aws('ec2', 'describe-instances', '--instance-ids', 'i-0123456789abcdef0')).rejects.toThrow(
      /InvalidInstanceID\.NotFound/,
    );
  });
});
