/** AWS::EC2::SecurityGroup and AWS::EC2::SecurityGroupIngress */
import { deleteWhenUnused, NOT_FOUND, ipPermission, retag, tagSpecification } from './ec2-common';
import { prop, type Props, type ResourceContext, type ResourceProvider } from './types';

async function authorize(
  ctx: ResourceContext,
  groupId: string,
  rules: Props[],
  direction: 'Ingress' | 'Egress',
  revoke = false,
) {
  if (!rules.length) return;
  const action = `${revoke ? 'Revoke' : 'Authorize'}SecurityGroup${direction}`;
  await ctx.call('ec2', action, { GroupId: groupId, IpPermissions: rules.map(ipPermission) });
}

const sameRule = (a: Props, b: Props) => JSON.stringify(ipPermission(a)) === JSON.stringify(ipPermission(b));

export const securityGroup: ResourceProvider = {
  type: 'AWS::EC2::SecurityGroup',
  attributes: ['GroupId', 'VpcId'],
  nameProperty: 'GroupName',
  generatedNameLength: 255,
  createOnly: ['GroupDescription', 'VpcId'],
  async create(ctx, props) {
    const out = await ctx.call<{ GroupId: string }>('ec2', 'CreateSecurityGroup', {
      GroupName: prop.str(props, 'GroupName') ?? ctx.generatedName,
      Description: prop.required(props, 'GroupDescription'),
      VpcId: prop.str(props, 'VpcId'),
      TagSpecifications: tagSpecification('security-group', props, ctx),
    });
    ctx.created(out.GroupId);
    await authorize(ctx, out.GroupId, prop.objList(props, 'SecurityGroupIngress'), 'Ingress');
    await authorize(ctx, out.GroupId, prop.objList(props, 'SecurityGroupEgress'), 'Egress');
    return {
      physicalId: out.GroupId,
      attributes: { GroupId: out.GroupId, VpcId: prop.str(props, 'VpcId') ?? null },
    };
  },
  async update(ctx, id, props, previous) {
    for (const direction of ['Ingress', 'Egress'] as const) {
      const key = `SecurityGroup${direction}`;
      const now = prop.objList(props, key);
      const before = prop.objList(previous, key);
      await authorize(
        ctx,
        id,
        before.filter((r) => !now.some((n) => sameRule(n, r))),
        direction,
        true,
      );
      await authorize(
        ctx,
        id,
        now.filter((r) => !before.some((b) => sameRule(b, r))),
        direction,
      );
    }
    await retag(ctx, id, props, previous);
  },
  async find(ctx, name) {
    const out = await ctx.call<{ SecurityGroups?: { GroupId: string; VpcId?: string }[] }>(
      'ec2',
      'DescribeSecurityGroups',
      { Filters: [{ Name: 'group-name', Values: [name] }] },
    );
    const g = out.SecurityGroups?.[0];
    return g
      ? { physicalId: g.GroupId, attributes: { GroupId: g.GroupId, VpcId: g.VpcId ?? null } }
      : undefined;
  },
  async delete(ctx, id) {
    // Instances that use the group may still be terminating: AWS retries DependencyViolation too.
    await deleteWhenUnused(
      ctx,
      `security group ${id}`,
      'DeleteSecurityGroup',
      { GroupId: id },
      NOT_FOUND.sg,
      120_000,
    );
  },
};

export const securityGroupIngress: ResourceProvider = {
  type: 'AWS::EC2::SecurityGroupIngress',
  attributes: ['Id'],
  generatedNameLength: 64,
  async create(ctx, props) {
    await authorize(ctx, prop.required(props, 'GroupId'), [props], 'Ingress');
    return { physicalId: ctx.generatedName, attributes: { Id: ctx.generatedName } };
  },
  async delete(ctx, _id, props) {
    await ctx.callIgnoring(
      'ec2',
      'RevokeSecurityGroupIngress',
      { GroupId: prop.str(props, 'GroupId'), IpPermissions: [ipPermission(props)] },
      [...NOT_FOUND.sg, 'InvalidPermission.NotFound'],
    );
  },
};
