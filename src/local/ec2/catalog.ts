/** What every region offers: DescribeAvailabilityZones, DescribeInstanceTypes, DescribeRegions, DescribeImages. */
import type * as ec2 from '@aws-sdk/client-ec2';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import { ec2Errors, zoneId, zoneNames, type Scope } from './common';
import { INSTANCE_TYPES, instanceTypeInfo } from '../../facts/instance-types';

/** The one image every region offers: the ECS-optimized Amazon Linux 2 AMI. */
export const ECS_OPTIMIZED_AMI = {
  imageId: 'ami-0a7a1e5e0c5c0ffee',
  name: 'amzn2-ami-ecs-hvm-2.0.20251108-x86_64-ebs',
  description: 'Amazon Linux AMI 2.0.20251108 x86_64 ECS HVM GP2',
  ownerId: '591542846629',
};

const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-south-1',
  'sa-east-1',
];

export function describeAvailabilityZones(
  s: Scope,
  input: Wire<ec2.DescribeAvailabilityZonesRequest>,
): Wire<ec2.DescribeAvailabilityZonesResult> {
  const zones = zoneNames(s.region).map((zoneName) => ({
    ZoneName: zoneName,
    ZoneId: zoneId(zoneName),
    State: 'available' as const,
    RegionName: s.region,
    ZoneType: 'availability-zone',
    GroupName: s.region,
    NetworkBorderGroup: s.region,
    OptInStatus: 'opt-in-not-required' as const,
    Messages: [],
  }));
  const names = input.ZoneNames ?? [];
  const missing = names.find((n) => !zones.some((z) => z.ZoneName === n));
  if (missing) throw ec2Errors.invalid(`The zone '${missing}' does not exist.`);
  const picked = names.length ? zones.filter((z) => names.includes(z.ZoneName)) : zones;
  const filtered = s.filter(
    picked,
    input.Filters,
    (z) => z.ZoneName,
    (z) => ({
      'zone-name': z.ZoneName,
      'zone-id': z.ZoneId,
      state: z.State,
      'region-name': z.RegionName,
      'zone-type': z.ZoneType,
    }),
  );
  return { AvailabilityZones: filtered };
}

export function describeInstanceTypes(
  s: Scope,
  input: Wire<ec2.DescribeInstanceTypesRequest>,
): Wire<ec2.DescribeInstanceTypesResult> {
  const names = input.InstanceTypes ?? [];
  const unknown = names.find((n) => !instanceTypeInfo(n));
  if (unknown) throw ec2Errors.invalid(`The following supplied instance types do not exist: [${unknown}]`);
  const types = Object.entries(INSTANCE_TYPES)
    .filter(([name]) => names.length === 0 || names.includes(name as ec2._InstanceType))
    .map(([instanceType, info]) => ({
      InstanceType: instanceType as ec2._InstanceType,
      CurrentGeneration: !/^(m1|m3|c3|r3|i2|g2|t1)\./.test(instanceType),
      FreeTierEligible: instanceType === 't2.micro' || instanceType === 't3.micro',
      SupportedRootDeviceTypes: ['ebs' as const],
      SupportedVirtualizationTypes: ['hvm' as const],
      Hypervisor: 'xen' as const,
      ProcessorInfo: { SupportedArchitectures: ['x86_64' as const] },
      VCpuInfo: { DefaultVCpus: info.vcpus },
      MemoryInfo: { SizeInMiB: info.memoryMiB },
    }));
  const filtered = s.filter(
    types,
    input.Filters,
    (t) => t.InstanceType,
    (t) => ({
      'instance-type': t.InstanceType,
      'current-generation': String(t.CurrentGeneration),
      'free-tier-eligible': String(t.FreeTierEligible),
      'vcpu-info.default-vcpus': t.VCpuInfo.DefaultVCpus,
      'memory-info.size-in-mib': t.MemoryInfo.SizeInMiB,
    }),
  );
  return { InstanceTypes: filtered };
}

export function describeRegions(
  _s: Scope,
  input: Wire<ec2.DescribeRegionsRequest>,
): Wire<ec2.DescribeRegionsResult> {
  const names = input.RegionNames ?? [];
  return {
    Regions: REGIONS.filter((r) => names.length === 0 || names.includes(r)).map((RegionName) => ({
      RegionName,
      Endpoint: `ec2.${RegionName}.amazonaws.com`,
      OptInStatus: 'opt-in-not-required',
    })),
  };
}

export function describeImages(
  s: Scope,
  input: Wire<ec2.DescribeImagesRequest>,
): Wire<ec2.DescribeImagesResult> {
  const image = {
    ImageId: ECS_OPTIMIZED_AMI.imageId,
    ImageLocation: `amazon/${ECS_OPTIMIZED_AMI.name}`,
    State: 'available' as const,
    OwnerId: ECS_OPTIMIZED_AMI.ownerId,
    ImageOwnerAlias: 'amazon',
    CreationDate: '2025-11-08T00:00:00.000Z',
    Public: true,
    Architecture: 'x86_64' as const,
    ImageType: 'machine' as const,
    Name: ECS_OPTIMIZED_AMI.name,
    Description: ECS_OPTIMIZED_AMI.description,
    RootDeviceType: 'ebs' as const,
    RootDeviceName: '/dev/xvda',
    VirtualizationType: 'hvm' as const,
    Hypervisor: 'xen' as const,
    EnaSupport: true,
    SriovNetSupport: 'simple',
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    BlockDeviceMappings: [
      {
        DeviceName: '/dev/xvda',
        Ebs: { DeleteOnTermination: true, VolumeSize: 30, VolumeType: 'gp2' as const, Encrypted: false },
      },
    ],
    ProductCodes: [],
    Tags: [],
  };
  const missing = (input.ImageIds ?? []).find((id) => id !== image.ImageId);
  if (missing) throw new AwsError('InvalidAMIID.NotFound', `The image id '[${missing}]' does not exist`, 400);
  const owners = input.Owners ?? [];
  if (owners.length && !owners.some((o) => o === 'amazon' || o === image.OwnerId)) return { Images: [] };
  const images = s.filter(
    [image],
    input.Filters,
    (i) => i.ImageId,
    (i) => ({
      'image-id': i.ImageId,
      name: i.Name,
      description: i.Description,
      architecture: i.Architecture,
      'owner-alias': i.ImageOwnerAlias,
      'owner-id': i.OwnerId,
      state: i.State,
      'root-device-type': i.RootDeviceType,
      'virtualization-type': i.VirtualizationType,
      'image-type': i.ImageType,
      'is-public': String(i.Public),
    }),
  );
  return { Images: images };
}
