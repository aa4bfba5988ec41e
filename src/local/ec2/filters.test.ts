/**
 * EC2 filter wildcards over the wire: `*`, `?` and backslash escapes, matched without a regular
 * expression, so a pattern built to make a backtracking engine take exponential time is answered at once.
 */
import { CreateTagsCommand, CreateVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlane, type TestPlane } from '../../testing/plane';

let t: TestPlane;
let ec2: EC2Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestPlane();
  ec2 = new EC2Client(t.client);
  for (const name of ['a'.repeat(255), '*star?', 'web-1', 'web-22', 'back\\slash']) {
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.8.0.0/16' }));
    const id = vpc.Vpc?.VpcId as string;
    await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'Name', Value: name }] }));
    ids[name] = id;
  }
});
afterAll(async () => {
  ec2.destroy();
  await t.plane.stop();
});

async function named(...values: string[]): Promise<string[]> {
  const out = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: values }] }));
  const byId = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
  return (out.Vpcs ?? []).map((v) => byId.get(v.VpcId as string) as string).sort();
}

describe('EC2 filter wildcards', () => {
  it('match * and ? as EC2 does', async () => {
    expect(await named('web-*')).toEqual(['web-1', 'web-22']);
    expect(await named('web-?')).toEqual(['web-1']);
    expect(await named('*-2*')).toEqual(['web-22']);
    expect(await named('w*b*1')).toEqual(['web-1']);
    expect(await named('web')).toEqual([]);
  });

  it('take a backslash-escaped * ? or \\ literally', async () => {
    expect(await named('\\*star\\?')).toEqual(['*star?']);
    expect(await named('\\*sta')).toEqual([]);
    expect(await named('back\\\\slash')).toEqual(['back\\slash']);
  });

  it('answer a pathological pattern at once instead of stalling the process', async () => {
    const pattern = `${'*a'.repeat(3000)}*b`;
    expect(await named(pattern)).toEqual([]);
    expect(await named(`${'*a'.repeat(3000)}*`)).toEqual([]);
    expect(await named(`${'*a'.repeat(255)}*`)).toEqual(['a'.repeat(255)]);
  });
});
