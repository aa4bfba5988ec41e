/** AWS::EC2::Subnet */
import { deleteWhenUnused, NOT_FOUND, retag, tagSpecification } from './ec2-common';
import { prop, type Props, type ResourceContext, type ResourceProvider } from './types';

async function setPublicIp(ctx: ResourceContext, id: string, props: Props): Promise<void> {
  const value = prop.bool(props, 'MapPublicIpOnLaunch');
  if (value === undefined) return;
  await ctx.call('ec2', 'ModifySubnetAttribute', {
    SubnetId: id,
    MapPublicIpOnLaunch: { Value: String(value) },
  });
}

export const subnet: ResourceProvider = {
  type: 'AWS::EC2::Subnet',
  attributes: [
    'AvailabilityZone',
    'AvailabilityZoneId',
    'CidrBlock',
    'NetworkAclAssociationId',
    'SubnetId',
    'VpcId',
    'Ipv6CidrBlocks',
  ],
  createOnly: ['VpcId', 'CidrBlock', 'AvailabilityZone', 'AvailabilityZoneId', 'Ipv6CidrBlock'],
  async create(ctx, props) {
    const out = await ctx.call<{
      subnet: {
        subnetId: string;
        availabilityZone: string;
        availabilityZoneId?: string;
        cidrBlock: string;
        vpcId: string;
      };
    }>('ec2', 'CreateSubnet', {
      VpcId: prop.required(props, 'VpcId'),
      CidrBlock: prop.required(props, 'CidrBlock'),
      AvailabilityZone: prop.str(props, 'AvailabilityZone'),
      TagSpecification: tagSpecification('subnet', props, ctx),
    });
    const s = out.subnet;
    ctx.created(s.subnetId);
    await setPublicIp(ctx, s.subnetId, props);
    return {
      physicalId: s.subnetId,
      attributes: {
        SubnetId: s.subnetId,
        AvailabilityZone: s.availabilityZone,
        AvailabilityZoneId: s.availabilityZoneId ?? null,
        CidrBlock: s.cidrBlock,
        VpcId: s.vpcId,
        Ipv6CidrBlocks: [],
      },
    };
  },
  async update(ctx, id, props, previous) {
    if (prop.bool(props, 'MapPublicIpOnLaunch') !== prop.bool(previous, 'MapPublicIpOnLaunch')) {
      await setPublicIp(ctx, id, { MapPublicIpOnLaunch: prop.bool(props, 'MapPublicIpOnLaunch') ?? false });
    }
    await retag(ctx, id, props, previous);
  },
  async delete(ctx, id) {
    await deleteWhenUnused(ctx, `subnet ${id}`, 'DeleteSubnet', { SubnetId: id }, NOT_FOUND.subnet, 60_000);
  },
};
