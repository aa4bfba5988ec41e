/**
 * CreateSecurityGroup, Authorize/RevokeSecurityGroupIngress/Egress, DeleteSecurityGroup,
 * DescribeSecurityGroups.
 */
import type * as ec2 from '@aws-sdk/client-ec2';
import { ec2Id } from '../common/ids';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import type { IpPermission, SecurityGroupRecord } from './model';
import { ec2Errors, parseCidr, type Scope } from './common';
import { liveInstancesWhere } from './subnets';

function renderPermission(s: Scope, p: IpPermission): Wire<ec2.IpPermission> {
  return {
    IpProtocol: p.ipProtocol,
    FromPort: p.fromPort,
    ToPort: p.toPort,
    UserIdGroupPairs: p.groups.map((g) => ({ GroupId: g.groupId, UserId: s.accountId })),
    IpRanges: p.ipRanges.map((r) => ({ CidrIp: r.cidrIp, Description: r.description })),
    Ipv6Ranges: [],
    PrefixListIds: [],
  };
}

export function renderSecurityGroup(s: Scope, g: SecurityGroupRecord): Wire<ec2.SecurityGroup> {
  return {
    GroupId: g.id,
    GroupName: g.groupName,
    Description: g.description,
    VpcId: g.vpcId,
    OwnerId: s.accountId,
    SecurityGroupArn: `arn:aws:ec2:${g.region}:${s.accountId}:security-group/${g.id}`,
    IpPermissions: g.ingress.map((p) => renderPermission(s, p)),
    IpPermissionsEgress: g.egress.map((p) => renderPermission(s, p)),
    Tags: s.tagList(g.id),
  };
}

/** The group a GroupId (or, in the default VPC, a GroupName) names. */
function groupOf(s: Scope, groupId: string | undefined, name: string | undefined): SecurityGroupRecord {
  if (groupId) return s.get('sg', groupId);
  if (!name) throw ec2Errors.missing('GroupId');
  const vpc = s.defaultVpc();
  const found = s.list('sg').find((g) => g.groupName === name && g.vpcId === vpc?.id);
  if (!found) {
    throw ec2Errors.notFound(
      'InvalidGroup.NotFound',
      `The security group '${name}' does not exist in default VPC`,
    );
  }
  return found;
}

function normaliseProtocol(p: string | undefined): string {
  const v = (p ?? '').toLowerCase();
  return v === 'all' ? '-1' : v === '6' ? 'tcp' : v === '17' ? 'udp' : v === '1' ? 'icmp' : v;
}

type RuleInput = Pick<
  Wire<ec2.AuthorizeSecurityGroupIngressRequest>,
  'IpPermissions' | 'IpProtocol' | 'FromPort' | 'ToPort' | 'CidrIp'
>;

/** IpPermissions input (or the older flat IpProtocol/FromPort/ToPort/CidrIp form). */
function readPermissions(input: RuleInput): IpPermission[] {
  const perms: IpPermission[] = (input.IpPermissions ?? []).map((p) => ({
    ipProtocol: normaliseProtocol(p.IpProtocol),
    fromPort: p.FromPort,
    toPort: p.ToPort,
    ipRanges: (p.IpRanges ?? []).map((r) => ({ cidrIp: r.CidrIp ?? '', description: r.Description })),
    groups: (p.UserIdGroupPairs ?? []).map((g) => ({ groupId: g.GroupId ?? '' })),
  }));
  if (perms.length === 0 && input.IpProtocol !== undefined) {
    perms.push({
      ipProtocol: normaliseProtocol(input.IpProtocol),
      fromPort: input.FromPort,
      toPort: input.ToPort,
      ipRanges: input.CidrIp ? [{ cidrIp: input.CidrIp }] : [],
      groups: [],
    });
  }
  if (perms.length === 0) throw ec2Errors.missing('IpPermissions');
  for (const p of perms) {
    if (!['tcp', 'udp', 'icmp', '-1'].includes(p.ipProtocol)) {
      throw ec2Errors.invalid(`Invalid value '${p.ipProtocol}' for IP protocol. Unknown protocol.`);
    }
    if (p.ipProtocol === 'tcp' || p.ipProtocol === 'udp') {
      if (p.fromPort === undefined || p.toPort === undefined) throw ec2Errors.missing('FromPort');
      if (p.fromPort < 0 || p.toPort > 65535 || p.fromPort > p.toPort) {
        throw ec2Errors.invalid(`Invalid port range ${p.fromPort}-${p.toPort}`);
      }
    }
    for (const r of p.ipRanges) {
      if (!parseCidr(r.cidrIp)) throw ec2Errors.invalid(`CIDR block ${r.cidrIp} is malformed`);
    }
    if (p.ipRanges.length === 0 && p.groups.length === 0) {
      throw ec2Errors.missing('IpPermissions.IpRanges or IpPermissions.Groups');
    }
  }
  return perms;
}

/** Splits permissions into single rules (one range or group each) for duplicate checks. */
const rules = (perms: IpPermission[]): IpPermission[] =>
  perms.flatMap((p) => [
    ...p.ipRanges.map((r) => ({ ...p, ipRanges: [r], groups: [] })),
    ...p.groups.map((g) => ({ ...p, ipRanges: [], groups: [g] })),
  ]);
const sameRule = (a: IpPermission, b: IpPermission) =>
  a.ipProtocol === b.ipProtocol &&
  (a.fromPort ?? -1) === (b.fromPort ?? -1) &&
  (a.toPort ?? -1) === (b.toPort ?? -1) &&
  a.ipRanges[0]?.cidrIp === b.ipRanges[0]?.cidrIp &&
  a.groups[0]?.groupId === b.groups[0]?.groupId;

type AuthorizeInput = RuleInput & { GroupId?: string; GroupName?: string };

function authorize(direction: 'ingress' | 'egress') {
  return (s: Scope, input: AuthorizeInput): { Return: boolean } => {
    const added = rules(readPermissions(input));
    s.deps.db.tx(() => {
      const sg = groupOf(s, input.GroupId, input.GroupName);
      for (const rule of added) {
        const g = rule.groups[0];
        if (g) s.get('sg', g.groupId);
        if (rules(sg[direction]).some((r) => sameRule(r, rule))) {
          throw new AwsError(
            'InvalidPermission.Duplicate',
            `the specified rule "peer: ${rule.ipRanges[0]?.cidrIp ?? g?.groupId}, ${rule.ipProtocol.toUpperCase()}, from port: ${rule.fromPort}, to port: ${rule.toPort}, ALLOW" already exists`,
            400,
          );
        }
      }
      sg[direction].push(...added);
      s.put(sg);
    });
    return { Return: true };
  };
}

function revoke(direction: 'ingress' | 'egress') {
  return (s: Scope, input: AuthorizeInput): { Return: boolean } => {
    const removed = rules(readPermissions(input));
    s.deps.db.tx(() => {
      const sg = groupOf(s, input.GroupId, input.GroupName);
      const existing = rules(sg[direction]);
      for (const rule of removed) {
        if (!existing.some((r) => sameRule(r, rule))) {
          throw new AwsError(
            'InvalidPermission.NotFound',
            'The specified rule does not exist in this security group.',
            400,
          );
        }
      }
      sg[direction] = existing.filter((r) => !removed.some((x) => sameRule(x, r)));
      s.put(sg);
    });
    return { Return: true };
  };
}

export const authorizeSecurityGroupIngress = authorize('ingress');
export const authorizeSecurityGroupEgress = authorize('egress');
export const revokeSecurityGroupIngress = revoke('ingress');
export const revokeSecurityGroupEgress = revoke('egress');

export function createSecurityGroup(
  s: Scope,
  input: Wire<ec2.CreateSecurityGroupRequest>,
): Wire<ec2.CreateSecurityGroupResult> {
  const groupName = input.GroupName as string;
  const description = input.Description as string;
  if (groupName.startsWith('sg-')) throw ec2Errors.invalid(`Group names may not be in the format sg-*.`);
  if (groupName.length > 255 || description.length > 255) {
    throw ec2Errors.invalid('Group name and description are limited to 255 characters');
  }
  const sg = s.deps.db.tx(() => {
    const vpc = s.get('vpc', input.VpcId ?? s.defaultVpc()?.id);
    if (s.inVpc(vpc.id).some((r) => r.kind === 'sg' && r.groupName === groupName)) {
      throw new AwsError(
        'InvalidGroup.Duplicate',
        `The security group '${groupName}' already exists for VPC '${vpc.id}'`,
        400,
      );
    }
    const g: SecurityGroupRecord = {
      kind: 'sg',
      id: ec2Id('sg'),
      region: s.region,
      vpcId: vpc.id,
      groupName,
      description,
      ingress: [],
      egress: [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }], groups: [] }],
    };
    return s.create(g, input.TagSpecifications, 'security-group');
  });
  return {
    GroupId: sg.id,
    Tags: s.tagList(sg.id),
    SecurityGroupArn: `arn:aws:ec2:${s.region}:${s.accountId}:security-group/${sg.id}`,
  };
}

export function deleteSecurityGroup(
  s: Scope,
  input: Wire<ec2.DeleteSecurityGroupRequest>,
): Wire<ec2.DeleteSecurityGroupResult> {
  const id = s.deps.db.tx(() => {
    const sg = groupOf(s, input.GroupId, input.GroupName);
    if (sg.groupName === 'default') {
      throw new AwsError(
        'CannotDelete',
        `the specified group: "${sg.id}" name: "default" cannot be deleted by a user`,
        400,
      );
    }
    if (
      liveInstancesWhere(s, (i) => i.securityGroupIds.includes(sg.id)).length > 0 ||
      s.list('eni').some((e) => e.groupIds.includes(sg.id))
    ) {
      throw ec2Errors.dependency(`resource ${sg.id} has a dependent object`);
    }
    const referencing = s
      .list('sg')
      .find(
        (g) =>
          g.id !== sg.id &&
          [...g.ingress, ...g.egress].some((p) => p.groups.some((x) => x.groupId === sg.id)),
      );
    if (referencing) throw ec2Errors.dependency(`resource ${sg.id} has a dependent object`);
    s.remove(sg.id);
    return sg.id;
  });
  return { Return: true, GroupId: id };
}

export function describeSecurityGroups(
  s: Scope,
  input: Wire<ec2.DescribeSecurityGroupsRequest>,
): Wire<ec2.DescribeSecurityGroupsResult> {
  let all = s.list('sg');
  const names = input.GroupNames ?? [];
  if (names.length) {
    const vpc = s.defaultVpc();
    const missing = names.find((n) => !all.some((g) => g.groupName === n && g.vpcId === vpc?.id));
    if (missing) {
      throw ec2Errors.notFound(
        'InvalidGroup.NotFound',
        `The security group '${missing}' does not exist in default VPC`,
      );
    }
    all = all.filter((g) => names.includes(g.groupName) && g.vpcId === vpc?.id);
  }
  const groups = s.describe('sg', all, input.GroupIds, input.Filters, (g) => ({
    'group-id': g.id,
    'group-name': g.groupName,
    'vpc-id': g.vpcId,
    description: g.description,
    'owner-id': s.accountId,
  }));
  const { items, NextToken } = s.page(groups, input, 'DescribeSecurityGroups');
  return { SecurityGroups: items.map((g) => renderSecurityGroup(s, g)), ...(NextToken && { NextToken }) };
}
