/** AWS::EC2::LaunchTemplate */
import {
  ResourceFailure,
  tagList,
  prop,
  type Props,
  type ResourceContext,
  type ResourceProvider,
} from './types';

/** The template's LaunchTemplateData (CloudFormation names) -> the query API's LaunchTemplateData. */
export function launchTemplateData(data: Props) {
  const profile = prop.obj(data, 'IamInstanceProfile');
  return {
    ImageId: prop.str(data, 'ImageId'),
    InstanceType: prop.str(data, 'InstanceType'),
    KeyName: prop.str(data, 'KeyName'),
    UserData: prop.str(data, 'UserData'),
    SecurityGroupId: prop.strList(data, 'SecurityGroupIds'),
    SecurityGroup: prop.strList(data, 'SecurityGroups'),
    IamInstanceProfile: profile
      ? { Arn: prop.str(profile, 'Arn'), Name: prop.str(profile, 'Name') }
      : undefined,
    TagSpecification: prop.objList(data, 'TagSpecifications').map((s) => ({
      ResourceType: prop.str(s, 'ResourceType'),
      Tag: prop.objList(s, 'Tags').map((t) => ({ Key: prop.str(t, 'Key'), Value: prop.str(t, 'Value') })),
    })),
  };
}

async function describe(ctx: ResourceContext, id: string) {
  const out = await ctx.call<{
    launchTemplates?: {
      launchTemplateId: string;
      latestVersionNumber: number;
      defaultVersionNumber: number;
    }[];
  }>('ec2', 'DescribeLaunchTemplates', { LaunchTemplateId: [id] });
  const t = out.launchTemplates?.[0];
  return {
    LaunchTemplateId: id,
    LatestVersionNumber: String(t?.latestVersionNumber ?? 1),
    DefaultVersionNumber: String(t?.defaultVersionNumber ?? 1),
  };
}

export const launchTemplate: ResourceProvider = {
  type: 'AWS::EC2::LaunchTemplate',
  attributes: ['LaunchTemplateId', 'LatestVersionNumber', 'DefaultVersionNumber'],
  nameProperty: 'LaunchTemplateName',
  generatedNameLength: 128,
  async create(ctx, props) {
    const data = prop.obj(props, 'LaunchTemplateData');
    if (!data) throw new ResourceFailure('Property LaunchTemplateData cannot be empty.');
    const tags = tagList({}, ctx);
    const out = await ctx.call<{ launchTemplate: { launchTemplateId: string } }>(
      'ec2',
      'CreateLaunchTemplate',
      {
        LaunchTemplateName: prop.str(props, 'LaunchTemplateName') ?? ctx.generatedName,
        VersionDescription: prop.str(props, 'VersionDescription'),
        LaunchTemplateData: launchTemplateData(data),
        TagSpecification: tags.length ? [{ ResourceType: 'launch-template', Tag: tags }] : undefined,
      },
    );
    const id = out.launchTemplate.launchTemplateId;
    ctx.created(id);
    return { physicalId: id, attributes: await describe(ctx, id) };
  },
  /** A changed LaunchTemplateData becomes a new version, made the default (as CloudFormation does). */
  async update(ctx, id, props) {
    const data = prop.obj(props, 'LaunchTemplateData') ?? {};
    const out = await ctx.call<{ launchTemplateVersion: { versionNumber: number } }>(
      'ec2',
      'CreateLaunchTemplateVersion',
      {
        LaunchTemplateId: id,
        VersionDescription: prop.str(props, 'VersionDescription'),
        LaunchTemplateData: launchTemplateData(data),
      },
    );
    await ctx.call('ec2', 'ModifyLaunchTemplate', {
      LaunchTemplateId: id,
      DefaultVersion: String(out.launchTemplateVersion.versionNumber),
    });
    return describe(ctx, id);
  },
  async find(ctx, name) {
    const out = await ctx.callIgnoring<{ launchTemplates?: { launchTemplateId: string }[] }>(
      'ec2',
      'DescribeLaunchTemplates',
      { LaunchTemplateName: [name] },
      ['InvalidLaunchTemplateName.NotFoundException'],
    );
    const t = out?.launchTemplates?.[0];
    return t
      ? { physicalId: t.launchTemplateId, attributes: await describe(ctx, t.launchTemplateId) }
      : undefined;
  },
  async delete(ctx, id) {
    await ctx.callIgnoring('ec2', 'DeleteLaunchTemplate', { LaunchTemplateId: id }, [
      'InvalidLaunchTemplateId.NotFound',
      'InvalidLaunchTemplateId.Malformed',
    ]);
  },
};
