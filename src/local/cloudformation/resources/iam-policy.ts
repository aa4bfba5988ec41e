/** AWS::IAM::Policy: an inline policy put on each of its Roles (Users and Groups are not supported locally). */
import { prop, ResourceFailure, type Props, type ResourceContext, type ResourceProvider } from './types';

async function put(ctx: ResourceContext, props: Props): Promise<void> {
  if (prop.strList(props, 'Users').length || prop.strList(props, 'Groups').length) {
    throw new ResourceFailure(
      'AWS::IAM::Policy with Users or Groups is not supported by the local control plane (Roles only).',
    );
  }
  const doc = props.PolicyDocument;
  for (const role of prop.strList(props, 'Roles')) {
    await ctx.call('iam', 'PutRolePolicy', {
      RoleName: role,
      PolicyName: prop.required(props, 'PolicyName'),
      PolicyDocument: typeof doc === 'string' ? doc : JSON.stringify(doc),
    });
  }
}

async function remove(ctx: ResourceContext, props: Props, keep: string[] = []): Promise<void> {
  for (const role of prop.strList(props, 'Roles').filter((r) => !keep.includes(r))) {
    await ctx.callIgnoring(
      'iam',
      'DeleteRolePolicy',
      { RoleName: role, PolicyName: prop.str(props, 'PolicyName') },
      ['NoSuchEntity'],
    );
  }
}

export const policy: ResourceProvider = {
  type: 'AWS::IAM::Policy',
  attributes: ['Id'],
  generatedNameLength: 32,
  createOnly: ['PolicyName'],
  async create(ctx, props) {
    await put(ctx, props);
    return { physicalId: ctx.generatedName, attributes: { Id: ctx.generatedName } };
  },
  async update(ctx, _id, props, previous) {
    await remove(ctx, previous, prop.strList(props, 'Roles'));
    await put(ctx, props);
  },
  async delete(ctx, _id, props) {
    await remove(ctx, props);
  },
};
