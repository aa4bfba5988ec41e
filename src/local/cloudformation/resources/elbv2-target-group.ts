/** AWS::ElasticLoadBalancingV2::TargetGroup */
import { dict } from '../../common/safe-object';
import { prop, tagList, type Props, type ResourceContext, type ResourceProvider } from './types';

interface TargetGroup {
  TargetGroupArn: string;
  TargetGroupName: string;
  LoadBalancerArns?: string[];
}

const HEALTH = [
  'HealthCheckProtocol',
  'HealthCheckPort',
  'HealthCheckPath',
  'HealthCheckIntervalSeconds',
  'HealthCheckTimeoutSeconds',
  'HealthyThresholdCount',
  'UnhealthyThresholdCount',
  'HealthCheckEnabled',
] as const;

function healthCheck(props: Props): Record<string, string | undefined> {
  const out = dict<string | undefined>();
  for (const k of HEALTH) out[k] = prop.str(props, k);
  const matcher = prop.obj(props, 'Matcher');
  if (matcher) out['Matcher.HttpCode'] = prop.str(matcher, 'HttpCode');
  return out;
}

function attributes(tg: TargetGroup) {
  return {
    TargetGroupArn: tg.TargetGroupArn,
    TargetGroupName: tg.TargetGroupName,
    TargetGroupFullName: tg.TargetGroupArn.slice(tg.TargetGroupArn.indexOf(':targetgroup/') + 1),
    LoadBalancerArns: tg.LoadBalancerArns ?? [],
  };
}

async function describe(ctx: ResourceContext, query: { TargetGroupArns?: string[]; Names?: string[] }) {
  const out = await ctx.callIgnoring<{ TargetGroups?: TargetGroup[] }>(
    'elasticloadbalancingv2',
    'DescribeTargetGroups',
    query,
    ['TargetGroupNotFound'],
  );
  return out?.TargetGroups?.[0];
}

export const targetGroup: ResourceProvider = {
  type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
  attributes: ['TargetGroupArn', 'TargetGroupName', 'TargetGroupFullName', 'LoadBalancerArns'],
  nameProperty: 'Name',
  generatedNameLength: 32,
  createOnly: ['Name', 'Port', 'Protocol', 'VpcId', 'TargetType', 'ProtocolVersion'],
  async create(ctx, props) {
    const { ['Matcher.HttpCode']: httpCode, ...health } = healthCheck(props);
    const tags = tagList(props, ctx);
    const out = await ctx.call<{ TargetGroups: TargetGroup[] }>(
      'elasticloadbalancingv2',
      'CreateTargetGroup',
      {
        Name: prop.str(props, 'Name') ?? ctx.generatedName,
        Protocol: prop.str(props, 'Protocol'),
        Port: prop.str(props, 'Port'),
        VpcId: prop.str(props, 'VpcId'),
        TargetType: prop.str(props, 'TargetType'),
        ...health,
        Matcher: httpCode ? { HttpCode: httpCode } : undefined,
        Tags: tags.length ? tags : undefined,
      },
    );
    const tg = out.TargetGroups[0] as TargetGroup;
    return { physicalId: tg.TargetGroupArn, attributes: attributes(tg) };
  },
  async update(ctx, arn, props) {
    const { ['Matcher.HttpCode']: httpCode, ...health } = healthCheck(props);
    await ctx.call('elasticloadbalancingv2', 'ModifyTargetGroup', {
      TargetGroupArn: arn,
      ...health,
      Matcher: httpCode ? { HttpCode: httpCode } : undefined,
    });
    const tg = await describe(ctx, { TargetGroupArns: [arn] });
    return tg ? attributes(tg) : undefined;
  },
  async stabilize(ctx, arn) {
    const tg = await describe(ctx, { TargetGroupArns: [arn] });
    return tg ? attributes(tg) : undefined;
  },
  async find(ctx, name) {
    const tg = await describe(ctx, { Names: [name] });
    return tg ? { physicalId: tg.TargetGroupArn, attributes: attributes(tg) } : undefined;
  },
  async delete(ctx, arn) {
    await ctx.waitUntil(
      `target group ${arn} to be released by its listeners`,
      async () => {
        try {
          await ctx.callIgnoring('elasticloadbalancingv2', 'DeleteTargetGroup', { TargetGroupArn: arn }, [
            'TargetGroupNotFound',
          ]);
          return true;
        } catch (e) {
          if ((e as { code?: string }).code === 'ResourceInUse') return false;
          throw e;
        }
      },
      60_000,
    );
  },
};
