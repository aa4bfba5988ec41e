/** AWS::EC2::VPC */
import { deleteWhenUnused, NOT_FOUND, retag, tagSpecification } from './ec2-common';
import { prop, type ResourceProvider } from './types';

export const vpc: ResourceProvider = {
  type: 'AWS::EC2::VPC',
  attributes: ['CidrBlock', 'DefaultSecurityGroup', 'VpcId', 'CidrBlockAssociations', 'Ipv6CidrBlocks'],
  createOnly: ['CidrBlock', 'InstanceTenancy', 'EnableDnsSupport', 'EnableDnsHostnames', 'Ipv4IpamPoolId'],
  async create(ctx, props) {
    const out = await ctx.call<{ Vpc: { VpcId: string; CidrBlock: string } }>('ec2', 'CreateVpc', {
      CidrBlock: prop.required(props, 'CidrBlock'),
      InstanceTenancy: prop.str(props, 'InstanceTenancy'),
      TagSpecifications: tagSpecification('vpc', props, ctx),
    });
    const id = out.Vpc.VpcId;
    ctx.created(id);
    const groups = await ctx.call<{ SecurityGroups?: { GroupId: string }[] }>(
      'ec2',
      'DescribeSecurityGroups',
      {
        Filters: [
          { Name: 'vpc-id', Values: [id] },
          { Name: 'group-name', Values: ['default'] },
        ],
      },
    );
    return {
      physicalId: id,
      attributes: {
        VpcId: id,
        CidrBlock: out.Vpc.CidrBlock,
        DefaultSecurityGroup: groups.SecurityGroups?.[0]?.GroupId ?? null,
        CidrBlockAssociations: [],
        Ipv6CidrBlocks: [],
      },
    };
  },
  async update(ctx, id, props, previous) {
    await retag(ctx, id, props, previous);
  },
  async delete(ctx, id) {
    await deleteWhenUnused(ctx, `VPC ${id}`, 'DeleteVpc', { VpcId: id }, NOT_FOUND.vpc, 60_000);
  },
};
