/** AWS::EC2::Instance */
import { launchTemplateSpec, tagSpecification } from './ec2-common';
import { prop, ResourceFailure, type ResourceContext, type ResourceProvider } from './types';

interface Instance {
  InstanceId: string;
  State?: { Name: string };
  PrivateIpAddress?: string;
  PublicIpAddress?: string;
  PrivateDnsName?: string;
  PublicDnsName?: string;
  Placement?: { AvailabilityZone?: string };
}

async function describe(ctx: ResourceContext, id: string): Promise<Instance | undefined> {
  const out = await ctx.callIgnoring<{ Reservations?: { Instances?: Instance[] }[] }>(
    'ec2',
    'DescribeInstances',
    { InstanceIds: [id] },
    ['InvalidInstanceID.NotFound'],
  );
  return out?.Reservations?.[0]?.Instances?.[0];
}

export const instance: ResourceProvider = {
  type: 'AWS::EC2::Instance',
  attributes: ['AvailabilityZone', 'PrivateDnsName', 'PrivateIp', 'PublicDnsName', 'PublicIp', 'InstanceId'],
  async create(ctx, props) {
    const profile = prop.str(props, 'IamInstanceProfile');
    const out = await ctx.call<{ Instances: Instance[] }>('ec2', 'RunInstances', {
      ImageId: prop.str(props, 'ImageId'),
      InstanceType: prop.str(props, 'InstanceType'),
      KeyName: prop.str(props, 'KeyName'),
      SubnetId: prop.str(props, 'SubnetId'),
      SecurityGroupIds: prop.strList(props, 'SecurityGroupIds'),
      SecurityGroups: prop.strList(props, 'SecurityGroups'),
      UserData: prop.str(props, 'UserData'),
      IamInstanceProfile: profile
        ? profile.startsWith('arn:')
          ? { Arn: profile }
          : { Name: profile }
        : undefined,
      LaunchTemplate: launchTemplateSpec(props),
      MinCount: 1,
      MaxCount: 1,
      ClientToken: `${ctx.stackId}|${ctx.logicalId}`.slice(-64),
      TagSpecifications: tagSpecification('instance', props, ctx),
    });
    const first = out.Instances[0];
    if (!first) throw new ResourceFailure('RunInstances returned no instance');
    return { physicalId: first.InstanceId, attributes: { InstanceId: first.InstanceId } };
  },
  async stabilize(ctx, id) {
    let found: Instance | undefined;
    await ctx.waitUntil(`instance ${id} to be running`, async () => {
      found = await describe(ctx, id);
      const state = found?.State?.Name;
      if (!found || state === 'terminated' || state === 'shutting-down') {
        throw new ResourceFailure(`Instance ${id} did not stabilize (state ${state ?? 'unknown'}).`);
      }
      return state === 'running';
    });
    const i = found as Instance;
    return {
      InstanceId: id,
      AvailabilityZone: i.Placement?.AvailabilityZone ?? null,
      PrivateIp: i.PrivateIpAddress ?? null,
      PublicIp: i.PublicIpAddress ?? null,
      PrivateDnsName: i.PrivateDnsName ?? null,
      PublicDnsName: i.PublicDnsName ?? null,
    };
  },
  async delete(ctx, id) {
    await ctx.callIgnoring('ec2', 'TerminateInstances', { InstanceIds: [id] }, [
      'InvalidInstanceID.NotFound',
    ]);
    await ctx.waitUntil(`instance ${id} to terminate`, async () => {
      const i = await describe(ctx, id);
      return !i || i.State?.Name === 'terminated';
    });
  },
};
