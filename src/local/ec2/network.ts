/** EC2 networking actions: VPCs, subnets, internet gateways, route tables, security groups. */
import { ec2Id } from '../common/ids';
import { AwsError } from '../protocol/errors';
import type { ActionHandler, CallContext } from '../protocol/types';
import { cidrContains, cidrOverlaps, ec2Errors, parseCidr, zoneNames, type Ec2Context } from './context';
import type {
  InternetGatewayRecord,
  IpPermission,
  ResourceKind,
  ResourceOf,
  RouteTableRecord,
  SecurityGroupRecord,
  SubnetRecord,
  VpcRecord,
} from './model';
import { int, objList, str, strList, type Params } from '../protocol/params';

const ok = { return: true };

export function networkActions(c: Ec2Context): Record<string, ActionHandler> {
  const db = c.deps.db;

  const liveInstancesWhere = (
    pred: (i: { subnetId: string; vpcId: string; securityGroupIds: string[] }) => boolean,
  ) => c.store.instances.all().filter((i) => i.state !== 'terminated' && pred(i));

  const renderVpc = (v: VpcRecord) => ({
    vpcId: v.id,
    ownerId: c.deps.config.accountId,
    state: 'available',
    cidrBlock: v.cidrBlock,
    cidrBlockAssociationSet: [
      {
        associationId: `vpc-cidr-assoc-${v.id.slice(4)}`,
        cidrBlock: v.cidrBlock,
        cidrBlockState: { state: 'associated' },
      },
    ],
    dhcpOptionsId: 'default',
    instanceTenancy: 'default',
    isDefault: v.isDefault,
    tagSet: c.tagsOf(v.id),
  });

  const renderSubnet = (s: SubnetRecord) => {
    const parsed = parseCidr(s.cidrBlock);
    const size = parsed ? 2 ** (32 - parsed[1]) : 0;
    return {
      subnetId: s.id,
      subnetArn: `arn:aws:ec2:${s.region}:${c.deps.config.accountId}:subnet/${s.id}`,
      state: 'available',
      vpcId: s.vpcId,
      cidrBlock: s.cidrBlock,
      availableIpAddressCount: Math.max(0, size - 5),
      availabilityZone: s.availabilityZone,
      availabilityZoneId: zoneId(s.availabilityZone),
      defaultForAz: s.defaultForAz,
      mapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
      ownerId: c.deps.config.accountId,
      tagSet: c.tagsOf(s.id),
    };
  };

  const renderIgw = (g: InternetGatewayRecord) => ({
    internetGatewayId: g.id,
    ownerId: c.deps.config.accountId,
    attachmentSet: g.vpcId ? [{ vpcId: g.vpcId, state: 'available' }] : [],
    tagSet: c.tagsOf(g.id),
  });

  const renderRtb = (r: RouteTableRecord) => ({
    routeTableId: r.id,
    vpcId: r.vpcId,
    ownerId: c.deps.config.accountId,
    routeSet: r.routes.map((route) => ({
      destinationCidrBlock: route.destinationCidrBlock,
      gatewayId: route.gatewayId,
      instanceId: route.instanceId,
      origin: route.origin,
      state: 'active',
    })),
    associationSet: r.associations.map((a) => ({
      routeTableAssociationId: a.associationId,
      routeTableId: r.id,
      subnetId: a.subnetId,
      main: a.main,
      associationState: { state: 'associated' },
    })),
    propagatingVgwSet: [],
    tagSet: c.tagsOf(r.id),
  });

  const renderPermission = (p: IpPermission) => ({
    ipProtocol: p.ipProtocol,
    fromPort: p.fromPort,
    toPort: p.toPort,
    groups: p.groups.map((g) => ({ groupId: g.groupId, userId: c.deps.config.accountId })),
    ipRanges: p.ipRanges.map((r) => ({ cidrIp: r.cidrIp, description: r.description })),
    ipv6Ranges: [],
    prefixListIds: [],
  });

  const renderSg = (g: SecurityGroupRecord) => ({
    groupId: g.id,
    groupName: g.groupName,
    groupDescription: g.description,
    vpcId: g.vpcId,
    ownerId: c.deps.config.accountId,
    securityGroupArn: `arn:aws:ec2:${g.region}:${c.deps.config.accountId}:security-group/${g.id}`,
    ipPermissions: g.ingress.map(renderPermission),
    ipPermissionsEgress: g.egress.map(renderPermission),
    tagSet: c.tagsOf(g.id),
  });

  /** Describe* for one resource kind: ids from `idParam`, filters, each result rendered into `setName`. */
  const describeAction =
    <K extends ResourceKind>(
      kind: K,
      idParam: string,
      setName: string,
      render: (item: ResourceOf<K>) => unknown,
      fields: (item: ResourceOf<K>) => Record<string, unknown>,
    ): ActionHandler =>
    (input: Params, ctx) => {
      c.ensureDefaults(ctx);
      const items = c.describe(kind, c.list(kind, ctx.region), strList(input[idParam]), input, fields);
      return { [setName]: items.map(render) };
    };

  /** The CidrBlock input of CreateVpc/CreateSubnet: present and well formed. */
  const readCidr = (input: Params): { cidr: string; parsed: [number, number] } => {
    const cidr = str(input.CidrBlock);
    if (!cidr) throw ec2Errors.missing('CidrBlock');
    const parsed = parseCidr(cidr);
    if (!parsed)
      throw ec2Errors.invalid(
        `Value (${cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`,
      );
    return { cidr, parsed };
  };

  const sgById = (input: Params, ctx: CallContext): SecurityGroupRecord => {
    const groupId = str(input.GroupId);
    if (groupId) return c.get('sg', groupId, ctx.region);
    const name = str(input.GroupName);
    if (!name) throw ec2Errors.missing('GroupId');
    const vpc = c.defaultVpc(ctx.region);
    const found = c.list('sg', ctx.region).find((g) => g.groupName === name && g.vpcId === vpc?.id);
    if (!found) {
      throw ec2Errors.notFound(
        'InvalidGroup.NotFound',
        `The security group '${name}' does not exist in default VPC`,
      );
    }
    return found;
  };

  /** IpPermissions input (or the older flat IpProtocol/FromPort/ToPort/CidrIp form). */
  const readPermissions = (input: Params): IpPermission[] => {
    const perms = objList(input.IpPermissions).map((p) => ({
      ipProtocol: normaliseProtocol(str(p.IpProtocol)),
      fromPort: int(p.FromPort, 'FromPort', ec2Errors.invalid),
      toPort: int(p.ToPort, 'ToPort', ec2Errors.invalid),
      ipRanges: objList(p.IpRanges).map((r) => ({
        cidrIp: str(r.CidrIp) ?? '',
        description: str(r.Description),
      })),
      groups: objList(p.Groups).map((g) => ({ groupId: str(g.GroupId) ?? '' })),
    }));
    if (perms.length === 0 && input.IpProtocol !== undefined) {
      perms.push({
        ipProtocol: normaliseProtocol(str(input.IpProtocol)),
        fromPort: int(input.FromPort, 'FromPort', ec2Errors.invalid),
        toPort: int(input.ToPort, 'ToPort', ec2Errors.invalid),
        ipRanges: str(input.CidrIp) ? [{ cidrIp: str(input.CidrIp) as string, description: undefined }] : [],
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
          throw new AwsError('InvalidParameterValue', `Invalid port range ${p.fromPort}-${p.toPort}`, 400);
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
  };

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

  const authorize = (direction: 'ingress' | 'egress') => (input: Params, ctx: CallContext) => {
    c.ensureDefaults(ctx);
    const added = rules(readPermissions(input));
    db.tx(() => {
      const sg = sgById(input, ctx);
      for (const rule of added) {
        const g = rule.groups[0];
        if (g) c.get('sg', g.groupId, ctx.region);
        if (rules(sg[direction]).some((r) => sameRule(r, rule))) {
          throw new AwsError(
            'InvalidPermission.Duplicate',
            `the specified rule "peer: ${rule.ipRanges[0]?.cidrIp ?? g?.groupId}, ${rule.ipProtocol.toUpperCase()}, from port: ${rule.fromPort}, to port: ${rule.toPort}, ALLOW" already exists`,
            400,
          );
        }
      }
      sg[direction].push(...added);
      c.put(sg);
    });
    return ok;
  };

  const revoke = (direction: 'ingress' | 'egress') => (input: Params, ctx: CallContext) => {
    const removed = rules(readPermissions(input));
    db.tx(() => {
      const sg = sgById(input, ctx);
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
      c.put(sg);
    });
    return ok;
  };

  return {
    CreateVpc(input: Params, ctx) {
      c.ensureDefaults(ctx);
      const { cidr, parsed } = readCidr(input);
      if (parsed[1] < 16 || parsed[1] > 28) {
        throw new AwsError('InvalidVpc.Range', `The CIDR '${cidr}' is invalid.`, 400);
      }
      const vpc = db.tx(() => {
        const v = c.createVpcRecords(ctx.region, cidr, false);
        c.setTags(v.id, ctx.region, c.tagSpec(input, 'vpc'));
        return v;
      });
      return { vpc: renderVpc(vpc) };
    },

    DeleteVpc(input: Params, ctx) {
      db.tx(() => {
        const vpc = c.get('vpc', str(input.VpcId), ctx.region);
        const blockers = c
          .inVpc(vpc.id)
          .filter(
            (r) =>
              r.kind === 'subnet' ||
              r.kind === 'igw' ||
              (r.kind === 'rtb' && !r.main) ||
              (r.kind === 'sg' && r.groupName !== 'default'),
          );
        if (blockers.length > 0) {
          throw ec2Errors.dependency(
            `The vpc '${vpc.id}' has dependencies and cannot be deleted. (${blockers.map((b) => b.id).join(', ')})`,
          );
        }
        for (const r of c.inVpc(vpc.id)) {
          c.remove(r.id);
        }
        c.remove(vpc.id);
      });
      return ok;
    },

    DescribeVpcs: describeAction('vpc', 'VpcId', 'vpcSet', renderVpc, (v) => ({
      'vpc-id': v.id,
      'cidr-block': v.cidrBlock,
      cidr: v.cidrBlock,
      isDefault: String(v.isDefault),
      'is-default': String(v.isDefault),
      state: 'available',
      'owner-id': c.deps.config.accountId,
    })),

    CreateSubnet(input: Params, ctx) {
      c.ensureDefaults(ctx);
      const { cidr, parsed } = readCidr(input);
      const zones = zoneNames(ctx.region);
      const zone = str(input.AvailabilityZone) ?? zones[0] ?? `${ctx.region}a`;
      if (!zones.includes(zone)) {
        throw ec2Errors.invalid(
          `Value (${zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.join(', ')}.`,
        );
      }
      const subnet = db.tx(() => {
        const vpc = c.get('vpc', str(input.VpcId), ctx.region);
        const vpcCidr = parseCidr(vpc.cidrBlock);
        if (!vpcCidr || !cidrContains(vpcCidr, parsed) || parsed[1] > 28) {
          throw new AwsError('InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`, 400);
        }
        for (const other of c.inVpc(vpc.id)) {
          if (other.kind !== 'subnet') continue;
          const o = parseCidr(other.cidrBlock);
          if (o && cidrOverlaps(o, parsed)) {
            throw new AwsError(
              'InvalidSubnet.Conflict',
              `The CIDR '${cidr}' conflicts with another subnet`,
              400,
            );
          }
        }
        const s: SubnetRecord = {
          kind: 'subnet',
          id: ec2Id('subnet'),
          region: ctx.region,
          vpcId: vpc.id,
          cidrBlock: cidr,
          availabilityZone: zone,
          defaultForAz: false,
          mapPublicIpOnLaunch: false,
        };
        return c.create(s, input, 'subnet');
      });
      return { subnet: renderSubnet(subnet) };
    },

    ModifySubnetAttribute(input: Params, ctx) {
      db.tx(() => {
        const s = c.get('subnet', str(input.SubnetId), ctx.region);
        const value = str((input.MapPublicIpOnLaunch as Params | undefined)?.Value);
        if (value !== undefined) s.mapPublicIpOnLaunch = value === 'true';
        c.put(s);
      });
      return ok;
    },

    DeleteSubnet(input: Params, ctx) {
      db.tx(() => {
        const s = c.get('subnet', str(input.SubnetId), ctx.region);
        if (liveInstancesWhere((i) => i.subnetId === s.id).length > 0) {
          throw ec2Errors.dependency(`The subnet '${s.id}' has dependencies and cannot be deleted.`);
        }
        for (const r of c.inVpc(s.vpcId)) {
          if (r.kind !== 'rtb' || !r.associations.some((a) => a.subnetId === s.id)) continue;
          r.associations = r.associations.filter((a) => a.subnetId !== s.id);
          c.put(r);
        }
        c.remove(s.id);
      });
      return ok;
    },

    DescribeSubnets: describeAction('subnet', 'SubnetId', 'subnetSet', renderSubnet, (s) => ({
      'subnet-id': s.id,
      'vpc-id': s.vpcId,
      'availability-zone': s.availabilityZone,
      availabilityZone: s.availabilityZone,
      'cidr-block': s.cidrBlock,
      'default-for-az': String(s.defaultForAz),
      defaultForAz: String(s.defaultForAz),
      state: 'available',
    })),

    CreateInternetGateway(input: Params, ctx) {
      const igw: InternetGatewayRecord = { kind: 'igw', id: ec2Id('igw'), region: ctx.region };
      db.tx(() => {
        c.create(igw, input, 'internet-gateway');
      });
      return { internetGateway: renderIgw(igw) };
    },

    AttachInternetGateway(input: Params, ctx) {
      db.tx(() => {
        const igw = c.get('igw', str(input.InternetGatewayId), ctx.region);
        const vpc = c.get('vpc', str(input.VpcId), ctx.region);
        if (igw.vpcId) {
          throw new AwsError(
            'Resource.AlreadyAssociated',
            `resource ${igw.id} is already attached to network ${igw.vpcId}`,
            400,
          );
        }
        if (c.inVpc(vpc.id).some((r) => r.kind === 'igw')) {
          throw new AwsError(
            'Resource.AlreadyAssociated',
            `network ${vpc.id} already has an internet gateway attached`,
            400,
          );
        }
        c.put({ ...igw, vpcId: vpc.id });
      });
      return ok;
    },

    DetachInternetGateway(input: Params, ctx) {
      db.tx(() => {
        const igw = c.get('igw', str(input.InternetGatewayId), ctx.region);
        const vpcId = str(input.VpcId);
        if (!igw.vpcId || igw.vpcId !== vpcId) {
          throw new AwsError(
            'Gateway.NotAttached',
            `resource ${igw.id} is not attached to network ${vpcId}`,
            400,
          );
        }
        const { vpcId: _detached, ...rest } = igw;
        c.put(rest);
      });
      return ok;
    },

    DeleteInternetGateway(input: Params, ctx) {
      db.tx(() => {
        const igw = c.get('igw', str(input.InternetGatewayId), ctx.region);
        if (igw.vpcId) {
          throw ec2Errors.dependency(
            `The internetGateway '${igw.id}' has dependencies and cannot be deleted.`,
          );
        }
        c.remove(igw.id);
      });
      return ok;
    },

    DescribeInternetGateways: describeAction(
      'igw',
      'InternetGatewayId',
      'internetGatewaySet',
      renderIgw,
      (g) => ({
        'internet-gateway-id': g.id,
        'attachment.vpc-id': g.vpcId,
        'attachment.state': g.vpcId ? 'available' : undefined,
      }),
    ),

    CreateRouteTable(input: Params, ctx) {
      const rtb = db.tx(() => {
        const vpc = c.get('vpc', str(input.VpcId), ctx.region);
        const r: RouteTableRecord = {
          kind: 'rtb',
          id: ec2Id('rtb'),
          region: ctx.region,
          vpcId: vpc.id,
          main: false,
          routes: [{ destinationCidrBlock: vpc.cidrBlock, gatewayId: 'local', origin: 'CreateRouteTable' }],
          associations: [],
        };
        return c.create(r, input, 'route-table');
      });
      return { routeTable: renderRtb(rtb) };
    },

    CreateRoute(input: Params, ctx) {
      const dest = str(input.DestinationCidrBlock);
      if (!dest) throw ec2Errors.missing('DestinationCidrBlock');
      if (!parseCidr(dest))
        throw ec2Errors.invalid(`Value (${dest}) for parameter destinationCidrBlock is invalid.`);
      db.tx(() => {
        const rtb = c.get('rtb', str(input.RouteTableId), ctx.region);
        const gatewayId = str(input.GatewayId);
        const instanceId = str(input.InstanceId);
        if (!gatewayId && !instanceId) throw ec2Errors.missing('GatewayId');
        if (gatewayId) {
          const igw = c.get('igw', gatewayId, ctx.region);
          if (igw.vpcId !== rtb.vpcId) {
            throw ec2Errors.invalid(
              `route table ${rtb.id} and network gateway ${igw.id} belong to different networks`,
            );
          }
        }
        if (instanceId) {
          const inst = c.store.instances.get(instanceId);
          if (!inst || inst.region !== ctx.region) {
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
        c.put(rtb);
      });
      return ok;
    },

    DeleteRoute(input: Params, ctx) {
      const dest = str(input.DestinationCidrBlock);
      db.tx(() => {
        const rtb = c.get('rtb', str(input.RouteTableId), ctx.region);
        const route = rtb.routes.find((r) => r.destinationCidrBlock === dest && r.origin === 'CreateRoute');
        if (!route) {
          throw new AwsError(
            'InvalidRoute.NotFound',
            `no route with destination-cidr-block ${dest} in route table ${rtb.id}`,
            400,
          );
        }
        rtb.routes = rtb.routes.filter((r) => r !== route);
        c.put(rtb);
      });
      return ok;
    },

    AssociateRouteTable(input: Params, ctx) {
      const associationId = ec2Id('rtbassoc');
      db.tx(() => {
        const rtb = c.get('rtb', str(input.RouteTableId), ctx.region);
        const subnet = c.get('subnet', str(input.SubnetId), ctx.region);
        if (subnet.vpcId !== rtb.vpcId) {
          throw ec2Errors.invalid(
            `Route table ${rtb.id} and subnet ${subnet.id} belong to different networks`,
          );
        }
        const existing = c
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
        c.put(rtb);
      });
      return { associationId, associationState: { state: 'associated' } };
    },

    DisassociateRouteTable(input: Params, ctx) {
      const associationId = str(input.AssociationId);
      db.tx(() => {
        const rtb = c
          .list('rtb', ctx.region)
          .find((r) => r.associations.some((a) => a.associationId === associationId && !a.main));
        if (!rtb) {
          throw new AwsError(
            'InvalidAssociationID.NotFound',
            `The association ID '${associationId}' does not exist`,
            400,
          );
        }
        rtb.associations = rtb.associations.filter((a) => a.associationId !== associationId);
        c.put(rtb);
      });
      return ok;
    },

    DeleteRouteTable(input: Params, ctx) {
      db.tx(() => {
        const rtb = c.get('rtb', str(input.RouteTableId), ctx.region);
        if (rtb.main || rtb.associations.length > 0) {
          throw ec2Errors.dependency(`The routeTable '${rtb.id}' has dependencies and cannot be deleted.`);
        }
        c.remove(rtb.id);
      });
      return ok;
    },

    DescribeRouteTables: describeAction('rtb', 'RouteTableId', 'routeTableSet', renderRtb, (r) => ({
      'route-table-id': r.id,
      'vpc-id': r.vpcId,
      'association.main': String(r.main),
      'association.subnet-id': r.associations.map((a) => a.subnetId).filter(Boolean),
      'association.route-table-association-id': r.associations.map((a) => a.associationId),
    })),

    CreateSecurityGroup(input: Params, ctx) {
      c.ensureDefaults(ctx);
      const groupName = str(input.GroupName);
      const description = str(input.GroupDescription);
      if (!groupName) throw ec2Errors.missing('GroupName');
      if (description === undefined) throw ec2Errors.missing('GroupDescription');
      if (groupName.startsWith('sg-')) {
        throw ec2Errors.invalid(`Group names may not be in the format sg-*.`);
      }
      if (groupName.length > 255 || description.length > 255) {
        throw ec2Errors.invalid('Group name and description are limited to 255 characters');
      }
      const sg = db.tx(() => {
        const vpcId = str(input.VpcId) ?? c.defaultVpc(ctx.region)?.id;
        const vpc = c.get('vpc', vpcId, ctx.region);
        if (c.inVpc(vpc.id).some((r) => r.kind === 'sg' && r.groupName === groupName)) {
          throw new AwsError(
            'InvalidGroup.Duplicate',
            `The security group '${groupName}' already exists for VPC '${vpc.id}'`,
            400,
          );
        }
        const g: SecurityGroupRecord = {
          kind: 'sg',
          id: ec2Id('sg'),
          region: ctx.region,
          vpcId: vpc.id,
          groupName,
          description,
          ingress: [],
          egress: [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }], groups: [] }],
        };
        return c.create(g, input, 'security-group');
      });
      return { groupId: sg.id, tagSet: c.tagsOf(sg.id) };
    },

    AuthorizeSecurityGroupIngress: authorize('ingress'),
    AuthorizeSecurityGroupEgress: authorize('egress'),
    RevokeSecurityGroupIngress: revoke('ingress'),
    RevokeSecurityGroupEgress: revoke('egress'),

    DeleteSecurityGroup(input: Params, ctx) {
      db.tx(() => {
        const sg = sgById(input, ctx);
        if (sg.groupName === 'default') {
          throw new AwsError(
            'CannotDelete',
            `the specified group: "${sg.id}" name: "default" cannot be deleted by a user`,
            400,
          );
        }
        if (liveInstancesWhere((i) => i.securityGroupIds.includes(sg.id)).length > 0) {
          throw ec2Errors.dependency(`resource ${sg.id} has a dependent object`);
        }
        const referencing = c
          .list('sg', ctx.region)
          .find(
            (g) =>
              g.id !== sg.id &&
              [...g.ingress, ...g.egress].some((p) => p.groups.some((x) => x.groupId === sg.id)),
          );
        if (referencing) throw ec2Errors.dependency(`resource ${sg.id} has a dependent object`);
        c.remove(sg.id);
      });
      return ok;
    },

    DescribeSecurityGroups(input: Params, ctx) {
      c.ensureDefaults(ctx);
      let all = c.list('sg', ctx.region);
      const names = strList(input.GroupName);
      if (names.length) {
        const vpc = c.defaultVpc(ctx.region);
        const missing = names.find((n) => !all.some((g) => g.groupName === n && g.vpcId === vpc?.id));
        if (missing) {
          throw ec2Errors.notFound(
            'InvalidGroup.NotFound',
            `The security group '${missing}' does not exist in default VPC`,
          );
        }
        all = all.filter((g) => names.includes(g.groupName) && g.vpcId === vpc?.id);
      }
      const groups = c.describe('sg', all, strList(input.GroupId), input, (g) => ({
        'group-id': g.id,
        'group-name': g.groupName,
        'vpc-id': g.vpcId,
        description: g.description,
        'owner-id': c.deps.config.accountId,
      }));
      return { securityGroupInfo: groups.map(renderSg) };
    },
  };
}

function normaliseProtocol(p: string | undefined): string {
  const v = (p ?? '').toLowerCase();
  return v === 'all' ? '-1' : v === '6' ? 'tcp' : v === '17' ? 'udp' : v === '1' ? 'icmp' : v;
}

/** `us-east-1a` -> `use1-az1` (the shape of AWS zone ids). */
export function zoneId(zone: string): string {
  const m = /^([a-z]+)-([a-z]+)-(\d+)([a-z])$/.exec(zone);
  if (!m) return zone;
  const [, a, b, n, letter] = m as unknown as [string, string, string, string, string];
  const dir = b
    .replace(/north/, 'n')
    .replace(/south/, 's')
    .replace(/east/, 'e')
    .replace(/west/, 'w')
    .replace(/central/, 'c');
  return `${a}${dir}${n}-az${letter.charCodeAt(0) - 96}`;
}
