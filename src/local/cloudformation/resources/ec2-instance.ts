/** AWS::EC2::Instance */
import { launchTemplateSpec, tagSpecification } from './ec2-common';
import { prop, ResourceFailure, type ResourceContext, type ResourceProvider } from './types';

interface Instance {
  instanceId: string;
  instanceState?: { name: string };
  privateIpAddress?: string;
  ipAddress?: string;
  privateDnsName?: string;
  dnsName?: string;
  placement?: { availabilityZone?: string };
}

async function describe(ctx: ResourceContext, id: string): Promise<Instance | undefined> {
  const out = await ctx.callIgnoring<{ reservationSet?: { instancesSet?: Instance[] }[] }>(
    'ec2',
    'DescribeInstances',
    { InstanceId: [id] },
    ['InvalidInstanceID.NotFound'],
  );
  return out?.reservationSet?.[0]?.instancesSet?.[0];
}

export const instance: ResourceProvider = {
  type: 'AWS::EC2::Instance',
  attributes: ['AvailabilityZone', 'PrivateDnsName', 'PrivateIp', 'PublicDnsName', 'PublicIp', 'InstanceId'],
  async create(ctx, props) {
    const profile = prop.str(props, 'IamInstanceProfile');
    const out = await ctx.call<{ instancesSet: Instance[] }>('ec2', 'RunInstances', {
      ImageId: prop.str(props, 'ImageId'),
      InstanceType: prop.str(props, 'InstanceType'),
      KeyName: prop.str(props, 'KeyName'),
      SubnetId: prop.str(props, 'SubnetId'),
      SecurityGroupId: prop.strList(props, 'SecurityGroupIds'),
      SecurityGroup: prop.strList(props, 'SecurityGroups'),
      UserData: prop.str(props, 'UserData'),
      IamInstanceProfile: profile
        ? profile.startsWith('arn:')
          ? { Arn: profile }
          : { Name: profile }
        : undefined,
      LaunchTemplate: launchTemplateSpec(props),
      MinCount: '1',
      MaxCount: '1',
      ClientToken: `${ctx.stackId}|${ctx.logicalId}`.slice(-64),
      TagSpecification: tagSpecification('instance', props, ctx),
    });
    const first = out.instancesSet[0];
    if (!first) throw new ResourceFailure('RunInstances returned no instance');
    return { physicalId: first.instanceId, attributes: { InstanceId: first.instanceId } };
  },
  async stabilize(ctx, id) {
    let found: Instance | undefined;
    await ctx.waitUntil(`instance ${id} to be running`, async () => {
      found = await describe(ctx, id);
      const state = found?.instanceState?.name;
      if (!found || state === 'terminated' || state === 'shutting-down') {
        throw new ResourceFailure(`Instance ${id} did not stabilize (state ${state ?? 'unknown'}).`);
      }
      return state === 'running';
    });
    const i = found as Instance;
    return {
      InstanceId: id,
      AvailabilityZone: i.placement?.availabilityZone ?? null,
      PrivateIp: i.privateIpAddress ?? null,
      PublicIp: i.ipAddress ?? null,
      PrivateDnsName: i.privateDnsName ?? null,
      PublicDnsName: i.dnsName ?? null,
    };
  },
  async delete(ctx, id) {
    await ctx.callIgnoring('ec2', 'TerminateInstances', { InstanceId: [id] }, ['InvalidInstanceID.NotFound']);
    await ctx.waitUntil(`instance ${id} to terminate`, async () => {
      const i = await describe(ctx, id);
      return !i || i.instanceState?.name === 'terminated';
    });
  },
};
