/** AWS::IAM::InstanceProfile */
import { prop, type ResourceContext, type ResourceProvider } from './types';

interface Profile {
  Arn: string;
  InstanceProfileName: string;
  Roles?: { RoleName: string }[];
}

async function getProfile(ctx: ResourceContext, name: string): Promise<Profile | undefined> {
  const out = await ctx.callIgnoring<{ InstanceProfile: Profile }>(
    'iam',
    'GetInstanceProfile',
    { InstanceProfileName: name },
    ['NoSuchEntity'],
  );
  return out?.InstanceProfile;
}

export const instanceProfile: ResourceProvider = {
  type: 'AWS::IAM::InstanceProfile',
  attributes: ['Arn'],
  nameProperty: 'InstanceProfileName',
  generatedNameLength: 128,
  createOnly: ['Path'],
  async create(ctx, props) {
    const name = prop.str(props, 'InstanceProfileName') ?? ctx.generatedName;
    const out = await ctx.call<{ InstanceProfile: Profile }>('iam', 'CreateInstanceProfile', {
      InstanceProfileName: name,
      Path: prop.str(props, 'Path'),
    });
    ctx.created(name);
    for (const role of prop.strList(props, 'Roles')) {
      await ctx.call('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: name, RoleName: role });
    }
    return { physicalId: name, attributes: { Arn: out.InstanceProfile.Arn } };
  },
  async update(ctx, name, props, previous) {
    const now = prop.strList(props, 'Roles');
    const before = prop.strList(previous, 'Roles');
    for (const r of before.filter((x) => !now.includes(x))) {
      await ctx.callIgnoring(
        'iam',
        'RemoveRoleFromInstanceProfile',
        { InstanceProfileName: name, RoleName: r },
        ['NoSuchEntity'],
      );
    }
    for (const r of now.filter((x) => !before.includes(x))) {
      await ctx.call('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: name, RoleName: r });
    }
  },
  async find(ctx, name) {
    const p = await getProfile(ctx, name);
    return p ? { physicalId: name, attributes: { Arn: p.Arn } } : undefined;
  },
  async delete(ctx, name) {
    const p = await getProfile(ctx, name);
    if (!p) return;
    for (const r of p.Roles ?? []) {
      await ctx.callIgnoring(
        'iam',
        'RemoveRoleFromInstanceProfile',
        { InstanceProfileName: name, RoleName: r.RoleName },
        ['NoSuchEntity'],
      );
    }
    await ctx.callIgnoring('iam', 'DeleteInstanceProfile', { InstanceProfileName: name }, ['NoSuchEntity']);
  },
};
