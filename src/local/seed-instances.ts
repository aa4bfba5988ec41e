/**
 * `ecs-console local --instances N`: N simulated EC2 instances whose UserData names the cluster, so
 * their agents register them. Level-triggered and idempotent: the instances the flag owns carry a
 * tag, and every start converges what exists to exactly N, whatever happened before (instances
 * terminated or force-deregistered, a kill -9 in the middle of either). Owned instances that are
 * pending or running count (a running one whose container instance was deregistered registers again
 * when its agent restarts, as the real agent does); fewer are launched up to N, extra ones (the newest
 * first) terminated. Only tagged instances are touched: instances the user launched are never counted.
 */
import type { ServiceCaller } from './protocol/types';

/** The tag on every instance the flag launched; its value is the cluster. */
export const SEED_TAG = 'ecs-console:instances';

export interface SeedInstances {
  cluster: string;
  instanceType: string;
  count: number;
}

interface Ec2Instance {
  InstanceId: string;
  /** Epoch seconds. */
  LaunchTime: number;
}

export async function convergeSeedInstances(
  services: ServiceCaller,
  seed: SeedInstances,
): Promise<{ launched: number; terminated: string[] }> {
  await services.call('ecs', 'CreateCluster', { clusterName: seed.cluster });
  const out = await services.call<{ Reservations?: { Instances?: Ec2Instance[] }[] }>(
    'ec2',
    'DescribeInstances',
    {
      Filters: [
        { Name: `tag:${SEED_TAG}`, Values: [seed.cluster] },
        { Name: 'instance-state-name', Values: ['pending', 'running'] },
      ],
    },
  );
  const live = (out.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .sort((a, b) => a.LaunchTime - b.LaunchTime || a.InstanceId.localeCompare(b.InstanceId));
  const extra = live.slice(seed.count).map((i) => i.InstanceId);
  if (extra.length) await services.call('ec2', 'TerminateInstances', { InstanceIds: extra });
  const missing = seed.count - live.length;
  if (missing > 0) {
    // The ECS-optimized AMI, as the wizard's template resolves it through SSM.
    const images = await services.call<{ Images?: { ImageId: string }[] }>('ec2', 'DescribeImages', {});
    const imageId = images.Images?.[0]?.ImageId;
    if (!imageId) throw new Error('the local EC2 service offers no ECS-optimized AMI');
    const userData = Buffer.from(
      `#!/bin/bash\necho ECS_CLUSTER=${seed.cluster} >> /etc/ecs/ecs.config\n`,
    ).toString('base64');
    await services.call('ec2', 'RunInstances', {
      ImageId: imageId,
      InstanceType: seed.instanceType,
      MinCount: missing,
      MaxCount: missing,
      UserData: userData,
      TagSpecifications: [
        {
          ResourceType: 'instance',
          Tags: [
            { Key: SEED_TAG, Value: seed.cluster },
            { Key: 'Name', Value: `ecs-console ${seed.cluster}` },
          ],
        },
      ],
    });
  }
  return { launched: Math.max(0, missing), terminated: extra };
}
