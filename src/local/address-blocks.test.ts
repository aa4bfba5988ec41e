/**
 * Two control planes on one machine (two `ecs-console local` processes, or test files in parallel)
 * must never serve on the same address: each claims its own address block, and a plane restarted on
 * its state file gets its block back, so its instances and load balancers keep their addresses.
 */
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestPlane, type TestPlane } from '../testing/plane';

const launch = async (t: TestPlane): Promise<string> => {
  const ec2 = new EC2Client(t.client);
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-0123456789abcdef0',
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't2.micro',
    }),
  );
  return out.Instances?.[0]?.PrivateIpAddress ?? '';
};

describe.runIf(process.platform === 'linux')('address blocks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-blocks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives two running planes different addresses, and a restarted plane its own back', async () => {
    const state = join(dir, 'a.db');
    const a = await startTestPlane({ statePath: state });
    const b = await startTestPlane();
    try {
      expect(a.plane.deps.config.addressBlock).not.toBe(b.plane.deps.config.addressBlock);
      const [ipA, ipB] = [await launch(a), await launch(b)];
      expect(ipA).toMatch(/^127\.1\.\d+\.\d+$/);
      expect(ipB).toMatch(/^127\.1\.\d+\.\d+$/);
      expect(ipA).not.toBe(ipB);
    } finally {
      await b.plane.stop();
    }
    const block = a.plane.deps.config.addressBlock;
    await a.plane.stop();

    const again = await startTestPlane({ statePath: state });
    try {
      expect(again.plane.deps.config.addressBlock).toBe(block);
      const ec2 = new EC2Client(again.client);
      const all = await ec2.send(new DescribeInstancesCommand({}));
      const ips = (all.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.PrivateIpAddress);
      const next = await launch(again);
      expect(ips).toHaveLength(1);
      expect(next).not.toBe(ips[0]);
      expect(next.split('.').slice(0, 3)).toEqual(ips[0]?.split('.').slice(0, 3));
    } finally {
      await again.plane.stop();
    }
  });
});
