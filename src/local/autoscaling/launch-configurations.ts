/** CreateLaunchConfiguration, DescribeLaunchConfigurations, DeleteLaunchConfiguration. */
import type * as autoscaling from '@aws-sdk/client-auto-scaling';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import { invalid, lcArn, getLaunchConfig, paginate, seconds, type Scope } from './common';
import { groupKey, type LaunchConfigurationRecord } from './model';

export function createLaunchConfiguration(
  s: Scope,
  input: Wire<autoscaling.CreateLaunchConfigurationType>,
): object {
  const name = input.LaunchConfigurationName as string;
  const { ImageId: imageId, InstanceType: instanceType } = input;
  if (!imageId || !instanceType) {
    throw invalid(
      'Valid requests must contain either the InstanceID parameter or both the ImageId and InstanceType parameters.',
    );
  }
  const lc: LaunchConfigurationRecord = {
    name,
    region: s.region,
    arn: lcArn(s, name),
    imageId,
    instanceType,
    keyName: input.KeyName || undefined,
    securityGroups: input.SecurityGroups ?? [],
    userData: input.UserData,
    iamInstanceProfile: input.IamInstanceProfile || undefined,
    associatePublicIpAddress: input.AssociatePublicIpAddress,
    createdTime: s.deps.clock.now(),
  };
  s.deps.db.tx(() => {
    const key = groupKey(s.region, name);
    if (s.store.launchConfigs.has(key)) {
      throw new AwsError(
        'AlreadyExists',
        `Launch Configuration by this name already exists - A launch configuration already exists with the name ${name}`,
        400,
      );
    }
    s.store.launchConfigs.put(key, lc);
  });
  return {};
}

export function describeLaunchConfigurations(
  s: Scope,
  input: Wire<autoscaling.LaunchConfigurationNamesType>,
): Wire<autoscaling.LaunchConfigurationsType> {
  const names = input.LaunchConfigurationNames ?? [];
  const all = s.store.launchConfigs
    .find({ region: s.region })
    .filter((l) => names.length === 0 || names.includes(l.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const { page, NextToken } = paginate(all, input, 50);
  return {
    LaunchConfigurations: page.map((l) => ({
      LaunchConfigurationName: l.name,
      LaunchConfigurationARN: l.arn,
      ImageId: l.imageId,
      KeyName: l.keyName ?? '',
      SecurityGroups: l.securityGroups,
      ClassicLinkVPCSecurityGroups: [],
      UserData: l.userData ?? '',
      InstanceType: l.instanceType,
      KernelId: '',
      RamdiskId: '',
      BlockDeviceMappings: [],
      InstanceMonitoring: { Enabled: true },
      IamInstanceProfile: l.iamInstanceProfile,
      CreatedTime: seconds(l.createdTime),
      EbsOptimized: false,
      AssociatePublicIpAddress: l.associatePublicIpAddress,
    })),
    NextToken,
  };
}

export function deleteLaunchConfiguration(
  s: Scope,
  input: Wire<autoscaling.LaunchConfigurationNameType>,
): object {
  const name = input.LaunchConfigurationName as string;
  s.deps.db.tx(() => {
    getLaunchConfig(s, name);
    const user = s.store.groups.find({ region: s.region }).find((g) => g.launchConfigurationName === name);
    if (user) {
      throw new AwsError(
        'ResourceInUse',
        `Cannot delete launch configuration ${name} because it is attached to AutoScalingGroup ${user.name}`,
        400,
      );
    }
    s.store.launchConfigs.delete(groupKey(s.region, name));
  });
  return {};
}
