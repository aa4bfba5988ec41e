import {
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DetachNetworkInterfaceCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestPlane, waitFor, type TestPlane } from '../../testing/plane';
import { ECS_OPTIMIZED_AMI } from './catalog';
import { PUBLIC_IP_TAG } from './network-interfaces';

let t: TestPlane;
let ec2: EC2Client;
let subnetA: { SubnetId: string; AvailabilityZone: string; VpcId: string };
let defaultGroup: string;

beforeAll(async () => {
  t = await startTestPlane();
  ec2 = new EC2Client(t.client);
  const subnets = await ec2.send(new DescribeSubnetsCommand({}));
  const first = subnets.Subnets?.[0];
  subnetA = {
    SubnetId: first?.SubnetId ?? '',
    AvailabilityZone: first?.AvailabilityZone ?? '',
    VpcId: first?.VpcId ?? '',
  };
  const groups = await ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }),
  );
  defaultGroup = groups.SecurityGroups?.[0]?.GroupId ?? '';
});
afterAll(async () => {
  ec2.destroy();
  await t.plane.stop();
});

describe('EC2 network interfaces', () => {
  it('creates an interface with its own address, the default group, and a public IP when tagged', async () => {
    const created = await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: subnetA.SubnetId,
        Description: 'arn:aws:ecs:us-east-1:000000000000:attachment/0f6c1a4e-1111-2222-3333-444455556666',
        TagSpecifications: [
          { ResourceType: 'network-interface', Tags: [{ Key: PUBLIC_IP_TAG, Value: 'true' }] },
        ],
      }),
    );
    const eni = created.NetworkInterface;
    expect(eni).toMatchObject({
      SubnetId: subnetA.SubnetId,
      VpcId: subnetA.VpcId,
      AvailabilityZone: subnetA.AvailabilityZone,
      Status: 'available',
      RequesterManaged: true,
      InterfaceType: 'interface',
      Groups: [{ GroupId: defaultGroup, GroupName: 'default' }],
    });
    expect(eni?.PrivateIpAddress).toMatch(/^127\.4\.\d+\.\d+$/);
    expect(eni?.Association?.PublicIp).toBe(eni?.PrivateIpAddress);
    expect(eni?.MacAddress).toMatch(/^0e(:[0-9a-f]{2}){5}$/);

    const plain = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetA.SubnetId }));
    expect(plain.NetworkInterface?.Association).toBeUndefined();
    expect(plain.NetworkInterface?.RequesterManaged).toBe(false);
    expect(plain.NetworkInterface?.PrivateIpAddress).not.toBe(eni?.PrivateIpAddress);

    const listed = await ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [{ Name: 'requester-managed', Values: ['true'] }],
      }),
    );
    expect(listed.NetworkInterfaces?.map((n) => n.NetworkInterfaceId)).toEqual([eni?.NetworkInterfaceId]);
    const byAddress = await ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [
          { Name: 'addresses.private-ip-address', Values: [plain.NetworkInterface?.PrivateIpAddress ?? ''] },
        ],
      }),
    );
    expect(byAddress.NetworkInterfaces).toHaveLength(1);

    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni?.NetworkInterfaceId }));
    await ec2.send(
      new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: plain.NetworkInterface?.NetworkInterfaceId }),
    );
    expect(
      await errorOf(
        ec2.send(
          new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni?.NetworkInterfaceId ?? ''] }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidNetworkInterfaceID.NotFound', status: 400 });
  });

  it('is idempotent with a client token', async () => {
    const a = await ec2.send(
      new CreateNetworkInterfaceCommand({ SubnetId: subnetA.SubnetId, ClientToken: 'tok-1' }),
    );
    const b = await ec2.send(
      new CreateNetworkInterfaceCommand({ SubnetId: subnetA.SubnetId, ClientToken: 'tok-1' }),
    );
    expect(b.NetworkInterface?.NetworkInterfaceId).toBe(a.NetworkInterface?.NetworkInterfaceId);
    await ec2.send(
      new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: a.NetworkInterface?.NetworkInterfaceId }),
    );
  });

  it('refuses bad input without creating anything', async () => {
    const before = await ec2.send(new DescribeNetworkInterfacesCommand({}));
    expect(
      await errorOf(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: 'subnet-0000000000000000' }))),
    ).toMatchObject({ name: 'InvalidSubnetID.NotFound', status: 400 });
    expect(
      await errorOf(
        ec2.send(
          new CreateNetworkInterfaceCommand({ SubnetId: subnetA.SubnetId, Groups: ['sg-00000000000000000'] }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidGroup.NotFound', status: 400 });
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    const other = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'other', Description: 'x', VpcId: vpc.Vpc?.VpcId }),
    );
    expect(
      await errorOf(
        ec2.send(
          new CreateNetworkInterfaceCommand({ SubnetId: subnetA.SubnetId, Groups: [other.GroupId ?? ''] }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
    expect(await errorOf(ec2.send(new CreateNetworkInterfaceCommand({} as never)))).toMatchObject({
      name: 'MissingParameter',
      status: 400,
    });
    const after = await ec2.send(new DescribeNetworkInterfacesCommand({}));
    expect(after.NetworkInterfaces).toHaveLength(before.NetworkInterfaces?.length ?? 0);
  });

  it('attaches to a running instance, blocks deletes while in use, detaches when the instance terminates', async () => {
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: ECS_OPTIMIZED_AMI.imageId,
        InstanceType: 't2.micro',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnetA.SubnetId,
      }),
    );
    const instanceId = run.Instances?.[0]?.InstanceId ?? '';
    await waitFor(async () => {
      const d = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
      return d.Reservations?.[0]?.Instances?.[0]?.State?.Name === 'running';
    });
    const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetA.SubnetId })))
      .NetworkInterface;
    const id = eni?.NetworkInterfaceId ?? '';
    expect(
      await errorOf(
        ec2.send(
          new AttachNetworkInterfaceCommand({
            NetworkInterfaceId: id,
            InstanceId: instanceId,
            DeviceIndex: 0,
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
    const attached = await ec2.send(
      new AttachNetworkInterfaceCommand({ NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 }),
    );
    expect(attached.AttachmentId).toMatch(/^eni-attach-/);
    const inUse = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }));
    expect(inUse.NetworkInterfaces?.[0]).toMatchObject({
      Status: 'in-use',
      Attachment: { InstanceId: instanceId, DeviceIndex: 1, Status: 'attached' },
    });
    expect(
      await errorOf(ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }))),
    ).toMatchObject({
      name: 'InvalidNetworkInterface.InUse',
    });
    expect(await errorOf(ec2.send(new DeleteSubnetCommand({ SubnetId: subnetA.SubnetId })))).toMatchObject({
      name: 'DependencyViolation',
    });
    expect(await errorOf(ec2.send(new DeleteSecurityGroupCommand({ GroupId: defaultGroup })))).toMatchObject({
      status: 400,
    });
    await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attached.AttachmentId }));
    await ec2.send(
      new AttachNetworkInterfaceCommand({ NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 }),
    );
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    await waitFor(async () => {
      const d = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }));
      return d.NetworkInterfaces?.[0]?.Status === 'available';
    });
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }));
    expect(
      await errorOf(
        ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: 'eni-attach-00000000000000000' })),
      ),
    ).toMatchObject({ name: 'InvalidAttachmentID.NotFound' });
  });

  it('pages with MaxResults and NextToken', async () => {
    const subnet = await ec2.send(
      new CreateSubnetCommand({
        VpcId: subnetA.VpcId,
        CidrBlock: '172.31.200.0/24',
        AvailabilityZone: subnetA.AvailabilityZone,
      }),
    );
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const e = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.Subnet?.SubnetId }));
      ids.push(e.NetworkInterface?.NetworkInterfaceId ?? '');
    }
    const filters = [{ Name: 'subnet-id', Values: [subnet.Subnet?.SubnetId ?? ''] }];
    const first = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: filters, MaxResults: 5 }));
    expect(first.NetworkInterfaces).toHaveLength(5);
    const second = await ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: filters, MaxResults: 5, NextToken: first.NextToken }),
    );
    expect(second.NextToken).toBeUndefined();
    expect(
      [...(first.NetworkInterfaces ?? []), ...(second.NetworkInterfaces ?? [])].map(
        (n) => n.NetworkInterfaceId,
      ),
    ).toEqual(ids);
    expect(await errorOf(ec2.send(new DescribeNetworkInterfacesCommand({ MaxResults: 2 })))).toMatchObject({
      name: 'InvalidParameterValue',
      status: 400,
    });
    for (const id of ids) await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }));
  });
});
