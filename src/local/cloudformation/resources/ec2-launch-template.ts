/** AWS::EC2::LaunchTemplate */
import {
  ResourceFailure,
  tagList,
  prop,
  type Props,
  type ResourceContext,
  type ResourceProvider,
} from './types';

/** The template's LaunchTemplateData (CloudFormation names) -> the API's LaunchTemplateData. */
export function launchTemplateData(data: Props) {
  const profile = prop.obj(data, 'IamInstanceProfile');
  return {
    ImageId: prop.str(data, 'ImageId'),
    InstanceType: prop.str(data, 'InstanceType'),
    KeyName: prop.str(data, 'KeyName'),
    UserData: prop.str(data, 'UserData'),
    SecurityGroupIds: prop.strList(data, 'SecurityGroupIds'),
    SecurityGroups: prop.strList(data, 'SecurityGroups'),
    IamInstanceProfile: profile
      ? { Arn: prop.str(profile, 'Arn'), Name: prop.str(profile, 'Name') }
      : undefined,
    TagSpecifications: prop.objList(data, 'TagSpecifications').map((s) => ({
      ResourceType: prop.str(s, 'ResourceType'),
      Tags: prop.objList(s, 'Tags').map((t) => ({ Key: prop.str(t, 'Key'), Value: prop.str(t, 'Value') })),
    })),
  };
}

async function describe(ctx: ResourceContext, id: string) {
  const out = await ctx.call<{
    LaunchTemplates?: {
      LaunchTemplateId: string;
      LatestVersionNumber: number;
      DefaultVersionNumber: number;
    }[];
  }>('ec2', 'DescribeLaunchTemplates', { LaunchTemplateIds: [id] });
  const t = out.LaunchTemplates?.[0];
  return {
    LaunchTemplateId: id,
    LatestVersionNumber: String(t?.LatestVersionNumber ?? 1),
    DefaultVersionNumber: String(t?.DefaultVersionNumber ?? 1),
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
    const out = await ctx.call<{ LaunchTemplate: { LaunchTemplateId: string } }>(
      'ec2',
      'CreateLaunchTemplate',
      {
        LaunchTemplateName: prop.str(props, 'LaunchTemplateName') ?? ctx.generatedName,
        VersionDescription: prop.str(props, 'VersionDescription'),
        LaunchTemplateData: launchTemplateData(data),
        TagSpecifications: tags.length ? [{ ResourceType: 'launch-template', Tags: tags }] : undefined,
      },
    );
    const id = out.LaunchTemplate.LaunchTemplateId;
    ctx.created(id);
    return { physicalId: id, attributes: await describe(ctx, id) };
  },
  /** A changed LaunchTemplateData becomes a new version, made the default (as CloudFormation does). */
  async update(ctx, id, props) {
    const data = prop.obj(props, 'LaunchTemplateData') ?? {};
    const out = await ctx.call<{ LaunchTemplateVersion: { VersionNumber: number } }>(
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
      DefaultVersion: String(out.LaunchTemplateVersion.VersionNumber),
    });
    return describe(ctx, id);
  },
  async find(ctx, name) {
    const out = await ctx.callIgnoring<{ LaunchTemplates?: { LaunchTemplateId: string }[] }>(
      'ec2',
      'DescribeLaunchTemplates',
      { LaunchTemplateNames: [name] },
      ['InvalidLaunchTemplateName.NotFoundException'],
    );
    const t = out?.LaunchTemplates?.[0];
    return t
      ? { physicalId: t.LaunchTemplateId, attributes: await describe(ctx, t.LaunchTemplateId) }
      : undefined;
  },
  async delete(ctx, id) {
    await ctx.callIgnoring('ec2', 'DeleteLaunchTemplate', { LaunchTemplateId: id }, [
      'InvalidLaunchTemplateId.NotFound',
      'InvalidLaunchTemplateId.Malformed',
    ]);
  },
};
