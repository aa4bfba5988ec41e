/**
 * DescribeVpcs, DescribeSubnets, DescribeSecurityGroups (MaxResults/NextToken) and ELB DescribeTargetGroups
 * (PageSize/Marker) page over HTTP with the SDK: every item once, in order; tokens of another call refused.
 */
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateTargetGroupCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestPlane, type TestPlane } from '../../testing/plane';

let t: TestPlane;
let ec2: EC2Client;
let elb: ElasticLoadBalancingV2Client;
let vpcId: string;

beforeAll(async () => {
  t = await startTestPlane();
  ec2 = new EC2Client(t.client);
  elb = new ElasticLoadBalancingV2Client(t.client);
  vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc?.VpcId ?? '';
  for (let i = 0; i < 12; i++) {
    await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.9.${i}.0/24` }));
    await ec2.send(
      new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: `pg-${i}`, Description: 'paging' }),
    );
  }
  for (let i = 0; i < 7; i++)
    await elb.send(
      new CreateTargetGroupCommand({ Name: `pg-${i}`, Protocol: 'HTTP', Port: 80, VpcId: vpcId }),
    );
});

afterAll(async () => {
  ec2.destroy();
  elb.destroy();
  await t.plane.stop();
});

/** Every page of a call: the ids in the order read, and how many pages it took. */
async function walk(read: (token: string | undefined) => Promise<{ ids: string[]; next?: string }>) {
  const ids: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await read(token);
    ids.push(...page.ids);
    token = page.next;
    pages++;
  } while (token);
  return { ids, pages };
}

const inVpc = () => [{ Name: 'vpc-id', Values: [vpcId] }];

describe('Describe* paging', () => {
  it('DescribeSubnets: pages of MaxResults with NextToken give the same subnets as one call', async () => {
    const all = (await ec2.send(new DescribeSubnetsCommand({ Filters: inVpc() }))).Subnets ?? [];
    expect(all).toHaveLength(12);
    const paged = await walk(async (NextToken) => {
      const out = await ec2.send(new DescribeSubnetsCommand({ Filters: inVpc(), MaxResults: 5, NextToken }));
      return { ids: (out.Subnets ?? []).map((s) => s.SubnetId ?? ''), next: out.NextToken };
    });
    expect(paged.pages).toBe(3);
    expect(paged.ids).toEqual(all.map((s) => s.SubnetId));
  });

  it('DescribeSecurityGroups and DescribeVpcs page the same way', async () => {
    const groups = await walk(async (NextToken) => {
      const out = await ec2.send(
        new DescribeSecurityGroupsCommand({ Filters: inVpc(), MaxResults: 5, NextToken }),
      );
      return { ids: (out.SecurityGroups ?? []).map((g) => g.GroupName ?? ''), next: out.NextToken };
    });
    // The VPC's default group and the 12 made here.
    expect(groups.ids).toHaveLength(13);
    expect(new Set(groups.ids).size).toBe(13);
    const vpcs = await ec2.send(new DescribeVpcsCommand({ MaxResults: 5 }));
    expect(vpcs.Vpcs?.length).toBeGreaterThan(0);
  });

  it('refuses a token made up or from another call, and MaxResults out of range', async () => {
    const first = await ec2.send(new DescribeSubnetsCommand({ Filters: inVpc(), MaxResults: 5 }));
    expect(
      await errorOf(ec2.send(new DescribeVpcsCommand({ MaxResults: 5, NextToken: first.NextToken }))),
    ).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
    expect(
      await errorOf(ec2.send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken: 'not-a-token' }))),
    ).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
    expect(await errorOf(ec2.send(new DescribeSubnetsCommand({ MaxResults: 4 })))).toMatchObject({
      status: 400,
    });
  });

  it('ELB DescribeTargetGroups: PageSize and Marker, NextMarker on every page but the last', async () => {
    const all = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
    const paged = await walk(async (Marker) => {
      const out = await elb.send(new DescribeTargetGroupsCommand({ PageSize: 3, Marker }));
      return { ids: (out.TargetGroups ?? []).map((g) => g.TargetGroupArn ?? ''), next: out.NextMarker };
    });
    expect(paged.pages).toBe(Math.ceil(all.length / 3));
    expect(paged.ids).toEqual(all.map((g) => g.TargetGroupArn));
    expect(
      await errorOf(elb.send(new DescribeTargetGroupsCommand({ PageSize: 3, Marker: 'nope' }))),
    ).toMatchObject({ name: 'ValidationError', status: 400 });
  });
});
