/** AWS::EC2::InternetGateway and AWS::EC2::VPCGatewayAttachment */
import { NOT_FOUND, retag, tagSpecification } from './ec2-common';
import { prop, ResourceFailure, type ResourceProvider } from './types';

export const internetGateway: ResourceProvider = {
  type: 'AWS::EC2::InternetGateway',
  attributes: ['InternetGatewayId'],
  async create(ctx, props) {
    const out = await ctx.call<{ InternetGateway: { InternetGatewayId: string } }>(
      'ec2',
      'CreateInternetGateway',
      { TagSpecifications: tagSpecification('internet-gateway', props, ctx) },
    );
    const id = out.InternetGateway.InternetGatewayId;
    return { physicalId: id, attributes: { InternetGatewayId: id } };
  },
  async update(ctx, id, props, previous) {
    await retag(ctx, id, props, previous);
  },
  async delete(ctx, id) {
    await ctx.callIgnoring('ec2', 'DeleteInternetGateway', { InternetGatewayId: id }, NOT_FOUND.igw);
  },
};

export const vpcGatewayAttachment: ResourceProvider = {
  type: 'AWS::EC2::VPCGatewayAttachment',
  attributes: [],
  generatedNameLength: 24,
  createOnly: ['VpcId', 'InternetGatewayId', 'VpnGatewayId'],
  async create(ctx, props) {
    if (!prop.str(props, 'InternetGatewayId')) {
      throw new ResourceFailure(
        'Property InternetGatewayId cannot be empty (VPN gateways are not supported locally).',
      );
    }
    await ctx.call('ec2', 'AttachInternetGateway', {
      InternetGatewayId: prop.required(props, 'InternetGatewayId'),
      VpcId: prop.required(props, 'VpcId'),
    });
    return { physicalId: ctx.generatedName };
  },
  async update() {},
  async delete(ctx, _id, props) {
    await ctx.callIgnoring(
      'ec2',
      'DetachInternetGateway',
      { InternetGatewayId: prop.str(props, 'InternetGatewayId'), VpcId: prop.str(props, 'VpcId') },
      [...NOT_FOUND.igw, ...NOT_FOUND.vpc, 'Gateway.NotAttached'],
    );
  },
};
