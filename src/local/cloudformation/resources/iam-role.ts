/** AWS::IAM::Role: the role, its managed policies (attached) and inline Policies. */
import { prop, type Props, type ResourceContext, type ResourceProvider } from './types';

const json = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);

interface Role {
  Arn: string;
  RoleId: string;
  RoleName: string;
}

function inline(props: Props) {
  return prop
    .objList(props, 'Policies')
    .map((p) => ({ name: prop.required(p, 'PolicyName'), document: json(p.PolicyDocument) }));
}

async function applyPolicies(
  ctx: ResourceContext,
  name: string,
  props: Props,
  previous: Props,
): Promise<void> {
  const managed = prop.strList(props, 'ManagedPolicyArns');
  const managedBefore = prop.strList(previous, 'ManagedPolicyArns');
  for (const arn of managedBefore.filter((a) => !managed.includes(a))) {
    await ctx.callIgnoring('iam', 'DetachRolePolicy', { RoleName: name, PolicyArn: arn }, ['NoSuchEntity']);
  }
  for (const arn of managed.filter((a) => !managedBefore.includes(a))) {
    await ctx.call('iam', 'AttachRolePolicy', { RoleName: name, PolicyArn: arn });
  }
  const policies = inline(props);
  for (const old of inline(previous).filter((o) => !policies.some((p) => p.name === o.name))) {
    await ctx.callIgnoring('iam', 'DeleteRolePolicy', { RoleName: name, PolicyName: old.name }, [
      'NoSuchEntity',
    ]);
  }
  for (const p of policies) {
    await ctx.call('iam', 'PutRolePolicy', {
      RoleName: name,
      PolicyName: p.name,
      PolicyDocument: p.document,
    });
  }
}

async function getRole(ctx: ResourceContext, name: string): Promise<Role | undefined> {
  const out = await ctx.callIgnoring<{ Role: Role }>('iam', 'GetRole', { RoleName: name }, ['NoSuchEntity']);
  return out?.Role;
}

const attributesOf = (r: Role) => ({ Arn: r.Arn, RoleId: r.RoleId });

export const role: ResourceProvider = {
  type: 'AWS::IAM::Role',
  attributes: ['Arn', 'RoleId'],
  nameProperty: 'RoleName',
  generatedNameLength: 64,
  createOnly: ['Path'],
  async create(ctx, props) {
    const name = prop.str(props, 'RoleName') ?? ctx.generatedName;
    const out = await ctx.call<{ Role: Role }>('iam', 'CreateRole', {
      RoleName: name,
      Path: prop.str(props, 'Path'),
      AssumeRolePolicyDocument: json(props.AssumeRolePolicyDocument),
      Description: prop.str(props, 'Description'),
      MaxSessionDuration: prop.str(props, 'MaxSessionDuration'),
      Tags: prop
        .objList(props, 'Tags')
        .map((t) => ({ Key: prop.str(t, 'Key'), Value: prop.str(t, 'Value') })),
    });
    ctx.created(name);
    await applyPolicies(ctx, name, props, {});
    return { physicalId: name, attributes: attributesOf(out.Role) };
  },
  async update(ctx, name, props, previous) {
    if (json(props.AssumeRolePolicyDocument) !== json(previous.AssumeRolePolicyDocument)) {
      await ctx.call('iam', 'UpdateAssumeRolePolicy', {
        RoleName: name,
        PolicyDocument: json(props.AssumeRolePolicyDocument),
      });
    }
    await applyPolicies(ctx, name, props, previous);
  },
  async find(ctx, name) {
    const r = await getRole(ctx, name);
    return r ? { physicalId: name, attributes: attributesOf(r) } : undefined;
  },
  async delete(ctx, name, props) {
    if (!(await getRole(ctx, name))) return;
    for (const arn of prop.strList(props, 'ManagedPolicyArns')) {
      await ctx.callIgnoring('iam', 'DetachRolePolicy', { RoleName: name, PolicyArn: arn }, ['NoSuchEntity']);
    }
    for (const p of inline(props)) {
      await ctx.callIgnoring('iam', 'DeleteRolePolicy', { RoleName: name, PolicyName: p.name }, [
        'NoSuchEntity',
      ]);
    }
    await ctx.callIgnoring('iam', 'DeleteRole', { RoleName: name }, ['NoSuchEntity']);
  },
};
