import {
  ImportKeyPairCommand,
  AuthorizeSecurityGroupIngressCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateKeyPairCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplateVersionsCommand,
  ModifyLaunchTemplateCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  AssociateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteKeyPairCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEvents } from '../common/bus';
import { ECS_OPTIMIZED_AMI } from './catalog';
import { errorOf, startTestPlane, waitFor, type TestPlane } from '../../testing/plane';

let t: TestPlane;
let ec2: EC2Client;
const running: LocalEvents['ec2.instance.running'][] = [];
const terminated: string[] = [];

beforeAll(async () => {
  t = await startTestPlane();
  ec2 = new EC2Client(t.client);
  t.plane.deps.bus.on('ec2.instance.running', (e) => running.push(e));
  t.plane.deps.bus.on('ec2.instance.terminated', (e) => terminated.push(e.instanceId));
});
afterAll(async () => {
  ec2.destroy();
  await t.plane.stop();
});

describe('EC2 over the wire', () => {
  it('has a default VPC with a subnet per zone and a default security group', async () => {
    const vpcs = await ec2.send(new DescribeVpcsCommand({}));
    expect(vpcs.Vpcs).toHaveLength(1);
    expect(vpcs.Vpcs?.[0]).toMatchObject({ IsDefault: true, CidrBlock: '172.31.0.0/16', State: 'available' });
    const subnets = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcs.Vpcs?.[0]?.VpcId ?? ''] }] }),
    );
    expect(subnets.Subnets?.map((s) => s.AvailabilityZone).sort()).toEqual([
      'us-east-1a',
      'us-east-1b',
      'us-east-1c',
    ]);
    const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    expect(zones.AvailabilityZones?.map((z) => z.ZoneName)).toEqual([
      'us-east-1a',
      'us-east-1b',
      'us-east-1c',
    ]);
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }));
    expect(groups.SecurityGroups?.[0]?.IpPermissionsEgress?.[0]?.IpRanges?.[0]?.CidrIp).toBe('0.0.0.0/0');
  });

  it('runs instances that boot to running on their own loopback address and announces them', async () => {
    const userData = Buffer.from('#!/bin/bash\necho ECS_CLUSTER=default >> /etc/ecs/ecs.config\n').toString(
      'base64',
    );
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: ECS_OPTIMIZED_AMI.imageId,
        InstanceType: 't2.micro',
        MinCount: 2,
        MaxCount: 2,
        UserData: userData,
        IamInstanceProfile: { Name: 'ecsInstanceRole' },
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }],
      }),
    );
    expect(run.Instances).toHaveLength(2);
    expect(run.Instances?.[0]?.State).toEqual({ Code: 0, Name: 'pending' });
    const ids = (run.Instances ?? []).map((i) => i.InstanceId ?? '');
    const described = await waitFor(async () => {
      const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
      const all = out.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
      return all.every((i) => i.State?.Name === 'running') ? all : undefined;
    });
    const addresses = described.map((i) => i.PublicIpAddress);
    expect(new Set(addresses).size).toBe(2);
    for (const i of described) {
      expect(i.PublicIpAddress).toMatch(/^127\.1\.\d+\.\d+$/);
      expect(i.PrivateIpAddress).toBe(i.PublicIpAddress);
      expect(i.PublicDnsName).toBe(i.PublicIpAddress);
      expect(i.Tags).toEqual([{ Key: 'Name', Value: 'web' }]);
      expect(i.IamInstanceProfile?.Arn).toMatch(/:instance-profile\/ecsInstanceRole$/);
      expect(i.LaunchTime).toBeInstanceOf(Date);
    }
    await waitFor(async () => ids.every((id) => running.some((e) => e.instanceId === id)));
    const event = running.find((e) => e.instanceId === ids[0]);
    expect(event).toMatchObject({
      instanceType: 't2.micro',
      userData,
      vcpus: 1,
      memoryMiB: 1024,
      region: 'us-east-1',
    });

    const byTag = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:Name', Values: ['we*'] },
          { Name: 'instance-state-name', Values: ['running'] },
        ],
      }),
    );
    expect(
      byTag.Reservations?.flatMap((r) => r.Instances ?? [])
        .map((i) => i.InstanceId)
        .sort(),
    ).toEqual([...ids].sort());

    const term = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [ids[0] ?? ''] }));
    expect(term.TerminatingInstances?.[0]).toMatchObject({
      PreviousState: { Name: 'running', Code: 16 },
      CurrentState: { Name: 'shutting-down', Code: 32 },
    });
    await waitFor(async () => terminated.includes(ids[0] ?? ''));
    const after = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [ids[0] ?? ''] }));
    expect(after.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('terminated');
  });

  it('answers errors with EC2 codes', async () => {
    expect(
      await errorOf(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] }))),
    ).toMatchObject({ name: 'InvalidInstanceID.NotFound', status: 400 });
    expect(await errorOf(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-12345678'] })))).toMatchObject({
      name: 'InvalidVpcID.NotFound',
    });
    expect(
      await errorOf(
        ec2.send(
          new RunInstancesCommand({
            ImageId: ECS_OPTIMIZED_AMI.imageId,
            InstanceType: 'x9.huge' as _InstanceType,
            MinCount: 1,
            MaxCount: 1,
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterValue' });
    expect(
      await errorOf(
        ec2.send(
          new RunInstancesCommand({
            ImageId: ECS_OPTIMIZED_AMI.imageId,
            MinCount: 1,
            MaxCount: 1,
            KeyName: 'nope',
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidKeyPair.NotFound' });
    expect(
      await errorOf(ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'bogus', Values: ['x'] }] }))),
    ).toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('builds a VPC like the wizard template and refuses to delete it while it has dependencies', async () => {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId ?? '';
    const subnet = (
      await ec2.send(
        new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-east-1b' }),
      )
    ).Subnet;
    expect(subnet).toMatchObject({ VpcId: vpc, AvailabilityZone: 'us-east-1b', CidrBlock: '10.0.0.0/24' });
    expect(
      await errorOf(ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.0.128/25' }))),
    ).toMatchObject({ name: 'InvalidSubnet.Conflict' });
    const igw =
      (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway?.InternetGatewayId ?? '';
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
    const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable?.RouteTableId ?? '';
    await ec2.send(
      new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }),
    );
    const assoc = await ec2.send(
      new AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: subnet?.SubnetId }),
    );
    expect(assoc.AssociationId).toMatch(/^rtbassoc-/);
    const sg = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: 'ecs', Description: 'ECS Allowed Ports', VpcId: vpc }),
      )
    ).GroupId;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: sg,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    expect(
      await errorOf(
        ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: sg,
            IpPermissions: [
              { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
            ],
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidPermission.Duplicate' });
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sg ?? ''] }));
    expect(groups.SecurityGroups?.[0]?.IpPermissions?.[0]).toMatchObject({
      FromPort: 80,
      ToPort: 80,
      IpProtocol: 'tcp',
    });

    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: ECS_OPTIMIZED_AMI.imageId,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't2.small',
        SubnetId: subnet?.SubnetId,
        SecurityGroupIds: [sg ?? ''],
      }),
    );
    const instance = run.Instances?.[0];
    expect(instance).toMatchObject({
      VpcId: vpc,
      SubnetId: subnet?.SubnetId,
      Placement: { AvailabilityZone: 'us-east-1b' },
    });
    expect(await errorOf(ec2.send(new DeleteVpcCommand({ VpcId: vpc })))).toMatchObject({
      name: 'DependencyViolation',
    });
    expect(await errorOf(ec2.send(new DeleteSubnetCommand({ SubnetId: subnet?.SubnetId })))).toMatchObject({
      name: 'DependencyViolation',
    });
    expect(await errorOf(ec2.send(new DeleteSecurityGroupCommand({ GroupId: sg })))).toMatchObject({
      name: 'DependencyViolation',
    });
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance?.InstanceId ?? ''] }));
  });

  it('manages key pairs, launch templates, tags and images', async () => {
    const key = await ec2.send(new CreateKeyPairCommand({ KeyName: 'ops' }));
    expect(key.KeyMaterial).toContain('BEGIN RSA PRIVATE KEY');
    expect(key.KeyFingerprint).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    expect(await errorOf(ec2.send(new CreateKeyPairCommand({ KeyName: 'ops' })))).toMatchObject({
      name: 'InvalidKeyPair.Duplicate',
    });
    expect((await ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs?.map((k) => k.KeyName)).toEqual([
      'ops',
    ]);
    await ec2.send(new DeleteKeyPairCommand({ KeyName: 'ops' }));
    expect(await errorOf(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['ops'] })))).toMatchObject({
      name: 'InvalidKeyPair.NotFound',
    });
    // A key that is not an OpenSSH public key: AWS's InvalidKey.Format, nothing stored.
    expect(
      await errorOf(
        ec2.send(
          new ImportKeyPairCommand({
            KeyName: 'bad',
            PublicKeyMaterial: new TextEncoder().encode('not a key'),
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidKey.Format', message: 'Key is not in valid OpenSSH public key format' });
    expect(await errorOf(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['bad'] })))).toMatchObject({
      name: 'InvalidKeyPair.NotFound',
    });

    const lt = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'ecs-lt',
        LaunchTemplateData: { ImageId: ECS_OPTIMIZED_AMI.imageId, InstanceType: 't3.small' },
      }),
    );
    expect(lt.LaunchTemplate).toMatchObject({
      LaunchTemplateName: 'ecs-lt',
      DefaultVersionNumber: 1,
      LatestVersionNumber: 1,
    });
    const fromTemplate = await ec2.send(
      new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateName: 'ecs-lt' }, MinCount: 1, MaxCount: 1 }),
    );
    expect(fromTemplate.Instances?.[0]?.InstanceType).toBe('t3.small');
    expect((await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toHaveLength(1);
    const v2 = await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateName: 'ecs-lt',
        SourceVersion: '1',
        LaunchTemplateData: { InstanceType: 'm5.large' },
      }),
    );
    expect(v2.LaunchTemplateVersion).toMatchObject({ VersionNumber: 2, DefaultVersion: false });
    const modified = await ec2.send(
      new ModifyLaunchTemplateCommand({ LaunchTemplateName: 'ecs-lt', DefaultVersion: '2' }),
    );
    expect(modified.LaunchTemplate).toMatchObject({ DefaultVersionNumber: 2, LatestVersionNumber: 2 });
    const versions = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'ecs-lt' }),
    );
    expect(versions.LaunchTemplateVersions?.map((v) => v.LaunchTemplateData?.InstanceType)).toEqual([
      't3.small',
      'm5.large',
    ]);
    expect(versions.LaunchTemplateVersions?.[1]?.LaunchTemplateData?.ImageId).toBe(ECS_OPTIMIZED_AMI.imageId);

    const id = fromTemplate.Instances?.[0]?.InstanceId ?? '';
    await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'team', Value: 'blue' }] }));
    const tags = await ec2.send(
      new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [id] }] }),
    );
    expect(tags.Tags).toEqual([{ ResourceId: id, ResourceType: 'instance', Key: 'team', Value: 'blue' }]);

    const images = await ec2.send(
      new DescribeImagesCommand({
        Owners: ['amazon'],
        Filters: [{ Name: 'name', Values: ['amzn2-ami-ecs-hvm-*'] }],
      }),
    );
    expect(images.Images?.[0]?.ImageId).toBe(ECS_OPTIMIZED_AMI.imageId);

    const types = await ec2.send(
      new DescribeInstanceTypesCommand({ InstanceTypes: ['t2.micro', 'm4.large'] }),
    );
    expect(
      types.InstanceTypes?.map((x) => [x.InstanceType, x.VCpuInfo?.DefaultVCpus, x.MemoryInfo?.SizeInMiB]),
    ).toEqual([
      ['t2.micro', 1, 1024],
      ['m4.large', 2, 8192],
    ]);
  });
});
