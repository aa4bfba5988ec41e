/**
 * AWS::AutoScaling::AutoScalingGroup. Like AWS without a CreationPolicy, CREATE_COMPLETE waits until
 * the group has its desired number of instances InService; deletion waits until the group is gone.
 */
import {
  prop,
  ResourceFailure,
  tagList,
  type Props,
  type ResourceContext,
  type ResourceProvider,
} from './types';
import { launchTemplateSpec } from './ec2-common';

interface Group {
  AutoScalingGroupName: string;
  DesiredCapacity?: string | number;
  Instances?: { InstanceId: string; LifecycleState: string }[];
  Status?: string;
}

async function describe(ctx: ResourceContext, name: string): Promise<Group | undefined> {
  const out = await ctx.call<{ AutoScalingGroups?: Group[] }>('autoscaling', 'DescribeAutoScalingGroups', {
    AutoScalingGroupNames: [name],
  });
  return out.AutoScalingGroups?.[0];
}

function sizing(props: Props) {
  const azs = prop.strList(props, 'AvailabilityZones');
  const subnets = prop.strList(props, 'VPCZoneIdentifier');
  return {
    LaunchConfigurationName: prop.str(props, 'LaunchConfigurationName'),
    LaunchTemplate: launchTemplateSpec(props),
    MinSize: prop.required(props, 'MinSize'),
    MaxSize: prop.required(props, 'MaxSize'),
    DesiredCapacity: prop.str(props, 'DesiredCapacity'),
    AvailabilityZones: azs.length ? azs : undefined,
    VPCZoneIdentifier: subnets.length ? subnets.join(',') : undefined,
    HealthCheckType: prop.str(props, 'HealthCheckType'),
    HealthCheckGracePeriod: prop.str(props, 'HealthCheckGracePeriod'),
    DefaultCooldown: prop.str(props, 'Cooldown'),
    NewInstancesProtectedFromScaleIn: prop.bool(props, 'NewInstancesProtectedFromScaleIn'),
  };
}

async function waitInService(ctx: ResourceContext, name: string): Promise<void> {
  await ctx.waitUntil(`Auto Scaling group ${name} to have its instances InService`, async () => {
    const g = await describe(ctx, name);
    if (!g) throw new ResourceFailure(`Auto Scaling group ${name} disappeared`);
    const want = Number(g.DesiredCapacity ?? 0);
    const inService = (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length;
    return inService >= want;
  });
}

export const autoScalingGroup: ResourceProvider = {
  type: 'AWS::AutoScaling::AutoScalingGroup',
  attributes: [],
  nameProperty: 'AutoScalingGroupName',
  generatedNameLength: 255,
  createOnly: ['AutoScalingGroupName', 'LoadBalancerNames', 'TargetGroupARNs'],
  async create(ctx, props) {
    const name = prop.str(props, 'AutoScalingGroupName') ?? ctx.generatedName;
    const loadBalancers = prop.strList(props, 'LoadBalancerNames');
    const targetGroups = prop.strList(props, 'TargetGroupARNs');
    await ctx.call('autoscaling', 'CreateAutoScalingGroup', {
      AutoScalingGroupName: name,
      ...sizing(props),
      LoadBalancerNames: loadBalancers.length ? loadBalancers : undefined,
      TargetGroupARNs: targetGroups.length ? targetGroups : undefined,
      Tags: tagList(props, ctx).map((t) => ({
        ...t,
        ResourceId: name,
        ResourceType: 'auto-scaling-group',
        PropagateAtLaunch: String(
          prop.objList(props, 'Tags').find((own) => own.Key === t.Key)?.PropagateAtLaunch ?? true,
        ),
      })),
    });
    return { physicalId: name };
  },
  async stabilize(ctx, name) {
    await waitInService(ctx, name);
  },
  async update(ctx, name, props) {
    await ctx.call('autoscaling', 'UpdateAutoScalingGroup', { AutoScalingGroupName: name, ...sizing(props) });
    await waitInService(ctx, name);
  },
  async find(ctx, name) {
    return (await describe(ctx, name)) ? { physicalId: name } : undefined;
  },
  async delete(ctx, name) {
    const deleted = await ctx.callIgnoring(
      'autoscaling',
      'DeleteAutoScalingGroup',
      { AutoScalingGroupName: name, ForceDelete: 'true' },
      ['ValidationError'],
    );
    if (deleted === undefined && !(await describe(ctx, name))) return;
    await ctx.waitUntil(`Auto Scaling group ${name} to be deleted`, async () => !(await describe(ctx, name)));
  },
};
