/** AWS::AutoScaling::LaunchConfiguration (immutable: every change makes a new one, like AWS). */
import { prop, type ResourceContext, type ResourceProvider } from './types';

async function exists(ctx: ResourceContext, name: string): Promise<boolean> {
  const out = await ctx.call<{ LaunchConfigurations?: unknown[] }>(
    'autoscaling',
    'DescribeLaunchConfigurations',
    {
      LaunchConfigurationNames: [name],
    },
  );
  return (out.LaunchConfigurations ?? []).length > 0;
}

export const launchConfiguration: ResourceProvider = {
  type: 'AWS::AutoScaling::LaunchConfiguration',
  attributes: [],
  nameProperty: 'LaunchConfigurationName',
  generatedNameLength: 255,
  async create(ctx, props) {
    const name = prop.str(props, 'LaunchConfigurationName') ?? ctx.generatedName;
    const publicIp = prop.bool(props, 'AssociatePublicIpAddress');
    await ctx.call('autoscaling', 'CreateLaunchConfiguration', {
      LaunchConfigurationName: name,
      ImageId: prop.required(props, 'ImageId'),
      InstanceType: prop.required(props, 'InstanceType'),
      KeyName: prop.str(props, 'KeyName'),
      SecurityGroups: prop.strList(props, 'SecurityGroups'),
      UserData: prop.str(props, 'UserData'),
      IamInstanceProfile: prop.str(props, 'IamInstanceProfile'),
      AssociatePublicIpAddress: publicIp === undefined ? undefined : String(publicIp),
      SpotPrice: prop.str(props, 'SpotPrice'),
    });
    return { physicalId: name };
  },
  async find(ctx, name) {
    return (await exists(ctx, name)) ? { physicalId: name } : undefined;
  },
  async delete(ctx, name) {
    await ctx.callIgnoring('autoscaling', 'DeleteLaunchConfiguration', { LaunchConfigurationName: name }, [
      'ValidationError',
    ]);
  },
};
