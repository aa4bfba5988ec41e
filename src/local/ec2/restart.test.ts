import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalControlPlane } from '../index';
import { ECS_OPTIMIZED_AMI } from './catalog';
import { waitFor } from '../../testing/plane';

const dir = mkdtempSync(join(tmpdir(), 'ec2-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('EC2 across a restart', () => {
  it('keeps instances, finishes interrupted boots and announces running instances again', async () => {
    const statePath = join(dir, 'state.db');
    // A long boot, so the second instance is still pending when the first process stops.
    const first = new LocalControlPlane({ statePath, instanceBootMs: 100, taskStepMs: 20 });
    const url1 = await first.listen(0);
    const ec2a = new EC2Client({ endpoint: url1, region: 'us-east-1', credentials });
    const a = (
      await ec2a.send(
        new RunInstancesCommand({ ImageId: ECS_OPTIMIZED_AMI.imageId, MinCount: 1, MaxCount: 1 }),
      )
    ).Instances?.[0]?.InstanceId;
    await waitFor(async () => {
      const out = await ec2a.send(new DescribeInstancesCommand({ InstanceIds: [a ?? ''] }));
      return out.Reservations?.[0]?.Instances?.[0]?.State?.Name === 'running';
    });
    const b = (
      await ec2a.send(
        new RunInstancesCommand({ ImageId: ECS_OPTIMIZED_AMI.imageId, MinCount: 1, MaxCount: 1 }),
      )
    ).Instances?.[0]?.InstanceId;
    ec2a.destroy();
    await first.stop();

    const second = new LocalControlPlane({ statePath, instanceBootMs: 100, taskStepMs: 20 });
    const announced: string[] = [];
    second.deps.bus.on('ec2.instance.running', (e) => announced.push(e.instanceId));
    const url2 = await second.listen(0);
    const ec2b = new EC2Client({ endpoint: url2, region: 'us-east-1', credentials });
    try {
      expect(announced[0]).toBe(a);
      await waitFor(async () => announced.includes(b ?? ''));
      const out = await ec2b.send(new DescribeInstancesCommand({}));
      const states = out.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name);
      expect(states).toEqual(['running', 'running']);
    } finally {
      ec2b.destroy();
      await second.stop();
    }
  });
});
