/** AWS::ElasticLoadBalancingV2::Listener */
import { prop, type Props, type ResourceProvider } from './types';

function actions(props: Props) {
  return prop.objList(props, 'DefaultActions').map((a) => {
    const forward = prop.obj(a, 'ForwardConfig');
    const groups = forward ? prop.objList(forward, 'TargetGroups') : [];
    return {
      Type: prop.required(a, 'Type'),
      TargetGroupArn:
        prop.str(a, 'TargetGroupArn') ??
        (groups.length === 1 ? prop.str(groups[0] as Props, 'TargetGroupArn') : undefined),
      Order: prop.str(a, 'Order'),
    };
  });
}

export const listener: ResourceProvider = {
  type: 'AWS::ElasticLoadBalancingV2::Listener',
  attributes: ['ListenerArn'],
  createOnly: ['LoadBalancerArn'],
  async create(ctx, props) {
    const out = await ctx.call<{ Listeners: { ListenerArn: string }[] }>(
      'elasticloadbalancingv2',
      'CreateListener',
      {
        LoadBalancerArn: prop.required(props, 'LoadBalancerArn'),
        Protocol: prop.str(props, 'Protocol'),
        Port: prop.str(props, 'Port'),
        DefaultActions: actions(props),
      },
    );
    const arn = (out.Listeners[0] as { ListenerArn: string }).ListenerArn;
    return { physicalId: arn, attributes: { ListenerArn: arn } };
  },
  async update(ctx, arn, props) {
    await ctx.call('elasticloadbalancingv2', 'ModifyListener', {
      ListenerArn: arn,
      Protocol: prop.str(props, 'Protocol'),
      Port: prop.str(props, 'Port'),
      DefaultActions: actions(props),
    });
  },
  async delete(ctx, arn) {
    await ctx.callIgnoring('elasticloadbalancingv2', 'DeleteListener', { ListenerArn: arn }, [
      'ListenerNotFound',
    ]);
  },
};
