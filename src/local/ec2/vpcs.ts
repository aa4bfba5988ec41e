/** CreateVpc, DeleteVpc, DescribeVpcs. */
import type * as ec2 from '@aws-sdk/client-ec2';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import type { VpcRecord } from './model';
import { ec2Errors, parseCidr, type Scope } from './common';

export function renderVpc(s: Scope, v: VpcRecord): Wire<ec2.Vpc> {
  return {
    VpcId: v.id,
    OwnerId: s.accountId,
    State: 'available',
    CidrBlock: v.cidrBlock,
    CidrBlockAssociationSet: [
      {
        AssociationId: `vpc-cidr-assoc-${v.id.slice(4)}`,
        CidrBlock: v.cidrBlock,
        CidrBlockState: { State: 'associated' },
      },
    ],
    DhcpOptionsId: 'default',
    InstanceTenancy: 'default',
    IsDefault: v.isDefault,
    Tags: s.tagList(v.id),
  };
}

/** A CidrBlock input: well formed. */
export function readCidr(cidr: string | undefined, name = 'CidrBlock'): [number, number] {
  if (!cidr) throw ec2Errors.missing(name);
  const parsed = parseCidr(cidr);
  if (!parsed) {
    throw ec2Errors.invalid(
      `Value (${cidr}) for parameter ${name.charAt(0).toLowerCase()}${name.slice(1)} is invalid. This is not a valid CIDR block.`,
    );
  }
  return parsed;
}

export function createVpc(s: Scope, input: Wire<ec2.CreateVpcRequest>): Wire<ec2.CreateVpcResult> {
  const cidr = input.CidrBlock as string;
  const parsed = readCidr(cidr);
  if (parsed[1] < 16 || parsed[1] > 28)
    throw new AwsError('InvalidVpc.Range', `The CIDR '${cidr}' is invalid.`, 400);
  const vpc = s.deps.db.tx(() => {
    const v = s.createVpcRecords(cidr, false);
    s.create(v, input.TagSpecifications, 'vpc');
    return v;
  });
  return { Vpc: renderVpc(s, vpc) };
}

export function deleteVpc(s: Scope, input: Wire<ec2.DeleteVpcRequest>): object {
  s.deps.db.tx(() => {
    const vpc = s.get('vpc', input.VpcId);
    const blockers = s
      .inVpc(vpc.id)
      .filter(
        (r) =>
          r.kind === 'subnet' ||
          r.kind === 'eni' ||
          r.kind === 'igw' ||
          (r.kind === 'rtb' && !r.main) ||
          (r.kind === 'sg' && r.groupName !== 'default'),
      );
    if (blockers.length > 0) {
      throw ec2Errors.dependency(
        `The vpc '${vpc.id}' has dependencies and cannot be deleted. (${blockers.map((b) => b.id).join(', ')})`,
      );
    }
    for (const r of s.inVpc(vpc.id)) s.remove(r.id);
    s.remove(vpc.id);
  });
  return {};
}

export function describeVpcs(s: Scope, input: Wire<ec2.DescribeVpcsRequest>): Wire<ec2.DescribeVpcsResult> {
  const vpcs = s.describe('vpc', s.list('vpc'), input.VpcIds, input.Filters, (v) => ({
    'vpc-id': v.id,
    'cidr-block': v.cidrBlock,
    cidr: v.cidrBlock,
    isDefault: String(v.isDefault),
    'is-default': String(v.isDefault),
    state: 'available',
    'owner-id': s.accountId,
  }));
  const { items, NextToken } = s.page(vpcs, input, 'DescribeVpcs');
  return { Vpcs: items.map((v) => renderVpc(s, v)), ...(NextToken && { NextToken }) };
}
