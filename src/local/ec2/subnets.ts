/** CreateSubnet, ModifySubnetAttribute, DeleteSubnet, DescribeSubnets. */
import type * as ec2 from '@aws-sdk/client-ec2';
import { ec2Id } from '../common/ids';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import type { SubnetRecord } from './model';
import { cidrContains, cidrOverlaps, ec2Errors, parseCidr, zoneId, zoneNames, type Scope } from './common';
import { readCidr } from './vpcs';

export function renderSubnet(s: Scope, subnet: SubnetRecord): Wire<ec2.Subnet> {
  const parsed = parseCidr(subnet.cidrBlock);
  const size = parsed ? 2 ** (32 - parsed[1]) : 0;
  return {
    SubnetId: subnet.id,
    SubnetArn: `arn:aws:ec2:${subnet.region}:${s.accountId}:subnet/${subnet.id}`,
    State: 'available',
    VpcId: subnet.vpcId,
    CidrBlock: subnet.cidrBlock,
    AvailableIpAddressCount: Math.max(0, size - 5),
    AvailabilityZone: subnet.availabilityZone,
    AvailabilityZoneId: zoneId(subnet.availabilityZone),
    DefaultForAz: subnet.defaultForAz,
    MapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
    OwnerId: s.accountId,
    Tags: s.tagList(subnet.id),
  };
}

/** Instances not yet terminated that match `pred`. */
export const liveInstancesWhere = (
  s: Scope,
  pred: (i: { subnetId: string; vpcId: string; securityGroupIds: string[] }) => boolean,
) => s.store.instances.all().filter((i) => i.state !== 'terminated' && pred(i));

export function createSubnet(s: Scope, input: Wire<ec2.CreateSubnetRequest>): Wire<ec2.CreateSubnetResult> {
  const cidr = input.CidrBlock as string;
  const parsed = readCidr(cidr);
  const zones = zoneNames(s.region);
  const zone = input.AvailabilityZone ?? zones[0] ?? `${s.region}a`;
  if (!zones.includes(zone)) {
    throw ec2Errors.invalid(
      `Value (${zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.join(', ')}.`,
    );
  }
  const subnet = s.deps.db.tx(() => {
    const vpc = s.get('vpc', input.VpcId);
    const vpcCidr = parseCidr(vpc.cidrBlock);
    if (!vpcCidr || !cidrContains(vpcCidr, parsed) || parsed[1] > 28) {
      throw new AwsError('InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`, 400);
    }
    for (const other of s.inVpc(vpc.id)) {
      if (other.kind !== 'subnet') continue;
      const o = parseCidr(other.cidrBlock);
      if (o && cidrOverlaps(o, parsed)) {
        throw new AwsError('InvalidSubnet.Conflict', `The CIDR '${cidr}' conflicts with another subnet`, 400);
      }
    }
    const record: SubnetRecord = {
      kind: 'subnet',
      id: ec2Id('subnet'),
      region: s.region,
      vpcId: vpc.id,
      cidrBlock: cidr,
      availabilityZone: zone,
      defaultForAz: false,
      mapPublicIpOnLaunch: false,
    };
    return s.create(record, input.TagSpecifications, 'subnet');
  });
  return { Subnet: renderSubnet(s, subnet) };
}

export function modifySubnetAttribute(s: Scope, input: Wire<ec2.ModifySubnetAttributeRequest>): object {
  s.deps.db.tx(() => {
    const subnet = s.get('subnet', input.SubnetId);
    const value = input.MapPublicIpOnLaunch?.Value;
    if (value !== undefined) subnet.mapPublicIpOnLaunch = value;
    s.put(subnet);
  });
  return {};
}

export function deleteSubnet(s: Scope, input: Wire<ec2.DeleteSubnetRequest>): object {
  s.deps.db.tx(() => {
    const subnet = s.get('subnet', input.SubnetId);
    if (
      liveInstancesWhere(s, (i) => i.subnetId === subnet.id).length > 0 ||
      s.list('eni').some((e) => e.subnetId === subnet.id)
    ) {
      throw ec2Errors.dependency(`The subnet '${subnet.id}' has dependencies and cannot be deleted.`);
    }
    for (const r of s.inVpc(subnet.vpcId)) {
      if (r.kind !== 'rtb' || !r.associations.some((a) => a.subnetId === subnet.id)) continue;
      r.associations = r.associations.filter((a) => a.subnetId !== subnet.id);
      s.put(r);
    }
    s.remove(subnet.id);
  });
  return {};
}

export function describeSubnets(
  s: Scope,
  input: Wire<ec2.DescribeSubnetsRequest>,
): Wire<ec2.DescribeSubnetsResult> {
  const subnets = s.describe('subnet', s.list('subnet'), input.SubnetIds, input.Filters, (x) => ({
    'subnet-id': x.id,
    'vpc-id': x.vpcId,
    'availability-zone': x.availabilityZone,
    availabilityZone: x.availabilityZone,
    'cidr-block': x.cidrBlock,
    'default-for-az': String(x.defaultForAz),
    defaultForAz: String(x.defaultForAz),
    state: 'available',
  }));
  const { items, NextToken } = s.page(subnets, input, 'DescribeSubnets');
  return { Subnets: items.map((x) => renderSubnet(s, x)), ...(NextToken && { NextToken }) };
}
