/** AWS::EC2::Subnet */
import { deleteWhenUnused, NOT_FOUND, retag, tagSpecification } from './ec2-common';
import { prop, type Props, type ResourceContext, type ResourceProvider } from './types';

async function setPublicIp(ctx: ResourceContext, id: string, props: Props): Promise<void> {
  const value = prop.bool(props, 'MapPublicIpOnLaunch');
  if (value === undefined) return;
  await ctx.call('ec2', 'ModifySubnetAttribute', {
    SubnetId: id,
    MapPublicIpOnLaunch: { Value: value },
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
      Subnet: {
        SubnetId: string;
        AvailabilityZone: string;
        AvailabilityZoneId?: string;
        CidrBlock: string;
        VpcId: string;
      };
    }>('ec2', 'CreateSubnet', {
      VpcId: prop.required(props, 'VpcId'),
      CidrBlock: prop.required(props, 'CidrBlock'),
      AvailabilityZone: prop.str(props, 'AvailabilityZone'),
      TagSpecifications: tagSpecification('subnet', props, ctx),
    });
    const s = out.Subnet;
    ctx.created(s.SubnetId);
    await setPublicIp(ctx, s.SubnetId, props);
    return {
      physicalId: s.SubnetId,
      attributes: {
        SubnetId: s.SubnetId,
        AvailabilityZone: s.AvailabilityZone,
        AvailabilityZoneId: s.AvailabilityZoneId ?? null,
        CidrBlock: s.CidrBlock,
        VpcId: s.VpcId,
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
