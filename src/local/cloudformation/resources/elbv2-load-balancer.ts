/** AWS::ElasticLoadBalancingV2::LoadBalancer */
import { prop, tagList, type ResourceContext, type ResourceProvider } from './types';

interface LoadBalancer {
  LoadBalancerArn: string;
  LoadBalancerName: string;
  DNSName: string;
  CanonicalHostedZoneId?: string;
  SecurityGroups?: string[];
  State?: { Code: string };
}

async function describe(ctx: ResourceContext, query: { LoadBalancerArns?: string[]; Names?: string[] }) {
  const out = await ctx.callIgnoring<{ LoadBalancers?: LoadBalancer[] }>(
    'elasticloadbalancingv2',
    'DescribeLoadBalancers',
    query,
    ['LoadBalancerNotFound'],
  );
  return out?.LoadBalancers?.[0];
}

/** `arn:...:loadbalancer/app/name/id` -> `app/name/id` */
const fullName = (arn: string): string => arn.slice(arn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);

function attributes(lb: LoadBalancer) {
  return {
    DNSName: lb.DNSName,
    CanonicalHostedZoneID: lb.CanonicalHostedZoneId ?? null,
    LoadBalancerArn: lb.LoadBalancerArn,
    LoadBalancerFullName: fullName(lb.LoadBalancerArn),
    LoadBalancerName: lb.LoadBalancerName,
    SecurityGroups: lb.SecurityGroups ?? [],
  };
}

export const loadBalancerV2: ResourceProvider = {
  type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  attributes: [
    'DNSName',
    'CanonicalHostedZoneID',
    'LoadBalancerArn',
    'LoadBalancerFullName',
    'LoadBalancerName',
    'SecurityGroups',
  ],
  nameProperty: 'Name',
  generatedNameLength: 32,
  createOnly: ['Name', 'Scheme', 'Type', 'Subnets', 'SecurityGroups', 'IpAddressType', 'SubnetMappings'],
  async create(ctx, props) {
    const tags = tagList(props, ctx);
    const out = await ctx.call<{ LoadBalancers: LoadBalancer[] }>(
      'elasticloadbalancingv2',
      'CreateLoadBalancer',
      {
        Name: prop.str(props, 'Name') ?? ctx.generatedName,
        Subnets: prop.strList(props, 'Subnets'),
        SecurityGroups: prop.strList(props, 'SecurityGroups'),
        Scheme: prop.str(props, 'Scheme'),
        Type: prop.str(props, 'Type'),
        IpAddressType: prop.str(props, 'IpAddressType'),
        Tags: tags.length ? tags : undefined,
      },
    );
    const lb = out.LoadBalancers[0] as LoadBalancer;
    return { physicalId: lb.LoadBalancerArn, attributes: attributes(lb) };
  },
  async stabilize(ctx, arn) {
    let lb: LoadBalancer | undefined;
    await ctx.waitUntil(`load balancer ${arn} to be active`, async () => {
      lb = await describe(ctx, { LoadBalancerArns: [arn] });
      return !lb || !lb.State || lb.State.Code === 'active';
    });
    return lb ? attributes(lb) : undefined;
  },
  async update() {
    // Only Tags and LoadBalancerAttributes can change in place; attributes are not modelled locally.
  },
  async find(ctx, name) {
    const lb = await describe(ctx, { Names: [name] });
    return lb ? { physicalId: lb.LoadBalancerArn, attributes: attributes(lb) } : undefined;
  },
  async delete(ctx, arn) {
    await ctx.callIgnoring('elasticloadbalancingv2', 'DeleteLoadBalancer', { LoadBalancerArn: arn }, [
      'LoadBalancerNotFound',
    ]);
  },
};
