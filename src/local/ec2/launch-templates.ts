/**
 * CreateLaunchTemplate, CreateLaunchTemplateVersion, ModifyLaunchTemplate, DeleteLaunchTemplate,
 * DescribeLaunchTemplates, DescribeLaunchTemplateVersions.
 */
import type * as ec2 from '@aws-sdk/client-ec2';
import { ec2Id } from '../common/ids';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import { ec2Errors, seconds, type Scope } from './common';
import { instanceTypeInfo } from '../../facts/instance-types';
import type { LaunchTemplateData, LaunchTemplateRecord, LaunchTemplateVersion } from './model';

/** The template and version a `LaunchTemplate` specification names ($Latest, $Default or a number). */
export function resolveLaunchTemplate(
  s: Scope,
  spec: { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string },
): { template: LaunchTemplateRecord; version: LaunchTemplateVersion; data: LaunchTemplateData } {
  const { LaunchTemplateId: id, LaunchTemplateName: name } = spec;
  let template: LaunchTemplateRecord | undefined;
  if (id) template = s.get('lt', id);
  else if (name) {
    template = s.list('lt').find((t) => t.name === name);
    if (!template) {
      throw new AwsError(
        'InvalidLaunchTemplateName.NotFoundException',
        `The specified launch template, with template name ${name}, does not exist.`,
        400,
      );
    }
  } else throw ec2Errors.missing('LaunchTemplateId');
  const wanted = spec.Version ?? '$Default';
  const number =
    wanted === '$Latest'
      ? Math.max(...template.versions.map((v) => v.versionNumber))
      : wanted === '$Default'
        ? template.defaultVersion
        : Number(wanted);
  const version = template.versions.find((v) => v.versionNumber === number);
  if (!version) {
    throw new AwsError(
      'InvalidLaunchTemplateId.VersionNotFound',
      `Could not find launch template version ${wanted} for launch template ${template.id}`,
      400,
    );
  }
  return { template, version, data: version.data };
}

/** The template a LaunchTemplateId/LaunchTemplateName input names. */
const templateNamed = (s: Scope, input: { LaunchTemplateId?: string; LaunchTemplateName?: string }) =>
  resolveLaunchTemplate(s, { ...input, Version: '$Default' }).template;

/**
 * LaunchTemplateData as stored (the query protocol's names, as stored since the first version, so
 * templates written before survive): present, with a known instance type.
 */
function readTemplateData(d: Wire<ec2.RequestLaunchTemplateData> | undefined): LaunchTemplateData {
  if (!d) throw ec2Errors.missing('LaunchTemplateData');
  if (d.InstanceType !== undefined && !instanceTypeInfo(d.InstanceType)) {
    throw ec2Errors.invalid(`The instance type '${d.InstanceType}' does not exist in this region.`);
  }
  const profile = d.IamInstanceProfile ?? {};
  return {
    ImageId: d.ImageId,
    InstanceType: d.InstanceType,
    KeyName: d.KeyName,
    UserData: d.UserData,
    SecurityGroupId: d.SecurityGroupIds ?? [],
    SecurityGroup: d.SecurityGroups ?? [],
    IamInstanceProfile: profile.Arn || profile.Name ? { Arn: profile.Arn, Name: profile.Name } : undefined,
    TagSpecification: (d.TagSpecifications ?? []).map((spec) => ({
      ResourceType: spec.ResourceType,
      Tag: (spec.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value })),
    })),
  };
}

function stripEmpty<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  ) as Partial<T>;
}

function renderTemplate(s: Scope, t: LaunchTemplateRecord): Wire<ec2.LaunchTemplate> {
  return {
    LaunchTemplateId: t.id,
    LaunchTemplateName: t.name,
    CreateTime: seconds(t.createTime),
    CreatedBy: `arn:aws:iam::${s.accountId}:root`,
    DefaultVersionNumber: t.defaultVersion,
    LatestVersionNumber: Math.max(...t.versions.map((v) => v.versionNumber)),
    Tags: s.tagList(t.id),
  };
}

function renderVersion(
  s: Scope,
  template: LaunchTemplateRecord,
  v: LaunchTemplateVersion,
): Wire<ec2.LaunchTemplateVersion> {
  const d = v.data;
  return {
    LaunchTemplateId: template.id,
    LaunchTemplateName: template.name,
    VersionNumber: v.versionNumber,
    VersionDescription: v.description,
    CreateTime: seconds(v.createTime),
    CreatedBy: `arn:aws:iam::${s.accountId}:root`,
    DefaultVersion: v.versionNumber === template.defaultVersion,
    LaunchTemplateData: {
      ImageId: d.ImageId,
      InstanceType: d.InstanceType as ec2._InstanceType | undefined,
      KeyName: d.KeyName,
      UserData: d.UserData,
      SecurityGroupIds: d.SecurityGroupId,
      SecurityGroups: d.SecurityGroup,
      IamInstanceProfile: d.IamInstanceProfile
        ? { Arn: d.IamInstanceProfile.Arn, Name: d.IamInstanceProfile.Name }
        : undefined,
      TagSpecifications: (d.TagSpecification ?? []).map((spec) => ({
        ResourceType: spec.ResourceType as ec2.ResourceType | undefined,
        Tags: (spec.Tag ?? []).map((t) => ({ Key: t.Key, Value: t.Value })),
      })),
    },
  };
}

export function createLaunchTemplate(
  s: Scope,
  input: Wire<ec2.CreateLaunchTemplateRequest>,
): Wire<ec2.CreateLaunchTemplateResult> {
  const name = input.LaunchTemplateName as string;
  if (!/^[a-zA-Z0-9().\-/_]{3,128}$/.test(name)) {
    throw new AwsError(
      'InvalidLaunchTemplateName.MalformedException',
      'A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.',
      400,
    );
  }
  const data = readTemplateData(input.LaunchTemplateData);
  const template = s.deps.db.tx(() => {
    if (s.list('lt').some((t) => t.name === name)) {
      throw new AwsError(
        'InvalidLaunchTemplateName.AlreadyExistsException',
        `Launch template name already in use.`,
        400,
      );
    }
    const t: LaunchTemplateRecord = {
      kind: 'lt',
      id: ec2Id('lt'),
      region: s.region,
      name,
      createTime: s.now(),
      defaultVersion: 1,
      versions: [{ versionNumber: 1, description: input.VersionDescription, createTime: s.now(), data }],
    };
    return s.create(t, input.TagSpecifications, 'launch-template');
  });
  return { LaunchTemplate: renderTemplate(s, template) };
}

export function deleteLaunchTemplate(
  s: Scope,
  input: Wire<ec2.DeleteLaunchTemplateRequest>,
): Wire<ec2.DeleteLaunchTemplateResult> {
  const template = s.deps.db.tx(() => {
    const t = templateNamed(s, input);
    s.remove(t.id);
    return t;
  });
  return { LaunchTemplate: renderTemplate(s, template) };
}

export function describeLaunchTemplates(
  s: Scope,
  input: Wire<ec2.DescribeLaunchTemplatesRequest>,
): Wire<ec2.DescribeLaunchTemplatesResult> {
  let templates = s.list('lt');
  const ids = input.LaunchTemplateIds ?? [];
  const names = input.LaunchTemplateNames ?? [];
  for (const id of ids) s.get('lt', id);
  for (const n of names) resolveLaunchTemplate(s, { LaunchTemplateName: n });
  if (ids.length) templates = templates.filter((t) => ids.includes(t.id));
  if (names.length) templates = templates.filter((t) => names.includes(t.name));
  templates = s.filter(
    templates,
    input.Filters,
    (t) => t.id,
    (t) => ({ 'launch-template-name': t.name, 'create-time': new Date(t.createTime).toISOString() }),
  );
  return { LaunchTemplates: templates.map((t) => renderTemplate(s, t)) };
}

export function describeLaunchTemplateVersions(
  s: Scope,
  input: Wire<ec2.DescribeLaunchTemplateVersionsRequest>,
): Wire<ec2.DescribeLaunchTemplateVersionsResult> {
  const template = templateNamed(s, input);
  const wanted = input.Versions ?? [];
  const versions = wanted.length
    ? wanted.map((v) => resolveLaunchTemplate(s, { LaunchTemplateId: template.id, Version: v }).version)
    : template.versions;
  return { LaunchTemplateVersions: versions.map((v) => renderVersion(s, template, v)) };
}

export function createLaunchTemplateVersion(
  s: Scope,
  input: Wire<ec2.CreateLaunchTemplateVersionRequest>,
): Wire<ec2.CreateLaunchTemplateVersionResult> {
  const data = readTemplateData(input.LaunchTemplateData);
  const result = s.deps.db.tx(() => {
    const template = templateNamed(s, input);
    const source = input.SourceVersion
      ? resolveLaunchTemplate(s, { LaunchTemplateId: template.id, Version: input.SourceVersion }).data
      : {};
    const version: LaunchTemplateVersion = {
      versionNumber: Math.max(...template.versions.map((v) => v.versionNumber)) + 1,
      description: input.VersionDescription,
      createTime: s.now(),
      data: { ...source, ...stripEmpty(data) },
    };
    template.versions.push(version);
    s.put(template);
    return { template, version };
  });
  return { LaunchTemplateVersion: renderVersion(s, result.template, result.version) };
}

export function modifyLaunchTemplate(
  s: Scope,
  input: Wire<ec2.ModifyLaunchTemplateRequest>,
): Wire<ec2.ModifyLaunchTemplateResult> {
  const template = s.deps.db.tx(() => {
    const t = templateNamed(s, input);
    if (input.DefaultVersion !== undefined) {
      const { version } = resolveLaunchTemplate(s, { LaunchTemplateId: t.id, Version: input.DefaultVersion });
      t.defaultVersion = version.versionNumber;
      s.put(t);
    }
    return t;
  });
  return { LaunchTemplate: renderTemplate(s, template) };
}
