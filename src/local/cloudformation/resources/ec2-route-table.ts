/** AWS::EC2::RouteTable, AWS::EC2::Route and AWS::EC2::SubnetRouteTableAssociation */
import { NOT_FOUND, retag, tagSpecification } from './ec2-common';
import { prop, type Props, type ResourceContext, type ResourceProvider } from './types';

export const routeTable: ResourceProvider = {
  type: 'AWS::EC2::RouteTable',
  attributes: ['RouteTableId'],
  createOnly: ['VpcId'],
  async create(ctx, props) {
    const out = await ctx.call<{ RouteTable: { RouteTableId: string } }>('ec2', 'CreateRouteTable', {
      VpcId: prop.required(props, 'VpcId'),
      TagSpecifications: tagSpecification('route-table', props, ctx),
    });
    const id = out.RouteTable.RouteTableId;
    return { physicalId: id, attributes: { RouteTableId: id } };
  },
  async update(ctx, id, props, previous) {
    await retag(ctx, id, props, previous);
  },
  async delete(ctx, id) {
    await ctx.callIgnoring('ec2', 'DeleteRouteTable', { RouteTableId: id }, NOT_FOUND.rtb);
  },
};

const TARGETS = [
  'GatewayId',
  'InstanceId',
  'NatGatewayId',
  'NetworkInterfaceId',
  'VpcPeeringConnectionId',
  'TransitGatewayId',
];

async function createRoute(ctx: ResourceContext, props: Props): Promise<void> {
  const input: Record<string, unknown> = {
    RouteTableId: prop.required(props, 'RouteTableId'),
    DestinationCidrBlock: prop.required(props, 'DestinationCidrBlock'),
  };
  for (const t of TARGETS) if (prop.str(props, t)) input[t] = prop.str(props, t);
  await ctx.call('ec2', 'CreateRoute', input);
}

async function deleteRoute(ctx: ResourceContext, props: Props): Promise<void> {
  await ctx.callIgnoring(
    'ec2',
    'DeleteRoute',
    {
      RouteTableId: prop.str(props, 'RouteTableId'),
      DestinationCidrBlock: prop.str(props, 'DestinationCidrBlock'),
    },
    [...NOT_FOUND.rtb, 'InvalidRoute.NotFound'],
  );
}

export const route: ResourceProvider = {
  type: 'AWS::EC2::Route',
  attributes: ['CidrBlock'],
  createOnly: ['RouteTableId', 'DestinationCidrBlock'],
  async create(ctx, props) {
    await createRoute(ctx, props);
    const physicalId = `${prop.str(props, 'RouteTableId')}|${prop.str(props, 'DestinationCidrBlock')}`;
    return { physicalId, attributes: { CidrBlock: prop.str(props, 'DestinationCidrBlock') ?? null } };
  },
  /** A new target for the same destination: replace the route in place. */
  async update(ctx, _id, props, previous) {
    await deleteRoute(ctx, previous);
    await createRoute(ctx, props);
  },
  async delete(ctx, _id, props) {
    await deleteRoute(ctx, props);
  },
};

export const subnetRouteTableAssociation: ResourceProvider = {
  type: 'AWS::EC2::SubnetRouteTableAssociation',
  attributes: ['Id'],
  async create(ctx, props) {
    const out = await ctx.call<{ AssociationId: string }>('ec2', 'AssociateRouteTable', {
      RouteTableId: prop.required(props, 'RouteTableId'),
      SubnetId: prop.required(props, 'SubnetId'),
    });
    return { physicalId: out.AssociationId, attributes: { Id: out.AssociationId } };
  },
  async delete(ctx, id) {
    await ctx.callIgnoring('ec2', 'DisassociateRouteTable', { AssociationId: id }, [
      'InvalidAssociationID.NotFound',
    ]);
  },
};
