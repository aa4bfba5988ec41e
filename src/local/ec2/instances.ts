/** RunInstances, TerminateInstances, DescribeInstances, DescribeInstanceStatus. */
import type * as ec2 from '@aws-sdk/client-ec2';
import { allocateAddress } from '../common/addresses';
import { ec2Id } from '../common/ids';
import { AwsError, isAwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import { ec2Errors, seconds, tagSpec, type Scope } from './common';
import { instanceTypeInfo } from '../../facts/instance-types';
import { resolveLaunchTemplate } from './launch-templates';
import type { InstanceLifecycle } from './lifecycle';
import { STATE_CODES, type InstanceRecord, type LaunchTemplateData, type SubnetRecord } from './model';

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}$/;
/** Upper bound per RunInstances call (AWS's default On-Demand limit is of this order). */
const MAX_PER_CALL = 1000;

const instanceNotFound = (id: string) =>
  ec2Errors.notFound('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);

const stateOf = (i: InstanceRecord): Wire<ec2.InstanceState> => ({
  Code: STATE_CODES[i.state],
  Name: i.state,
});

function renderInstance(s: Scope, i: InstanceRecord): Wire<ec2.Instance> {
  const live = i.state !== 'terminated';
  const groups = i.securityGroupIds.map((id) => {
    const g = s.store.resources.get(id);
    return { GroupId: id, GroupName: g && g.kind === 'sg' ? g.groupName : undefined };
  });
  return {
    InstanceId: i.instanceId,
    ImageId: i.imageId,
    State: stateOf(i),
    PrivateDnsName: live ? i.address : '',
    PublicDnsName: live ? i.address : '',
    StateTransitionReason: i.stateReason ?? '',
    KeyName: i.keyName,
    AmiLaunchIndex: i.amiLaunchIndex,
    ProductCodes: [],
    InstanceType: i.instanceType as ec2._InstanceType,
    LaunchTime: seconds(i.launchTime),
    Placement: { AvailabilityZone: i.availabilityZone, GroupName: '', Tenancy: 'default' },
    Monitoring: { State: 'disabled' },
    SubnetId: live ? i.subnetId : undefined,
    VpcId: live ? i.vpcId : undefined,
    PrivateIpAddress: live ? i.address : undefined,
    PublicIpAddress: live ? i.address : undefined,
    StateReason:
      i.state === 'terminated'
        ? {
            Code: 'Client.UserInitiatedShutdown',
            Message: 'Client.UserInitiatedShutdown: User initiated shutdown',
          }
        : undefined,
    Architecture: 'x86_64',
    RootDeviceType: 'ebs',
    RootDeviceName: '/dev/xvda',
    BlockDeviceMappings: [],
    VirtualizationType: 'hvm',
    ClientToken: i.clientToken ?? '',
    Hypervisor: 'xen',
    EbsOptimized: false,
    EnaSupport: true,
    SourceDestCheck: true,
    IamInstanceProfile: i.iamInstanceProfile
      ? { Arn: i.iamInstanceProfile.arn, Id: i.iamInstanceProfile.id }
      : undefined,
    SecurityGroups: groups,
    Tags: s.tagList(i.instanceId),
    CpuOptions: { CoreCount: instanceTypeInfo(i.instanceType)?.vcpus ?? 1, ThreadsPerCore: 1 },
    PlatformDetails: 'Linux/UNIX',
  };
}

function reservations(s: Scope, instances: InstanceRecord[]): Wire<ec2.Reservation>[] {
  const byReservation = new Map<string, InstanceRecord[]>();
  for (const i of instances) {
    const list = byReservation.get(i.reservationId) ?? [];
    list.push(i);
    byReservation.set(i.reservationId, list);
  }
  return [...byReservation.entries()].map(([reservationId, list]) => ({
    ReservationId: reservationId,
    OwnerId: first(list).accountId,
    Groups: [],
    Instances: list.map((i) => renderInstance(s, i)),
  }));
}

/** Resolves an instance profile through IAM, as EC2 does. */
async function instanceProfile(s: Scope, p: { Arn?: string; Name?: string }) {
  const arnValue = p.Arn;
  const name = p.Name ?? arnValue?.split('/').pop();
  if (!arnValue && !name) return undefined;
  try {
    const out = await s.deps.services.call<{ InstanceProfile: { Arn: string; InstanceProfileId: string } }>(
      'iam',
      'GetInstanceProfile',
      { InstanceProfileName: name },
      { region: s.region },
    );
    return { arn: out.InstanceProfile.Arn, id: out.InstanceProfile.InstanceProfileId };
  } catch (e) {
    if (!isAwsError(e)) throw e;
    throw ec2Errors.invalid(
      `Value (${arnValue ?? name}) for parameter iamInstanceProfile.${arnValue ? 'arn' : 'name'} is invalid. Invalid IAM Instance Profile ${arnValue ? 'ARN' : 'name'}`,
    );
  }
}

export function runInstances(lifecycle: InstanceLifecycle) {
  return async (s: Scope, input: Wire<ec2.RunInstancesRequest>): Promise<Wire<ec2.Reservation>> => {
    const { deps, store } = s;
    const minCount = input.MinCount as number;
    const maxCount = input.MaxCount as number;
    if (minCount < 1 || maxCount < 1) throw ec2Errors.invalid('Instance count must be at least 1');
    if (minCount > maxCount) {
      throw ec2Errors.invalid(
        `Value (${minCount}) for parameter minCount is invalid. Must be less than or equal to maxCount.`,
      );
    }
    if (minCount > MAX_PER_CALL) {
      throw new AwsError(
        'InstanceLimitExceeded',
        `Your quota allows for ${MAX_PER_CALL} more running instance(s). You requested at least ${minCount}.`,
        400,
      );
    }
    const count = Math.min(maxCount, MAX_PER_CALL);

    const template: LaunchTemplateData = input.LaunchTemplate
      ? resolveLaunchTemplate(s, input.LaunchTemplate).data
      : {};
    const imageId = input.ImageId ?? template.ImageId;
    if (!imageId) throw ec2Errors.missing('ImageId');
    if (!/^ami-[0-9a-f]{8,17}$/.test(imageId)) {
      throw new AwsError('InvalidAMIID.Malformed', `Invalid id: "${imageId}" (expecting "ami-...")`, 400);
    }
    const instanceType = input.InstanceType ?? template.InstanceType ?? 'm1.small';
    if (!instanceTypeInfo(instanceType)) {
      throw ec2Errors.invalid(`The instance type '${instanceType}' does not exist in this region.`);
    }
    const userData = input.UserData ?? template.UserData;
    if (
      userData !== undefined &&
      (!BASE64.test(userData) || userData.replace(/[\r\n]/g, '').length % 4 !== 0)
    ) {
      throw ec2Errors.invalid('Invalid BASE64 encoding of user data.');
    }
    const keyName = input.KeyName ?? template.KeyName;
    const profile = await instanceProfile(s, input.IamInstanceProfile ?? template.IamInstanceProfile ?? {});
    const clientToken = input.ClientToken;
    const placementZone = input.Placement?.AvailabilityZone;
    const tags = tagSpec(input.TagSpecifications, 'instance');
    for (const spec of template.TagSpecification ?? []) {
      if (spec.ResourceType !== 'instance') continue;
      for (const t of spec.Tag ?? []) {
        if (t.Key && !tags.some((x) => x.key === t.Key)) tags.push({ key: t.Key, value: t.Value ?? '' });
      }
    }

    const launched = deps.db.tx(() => {
      if (clientToken) {
        const previous = store.instances
          .find({ region: s.region })
          .filter((i) => i.clientToken === clientToken);
        if (previous.length > 0) return { instances: sortInstances(previous), fresh: false };
      }
      if (keyName && !s.list('key').some((k) => k.keyName === keyName)) {
        throw ec2Errors.notFound('InvalidKeyPair.NotFound', `The key pair '${keyName}' does not exist`);
      }
      let subnet: SubnetRecord | undefined;
      if (input.SubnetId) {
        subnet = s.get('subnet', input.SubnetId);
      } else {
        const defaultVpc = s.defaultVpc();
        const defaults = s.list('subnet').filter((x) => x.vpcId === defaultVpc?.id && x.defaultForAz);
        subnet = placementZone ? defaults.find((x) => x.availabilityZone === placementZone) : defaults[0];
        if (!subnet) {
          throw new AwsError(
            placementZone ? 'InvalidParameterValue' : 'VPCIdNotSpecified',
            placementZone
              ? `Invalid availability zone: [${placementZone}]`
              : 'No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.',
            400,
          );
        }
      }
      const vpcId = subnet.vpcId;
      const groupIds = [...(input.SecurityGroupIds ?? [])];
      // An empty list is as good as none: the template's groups apply.
      const names = input.SecurityGroups?.length ? input.SecurityGroups : (template.SecurityGroup ?? []);
      if (groupIds.length === 0 && !input.SecurityGroups?.length)
        groupIds.push(...(template.SecurityGroupId ?? []));
      for (const id of groupIds) {
        const g = s.get('sg', id);
        if (g.vpcId !== vpcId) {
          throw new AwsError(
            'InvalidParameter',
            `Security group ${g.id} and subnet ${subnet.id} belong to different networks.`,
            400,
          );
        }
      }
      for (const name of names) {
        const g = s.list('sg').find((x) => x.groupName === name && x.vpcId === vpcId);
        if (!g) {
          throw ec2Errors.notFound(
            'InvalidGroup.NotFound',
            `The security group '${name}' does not exist in VPC '${vpcId}'`,
          );
        }
        if (!groupIds.includes(g.id)) groupIds.push(g.id);
      }
      if (groupIds.length === 0) {
        const fallback = s.list('sg').find((g) => g.vpcId === vpcId && g.groupName === 'default');
        if (fallback) groupIds.push(fallback.id);
      }

      const reservationId = ec2Id('r');
      const now = s.now();
      const created: InstanceRecord[] = [];
      for (let n = 0; n < count; n++) {
        const record: InstanceRecord = {
          instanceId: ec2Id('i'),
          region: s.region,
          accountId: s.accountId,
          reservationId,
          imageId,
          instanceType,
          keyName,
          vpcId,
          subnetId: subnet.id,
          availabilityZone: subnet.availabilityZone,
          securityGroupIds: groupIds,
          iamInstanceProfile: profile,
          userData,
          address: allocateAddress(deps, 'ec2'),
          state: 'pending',
          launchTime: now,
          stateSince: now,
          amiLaunchIndex: n,
          clientToken,
        };
        store.instances.put(record.instanceId, record);
        s.setTags(record.instanceId, tags);
        created.push(record);
      }
      return { instances: created, fresh: true };
    });
    if (launched.fresh) lifecycle.kick(launched.instances.map((i) => i.instanceId));
    const head = first(launched.instances);
    return {
      ReservationId: head.reservationId,
      OwnerId: head.accountId,
      Groups: [],
      Instances: launched.instances.map((i) => renderInstance(s, i)),
    };
  };
}

function checkIds(ids: string[]): void {
  for (const id of ids) {
    if (!INSTANCE_ID.test(id)) throw new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`, 400);
  }
}

/** The instances asked for, each of this region. */
function instancesById(s: Scope, ids: string[]): InstanceRecord[] {
  return ids.map((id) => {
    const i = s.store.instances.get(id);
    if (!i || i.region !== s.region) throw instanceNotFound(id);
    return i;
  });
}

export function terminateInstances(lifecycle: InstanceLifecycle) {
  return (s: Scope, input: Wire<ec2.TerminateInstancesRequest>): Wire<ec2.TerminateInstancesResult> => {
    const ids = input.InstanceIds ?? [];
    if (ids.length === 0) throw ec2Errors.missing('InstanceId');
    checkIds(ids);
    const changes = s.deps.db.tx(() =>
      instancesById(s, ids).map((i) => {
        const previous = stateOf(i);
        if (i.state === 'pending' || i.state === 'running') {
          const next: InstanceRecord = {
            ...i,
            state: 'shutting-down',
            stateSince: s.now(),
            stateReason: `User initiated (${new Date(s.now()).toISOString().replace('T', ' ').slice(0, 19)} GMT)`,
          };
          s.store.instances.put(i.instanceId, next);
          return { InstanceId: i.instanceId, PreviousState: previous, CurrentState: stateOf(next) };
        }
        return { InstanceId: i.instanceId, PreviousState: previous, CurrentState: previous };
      }),
    );
    lifecycle.kick(ids);
    return { TerminatingInstances: changes };
  };
}

export function describeInstances(
  s: Scope,
  input: Wire<ec2.DescribeInstancesRequest>,
): Wire<ec2.DescribeInstancesResult> {
  const ids = input.InstanceIds ?? [];
  checkIds(ids);
  const maxResults = input.MaxResults;
  if (maxResults !== undefined && ids.length > 0) {
    throw ec2Errors.invalid('The parameter instancesSet cannot be used with the parameter maxResults');
  }
  if (maxResults !== undefined && (maxResults < 5 || maxResults > 1000)) {
    throw ec2Errors.invalid(
      `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
    );
  }
  let instances = ids.length
    ? instancesById(s, ids)
    : sortInstances(s.store.instances.find({ region: s.region }));
  instances = s.filter(
    instances,
    input.Filters,
    (i) => i.instanceId,
    (i) => ({
      'instance-id': i.instanceId,
      'instance-state-name': i.state,
      'instance-state-code': STATE_CODES[i.state],
      'instance-type': i.instanceType,
      'image-id': i.imageId,
      'vpc-id': i.vpcId,
      'subnet-id': i.subnetId,
      'availability-zone': i.availabilityZone,
      'private-ip-address': i.address,
      'ip-address': i.address,
      'network-interface.addresses.private-ip-address': i.address,
      'key-name': i.keyName,
      'reservation-id': i.reservationId,
      'instance.group-id': i.securityGroupIds,
      'iam-instance-profile.arn': i.iamInstanceProfile?.arn,
      'client-token': i.clientToken,
    }),
  );
  const start = Number(input.NextToken ?? '0') || 0;
  const page = maxResults === undefined ? instances.slice(start) : instances.slice(start, start + maxResults);
  const nextToken =
    maxResults !== undefined && start + maxResults < instances.length
      ? String(start + maxResults)
      : undefined;
  return { Reservations: reservations(s, page), NextToken: nextToken };
}

export function describeInstanceStatus(
  s: Scope,
  input: Wire<ec2.DescribeInstanceStatusRequest>,
): Wire<ec2.DescribeInstanceStatusResult> {
  const ids = input.InstanceIds ?? [];
  const all = input.IncludeAllInstances === true;
  const instances = (
    ids.length ? instancesById(s, ids) : sortInstances(s.store.instances.find({ region: s.region }))
  ).filter((i) => all || i.state === 'running');
  return {
    InstanceStatuses: instances.map((i) => ({
      InstanceId: i.instanceId,
      AvailabilityZone: i.availabilityZone,
      InstanceState: stateOf(i),
      SystemStatus: { Status: i.state === 'running' ? 'ok' : 'not-applicable' },
      InstanceStatus: { Status: i.state === 'running' ? 'ok' : 'not-applicable' },
    })),
  };
}

function sortInstances(list: InstanceRecord[]): InstanceRecord[] {
  return [...list].sort(
    (a, b) =>
      a.launchTime - b.launchTime ||
      a.reservationId.localeCompare(b.reservationId) ||
      a.amiLaunchIndex - b.amiLaunchIndex,
  );
}

function first(list: InstanceRecord[]): InstanceRecord {
  const head = list[0];
  if (!head) throw new AwsError('InternalError', 'empty reservation', 500);
  return head;
}
