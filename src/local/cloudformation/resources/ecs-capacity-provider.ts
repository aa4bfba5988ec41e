/**
 * AWS::ECS::CapacityProvider (an Auto Scaling group provider; Ref is its name) and
 * AWS::ECS::ClusterCapacityProviderAssociations (a cluster's providers and default strategy, set with
 * PutClusterCapacityProviders; Ref is the cluster's name; deleting it clears both).
 */
import { toEcsShape } from './ecs-shape';
import { prop, tagList, type Props, type ResourceContext, type ResourceProvider } from './types';

interface CapacityProvider {
  name: string;
  status: string;
}

async function describeProvider(ctx: ResourceContext, name: string): Promise<CapacityProvider | undefined> {
  const out = await ctx.call<{ capacityProviders?: CapacityProvider[] }>('ecs', 'DescribeCapacityProviders', {
    capacityProviders: [name],
  });
  return out.capacityProviders?.find((p) => p.status === 'ACTIVE');
}

export const capacityProvider: ResourceProvider = {
  type: 'AWS::ECS::CapacityProvider',
  attributes: [],
  nameProperty: 'Name',
  generatedNameLength: 255,
  createOnly: ['Name'],
  async create(ctx, props) {
    // A generated name must not begin with a reserved prefix (ECS refuses aws, ecs and fargate).
    const generated = /^(aws|ecs|fargate)/i.test(ctx.generatedName)
      ? `cp-${ctx.generatedName}`
      : ctx.generatedName;
    const name = prop.str(props, 'Name') ?? generated.slice(0, 255);
    const shaped = toEcsShape(props) as Props;
    const tags = tagList(props, ctx).map((t) => ({ key: t.Key, value: t.Value }));
    await ctx.call('ecs', 'CreateCapacityProvider', {
      name,
      autoScalingGroupProvider: shaped.autoScalingGroupProvider,
      tags: tags.length ? tags : undefined,
    });
    return { physicalId: name };
  },
  async update(ctx, name, props) {
    const shaped = toEcsShape(props) as Props;
    const asg = (shaped.autoScalingGroupProvider ?? {}) as Props;
    const { autoScalingGroupArn: _, ...changeable } = asg;
    await ctx.call('ecs', 'UpdateCapacityProvider', { name, autoScalingGroupProvider: changeable });
  },
  async find(ctx, name) {
    return (await describeProvider(ctx, name)) ? { physicalId: name } : undefined;
  },
  async delete(ctx, name) {
    if (!(await describeProvider(ctx, name))) return;
    await ctx.callIgnoring('ecs', 'DeleteCapacityProvider', { capacityProvider: name }, [
      'InvalidParameterException',
    ]);
  },
};

export const clusterCapacityProviderAssociations: ResourceProvider = {
  type: 'AWS::ECS::ClusterCapacityProviderAssociations',
  attributes: [],
  createOnly: ['Cluster'],
  async create(ctx, props) {
    const cluster = prop.str(props, 'Cluster') ?? '';
    await put(ctx, cluster, props);
    return { physicalId: cluster };
  },
  async update(ctx, cluster, props) {
    await put(ctx, cluster, props);
  },
  async delete(ctx, cluster) {
    await ctx.callIgnoring(
      'ecs',
      'PutClusterCapacityProviders',
      { cluster, capacityProviders: [], defaultCapacityProviderStrategy: [] },
      ['ClusterNotFoundException'],
    );
  },
};

async function put(ctx: ResourceContext, cluster: string, props: Props): Promise<void> {
  const shaped = toEcsShape(props) as Props;
  await ctx.call('ecs', 'PutClusterCapacityProviders', {
    cluster,
    capacityProviders: shaped.capacityProviders ?? [],
    defaultCapacityProviderStrategy: shaped.defaultCapacityProviderStrategy ?? [],
  });
}
