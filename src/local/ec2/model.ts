/** EC2 records (our own shape, rendered to the wire by provider.ts) and their collections. */
import type { Db } from '../store/db';
import type { Collection } from '../store/collection';

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated';

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
};

export interface InstanceRecord {
  instanceId: string;
  region: string;
  accountId: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  keyName?: string;
  vpcId: string;
  subnetId: string;
  availabilityZone: string;
  securityGroupIds: string[];
  iamInstanceProfile?: { arn: string; id: string };
  /** Base64, exactly as given. */
  userData?: string;
  address: string;
  state: InstanceStateName;
  stateReason?: string;
  /** epoch ms */
  launchTime: number;
  /** When the current state was entered (epoch ms); timers count from here. */
  stateSince: number;
  amiLaunchIndex: number;
  clientToken?: string;
}

export interface IpRange {
  cidrIp: string;
  description?: string;
}
export interface IpPermission {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  ipRanges: IpRange[];
  groups: { groupId: string }[];
}

interface Base {
  id: string;
  region: string;
}
export interface VpcRecord extends Base {
  kind: 'vpc';
  cidrBlock: string;
  isDefault: boolean;
}
export interface SubnetRecord extends Base {
  kind: 'subnet';
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
}
export interface InternetGatewayRecord extends Base {
  kind: 'igw';
  vpcId?: string;
}
export interface RouteRecord {
  destinationCidrBlock: string;
  gatewayId?: string;
  instanceId?: string;
  origin: 'CreateRouteTable' | 'CreateRoute';
}
export interface RouteTableRecord extends Base {
  kind: 'rtb';
  vpcId: string;
  main: boolean;
  routes: RouteRecord[];
  associations: { associationId: string; subnetId?: string; main: boolean }[];
}
export interface SecurityGroupRecord extends Base {
  kind: 'sg';
  vpcId: string;
  groupName: string;
  description: string;
  ingress: IpPermission[];
  egress: IpPermission[];
}
export interface LaunchTemplateVersion {
  versionNumber: number;
  description?: string;
  createTime: number;
  /** The structured LaunchTemplateData input (query names). */
  data: LaunchTemplateData;
}
export interface LaunchTemplateData {
  ImageId?: string;
  InstanceType?: string;
  KeyName?: string;
  UserData?: string;
  SecurityGroupId?: string[];
  SecurityGroup?: string[];
  IamInstanceProfile?: { Arn?: string; Name?: string };
  TagSpecification?: { ResourceType?: string; Tag?: { Key?: string; Value?: string }[] }[];
}
export interface LaunchTemplateRecord extends Base {
  kind: 'lt';
  name: string;
  createTime: number;
  defaultVersion: number;
  versions: LaunchTemplateVersion[];
}
export interface KeyPairRecord extends Base {
  kind: 'key';
  keyName: string;
  fingerprint: string;
  keyType: string;
  publicKey?: string;
  createTime: number;
}

/** An elastic network interface (awsvpc tasks: ECS creates, attaches, detaches and deletes them). */
export interface NetworkInterfaceRecord extends Base {
  kind: 'eni';
  vpcId: string;
  subnetId: string;
  availabilityZone: string;
  description: string;
  groupIds: string[];
  /** Its own loopback address (127.4.x.y): the private IP, and the public IP when it has one. */
  address: string;
  macAddress: string;
  interfaceType: string;
  /** Set when created by a service on the caller's behalf (ECS for awsvpc tasks). */
  requesterId?: string;
  /** Whether a public IP is associated (the caller asked for one; see network-interfaces.ts). */
  publicIp: boolean;
  clientToken?: string;
  /** epoch ms */
  createdAt: number;
  attachment?: {
    attachmentId: string;
    instanceId?: string;
    instanceOwnerId: string;
    deviceIndex: number;
    /** epoch ms */
    attachTime: number;
  };
}

export type Ec2Resource =
  | NetworkInterfaceRecord
  | VpcRecord
  | SubnetRecord
  | InternetGatewayRecord
  | RouteTableRecord
  | SecurityGroupRecord
  | LaunchTemplateRecord
  | KeyPairRecord;
export type ResourceKind = Ec2Resource['kind'];
export type ResourceOf<K extends ResourceKind> = Extract<Ec2Resource, { kind: K }>;

export interface TagRecord {
  resourceId: string;
  resourceType: string;
  region: string;
  key: string;
  value: string;
}

export interface Ec2Store {
  instances: Collection<InstanceRecord>;
  resources: Collection<Ec2Resource>;
  tags: Collection<TagRecord>;
}

export function ec2Store(db: Db): Ec2Store {
  return {
    instances: db.collection<InstanceRecord>('ec2_instances', [
      { name: 'region', key: (i) => i.region },
      { name: 'state', key: (i) => i.state },
    ]),
    resources: db.collection<Ec2Resource>('ec2_resources', [
      { name: 'scope', key: (r) => `${r.region}/${r.kind}` },
      { name: 'vpc', key: (r) => ('vpcId' in r ? (r.vpcId ?? null) : null) },
    ]),
    tags: db.collection<TagRecord>('ec2_tags', [{ name: 'resource', key: (t) => t.resourceId }]),
  };
}

export const tagKey = (resourceId: string, key: string): string => `${resourceId}\u0000${key}`;

/** `i-...` -> the resource type name EC2 uses in DescribeTags. */
export function resourceTypeOf(id: string): string | undefined {
  const prefix = id.slice(0, id.indexOf('-'));
  return (
    {
      i: 'instance',
      vpc: 'vpc',
      subnet: 'subnet',
      igw: 'internet-gateway',
      rtb: 'route-table',
      sg: 'security-group',
      lt: 'launch-template',
      key: 'key-pair',
      ami: 'image',
      eni: 'network-interface',
    } as Record<string, string>
  )[prefix];
}
