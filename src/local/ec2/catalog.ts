/** EC2 catalog actions: zones, regions, images, key pairs, launch templates and tags. */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { ec2Id } from '../common/ids';
import { AwsError } from '../protocol/errors';
import type { ActionHandler } from '../protocol/types';
import { ec2Errors, readFilters, zoneNames, type Ec2Context } from './context';
import { INSTANCE_TYPES, instanceTypeInfo } from '../../facts/instance-types';
import {
  type KeyPairRecord,
  type LaunchTemplateData,
  type LaunchTemplateRecord,
  type LaunchTemplateVersion,
} from './model';
import { zoneId } from './network';
import { keyValues, obj, objList, str, strList, type Params } from '../protocol/params';

/** The one image every region offers: the ECS-optimized Amazon Linux 2 AMI. */
export const ECS_OPTIMIZED_AMI = {
  imageId: 'ami-0a7a1e5e0c5c0ffee',
  name: 'amzn2-ami-ecs-hvm-2.0.20251108-x86_64-ebs',
  description: 'Amazon Linux AMI 2.0.20251108 x86_64 ECS HVM GP2',
  ownerId: '591542846629',
};

const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-south-1',
  'sa-east-1',
];

const colonHex = (buf: Buffer): string => buf.toString('hex').replace(/(..)(?!$)/g, '$1:');

/** The template and version a `LaunchTemplate` specification names ($Latest, $Default or a number). */
export function resolveLaunchTemplate(
  c: Ec2Context,
  spec: Params,
  region: string,
): { template: LaunchTemplateRecord; version: LaunchTemplateVersion; data: LaunchTemplateData } {
  const id = str(spec.LaunchTemplateId);
  const name = str(spec.LaunchTemplateName);
  let template: LaunchTemplateRecord | undefined;
  if (id) template = c.get('lt', id, region);
  else if (name) {
    template = c.list('lt', region).find((t) => t.name === name);
    if (!template) {
      throw new AwsError(
        'InvalidLaunchTemplateName.NotFoundException',
        `The specified launch template, with template name ${name}, does not exist.`,
        400,
      );
    }
  } else throw ec2Errors.missing('LaunchTemplateId');
  const wanted = str(spec.Version) ?? '$Default';
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

/** The structured LaunchTemplateData input, kept in query names (what RunInstances reads back). */
function readTemplateData(input: Params): LaunchTemplateData {
  const d = obj(input);
  const profile = obj(d.IamInstanceProfile);
  return {
    ImageId: str(d.ImageId),
    InstanceType: str(d.InstanceType),
    KeyName: str(d.KeyName),
    UserData: str(d.UserData),
    SecurityGroupId: strList(d.SecurityGroupId),
    SecurityGroup: strList(d.SecurityGroup),
    IamInstanceProfile:
      str(profile.Arn) || str(profile.Name) ? { Arn: str(profile.Arn), Name: str(profile.Name) } : undefined,
    TagSpecification: objList(d.TagSpecification).map((s) => ({
      ResourceType: str(s.ResourceType),
      Tag: objList(s.Tag).map((t) => ({ Key: str(t.Key), Value: str(t.Value) })),
    })),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  ) as Partial<T>;
}

export function catalogActions(c: Ec2Context): Record<string, ActionHandler> {
  const { deps } = c;
  const db = deps.db;

  const renderTemplate = (t: LaunchTemplateRecord) => ({
    launchTemplateId: t.id,
    launchTemplateName: t.name,
    createTime: new Date(t.createTime).toISOString(),
    createdBy: `arn:aws:iam::${deps.config.accountId}:root`,
    defaultVersionNumber: t.defaultVersion,
    latestVersionNumber: Math.max(...t.versions.map((v) => v.versionNumber)),
    tagSet: c.tagsOf(t.id),
  });

  const renderVersion = (template: LaunchTemplateRecord, v: LaunchTemplateVersion) => ({
    launchTemplateId: template.id,
    launchTemplateName: template.name,
    versionNumber: v.versionNumber,
    versionDescription: v.description,
    createTime: new Date(v.createTime).toISOString(),
    createdBy: `arn:aws:iam::${deps.config.accountId}:root`,
    defaultVersion: v.versionNumber === template.defaultVersion,
    launchTemplateData: {
      imageId: v.data.ImageId,
      instanceType: v.data.InstanceType,
      keyName: v.data.KeyName,
      userData: v.data.UserData,
      securityGroupIdSet: v.data.SecurityGroupId,
      securityGroupSet: v.data.SecurityGroup,
      iamInstanceProfile: v.data.IamInstanceProfile
        ? { arn: v.data.IamInstanceProfile.Arn, name: v.data.IamInstanceProfile.Name }
        : undefined,
      tagSpecificationSet: (v.data.TagSpecification ?? []).map((s) => ({
        resourceType: s.ResourceType,
        tagSet: (s.Tag ?? []).map((t) => ({ key: t.Key, value: t.Value })),
      })),
    },
  });

  const renderKey = (k: KeyPairRecord, includePublic: boolean) => ({
    keyPairId: k.id,
    keyName: k.keyName,
    keyFingerprint: k.fingerprint,
    keyType: k.keyType,
    createTime: new Date(k.createTime).toISOString(),
    publicKey: includePublic ? k.publicKey : undefined,
    tagSet: c.tagsOf(k.id),
  });

  const checkKeyName = (name: string | undefined, region: string): string => {
    if (!name) throw ec2Errors.missing('KeyName');
    if (name.length > 255) throw ec2Errors.invalid('Key name is limited to 255 characters');
    if (c.list('key', region).some((k) => k.keyName === name)) {
      throw new AwsError('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`, 400);
    }
    return name;
  };

  /** Stores a new key pair (its name checked again inside the transaction) and answers with it. */
  const saveKey = (record: KeyPairRecord, input: Params) => {
    db.tx(() => {
      checkKeyName(record.keyName, record.region);
      c.create(record, input, 'key-pair');
    });
    return {
      keyPairId: record.id,
      keyName: record.keyName,
      keyFingerprint: record.fingerprint,
      tagSet: c.tagsOf(record.id),
    };
  };

  /** The LaunchTemplateData input of CreateLaunchTemplate(Version): present, with a known instance type. */
  const templateDataInput = (input: Params): LaunchTemplateData => {
    if (!input.LaunchTemplateData) throw ec2Errors.missing('LaunchTemplateData');
    const data = readTemplateData(obj(input.LaunchTemplateData));
    if (data.InstanceType !== undefined && !instanceTypeInfo(data.InstanceType)) {
      throw ec2Errors.invalid(`The instance type '${data.InstanceType}' does not exist in this region.`);
    }
    return data;
  };

  /** The template a LaunchTemplateId/LaunchTemplateName input names. */
  const templateNamed = (input: Params, region: string): LaunchTemplateRecord =>
    resolveLaunchTemplate(c, { ...input, Version: '$Default' }, region).template;

  return {
    DescribeAvailabilityZones(input: Params, ctx) {
      const zones = zoneNames(ctx.region).map((zoneName) => ({
        zoneName,
        zoneId: zoneId(zoneName),
        zoneState: 'available',
        regionName: ctx.region,
        zoneType: 'availability-zone',
        groupName: ctx.region,
        networkBorderGroup: ctx.region,
        optInStatus: 'opt-in-not-required',
        messageSet: [],
      }));
      const names = strList(input.ZoneName);
      const picked = names.length ? zones.filter((z) => names.includes(z.zoneName)) : zones;
      const missing = names.find((n) => !zones.some((z) => z.zoneName === n));
      if (missing) throw ec2Errors.invalid(`The zone '${missing}' does not exist.`);
      const filtered = c.filter(
        picked,
        readFilters(input),
        (z) => z.zoneName,
        (z) => ({
          'zone-name': z.zoneName,
          'zone-id': z.zoneId,
          state: z.zoneState,
          'region-name': z.regionName,
          'zone-type': z.zoneType,
        }),
      );
      return { availabilityZoneInfo: filtered };
    },

    DescribeInstanceTypes(input: Params) {
      const names = strList(input.InstanceType);
      const unknown = names.find((n) => !instanceTypeInfo(n));
      if (unknown)
        throw ec2Errors.invalid(`The following supplied instance types do not exist: [${unknown}]`);
      const types = Object.entries(INSTANCE_TYPES)
        .filter(([name]) => names.length === 0 || names.includes(name))
        .map(([instanceType, info]) => ({
          instanceType,
          currentGeneration: !/^(m1|m3|c3|r3|i2|g2|t1)\./.test(instanceType),
          freeTierEligible: instanceType === 't2.micro' || instanceType === 't3.micro',
          supportedRootDeviceTypes: ['ebs'],
          supportedVirtualizationTypes: ['hvm'],
          hypervisor: 'xen',
          processorInfo: { supportedArchitectures: ['x86_64'] },
          vCpuInfo: { defaultVCpus: info.vcpus },
          memoryInfo: { sizeInMiB: info.memoryMiB },
        }));
      const filtered = c.filter(
        types,
        readFilters(input),
        (t) => t.instanceType,
        (t) => ({
          'instance-type': t.instanceType,
          'current-generation': String(t.currentGeneration),
          'free-tier-eligible': String(t.freeTierEligible),
          'vcpu-info.default-vcpus': t.vCpuInfo.defaultVCpus,
          'memory-info.size-in-mib': t.memoryInfo.sizeInMiB,
        }),
      );
      return { instanceTypeSet: filtered };
    },

    DescribeRegions(input: Params) {
      const names = strList(input.RegionName);
      const regions = REGIONS.filter((r) => names.length === 0 || names.includes(r)).map((regionName) => ({
        regionName,
        regionEndpoint: `ec2.${regionName}.amazonaws.com`,
        optInStatus: 'opt-in-not-required',
      }));
      return { regionInfo: regions };
    },

    DescribeImages(input: Params) {
      const image = {
        imageId: ECS_OPTIMIZED_AMI.imageId,
        imageLocation: `amazon/${ECS_OPTIMIZED_AMI.name}`,
        imageState: 'available',
        imageOwnerId: ECS_OPTIMIZED_AMI.ownerId,
        imageOwnerAlias: 'amazon',
        creationDate: '2025-11-08T00:00:00.000Z',
        isPublic: true,
        architecture: 'x86_64',
        imageType: 'machine',
        name: ECS_OPTIMIZED_AMI.name,
        description: ECS_OPTIMIZED_AMI.description,
        rootDeviceType: 'ebs',
        rootDeviceName: '/dev/xvda',
        virtualizationType: 'hvm',
        hypervisor: 'xen',
        enaSupport: true,
        sriovNetSupport: 'simple',
        platformDetails: 'Linux/UNIX',
        usageOperation: 'RunInstances',
        blockDeviceMapping: [
          {
            deviceName: '/dev/xvda',
            ebs: { deleteOnTermination: true, volumeSize: 30, volumeType: 'gp2', encrypted: false },
          },
        ],
        productCodes: [],
        tagSet: [],
      };
      const ids = strList(input.ImageId);
      const missing = ids.find((id) => id !== image.imageId);
      if (missing) {
        throw new AwsError('InvalidAMIID.NotFound', `The image id '[${missing}]' does not exist`, 400);
      }
      const owners = strList(input.Owner);
      if (owners.length && !owners.some((o) => o === 'amazon' || o === image.imageOwnerId))
        return { imagesSet: [] };
      const images = c.filter(
        [image],
        readFilters(input),
        (i) => i.imageId,
        (i) => ({
          'image-id': i.imageId,
          name: i.name,
          description: i.description,
          architecture: i.architecture,
          'owner-alias': i.imageOwnerAlias,
          'owner-id': i.imageOwnerId,
          state: i.imageState,
          'root-device-type': i.rootDeviceType,
          'virtualization-type': i.virtualizationType,
          'image-type': i.imageType,
          'is-public': String(i.isPublic),
        }),
      );
      return { imagesSet: images };
    },

    CreateKeyPair(input: Params, ctx) {
      const keyType = str(input.KeyType) ?? 'rsa';
      if (keyType !== 'rsa' && keyType !== 'ed25519') {
        throw ec2Errors.invalid(`Value (${keyType}) for parameter keyType is invalid.`);
      }
      const keyName = checkKeyName(str(input.KeyName), ctx.region);
      const pair =
        keyType === 'rsa'
          ? generateKeyPairSync('rsa', { modulusLength: 2048 })
          : generateKeyPairSync('ed25519');
      const privateDer = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
      const material =
        keyType === 'rsa'
          ? (pair.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string)
          : (pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
      const record: KeyPairRecord = {
        kind: 'key',
        id: ec2Id('key'),
        region: ctx.region,
        keyName,
        keyType,
        fingerprint:
          keyType === 'rsa'
            ? colonHex(createHash('sha1').update(privateDer).digest())
            : createHash('sha256').update(privateDer).digest('base64').replace(/=+$/, ''),
        createTime: deps.clock.now(),
      };
      return { ...saveKey(record, input), keyMaterial: material.trim() };
    },

    ImportKeyPair(input: Params, ctx) {
      const material = str(input.PublicKeyMaterial);
      if (!material) throw ec2Errors.missing('PublicKeyMaterial');
      const text = Buffer.from(material, 'base64').toString('utf8').trim();
      const m = /^(ssh-rsa|ssh-ed25519) ([A-Za-z0-9+/]+={0,2})(\s.*)?$/.exec(text);
      if (!m)
        throw ec2Errors.invalid(
          'Value for parameter PublicKeyMaterial is invalid. Key is not in valid OpenSSH public key format',
        );
      const keyName = checkKeyName(str(input.KeyName), ctx.region);
      const record: KeyPairRecord = {
        kind: 'key',
        id: ec2Id('key'),
        region: ctx.region,
        keyName,
        keyType: m[1] === 'ssh-rsa' ? 'rsa' : 'ed25519',
        fingerprint: colonHex(
          createHash('md5')
            .update(Buffer.from(m[2] as string, 'base64'))
            .digest(),
        ),
        publicKey: text,
        createTime: deps.clock.now(),
      };
      return saveKey(record, input);
    },

    DescribeKeyPairs(input: Params, ctx) {
      let keys = c.list('key', ctx.region);
      const names = strList(input.KeyName);
      const ids = strList(input.KeyPairId);
      for (const n of names) {
        if (!keys.some((k) => k.keyName === n)) {
          throw ec2Errors.notFound('InvalidKeyPair.NotFound', `The key pair '${n}' does not exist`);
        }
      }
      for (const id of ids) {
        if (!keys.some((k) => k.id === id)) {
          throw ec2Errors.notFound('InvalidKeyPair.NotFound', `The key pair '${id}' does not exist`);
        }
      }
      if (names.length) keys = keys.filter((k) => names.includes(k.keyName));
      if (ids.length) keys = keys.filter((k) => ids.includes(k.id));
      keys = c.filter(
        keys,
        readFilters(input),
        (k) => k.id,
        (k) => ({
          'key-name': k.keyName,
          'key-pair-id': k.id,
          fingerprint: k.fingerprint,
          'key-type': k.keyType,
        }),
      );
      const includePublic = str(input.IncludePublicKey) === 'true';
      return { keySet: keys.map((k) => renderKey(k, includePublic)) };
    },

    DeleteKeyPair(input: Params, ctx) {
      const name = str(input.KeyName);
      const id = str(input.KeyPairId);
      if (!name && !id) throw ec2Errors.missing('KeyName');
      // Like EC2, deleting a key pair that does not exist succeeds.
      const deleted = db.tx(() => {
        const key = c.list('key', ctx.region).find((k) => (id ? k.id === id : k.keyName === name));
        if (!key) return undefined;
        c.remove(key.id);
        return key;
      });
      return { return: true, keyPairId: deleted?.id };
    },

    CreateLaunchTemplate(input: Params, ctx) {
      const name = str(input.LaunchTemplateName);
      if (!name) throw ec2Errors.missing('LaunchTemplateName');
      if (!/^[a-zA-Z0-9().\-/_]{3,128}$/.test(name)) {
        throw new AwsError(
          'InvalidLaunchTemplateName.MalformedException',
          'A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.',
          400,
        );
      }
      const data = templateDataInput(input);
      const template = db.tx(() => {
        if (c.list('lt', ctx.region).some((t) => t.name === name)) {
          throw new AwsError(
            'InvalidLaunchTemplateName.AlreadyExistsException',
            `Launch template name already in use.`,
            400,
          );
        }
        const t: LaunchTemplateRecord = {
          kind: 'lt',
          id: ec2Id('lt'),
          region: ctx.region,
          name,
          createTime: deps.clock.now(),
          defaultVersion: 1,
          versions: [
            {
              versionNumber: 1,
              description: str(input.VersionDescription),
              createTime: deps.clock.now(),
              data,
            },
          ],
        };
        return c.create(t, input, 'launch-template');
      });
      return { launchTemplate: renderTemplate(template) };
    },

    DeleteLaunchTemplate(input: Params, ctx) {
      const template = db.tx(() => {
        const t = templateNamed(input, ctx.region);
        c.remove(t.id);
        return t;
      });
      return { launchTemplate: renderTemplate(template) };
    },

    DescribeLaunchTemplates(input: Params, ctx) {
      let templates = c.list('lt', ctx.region);
      const ids = strList(input.LaunchTemplateId);
      const names = strList(input.LaunchTemplateName);
      for (const id of ids) c.get('lt', id, ctx.region);
      for (const n of names) resolveLaunchTemplate(c, { LaunchTemplateName: n }, ctx.region);
      if (ids.length) templates = templates.filter((t) => ids.includes(t.id));
      if (names.length) templates = templates.filter((t) => names.includes(t.name));
      templates = c.filter(
        templates,
        readFilters(input),
        (t) => t.id,
        (t) => ({
          'launch-template-name': t.name,
          'create-time': new Date(t.createTime).toISOString(),
        }),
      );
      return { launchTemplates: templates.map(renderTemplate) };
    },

    DescribeLaunchTemplateVersions(input: Params, ctx) {
      const template = templateNamed(input, ctx.region);
      const wanted = strList(input.LaunchTemplateVersion);
      const versions = wanted.length
        ? wanted.map(
            (v) =>
              resolveLaunchTemplate(c, { LaunchTemplateId: template.id, Version: v }, ctx.region).version,
          )
        : template.versions;
      return { launchTemplateVersionSet: versions.map((v) => renderVersion(template, v)) };
    },

    CreateLaunchTemplateVersion(input: Params, ctx) {
      const data = templateDataInput(input);
      const result = db.tx(() => {
        const template = templateNamed(input, ctx.region);
        const source = str(input.SourceVersion)
          ? resolveLaunchTemplate(
              c,
              { LaunchTemplateId: template.id, Version: str(input.SourceVersion) },
              ctx.region,
            ).data
          : {};
        const version: LaunchTemplateVersion = {
          versionNumber: Math.max(...template.versions.map((v) => v.versionNumber)) + 1,
          description: str(input.VersionDescription),
          createTime: deps.clock.now(),
          data: { ...source, ...stripUndefined(data) },
        };
        template.versions.push(version);
        c.put(template);
        return { template, version };
      });
      return { launchTemplateVersion: renderVersion(result.template, result.version) };
    },

    ModifyLaunchTemplate(input: Params, ctx) {
      const template = db.tx(() => {
        const t = templateNamed(input, ctx.region);
        // The wire name is SetDefaultVersion; DefaultVersion (the member name) is accepted from in-process callers.
        const wanted = str(input.SetDefaultVersion) ?? str(input.DefaultVersion);
        if (wanted !== undefined) {
          const { version } = resolveLaunchTemplate(
            c,
            { LaunchTemplateId: t.id, Version: wanted },
            ctx.region,
          );
          t.defaultVersion = version.versionNumber;
          c.put(t);
        }
        return t;
      });
      return { launchTemplate: renderTemplate(template) };
    },

    CreateTags(input: Params, ctx) {
      const ids = strList(input.ResourceId);
      if (ids.length === 0) throw ec2Errors.missing('ResourceId');
      const tags = keyValues(input.Tag);
      if (objList(input.Tag).length === 0) throw ec2Errors.missing('Tag');
      for (const t of tags) {
        if (
          t.key.toLowerCase().startsWith('aws:') &&
          !t.key.startsWith('aws:autoscaling:') &&
          !t.key.startsWith('aws:cloudformation:')
        ) {
          throw ec2Errors.invalid(`Tag keys starting with 'aws:' are reserved for internal use`);
        }
      }
      db.tx(() => {
        for (const id of ids) requireResource(c, id, ctx.region);
        for (const id of ids) c.setTags(id, ctx.region, tags);
      });
      return { return: true };
    },

    DeleteTags(input: Params, ctx) {
      const ids = strList(input.ResourceId);
      if (ids.length === 0) throw ec2Errors.missing('ResourceId');
      const wanted = objList(input.Tag).map((t) => ({ key: str(t.Key) ?? '', value: str(t.Value) }));
      db.tx(() => {
        for (const id of ids) {
          requireResource(c, id, ctx.region);
          for (const t of c.store.tags.find({ resource: id })) {
            const hit =
              wanted.length === 0 ||
              wanted.some((w) => w.key === t.key && (w.value === undefined || w.value === t.value));
            if (hit) c.store.tags.delete(`${id}\u0000${t.key}`);
          }
        }
      });
      return { return: true };
    },

    DescribeTags(input: Params, ctx) {
      const all = c.store.tags.all().filter((t) => t.region === ctx.region);
      const tags = c.filter(
        all,
        readFilters(input),
        (t) => t.resourceId,
        (t) => ({
          'resource-id': t.resourceId,
          'resource-type': t.resourceType,
          key: t.key,
          value: t.value,
        }),
      );
      return {
        tagSet: tags.map((t) => ({
          resourceId: t.resourceId,
          resourceType: t.resourceType,
          key: t.key,
          value: t.value,
        })),
      };
    },
  };
}

function requireResource(c: Ec2Context, id: string, region: string): void {
  if (id.startsWith('i-')) {
    const i = c.store.instances.get(id);
    if (!i || i.region !== region) {
      throw ec2Errors.notFound('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    }
    return;
  }
  if (id === ECS_OPTIMIZED_AMI.imageId) return;
  const r = c.store.resources.get(id);
  if (!r || r.region !== region) throw new AwsError('InvalidID', `The ID '${id}' is not valid`, 400);
}
