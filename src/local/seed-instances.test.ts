/**
 * `--instances N` converges to exactly N registered container instances across restarts, whatever
 * happened before: a forced deregistration (the instance registers again when its agent restarts, so
 * no replacement is launched), TerminateInstances followed by a kill -9 (a replacement is launched),
 * a lower N (the newest extra instances are terminated), and instances the user launched (never counted).
 */
import {
  DeregisterContainerInstanceCommand,
  DescribeContainerInstancesCommand,
  ECSClient,
  ListContainerInstancesCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ECS_OPTIMIZED_AMI } from './ec2/catalog';
import { LocalControlPlane } from './index';
import { convergeSeedInstances, SEED_TAG } from './seed-instances';
import { clientSettings, waitFor } from '../testing/plane';
import { BIN, REPO, startProcess, type RunningProcess } from '../testing/process';

const dir = mkdtempSync(join(tmpdir(), 'seed-instances-'));
const children: RunningProcess[] = [];
afterAll(async () => {
  for (const c of children) await c.stop();
  rmSync(dir, { recursive: true, force: true });
});

const CLUSTER = 'seeded';

async function activeInstances(url: string): Promise<string[]> {
  const ecs = new ECSClient(clientSettings(url));
  try {
    const out = await ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER, status: 'ACTIVE' }));
    return out.containerInstanceArns ?? [];
  } finally {
    ecs.destroy();
  }
}

/** EC2 instances the flag owns that are pending or running. */
async function ownedLive(url: string): Promise<string[]> {
  const ec2 = new EC2Client(clientSettings(url));
  try {
    const out = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: `tag:${SEED_TAG}`, Values: [CLUSTER] },
          { Name: 'instance-state-name', Values: ['pending', 'running'] },
        ],
      }),
    );
    return (out.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .map((i) => i.InstanceId as string)
      .sort();
  } finally {
    ec2.destroy();
  }
}

/** EC2 instance ids of the cluster's ACTIVE container instances. */
async function registeredHosts(url: string): Promise<string[]> {
  const arns = await activeInstances(url);
  if (arns.length === 0) return [];
  const ecs = new ECSClient(clientSettings(url));
  try {
    const out = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: arns }),
    );
    return (out.containerInstances ?? []).map((ci) => ci.ec2InstanceId as string);
  } finally {
    ecs.destroy();
  }
}

/** Waits until exactly `n` owned instances are live, each registered once (ACTIVE). */
async function converged(url: string, n: number): Promise<string[]> {
  return waitFor(
    async () => {
      const owned = await ownedLive(url);
      const hosts = await registeredHosts(url);
      const registered = hosts.filter((h) => owned.includes(h));
      return owned.length === n && registered.length === n ? owned : undefined;
    },
    15_000,
    50,
    `${n} owned instances, all registered`,
  );
}

describe('--instances N (in process, restarted on one state file)', () => {
  const statePath = join(dir, 'in-process.sqlite');
  const seed = { cluster: CLUSTER, instanceType: 't2.micro', count: 2 };
  const start = async () => {
    const plane = new LocalControlPlane({ statePath, instanceBootMs: 20, taskStepMs: 20 });
    const url = await plane.listen(0);
    await convergeSeedInstances(plane.deps.services, seed);
    return { plane, url };
  };

  let plane: LocalControlPlane | undefined;
  afterAll(() => plane?.stop());

  it('a forced deregistration and a restart: still exactly N, no replacement launched', async () => {
    let url: string;
    ({ plane, url } = await start());
    const first = await converged(url, 2);
    // A user instance in the same cluster is never counted or touched.
    const ec2 = new EC2Client(clientSettings(url));
    await ec2.send(
      new RunInstancesCommand({
        ImageId: ECS_OPTIMIZED_AMI.imageId,
        MinCount: 1,
        MaxCount: 1,
        UserData: Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${CLUSTER} >> /etc/ecs/ecs.config\n`).toString(
          'base64',
        ),
      }),
    );
    ec2.destroy();
    await waitFor(async () => (await activeInstances(url)).length === 3, 10_000, 50, 'the user instance');

    const ecs = new ECSClient(clientSettings(url));
    const [victim] = await activeInstances(url);
    await ecs.send(
      new DeregisterContainerInstanceCommand({ cluster: CLUSTER, containerInstance: victim, force: true }),
    );
    ecs.destroy();
    await plane.stop();
    plane = undefined;

    for (let restart = 0; restart < 2; restart++) {
      ({ plane, url } = await start());
      expect(await converged(url, 2)).toEqual(first);
      await waitFor(async () => (await activeInstances(url)).length === 3, 10_000, 50, '2 seeded + 1 user');
      await plane.stop();
      plane = undefined;
    }
  });

  it('a lower N terminates the newest extra instances; a higher N launches the missing ones', async () => {
    let url: string;
    ({ plane, url } = await start());
    const two = await converged(url, 2);
    const out = await convergeSeedInstances(plane.deps.services, { ...seed, count: 1 });
    expect(out.terminated).toHaveLength(1);
    expect(await converged(url, 1)).toHaveLength(1);
    await convergeSeedInstances(plane.deps.services, { ...seed, count: 3 });
    const three = await converged(url, 3);
    expect(three.filter((id) => two.includes(id))).toHaveLength(1);
    await plane.stop();
    plane = undefined;
  });
});

describe('--instances N as a process', () => {
  it('TerminateInstances, then kill -9 before the agent deregistered it: exactly N after the restart', async () => {
    const statePath = join(dir, 'process.sqlite');
    const start = async () => {
      const child = await startProcess(
        process.execPath,
        [
          BIN,
          'local',
          '--port',
          '0',
          '--state',
          statePath,
          '--instances',
          '2',
          '--cluster',
          CLUSTER,
          '--instance-boot-ms',
          '20',
          '--task-step-ms',
          '20',
        ],
        { url: /listening on (http:\/\/[^\s]+)/, spawn: { cwd: REPO } },
      );
      children.push(child);
      return child;
    };
    let child = await start();
    const before = await converged(child.url, 2);
    const ec2 = new EC2Client(clientSettings(child.url));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [before[0] as string] }));
    ec2.destroy();
    await child.stop('SIGKILL');

    child = await start();
    const after = await converged(child.url, 2);
    expect(after).toContain(before[1]);
    expect(after).not.toContain(before[0]);
    await child.stop('SIGKILL');
  });
});
