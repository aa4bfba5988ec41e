/** CreateInternetGateway, AttachInternetGateway, DetachInternetGateway, DeleteInternetGateway, DescribeInternetGateways. */
import type * as ec2 from '@aws-sdk/client-ec2';
import { ec2Id } from '../common/ids';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import type { InternetGatewayRecord } from './model';
import { ec2Errors, type Scope } from './common';

export function renderInternetGateway(s: Scope, g: InternetGatewayRecord): Wire<ec2.InternetGateway> {
  return {
    InternetGatewayId: g.id,
    OwnerId: s.accountId,
    // EC2 reports an attached internet gateway as 'available' (not one of the SDK's AttachmentStatus values).
    Attachments: g.vpcId ? [{ VpcId: g.vpcId, State: 'available' as ec2.AttachmentStatus }] : [],
    Tags: s.tagList(g.id),
  };
}

export function createInternetGateway(
  s: Scope,
  input: Wire<ec2.CreateInternetGatewayRequest>,
): Wire<ec2.CreateInternetGatewayResult> {
  const igw: InternetGatewayRecord = { kind: 'igw', id: ec2Id('igw'), region: s.region };
  s.deps.db.tx(() => {
    s.create(igw, input.TagSpecifications, 'internet-gateway');
  });
  return { InternetGateway: renderInternetGateway(s, igw) };
}

export function attachInternetGateway(s: Scope, input: Wire<ec2.AttachInternetGatewayRequest>): object {
  s.deps.db.tx(() => {
    const igw = s.get('igw', input.InternetGatewayId);
    const vpc = s.get('vpc', input.VpcId);
    if (igw.vpcId) {
      throw new AwsError(
        'Resource.AlreadyAssociated',
        `resource ${igw.id} is already attached to network ${igw.vpcId}`,
        400,
      );
    }
    if (s.inVpc(vpc.id).some((r) => r.kind === 'igw')) {
      throw new AwsError(
        'Resource.AlreadyAssociated',
        `network ${vpc.id} already has an internet gateway attached`,
        400,
      );
    }
    s.put({ ...igw, vpcId: vpc.id });
  });
  return {};
}

export function detachInternetGateway(s: Scope, input: Wire<ec2.DetachInternetGatewayRequest>): object {
  s.deps.db.tx(() => {
    const igw = s.get('igw', input.InternetGatewayId);
    const vpcId = input.VpcId;
    if (!igw.vpcId || igw.vpcId !== vpcId) {
      throw new AwsError(
        'Gateway.NotAttached',
        `resource ${igw.id} is not attached to network ${vpcId}`,
        400,
      );
    }
    const { vpcId: _detached, ...rest } = igw;
    s.put(rest);
  });
  return {};
}

export function deleteInternetGateway(s: Scope, input: Wire<ec2.DeleteInternetGatewayRequest>): object {
  s.deps.db.tx(() => {
    const igw = s.get('igw', input.InternetGatewayId);
    if (igw.vpcId) {
      throw ec2Errors.dependency(`The internetGateway '${igw.id}' has dependencies and cannot be deleted.`);
    }
    s.remove(igw.id);
  });
  return {};
}

export function describeInternetGateways(
  s: Scope,
  input: Wire<ec2.DescribeInternetGatewaysRequest>,
): Wire<ec2.DescribeInternetGatewaysResult> {
  const gateways = s.describe('igw', s.list('igw'), input.InternetGatewayIds, input.Filters, (g) => ({
    'internet-gateway-id': g.id,
    'attachment.vpc-id': g.vpcId,
    'attachment.state': g.vpcId ? 'available' : undefined,
  }));
  return { InternetGateways: gateways.map((g) => renderInternetGateway(s, g)) };
}
