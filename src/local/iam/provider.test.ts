import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf as sdkError, startTestPlane, type TestPlane } from '../../testing/plane';

let t: TestPlane;
let iam: IAMClient;

beforeAll(async () => {
  t = await startTestPlane();
  iam = new IAMClient(t.client);
});
afterAll(async () => {
  iam.destroy();
  await t.plane.stop();
});

/** Name and HTTP status only: the assertions below compare exactly these. */
async function errorOf(p: Promise<unknown>): Promise<{ name: string; status?: number }> {
  const { name, status } = await sdkError(p);
  return { name, status };
}

const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

describe('IAM over the wire', () => {
  it('offers the wizard its default roles and instance profile', async () => {
    const roles = await iam.send(new ListRolesCommand({}));
    expect(roles.Roles?.map((r) => r.RoleName)).toEqual([
      'ecsInstanceRole',
      'ecsServiceRole',
      'ecsTaskExecutionRole',
    ]);
    const role = await iam.send(new GetRoleCommand({ RoleName: 'ecsInstanceRole' }));
    expect(role.Role?.Arn).toBe('arn:aws:iam::000000000000:role/ecsInstanceRole');
    expect(JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? ''))).toMatchObject({
      Statement: [{ Principal: { Service: 'ec2.amazonaws.com' } }],
    });
    const profiles = await iam.send(new ListInstanceProfilesCommand({}));
    expect(profiles.InstanceProfiles?.[0]).toMatchObject({
      InstanceProfileName: 'ecsInstanceRole',
      Arn: 'arn:aws:iam::000000000000:instance-profile/ecsInstanceRole',
      Roles: [{ RoleName: 'ecsInstanceRole' }],
    });
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'ecsServiceRole' }));
    expect(attached.AttachedPolicies).toEqual([
      {
        PolicyName: 'AmazonEC2ContainerServiceRole',
        PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole',
      },
    ]);
  });

  it('creates, links and deletes roles, profiles and policies in the order IAM requires', async () => {
    const created = await iam.send(
      new CreateRoleCommand({ RoleName: 'stack-EcsInstanceRole', AssumeRolePolicyDocument: trust }),
    );
    expect(created.Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'stack-EcsInstanceRole',
        PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role',
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'stack-EcsInstanceRole',
        PolicyName: 'ecs-service',
        PolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'ecs:*', Resource: '*' }] }),
      }),
    );
    const inline = await iam.send(
      new GetRolePolicyCommand({ RoleName: 'stack-EcsInstanceRole', PolicyName: 'ecs-service' }),
    );
    expect(JSON.parse(decodeURIComponent(inline.PolicyDocument ?? ''))).toMatchObject({
      Statement: [{ Action: 'ecs:*' }],
    });
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'stack-EcsInstanceProfile' }));
    await iam.send(
      new AddRoleToInstanceProfileCommand({
        InstanceProfileName: 'stack-EcsInstanceProfile',
        RoleName: 'stack-EcsInstanceRole',
      }),
    );
    const profile = await iam.send(
      new GetInstanceProfileCommand({ InstanceProfileName: 'stack-EcsInstanceProfile' }),
    );
    expect(profile.InstanceProfile?.Roles?.[0]?.RoleName).toBe('stack-EcsInstanceRole');

    expect(await errorOf(iam.send(new DeleteRoleCommand({ RoleName: 'stack-EcsInstanceRole' })))).toEqual({
      name: 'DeleteConflictException',
      status: 409,
    });
    expect(
      await errorOf(
        iam.send(
          new AddRoleToInstanceProfileCommand({
            InstanceProfileName: 'stack-EcsInstanceProfile',
            RoleName: 'ecsServiceRole',
          }),
        ),
      ),
    ).toMatchObject({ name: 'LimitExceededException' });

    const policy = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'stack-logs',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }],
        }),
      }),
    );
    expect(policy.Policy?.Arn).toBe('arn:aws:iam::000000000000:policy/stack-logs');
    await iam.send(
      new AttachRolePolicyCommand({ RoleName: 'stack-EcsInstanceRole', PolicyArn: policy.Policy?.Arn }),
    );
    expect(await errorOf(iam.send(new DeletePolicyCommand({ PolicyArn: policy.Policy?.Arn })))).toMatchObject(
      {
        name: 'DeleteConflictException',
      },
    );

    await iam.send(
      new RemoveRoleFromInstanceProfileCommand({
        InstanceProfileName: 'stack-EcsInstanceProfile',
        RoleName: 'stack-EcsInstanceRole',
      }),
    );
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'stack-EcsInstanceProfile' }));
    await iam.send(
      new DeleteRolePolicyCommand({ RoleName: 'stack-EcsInstanceRole', PolicyName: 'ecs-service' }),
    );
    for (const arn of [
      'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role',
      policy.Policy?.Arn ?? '',
    ]) {
      await iam.send(new DetachRolePolicyCommand({ RoleName: 'stack-EcsInstanceRole', PolicyArn: arn }));
    }
    await iam.send(new DeletePolicyCommand({ PolicyArn: policy.Policy?.Arn }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'stack-EcsInstanceRole' }));
    expect(await errorOf(iam.send(new GetRoleCommand({ RoleName: 'stack-EcsInstanceRole' })))).toEqual({
      name: 'NoSuchEntityException',
      status: 404,
    });
  });

  it('rejects bad input with IAM error codes', async () => {
    expect(
      await errorOf(
        iam.send(new CreateRoleCommand({ RoleName: 'ecsInstanceRole', AssumeRolePolicyDocument: trust })),
      ),
    ).toEqual({ name: 'EntityAlreadyExistsException', status: 409 });
    expect(
      await errorOf(
        iam.send(new CreateRoleCommand({ RoleName: 'bad-doc', AssumeRolePolicyDocument: '{not json' })),
      ),
    ).toMatchObject({ name: 'MalformedPolicyDocumentException', status: 400 });
    expect(
      await errorOf(
        iam.send(new CreateRoleCommand({ RoleName: 'bad name!', AssumeRolePolicyDocument: trust })),
      ),
    ).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(
      await errorOf(
        iam.send(
          new AttachRolePolicyCommand({
            RoleName: 'ecsServiceRole',
            PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy',
          }),
        ),
      ),
    ).toMatchObject({ name: 'NoSuchEntityException' });
    expect(
      await errorOf(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'nope' }))),
    ).toMatchObject({
      name: 'NoSuchEntityException',
    });
  });
});
