/**
 * CreateNetworkInterface, DeleteNetworkInterface, DescribeNetworkInterfaces, AttachNetworkInterface,
 * DetachNetworkInterface: the elastic network interfaces ECS creates for awsvpc tasks (Fargate and
 * EC2), as its service-linked role calls them. Each interface gets its own loopback address
 * (127.4.x.y, `common/addresses.ts`): its private IP, and its public IP when it has one; the
 * task's containers are served there.
 *
 * A public IP: AWS associates one to a Fargate task's interface (assignPublicIp) from inside the
 * service; no public API does that for a new interface. Locally the caller asks for it with the tag
 * `PUBLIC_IP_TAG` = `true` on the interface (ECS does; documented in src/local/ec2/README.md).
 */
import type * as ec2 from '@aws-sdk/client-ec2';
import { randomBytes } from 'node:crypto';
import { PUBLIC_IP_TAG, allocateAddress } from '../common/addresses';
import { ec2Id } from '../common/ids';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import { ec2Errors, seconds, tagSpec, zoneId, type Scope } from './common';
import type { NetworkInterfaceRecord } from './model';

export { PUBLIC_IP_TAG };

/** Who creates ECS's task interfaces (AWS shows the service's principal). */
const ECS_REQUESTER_ID = 'amazon-ecs';

/** Interfaces per region kept at most (a local quota, as AWS's per-region ENI quota). */
const MAX_INTERFACES = 5000;

const macAddress = (): string => {
  const b = randomBytes(5);
  return ['0e', ...[...b].map((x) => x.toString(16).padStart(2, '0'))].join(':');
};

/** The interface as stored, with its attachment dropped when the instance it was attached to is gone. */
function current(s: Scope, eni: NetworkInterfaceRecord): NetworkInterfaceRecord {
  const instanceId = eni.attachment?.instanceId;
  if (!instanceId) return eni;
  const instance = s.store.instances.get(instanceId);
  if (instance && instance.state !== 'terminated') return eni;
  const { attachment: _, ...rest } = eni;
  return rest;
}

export function renderNetworkInterface(s: Scope, stored: NetworkInterfaceRecord): Wire<ec2.NetworkInterface> {
  const eni = current(s, stored);
  const a = eni.attachment;
  const association = eni.publicIp
    ? { IpOwnerId: 'amazon', PublicDnsName: eni.address, PublicIp: eni.address }
    : undefined;
  return {
    NetworkInterfaceId: eni.id,
    SubnetId: eni.subnetId,
    VpcId: eni.vpcId,
    AvailabilityZone: eni.availabilityZone,
    AvailabilityZoneId: zoneId(eni.availabilityZone),
    Description: eni.description,
    Groups: eni.groupIds.map((id) => {
      const g = s.store.resources.get(id);
      return { GroupId: id, GroupName: g?.kind === 'sg' ? g.groupName : id };
    }),
    InterfaceType: eni.interfaceType as ec2.NetworkInterfaceType,
    MacAddress: eni.macAddress,
    OwnerId: s.accountId,
    PrivateDnsName: eni.address,
    PrivateIpAddress: eni.address,
    PrivateIpAddresses: [
      {
        Primary: true,
        PrivateIpAddress: eni.address,
        PrivateDnsName: eni.address,
        ...(association ? { Association: association } : {}),
      },
    ],
    ...(association ? { Association: association, PublicDnsName: eni.address } : {}),
    ...(a
      ? {
          Attachment: {
            AttachmentId: a.attachmentId,
            AttachTime: seconds(a.attachTime),
            DeleteOnTermination: false,
            DeviceIndex: a.deviceIndex,
            NetworkCardIndex: 0,
            ...(a.instanceId ? { InstanceId: a.instanceId } : {}),
            InstanceOwnerId: a.instanceOwnerId,
            Status: 'attached',
          },
        }
      : {}),
    ...(eni.requesterId ? { RequesterId: eni.requesterId } : {}),
    RequesterManaged: eni.requesterId !== undefined,
    SourceDestCheck: true,
    Status: a ? 'in-use' : 'available',
    Ipv6Addresses: [],
    TagSet: s.tagList(eni.id),
  };
}

export function createNetworkInterface(
  s: Scope,
  input: Wire<ec2.CreateNetworkInterfaceRequest>,
): Wire<ec2.CreateNetworkInterfaceResult> {
  if (input.PrivateIpAddresses?.length || input.SecondaryPrivateIpAddressCount) {
    throw ec2Errors.invalid('Secondary private IP addresses are not supported by the local control plane.');
  }
  if (input.Ipv6Addresses?.length || input.Ipv6AddressCount || input.Ipv4Prefixes?.length) {
    throw ec2Errors.invalid('IPv6 addresses and prefixes are not supported by the local control plane.');
  }
  const type = input.InterfaceType ?? 'interface';
  if (type !== 'interface' && type !== 'trunk') {
    throw ec2Errors.invalid(`Value (${type}) for parameter interfaceType is invalid.`);
  }
  if ((input.Description ?? '').length > 255) {
    throw ec2Errors.invalid('Value for parameter description is invalid. Length exceeds maximum of 255.');
  }
  const tags = tagSpec(input.TagSpecifications, 'network-interface');
  const eni = s.deps.db.tx(() => {
    const subnet = s.get('subnet', input.SubnetId);
    const all = s.list('eni');
    if (input.ClientToken) {
      const same = all.find((e) => e.clientToken === input.ClientToken);
      if (same) {
        if (same.subnetId !== subnet.id) {
          throw new AwsError(
            'IdempotentParameterMismatch',
            'Client token already used before with different parameters.',
            400,
          );
        }
        return same;
      }
    }
    const groupIds = input.Groups?.length
      ? input.Groups
      : s.list('sg').flatMap((g) => (g.vpcId === subnet.vpcId && g.groupName === 'default' ? [g.id] : []));
    for (const id of groupIds) {
      const g = s.get('sg', id);
      if (g.vpcId !== subnet.vpcId) {
        throw ec2Errors.invalid(
          `The security group '${id}' does not belong to the VPC of the subnet '${subnet.id}' (${subnet.vpcId}).`,
        );
      }
    }
    if (all.length >= MAX_INTERFACES) {
      throw new AwsError(
        'NetworkInterfaceLimitExceeded',
        `You have reached the limit of ${MAX_INTERFACES} network interfaces in this region.`,
        400,
      );
    }
    const inUse = new Set(all.map((e) => e.address));
    if (input.PrivateIpAddress !== undefined && inUse.has(input.PrivateIpAddress)) {
      throw new AwsError(
        'InvalidIPAddress.InUse',
        `The specified address ${input.PrivateIpAddress} is already in use.`,
        400,
      );
    }
    const record: NetworkInterfaceRecord = {
      kind: 'eni',
      id: ec2Id('eni'),
      region: s.region,
      vpcId: subnet.vpcId,
      subnetId: subnet.id,
      availabilityZone: subnet.availabilityZone,
      description: input.Description ?? '',
      groupIds: [...new Set(groupIds)],
      address: input.PrivateIpAddress ?? allocateAddress(s.deps, 'network-interface', (a) => inUse.has(a)),
      macAddress: macAddress(),
      interfaceType: type,
      publicIp: tags.some((t) => t.key === PUBLIC_IP_TAG && t.value === 'true'),
      createdAt: s.now(),
      ...(input.ClientToken ? { clientToken: input.ClientToken } : {}),
      // ECS names the task attachment in the description; such interfaces are requester-managed.
      ...(/^arn:aws:ecs:[^:]+:[0-9]{12}:attachment\//.test(input.Description ?? '')
        ? { requesterId: ECS_REQUESTER_ID }
        : {}),
    };
    s.put(record);
    s.setTags(record.id, tags);
    return record;
  });
  return {
    NetworkInterface: renderNetworkInterface(s, eni),
    ...(input.ClientToken ? { ClientToken: input.ClientToken } : {}),
  };
}

export function deleteNetworkInterface(s: Scope, input: Wire<ec2.DeleteNetworkInterfaceRequest>): object {
  s.deps.db.tx(() => {
    const eni = current(s, s.get('eni', input.NetworkInterfaceId));
    if (eni.attachment) {
      throw new AwsError(
        'InvalidNetworkInterface.InUse',
        `The network interface '${eni.id}' is currently in use.`,
        400,
      );
    }
    s.remove(eni.id);
  });
  return {};
}

export function attachNetworkInterface(
  s: Scope,
  input: Wire<ec2.AttachNetworkInterfaceRequest>,
): Wire<ec2.AttachNetworkInterfaceResult> {
  const deviceIndex = input.DeviceIndex ?? 0;
  return s.deps.db.tx(() => {
    const eni = current(s, s.get('eni', input.NetworkInterfaceId));
    const instance = input.InstanceId ? s.store.instances.get(input.InstanceId) : undefined;
    if (!instance || instance.region !== s.region || instance.state === 'terminated') {
      throw ec2Errors.notFound(
        'InvalidInstanceID.NotFound',
        `The instance ID '${input.InstanceId ?? ''}' does not exist`,
      );
    }
    if (instance.state !== 'running') {
      throw new AwsError(
        'IncorrectInstanceState',
        `The instance '${instance.instanceId}' is not in a state from which it can be attached.`,
        400,
      );
    }
    if (eni.attachment) {
      throw new AwsError('InvalidNetworkInterface.InUse', `Interface: [${eni.id}] in use.`, 400);
    }
    if (instance.availabilityZone !== eni.availabilityZone) {
      throw ec2Errors.invalid(
        `The network interface and the instance must be in the same availability zone (${eni.availabilityZone}).`,
      );
    }
    if (deviceIndex === 0) {
      throw ec2Errors.invalid('Instance already has an interface attached at device index 0.');
    }
    const taken = s
      .list('eni')
      .map((e) => current(s, e))
      .filter((e) => e.attachment?.instanceId === instance.instanceId);
    if (taken.some((e) => e.attachment?.deviceIndex === deviceIndex)) {
      throw ec2Errors.invalid(`Instance already has an interface attached at device index ${deviceIndex}.`);
    }
    const attachmentId = ec2Id('eni-attach');
    s.put({
      ...eni,
      attachment: {
        attachmentId,
        instanceId: instance.instanceId,
        instanceOwnerId: s.accountId,
        deviceIndex,
        attachTime: s.now(),
      },
    });
    return { AttachmentId: attachmentId, NetworkCardIndex: 0 };
  });
}

export function detachNetworkInterface(s: Scope, input: Wire<ec2.DetachNetworkInterfaceRequest>): object {
  s.deps.db.tx(() => {
    const eni = s.list('eni').find((e) => e.attachment?.attachmentId === input.AttachmentId);
    if (!eni) {
      throw ec2Errors.notFound(
        'InvalidAttachmentID.NotFound',
        `The attachment ID '${input.AttachmentId ?? ''}' does not exist`,
      );
    }
    const { attachment: _, ...detached } = eni;
    s.put(detached);
  });
  return {};
}

export function describeNetworkInterfaces(
  s: Scope,
  input: Wire<ec2.DescribeNetworkInterfacesRequest>,
): Wire<ec2.DescribeNetworkInterfacesResult> {
  if (input.MaxResults !== undefined && input.NetworkInterfaceIds?.length) {
    throw ec2Errors.invalid('The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults');
  }
  if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000)) {
    throw ec2Errors.invalid(
      `Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
    );
  }
  const all = s
    .list('eni')
    .map((e) => current(s, e))
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  const found = s.describe('eni', all, input.NetworkInterfaceIds, input.Filters, (e) => ({
    'network-interface-id': e.id,
    'subnet-id': e.subnetId,
    'vpc-id': e.vpcId,
    'availability-zone': e.availabilityZone,
    description: e.description,
    status: e.attachment ? 'in-use' : 'available',
    'private-ip-address': e.address,
    'addresses.private-ip-address': e.address,
    'private-dns-name': e.address,
    'mac-address': e.macAddress,
    'group-id': e.groupIds,
    'interface-type': e.interfaceType,
    'requester-managed': String(e.requesterId !== undefined),
    'owner-id': s.accountId,
    'attachment.instance-id': e.attachment?.instanceId,
    'attachment.attachment-id': e.attachment?.attachmentId,
    'attachment.status': e.attachment ? 'attached' : undefined,
    'association.public-ip': e.publicIp ? e.address : undefined,
  }));
  const max = input.MaxResults;
  let start = 0;
  if (input.NextToken !== undefined) {
    const at = found.findIndex((e) => e.id === input.NextToken);
    if (at < 0) throw ec2Errors.invalid('The token is invalid or expired.');
    start = at;
  }
  const page = max === undefined ? found.slice(start) : found.slice(start, start + max);
  const next = max === undefined ? undefined : found[start + max];
  return {
    NetworkInterfaces: page.map((e) => renderNetworkInterface(s, e)),
    ...(next ? { NextToken: next.id } : {}),
  };
}
