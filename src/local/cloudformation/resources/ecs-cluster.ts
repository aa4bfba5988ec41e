/** AWS::ECS::Cluster */
import { toEcsShape } from './ecs-shape';
import { prop, ResourceFailure, tagList, type Props, type ResourceProvider } from './types';

export const ecsCluster: ResourceProvider = {
  type: 'AWS::ECS::Cluster',
  attributes: ['Arn'],
  nameProperty: 'ClusterName',
  generatedNameLength: 255,
  async create(ctx, props) {
    const name = prop.str(props, 'ClusterName') ?? ctx.generatedName;
    // CreateCluster answers with an existing cluster; the stack must not take over one it did not make.
    if (await ecsCluster.find?.(ctx, name, props)) {
      throw new ResourceFailure(
        `Resource of type 'AWS::ECS::Cluster' with identifier '${name}' already exists.`,
      );
    }
    const shaped = toEcsShape({ ...props, ClusterName: name }) as Props;
    const tags = tagList(props, ctx).map((t) => ({ key: t.Key, value: t.Value }));
    const out = await ctx.call<{ cluster: { clusterArn: string } }>('ecs', 'CreateCluster', {
      clusterName: name,
      settings: shaped.clusterSettings,
      capacityProviders: shaped.capacityProviders,
      defaultCapacityProviderStrategy: shaped.defaultCapacityProviderStrategy,
      tags: tags.length ? tags : undefined,
    });
    return { physicalId: name, attributes: { Arn: out.cluster.clusterArn } };
  },
  async update(ctx, name, props) {
    const shaped = toEcsShape(props) as Props;
    if (shaped.clusterSettings)
      await ctx.call('ecs', 'UpdateClusterSettings', { cluster: name, settings: shaped.clusterSettings });
  },
  async find(ctx, name) {
    const out = await ctx.call<{ clusters?: { clusterArn: string; status: string }[] }>(
      'ecs',
      'DescribeClusters',
      { clusters: [name] },
    );
    const c = out.clusters?.find((x) => x.status === 'ACTIVE');
    return c ? { physicalId: name, attributes: { Arn: c.clusterArn } } : undefined;
  },
  async delete(ctx, name) {
    await ctx.callIgnoring('ecs', 'DeleteCluster', { cluster: name }, ['ClusterNotFoundException']);
  },
};
