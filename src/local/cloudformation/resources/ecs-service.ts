/**
 * AWS::ECS::Service. Like CloudFormation, create and update wait for the service to reach a steady
 * state (one deployment, running count = desired count); delete scales to zero, deletes and waits
 * until the service is INACTIVE.
 */
import { toEcsShape } from './ecs-shape';
import {
  prop,
  ResourceFailure,
  tagList,
  type Props,
  type ResourceContext,
  type ResourceProvider,
} from './types';

interface Service {
  serviceArn: string;
  serviceName: string;
  status: string;
  desiredCount: number;
  runningCount: number;
  deployments?: { status: string; rolloutState?: string; rolloutStateReason?: string }[];
  deploymentController?: { type?: string };
}

const clusterOf = (props: Props): string => prop.str(props, 'Cluster') ?? 'default';

async function describe(
  ctx: ResourceContext,
  cluster: string,
  service: string,
): Promise<Service | undefined> {
  const out = await ctx.callIgnoring<{ services?: Service[] }>(
    'ecs',
    'DescribeServices',
    { cluster, services: [service] },
    ['ClusterNotFoundException'],
  );
  return out?.services?.[0];
}

async function waitSteady(ctx: ResourceContext, cluster: string, arn: string): Promise<Service> {
  let found: Service | undefined;
  await ctx.waitUntil(`service ${arn} to reach a steady state`, async () => {
    found = await describe(ctx, cluster, arn);
    if (!found || found.status !== 'ACTIVE') throw new ResourceFailure(`Service ${arn} is not ACTIVE`);
    const primary = found.deployments?.find((d) => d.status === 'PRIMARY');
    if (primary?.rolloutState === 'FAILED') {
      throw new ResourceFailure(
        `ECS Deployment Circuit Breaker was triggered: ${primary.rolloutStateReason ?? ''}`.trim(),
      );
    }
    // An EXTERNAL or CODE_DEPLOY service runs its tasks in task sets, which wait for themselves.
    if ((found.deploymentController?.type ?? 'ECS') !== 'ECS') return true;
    return (found.deployments ?? []).length <= 1 && found.runningCount === found.desiredCount;
  });
  return found as Service;
}

const attributesOf = (s: Service) => ({ Name: s.serviceName, ServiceArn: s.serviceArn });

export const ecsService: ResourceProvider = {
  type: 'AWS::ECS::Service',
  attributes: ['Name', 'ServiceArn'],
  nameProperty: 'ServiceName',
  generatedNameLength: 255,
  createOnly: [
    'Cluster',
    'ServiceName',
    'LaunchType',
    'LoadBalancers',
    'Role',
    'SchedulingStrategy',
    'PlacementConstraints',
    'PlacementStrategies',
  ],
  async create(ctx, props) {
    const shaped = toEcsShape(props) as Props;
    const tags = tagList(props, ctx).map((t) => ({ key: t.Key, value: t.Value }));
    const out = await ctx.call<{ service: Service }>('ecs', 'CreateService', {
      ...shaped,
      cluster: clusterOf(props),
      serviceName: prop.str(props, 'ServiceName') ?? ctx.generatedName,
      desiredCount:
        shaped.desiredCount ?? (prop.str(props, 'SchedulingStrategy') === 'DAEMON' ? undefined : 1),
      tags: tags.length ? tags : undefined,
    });
    return { physicalId: out.service.serviceArn, attributes: attributesOf(out.service) };
  },
  async stabilize(ctx, arn, props) {
    return attributesOf(await waitSteady(ctx, clusterOf(props), arn));
  },
  async update(ctx, arn, props) {
    const shaped = toEcsShape(props) as Props;
    await ctx.call('ecs', 'UpdateService', {
      cluster: clusterOf(props),
      service: arn,
      desiredCount: shaped.desiredCount,
      taskDefinition: shaped.taskDefinition,
      deploymentConfiguration: shaped.deploymentConfiguration,
      networkConfiguration: shaped.networkConfiguration,
      capacityProviderStrategy: shaped.capacityProviderStrategy,
      platformVersion: shaped.platformVersion,
      healthCheckGracePeriodSeconds: shaped.healthCheckGracePeriodSeconds,
    });
    return attributesOf(await waitSteady(ctx, clusterOf(props), arn));
  },
  async find(ctx, name, props) {
    const s = await describe(ctx, clusterOf(props), name);
    return s && s.status === 'ACTIVE' ? { physicalId: s.serviceArn, attributes: attributesOf(s) } : undefined;
  },
  async delete(ctx, arn, props) {
    const cluster = clusterOf(props);
    const gone = ['ServiceNotFoundException', 'ServiceNotActiveException', 'ClusterNotFoundException'];
    const current = await describe(ctx, cluster, arn);
    if (!current || current.status === 'INACTIVE') return;
    if (current.status === 'ACTIVE') {
      await ctx.callIgnoring('ecs', 'UpdateService', { cluster, service: arn, desiredCount: 0 }, gone);
      await ctx.callIgnoring('ecs', 'DeleteService', { cluster, service: arn, force: true }, gone);
    }
    await ctx.waitUntil(`service ${arn} to become INACTIVE`, async () => {
      const s = await describe(ctx, cluster, arn);
      return !s || s.status === 'INACTIVE';
    });
  },
};
