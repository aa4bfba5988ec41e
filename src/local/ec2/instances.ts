/** EC2 instance actions: RunInstances, TerminateInstances, DescribeInstances. */
import { allocateAddress } from '../common/addresses';
import { ec2Id } from '../common/ids';
import { AwsError, isAwsError } from '../protocol/errors';
import type { ActionHandler, CallContext } from '../protocol/types';
import { ec2Errors, readFilters, type Ec2Context } from './context';
import { instanceTypeInfo } from '../../facts/instance-types';
import type { InstanceLifecycle } from './lifecycle';
import { STATE_CODES, type InstanceRecord, type LaunchTemplateData, type SubnetRecord } from './model';
import { int, obj, str, strList, type Params } from '../protocol/params';
import { resolveLaunchTemplate } from './catalog';

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}$/;
/** Upper bound per RunInstances call (AWS's default On-Demand limit is of this order). */
const MAX_PER_CALL = 1000;

const instanceNotFound = (id: string) =>
  ec2Errors.notFound('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);

export function instanceActions(c: Ec2Context, lifecycle: InstanceLifecycle): Record<string, ActionHandler> {
  const { deps, store } = c;

  const state = (i: InstanceRecord) => ({ code: STATE_CODES[i.state], name: i.state });

  const render = (i: InstanceRecord) => {
    const live = i.state !== 'terminated';
    const groups = i.securityGroupIds.map((id) => {
      const g = store.resources.get(id);
      return { groupId: id, groupName: g && g.kind === 'sg' ? g.groupName : undefined };
    });
    return {
      instanceId: i.instanceId,
      imageId: i.imageId,
      instanceState: state(i),
      privateDnsName: live ? i.address : '',
      dnsName: live ? i.address : '',
      reason: i.stateReason ?? '',
      keyName: i.keyName,
      amiLaunchIndex: i.amiLaunchIndex,
      productCodes: [],
      instanceType: i.instanceType,
      launchTime: new Date(i.launchTime).toISOString(),
      placement: { availabilityZone: i.availabilityZone, groupName: '', tenancy: 'default' },
      monitoring: { state: 'disabled' },
      subnetId: live ? i.subnetId : undefined,
      vpcId: live ? i.vpcId : undefined,
      privateIpAddress: live ? i.address : undefined,
      ipAddress: live ? i.address : undefined,
      stateReason:
        i.state === 'terminated'
          ? {
              code: 'Client.UserInitiatedShutdown',
              message: 'Client.UserInitiatedShutdown: User initiated shutdown',
            }
          : undefined,
      architecture: 'x86_64',
      rootDeviceType: 'ebs',
      rootDeviceName: '/dev/xvda',
      blockDeviceMapping: [],
      virtualizationType: 'hvm',
      clientToken: i.clientToken ?? '',
      hypervisor: 'xen',
      ebsOptimized: false,
      enaSupport: true,
      sourceDestCheck: true,
      iamInstanceProfile: i.iamInstanceProfile,
      groupSet: groups,
      tagSet: c.tagsOf(i.instanceId),
      cpuOptions: { coreCount: instanceTypeInfo(i.instanceType)?.vcpus ?? 1, threadsPerCore: 1 },
      platformDetails: 'Linux/UNIX',
    };
  };

  const reservations = (instances: InstanceRecord[]) => {
    const byReservation = new Map<string, InstanceRecord[]>();
    for (const i of instances) {
      const list = byReservation.get(i.reservationId) ?? [];
      list.push(i);
      byReservation.set(i.reservationId, list);
    }
    return [...byReservation.entries()].map(([reservationId, list]) => ({
      reservationId,
      ownerId: i0(list).accountId,
      groupSet: [],
      instancesSet: list.map(render),
    }));
  };

  /** Resolves an instance profile through IAM, as EC2 does. */
  const instanceProfile = async (p: Params, ctx: CallContext) => {
    const arnValue = str(p.Arn);
    const name = str(p.Name) ?? arnValue?.split('/').pop();
    if (!arnValue && !name) return undefined;
    try {
      const out = await deps.services.call<{ InstanceProfile: { Arn: string; InstanceProfileId: string } }>(
        'iam',
        'GetInstanceProfile',
        { InstanceProfileName: name },
        { region: ctx.region },
      );
      return { arn: out.InstanceProfile.Arn, id: out.InstanceProfile.InstanceProfileId };
    } catch (e) {
      if (!isAwsError(e)) throw e;
      throw ec2Errors.invalid(
        `Value (${arnValue ?? name}) for parameter iamInstanceProfile.${arnValue ? 'arn' : 'name'} is invalid. Invalid IAM Instance Profile ${arnValue ? 'ARN' : 'name'}`,
      );
    }
  };

  return {
    async RunInstances(input: Params, ctx) {
      c.ensureDefaults(ctx);
      const minCount = int(input.MinCount, 'MinCount', ec2Errors.invalid);
      const maxCount = int(input.MaxCount, 'MaxCount', ec2Errors.invalid);
      if (minCount === undefined) throw ec2Errors.missing('MinCount');
      if (maxCount === undefined) throw ec2Errors.missing('MaxCount');
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
        ? resolveLaunchTemplate(c, obj(input.LaunchTemplate), ctx.region).data
        : {};
      const imageId = str(input.ImageId) ?? template.ImageId;
      if (!imageId) throw ec2Errors.missing('ImageId');
      if (!/^ami-[0-9a-f]{8,17}$/.test(imageId)) {
        throw new AwsError('InvalidAMIID.Malformed', `Invalid id: "${imageId}" (expecting "ami-...")`, 400);
      }
      const instanceType = str(input.InstanceType) ?? template.InstanceType ?? 'm1.small';
      if (!instanceTypeInfo(instanceType)) {
        throw ec2Errors.invalid(`The instance type '${instanceType}' does not exist in this region.`);
      }
      const userData = str(input.UserData) ?? template.UserData;
      if (
        userData !== undefined &&
        (!BASE64.test(userData) || userData.replace(/[\r\n]/g, '').length % 4 !== 0)
      ) {
        throw ec2Errors.invalid('Invalid BASE64 encoding of user data.');
      }
      const keyName = str(input.KeyName) ?? template.KeyName;
      const profileInput = input.IamInstanceProfile
        ? obj(input.IamInstanceProfile)
        : (template.IamInstanceProfile ?? {});
      const profile = await instanceProfile(profileInput, ctx);
      const clientToken = str(input.ClientToken);
      const placementZone = str(obj(input.Placement).AvailabilityZone);
      const tags = [...c.tagSpec(input, 'instance')];
      for (const spec of template.TagSpecification ?? []) {
        if (spec.ResourceType !== 'instance') continue;
        for (const t of spec.Tag ?? []) {
          if (t.Key && !tags.some((x) => x.key === t.Key)) tags.push({ key: t.Key, value: t.Value ?? '' });
        }
      }

      const launched = deps.db.tx(() => {
        if (clientToken) {
          const previous = store.instances
            .find({ region: ctx.region })
            .filter((i) => i.clientToken === clientToken);
          if (previous.length > 0) return { instances: sortInstances(previous), fresh: false };
        }
        if (keyName && !c.list('key', ctx.region).some((k) => k.keyName === keyName)) {
          throw ec2Errors.notFound('InvalidKeyPair.NotFound', `The key pair '${keyName}' does not exist`);
        }
        const subnetId = str(input.SubnetId);
        let subnet: SubnetRecord | undefined;
        if (subnetId) {
          subnet = c.get('subnet', subnetId, ctx.region);
        } else {
          const defaultVpc = c.defaultVpc(ctx.region);
          const defaults = c
            .list('subnet', ctx.region)
            .filter((s) => s.vpcId === defaultVpc?.id && s.defaultForAz);
          subnet = placementZone ? defaults.find((s) => s.availabilityZone === placementZone) : defaults[0];
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
        const groupIds = [...strList(input.SecurityGroupId)];
        if (groupIds.length === 0 && !input.SecurityGroup) groupIds.push(...(template.SecurityGroupId ?? []));
        for (const id of groupIds) {
          const g = c.get('sg', id, ctx.region);
          if (g.vpcId !== vpcId) {
            throw new AwsError(
              'InvalidParameter',
              `Security group ${g.id} and subnet ${subnet.id} belong to different networks.`,
              400,
            );
          }
        }
        for (const name of strList(input.SecurityGroup).concat(
          input.SecurityGroup ? [] : (template.SecurityGroup ?? []),
        )) {
          const g = c.list('sg', ctx.region).find((x) => x.groupName === name && x.vpcId === vpcId);
          if (!g) {
            throw ec2Errors.notFound(
              'InvalidGroup.NotFound',
              `The security group '${name}' does not exist in VPC '${vpcId}'`,
            );
          }
          if (!groupIds.includes(g.id)) groupIds.push(g.id);
        }
        if (groupIds.length === 0) {
          const fallback = c
            .list('sg', ctx.region)
            .find((g) => g.vpcId === vpcId && g.groupName === 'default');
          if (fallback) groupIds.push(fallback.id);
        }

        const reservationId = ec2Id('r');
        const now = deps.clock.now();
        const created: InstanceRecord[] = [];
        for (let n = 0; n < count; n++) {
          const record: InstanceRecord = {
            instanceId: ec2Id('i'),
            region: ctx.region,
            accountId: ctx.accountId,
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
          c.setTags(record.instanceId, ctx.region, tags);
          created.push(record);
        }
        return { instances: created, fresh: true };
      });
      if (launched.fresh) lifecycle.kick(launched.instances.map((i) => i.instanceId));
      const first = i0(launched.instances);
      return {
        reservationId: first.reservationId,
        ownerId: first.accountId,
        groupSet: [],
        instancesSet: launched.instances.map(render),
      };
    },

    TerminateInstances(input: Params, ctx) {
      const ids = strList(input.InstanceId);
      if (ids.length === 0) throw ec2Errors.missing('InstanceId');
      for (const id of ids) {
        if (!INSTANCE_ID.test(id))
          throw new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`, 400);
      }
      const changes = deps.db.tx(() => {
        const found = ids.map((id) => {
          const i = store.instances.get(id);
          if (!i || i.region !== ctx.region) throw instanceNotFound(id);
          return i;
        });
        return found.map((i) => {
          const previous = state(i);
          if (i.state === 'pending' || i.state === 'running') {
            const next: InstanceRecord = {
              ...i,
              state: 'shutting-down',
              stateSince: deps.clock.now(),
              stateReason: `User initiated (${new Date(deps.clock.now()).toISOString().replace('T', ' ').slice(0, 19)} GMT)`,
            };
            store.instances.put(i.instanceId, next);
            return { instanceId: i.instanceId, previousState: previous, currentState: state(next) };
          }
          return { instanceId: i.instanceId, previousState: previous, currentState: previous };
        });
      });
      lifecycle.kick(ids);
      return { instancesSet: changes };
    },

    DescribeInstances(input: Params, ctx) {
      const ids = strList(input.InstanceId);
      for (const id of ids) {
        if (!INSTANCE_ID.test(id))
          throw new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`, 400);
      }
      const maxResults = int(input.MaxResults, 'MaxResults', ec2Errors.invalid);
      if (maxResults !== undefined && ids.length > 0) {
        throw ec2Errors.invalid('The parameter instancesSet cannot be used with the parameter maxResults');
      }
      if (maxResults !== undefined && (maxResults < 5 || maxResults > 1000)) {
        throw ec2Errors.invalid(
          `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
        );
      }
      let instances: InstanceRecord[];
      if (ids.length) {
        instances = ids.map((id) => {
          const i = store.instances.get(id);
          if (!i || i.region !== ctx.region) throw instanceNotFound(id);
          return i;
        });
      } else {
        instances = sortInstances(store.instances.find({ region: ctx.region }));
      }
      instances = c.filter(
        instances,
        readFilters(input),
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
      const start = Number(str(input.NextToken) ?? '0') || 0;
      const page =
        maxResults === undefined ? instances.slice(start) : instances.slice(start, start + maxResults);
      const nextToken =
        maxResults !== undefined && start + maxResults < instances.length
          ? String(start + maxResults)
          : undefined;
      return { reservationSet: reservations(page), nextToken };
    },

    DescribeInstanceStatus(input: Params, ctx) {
      const ids = strList(input.InstanceId);
      const all = str(input.IncludeAllInstances) === 'true';
      const instances = (
        ids.length
          ? ids.map((id) => {
              const i = store.instances.get(id);
              if (!i || i.region !== ctx.region) throw instanceNotFound(id);
              return i;
            })
          : sortInstances(store.instances.find({ region: ctx.region }))
      ).filter((i) => all || i.state === 'running');
      return {
        instanceStatusSet: instances.map((i) => ({
          instanceId: i.instanceId,
          availabilityZone: i.availabilityZone,
          instanceState: state(i),
          systemStatus: { status: i.state === 'running' ? 'ok' : 'not-applicable' },
          instanceStatus: { status: i.state === 'running' ? 'ok' : 'not-applicable' },
        })),
      };
    },
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

function i0(list: InstanceRecord[]): InstanceRecord {
  const first = list[0];
  if (!first) throw new AwsError('InternalError', 'empty reservation', 500);
  return first;
}
