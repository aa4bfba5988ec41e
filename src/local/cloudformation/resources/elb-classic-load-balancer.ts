/** AWS::ElasticLoadBalancing::LoadBalancer (classic, as the 2015 first-run wizard used). */
import { prop, tagList, type Props, type ResourceContext, type ResourceProvider } from './types';

interface Description {
  LoadBalancerName: string;
  DNSName: string;
  CanonicalHostedZoneName?: string;
  CanonicalHostedZoneNameID?: string;
  SourceSecurityGroup?: { GroupName?: string; OwnerAlias?: string };
}

async function describe(ctx: ResourceContext, name: string) {
  const out = await ctx.callIgnoring<{ LoadBalancerDescriptions?: Description[] }>(
    'elasticloadbalancing',
    'DescribeLoadBalancers',
    { LoadBalancerNames: [name] },
    ['LoadBalancerNotFound'],
  );
  return out?.LoadBalancerDescriptions?.[0];
}

function attributes(d: Description) {
  return {
    DNSName: d.DNSName,
    CanonicalHostedZoneName: d.CanonicalHostedZoneName ?? d.DNSName,
    CanonicalHostedZoneNameID: d.CanonicalHostedZoneNameID ?? null,
    'SourceSecurityGroup.GroupName': d.SourceSecurityGroup?.GroupName ?? null,
    'SourceSecurityGroup.OwnerAlias': d.SourceSecurityGroup?.OwnerAlias ?? null,
  };
}

function healthCheck(props: Props) {
  const h = prop.obj(props, 'HealthCheck');
  if (!h) return undefined;
  return {
    Target: prop.required(h, 'Target'),
    HealthyThreshold: prop.required(h, 'HealthyThreshold'),
    UnhealthyThreshold: prop.required(h, 'UnhealthyThreshold'),
    Interval: prop.required(h, 'Interval'),
    Timeout: prop.required(h, 'Timeout'),
  };
}

export const classicLoadBalancer: ResourceProvider = {
  type: 'AWS::ElasticLoadBalancing::LoadBalancer',
  attributes: [
    'DNSName',
    'CanonicalHostedZoneName',
    'CanonicalHostedZoneNameID',
    'SourceSecurityGroup.GroupName',
    'SourceSecurityGroup.OwnerAlias',
  ],
  nameProperty: 'LoadBalancerName',
  generatedNameLength: 32,
  createOnly: ['LoadBalancerName', 'Scheme', 'Listeners', 'Subnets', 'AvailabilityZones', 'SecurityGroups'],
  async create(ctx, props) {
    const name = prop.str(props, 'LoadBalancerName') ?? ctx.generatedName;
    const tags = tagList(props, ctx);
    const subnets = prop.strList(props, 'Subnets');
    const zones = prop.strList(props, 'AvailabilityZones');
    await ctx.call('elasticloadbalancing', 'CreateLoadBalancer', {
      LoadBalancerName: name,
      Listeners: prop.objList(props, 'Listeners').map((l) => ({
        Protocol: prop.required(l, 'Protocol'),
        LoadBalancerPort: prop.required(l, 'LoadBalancerPort'),
        InstancePort: prop.required(l, 'InstancePort'),
        InstanceProtocol: prop.str(l, 'InstanceProtocol'),
      })),
      Subnets: subnets.length ? subnets : undefined,
      AvailabilityZones: zones.length ? zones : undefined,
      SecurityGroups: prop.strList(props, 'SecurityGroups'),
      Scheme: prop.str(props, 'Scheme'),
      Tags: tags.length ? tags : undefined,
    });
    ctx.created(name);
    const check = healthCheck(props);
    if (check)
      await ctx.call('elasticloadbalancing', 'ConfigureHealthCheck', {
        LoadBalancerName: name,
        HealthCheck: check,
      });
    const instances = prop.strList(props, 'Instances');
    if (instances.length) {
      await ctx.call('elasticloadbalancing', 'RegisterInstancesWithLoadBalancer', {
        LoadBalancerName: name,
        Instances: instances.map((InstanceId) => ({ InstanceId })),
      });
    }
    const d = await describe(ctx, name);
    return { physicalId: name, attributes: d ? attributes(d) : {} };
  },
  async update(ctx, name, props) {
    const check = healthCheck(props);
    if (check)
      await ctx.call('elasticloadbalancing', 'ConfigureHealthCheck', {
        LoadBalancerName: name,
        HealthCheck: check,
      });
  },
  async find(ctx, name) {
    const d = await describe(ctx, name);
    return d ? { physicalId: name, attributes: attributes(d) } : undefined;
  },
  async delete(ctx, name) {
    await ctx.callIgnoring('elasticloadbalancing', 'DeleteLoadBalancer', { LoadBalancerName: name }, [
      'LoadBalancerNotFound',
    ]);
  },
};
