/**
 * CreateRouteTable, CreateRoute, DeleteRoute, AssociateRouteTable, DisassociateRouteTable,
 * DeleteRouteTable, DescribeRouteTables.
 */
import type * as ec2 from '@aws-sdk/client-ec2';
import { ec2Id } from '../common/ids';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import type { RouteTableRecord } from './model';
import { ec2Errors, parseCidr, type Scope } from './common';

export function renderRouteTable(s: Scope, r: RouteTableRecord): Wire<ec2.RouteTable> {
  return {
    RouteTableId: r.id,
    VpcId: r.vpcId,
    OwnerId: s.accountId,
    Routes: r.routes.map((route) => ({
      DestinationCidrBlock: route.destinationCidrBlock,
      GatewayId: route.gatewayId,
      InstanceId: route.instanceId,
      Origin: route.origin,
      State: 'active',
    })),
    Associations: r.associations.map((a) => ({
      RouteTableAssociationId: a.associationId,
      RouteTableId: r.id,
      SubnetId: a.subnetId,
      Main: a.main,
      AssociationState: { State: 'associated' },
    })),
    PropagatingVgws: [],
    Tags: s.tagList(r.id),
  };
}

export function createRouteTable(
  s: Scope,
  input: Wire<ec2.CreateRouteTableRequest>,
): Wire<ec2.CreateRouteTableResult> {
  const rtb = s.deps.db.tx(() => {
    const vpc = s.get('vpc', input.VpcId);
    const r: RouteTableRecord = {
      kind: 'rtb',
      id: ec2Id('rtb'),
      region: s.region,
      vpcId: vpc.id,
      main: false,
      routes: [{ destinationCidrBlock: vpc.cidrBlock, gatewayId: 'local', origin: 'CreateRouteTable' }],
      associations: [],
    };
    return s.create(r, input.TagSpecifications, 'route-table');
  });
  return { RouteTable: renderRouteTable(s, rtb) };
}

export function createRoute(s: Scope, input: Wire<ec2.CreateRouteRequest>): Wire<ec2.CreateRouteResult> {
  const dest = input.DestinationCidrBlock;
  if (!dest) throw ec2Errors.missing('DestinationCidrBlock');
  if (!parseCidr(dest))
    throw ec2Errors.invalid(`Value (${dest}) for parameter destinationCidrBlock is invalid.`);
  s.deps.db.tx(() => {
    const rtb = s.get('rtb', input.RouteTableId);
    const { GatewayId: gatewayId, InstanceId: instanceId } = input;
    if (!gatewayId && !instanceId) throw ec2Errors.missing('GatewayId');
    if (gatewayId) {
      const igw = s.get('igw', gatewayId);
      if (igw.vpcId !== rtb.vpcId) {
        throw ec2Errors.invalid(
          `route table ${rtb.id} and network gateway ${igw.id} belong to different networks`,
        );
      }
    }
    if (instanceId) {
      const inst = s.store.instances.get(instanceId);
      if (!inst || inst.region !== s.region) {
        throw ec2Errors.notFound(
          'InvalidInstanceID.NotFound',
          `The instance ID '${instanceId}' does not exist`,
        );
      }
    }
    if (rtb.routes.some((r) => r.destinationCidrBlock === dest)) {
      throw new AwsError('RouteAlreadyExists', `The route identified by ${dest} already exists.`, 400);
    }
    rtb.routes.push({ destinationCidrBlock: dest, gatewayId, instanceId, origin: 'CreateRoute' });
    s.put(rtb);
  });
  return { Return: true };
}

export function deleteRoute(s: Scope, input: Wire<ec2.DeleteRouteRequest>): object {
  const dest = input.DestinationCidrBlock;
  s.deps.db.tx(() => {
    const rtb = s.get('rtb', input.RouteTableId);
    const route = rtb.routes.find((r) => r.destinationCidrBlock === dest && r.origin === 'CreateRoute');
    if (!route) {
      throw new AwsError(
        'InvalidRoute.NotFound',
        `no route with destination-cidr-block ${dest} in route table ${rtb.id}`,
        400,
      );
    }
    rtb.routes = rtb.routes.filter((r) => r !== route);
    s.put(rtb);
  });
  return {};
}

export function associateRouteTable(
  s: Scope,
  input: Wire<ec2.AssociateRouteTableRequest>,
): Wire<ec2.AssociateRouteTableResult> {
  const associationId = ec2Id('rtbassoc');
  s.deps.db.tx(() => {
    const rtb = s.get('rtb', input.RouteTableId);
    const subnet = s.get('subnet', input.SubnetId);
    if (subnet.vpcId !== rtb.vpcId) {
      throw ec2Errors.invalid(`Route table ${rtb.id} and subnet ${subnet.id} belong to different networks`);
    }
    const existing = s
      .inVpc(rtb.vpcId)
      .find((r) => r.kind === 'rtb' && r.associations.some((a) => a.subnetId === subnet.id));
    if (existing) {
      throw new AwsError(
        'Resource.AlreadyAssociated',
        `the specified association for route table ${existing.id} conflicts with an existing association`,
        400,
      );
    }
    rtb.associations.push({ associationId, subnetId: subnet.id, main: false });
    s.put(rtb);
  });
  return { AssociationId: associationId, AssociationState: { State: 'associated' } };
}

export function disassociateRouteTable(s: Scope, input: Wire<ec2.DisassociateRouteTableRequest>): object {
  const associationId = input.AssociationId;
  s.deps.db.tx(() => {
    const rtb = s
      .list('rtb')
      .find((r) => r.associations.some((a) => a.associationId === associationId && !a.main));
    if (!rtb) {
      throw new AwsError(
        'InvalidAssociationID.NotFound',
        `The association ID '${associationId}' does not exist`,
        400,
      );
    }
    rtb.associations = rtb.associations.filter((a) => a.associationId !== associationId);
    s.put(rtb);
  });
  return {};
}

export function deleteRouteTable(s: Scope, input: Wire<ec2.DeleteRouteTableRequest>): object {
  s.deps.db.tx(() => {
    const rtb = s.get('rtb', input.RouteTableId);
    if (rtb.main || rtb.associations.length > 0) {
      throw ec2Errors.dependency(`The routeTable '${rtb.id}' has dependencies and cannot be deleted.`);
    }
    s.remove(rtb.id);
  });
  return {};
}

export function describeRouteTables(
  s: Scope,
  input: Wire<ec2.DescribeRouteTablesRequest>,
): Wire<ec2.DescribeRouteTablesResult> {
  const tables = s.describe('rtb', s.list('rtb'), input.RouteTableIds, input.Filters, (r) => ({
    'route-table-id': r.id,
    'vpc-id': r.vpcId,
    'association.main': String(r.main),
    'association.subnet-id': r.associations.map((a) => a.subnetId).filter(Boolean),
    'association.route-table-association-id': r.associations.map((a) => a.associationId),
  }));
  return { RouteTables: tables.map((r) => renderRouteTable(s, r)) };
}
