/** AWS::EC2::VPC */
import { deleteWhenUnused, NOT_FOUND, retag, tagSpecification } from './ec2-common';
import { prop, type ResourceProvider } from './types';

export const vpc: ResourceProvider = {
  type: 'AWS::EC2::VPC',
  attributes: ['CidrBlock', 'DefaultSecurityGroup', 'VpcId', 'CidrBlockAssociations', 'Ipv6CidrBlocks'],
  createOnly: ['CidrBlock', 'InstanceTenancy', 'EnableDnsSupport', 'EnableDnsHostnames', 'Ipv4IpamPoolId'],
  async create(ctx, props) {
    const out = await ctx.call<{ vpc: { vpcId: string; cidrBlock: string } }>('ec2', 'CreateVpc', {
      CidrBlock: prop.required(props, 'CidrBlock'),
      InstanceTenancy: prop.str(props, 'InstanceTenancy'),
      TagSpecification: tagSpecification('vpc', props, ctx),
    });
    const id = out.vpc.vpcId;
    ctx.created(id);
    const groups = await ctx.call<{ securityGroupInfo?: { groupId: string }[] }>(
      'ec2',
      'DescribeSecurityGroups',
      {
        Filter: [
          { Name: 'vpc-id', Value: [id] },
          { Name: 'group-name', Value: ['default'] },
        ],
      },
    );
    return {
      physicalId: id,
      attributes: {
        VpcId: id,
        CidrBlock: out.vpc.cidrBlock,
        DefaultSecurityGroup: groups.securityGroupInfo?.[0]?.groupId ?? null,
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
