/**
 * AWS::ECS::TaskSet and AWS::ECS::PrimaryTaskSet: the task sets of a service that uses the EXTERNAL
 * deployment controller, and which of them is primary.
 *
 * A task set's physical id is its primary identifier as the CloudFormation registry joins it
 * (`Cluster|Service|Id`); `Fn::GetAtt Set.Id` gives the task set id (`ecs-svc/...`). Create and a
 * change of Scale wait until the set is STEADY_STATE (its computed desired count running); only
 * Scale and Tags change in place, every other property replaces the set. Delete forces the set
 * away and waits until ECS has drained it.
 *
 * A PrimaryTaskSet's physical id is `Cluster|Service`; create and update call
 * UpdateServicePrimaryTaskSet. Deleting it changes nothing in ECS (a service cannot go back to
 * having no primary set), as on AWS.
 */
import { createHash } from 'node:crypto';
import { toEcsShape } from './ecs-shape';
import {
  prop,
  ResourceFailure,
  tagList,
  type Props,
  type ResourceContext,
  type ResourceProvider,
} from './types';

interface TaskSet {
  id: string;
  taskSetArn: string;
  status: string;
  stabilityStatus?: string;
  computedDesiredCount?: number;
  runningCount?: number;
  tags?: { key?: string; value?: string }[];
}

/** The errors that mean the task set (or what holds it) is already gone. */
const GONE = [
  'ClusterNotFoundException',
  'ServiceNotFoundException',
  'ServiceNotActiveException',
  'TaskSetNotFoundException',
];

const SCALE_UNITS = new Set(['PERCENT']);
const LAUNCH_TYPES = new Set(['EC2', 'FARGATE']);

/** Splits a physical id made by `join` back into its parts (task set ids contain `/`, never `|`). */
function split(physicalId: string, parts: number): string[] {
  const out = physicalId.split('|');
  if (out.length !== parts || out.some((p) => p === '')) {
    throw new ResourceFailure(`Invalid physical resource id ${physicalId}`);
  }
  return out;
}

/** The Scale property checked as the resource schema and ECS take it: PERCENT, 0 to 100. */
function scaleOf(props: Props): { unit: string; value: number } | undefined {
  const scale = prop.obj(props, 'Scale');
  if (!scale) return undefined;
  const unit = prop.str(scale, 'Unit') ?? 'PERCENT';
  if (!SCALE_UNITS.has(unit))
    throw new ResourceFailure(`Property Scale.Unit: ${unit} is not one of [PERCENT]`);
  const raw = prop.str(scale, 'Value');
  const value = raw === undefined ? 100 : Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new ResourceFailure('Property Scale.Value must be a number from 0 to 100.');
  }
  return { unit, value };
}

/** Every property checked before the first call, so a bad template fails without touching ECS. */
function checked(props: Props) {
  const cluster = prop.required(props, 'Cluster');
  const service = prop.required(props, 'Service');
  const taskDefinition = prop.required(props, 'TaskDefinition');
  const launchType = prop.str(props, 'LaunchType');
  if (launchType !== undefined && !LAUNCH_TYPES.has(launchType)) {
    throw new ResourceFailure(`Property LaunchType: ${launchType} is not one of [EC2, FARGATE]`);
  }
  if (launchType !== undefined && prop.list(props, 'CapacityProviderStrategy').length > 0) {
    throw new ResourceFailure('Properties LaunchType and CapacityProviderStrategy cannot both be given.');
  }
  const tags = prop.objList(props, 'Tags');
  if (tags.length > 50) throw new ResourceFailure('Property Tags: at most 50 tags.');
  prop.objList(props, 'LoadBalancers');
  prop.objList(props, 'ServiceRegistries');
  prop.obj(props, 'NetworkConfiguration');
  return { cluster, service, taskDefinition, launchType, scale: scaleOf(props) };
}

const ecsTags = (props: Props, ctx: ResourceContext) =>
  tagList(props, ctx).map((t) => ({ key: t.Key, value: t.Value }));

async function describeSet(
  ctx: ResourceContext,
  cluster: string,
  service: string,
  id: string,
): Promise<TaskSet | undefined> {
  const out = await ctx.callIgnoring<{ taskSets?: TaskSet[] }>(
    'ecs',
    'DescribeTaskSets',
    { cluster, service, taskSets: [id], include: ['TAGS'] },
    GONE,
  );
  return out?.taskSets?.[0];
}

async function waitSteady(ctx: ResourceContext, cluster: string, service: string, id: string) {
  await ctx.waitUntil(`task set ${id} to reach a steady state`, async () => {
    const set = await describeSet(ctx, cluster, service, id);
    if (!set || set.status === 'DRAINING') throw new ResourceFailure(`Task set ${id} is being deleted`);
    return set.stabilityStatus === 'STEADY_STATE' && set.runningCount === set.computedDesiredCount;
  });
}

export const ecsTaskSet: ResourceProvider = {
  type: 'AWS::ECS::TaskSet',
  attributes: ['Id'],
  createOnly: [
    'Cluster',
    'ExternalId',
    'LaunchType',
    'LoadBalancers',
    'NetworkConfiguration',
    'PlatformVersion',
    'Service',
    'ServiceRegistries',
    'TaskDefinition',
    'CapacityProviderStrategy',
  ],
  async create(ctx, props) {
    const { cluster, service, taskDefinition, launchType, scale } = checked(props);
    const shaped = toEcsShape(props) as Props;
    const tags = ecsTags(props, ctx);
    const out = await ctx.call<{ taskSet: TaskSet }>('ecs', 'CreateTaskSet', {
      cluster,
      service,
      taskDefinition,
      externalId: prop.str(props, 'ExternalId'),
      launchType,
      capacityProviderStrategy: shaped.capacityProviderStrategy,
      networkConfiguration: shaped.networkConfiguration,
      loadBalancers: shaped.loadBalancers,
      serviceRegistries: shaped.serviceRegistries,
      platformVersion: prop.str(props, 'PlatformVersion'),
      scale,
      tags: tags.length ? tags : undefined,
      // A retry after a restart gets the same set back instead of a second one; a replacement
      // (other create-only properties) gets a new one.
      clientToken: createHash('sha256')
        .update(JSON.stringify([ctx.stackId, ctx.logicalId, props]))
        .digest('hex')
        .slice(0, 36),
    });
    const id = out.taskSet.id;
    return { physicalId: `${cluster}|${service}|${id}`, attributes: { Id: id } };
  },
  async stabilize(ctx, physicalId) {
    const [cluster, service, id] = split(physicalId, 3) as [string, string, string];
    await waitSteady(ctx, cluster, service, id);
    return { Id: id };
  },
  async update(ctx, physicalId, props, previous) {
    checked(props);
    const [cluster, service, id] = split(physicalId, 3) as [string, string, string];
    const current = await describeSet(ctx, cluster, service, id);
    if (!current) throw new ResourceFailure(`Task set ${id} does not exist`);
    const scale = scaleOf(props) ?? { unit: 'PERCENT', value: 100 };
    const before = scaleOf(previous) ?? { unit: 'PERCENT', value: 100 };
    if (scale.value !== before.value) {
      await ctx.call('ecs', 'UpdateTaskSet', { cluster, service, taskSet: id, scale });
    }
    const wanted = new Map(ecsTags(props, ctx).map((t) => [t.key, t.value]));
    const had = new Map((current.tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
    const removed = [...had.keys()].filter((k) => !wanted.has(k));
    const changed = [...wanted].filter(([k, v]) => had.get(k) !== v);
    if (removed.length) {
      await ctx.call('ecs', 'UntagResource', { resourceArn: current.taskSetArn, tagKeys: removed });
    }
    if (changed.length) {
      await ctx.call('ecs', 'TagResource', {
        resourceArn: current.taskSetArn,
        tags: changed.map(([key, value]) => ({ key, value })),
      });
    }
    await waitSteady(ctx, cluster, service, id);
    return { Id: id };
  },
  async delete(ctx, physicalId) {
    const [cluster, service, id] = split(physicalId, 3) as [string, string, string];
    if (!(await describeSet(ctx, cluster, service, id))) return;
    await ctx.callIgnoring('ecs', 'DeleteTaskSet', { cluster, service, taskSet: id, force: true }, GONE);
    await ctx.waitUntil(`task set ${id} to drain`, async () => {
      return (await describeSet(ctx, cluster, service, id)) === undefined;
    });
  },
};

export const ecsPrimaryTaskSet: ResourceProvider = {
  type: 'AWS::ECS::PrimaryTaskSet',
  attributes: [],
  createOnly: ['Cluster', 'Service'],
  async create(ctx, props) {
    const cluster = prop.required(props, 'Cluster');
    const service = prop.required(props, 'Service');
    const primaryTaskSet = prop.required(props, 'TaskSetId');
    await ctx.call('ecs', 'UpdateServicePrimaryTaskSet', { cluster, service, primaryTaskSet });
    return { physicalId: `${cluster}|${service}` };
  },
  async update(ctx, physicalId, props) {
    const [cluster, service] = split(physicalId, 2) as [string, string];
    const primaryTaskSet = prop.required(props, 'TaskSetId');
    await ctx.call('ecs', 'UpdateServicePrimaryTaskSet', { cluster, service, primaryTaskSet });
  },
  async delete() {
    // ECS has no call to take the primary mark away: the set stays primary until another one is.
  },
};
