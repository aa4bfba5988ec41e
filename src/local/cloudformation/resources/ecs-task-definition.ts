/** AWS::ECS::TaskDefinition: every change registers a new revision; the old one is deregistered in cleanup. */
import { toEcsShape } from './ecs-shape';
import { prop, tagList, type Props, type ResourceProvider } from './types';

export const taskDefinition: ResourceProvider = {
  type: 'AWS::ECS::TaskDefinition',
  attributes: ['TaskDefinitionArn'],
  generatedNameLength: 255,
  async create(ctx, props) {
    const shaped = toEcsShape(props, ['cpu', 'memory']) as Props;
    const tags = tagList(props, ctx).map((t) => ({ key: t.Key, value: t.Value }));
    const out = await ctx.call<{ taskDefinition: { taskDefinitionArn: string } }>(
      'ecs',
      'RegisterTaskDefinition',
      {
        ...shaped,
        family: prop.str(props, 'Family') ?? ctx.generatedName,
        tags: tags.length ? tags : undefined,
      },
    );
    const arn = out.taskDefinition.taskDefinitionArn;
    return { physicalId: arn, attributes: { TaskDefinitionArn: arn } };
  },
  async delete(ctx, arn) {
    await ctx.callIgnoring('ecs', 'DeregisterTaskDefinition', { taskDefinition: arn }, [
      'ClientException',
      'InvalidParameterException',
    ]);
  },
};
