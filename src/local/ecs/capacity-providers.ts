/**
 * CreateCapacityProvider, DescribeCapacityProviders, UpdateCapacityProvider, DeleteCapacityProvider,
 * PutClusterCapacityProviders, and what RunTask, CreateService and UpdateService share about
 * capacity: the FARGATE and FARGATE_SPOT providers every account has, Auto Scaling group providers,
 * a cluster's providers and default strategy, and capacity provider strategies (base, weight).
 *
 * This file records and validates; managed scaling (CapacityProviderReservation, the group's desired
 * capacity, instance protection) is the capacity controller's (scheduler/capacity.ts), and placing
 * tasks by a strategy is the scheduler's (launch.ts).
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { randomUUID } from 'node:crypto';
import { AwsError, isAwsError } from '../protocol/errors';
import { NAME_RE, activeCluster, ecsArn, errors, validateTags, type Failure, type Scope } from './common';
import type {
  CapacityProviderRecord,
  ClusterRecord,
  StrategyItem,
  Wire,
  WireCapacityProvider,
  WireCluster,
} from './model';

/** The providers every account has, in every region. */
export const FARGATE_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'] as const;
export type FargateProvider = (typeof FARGATE_PROVIDERS)[number];
export const isFargateProvider = (name: string): name is FargateProvider =>
  (FARGATE_PROVIDERS as readonly string[]).includes(name);

/** At most this many capacity providers in a strategy (and on a cluster), as ECS allows. */
export const MAX_STRATEGY_ITEMS = 20;

const capacityProviderArnOf = (s: Pick<Scope, 'region' | 'accountId'>, name: string) =>
  ecsArn(s, `capacity-provider/${name}`);

/** The name a reference (name or ARN of this region and account) stands for, or null. */
function providerName(s: Scope, ref: string): string | null {
  if (ref.startsWith('arn:')) {
    const prefix = `arn:aws:ecs:${s.region}:${s.accountId}:capacity-provider/`;
    return ref.startsWith(prefix) ? ref.slice(prefix.length) : null;
  }
  return ref;
}

function builtin(s: Scope, name: FargateProvider): WireCapacityProvider {
  return {
    capacityProviderArn: capacityProviderArnOf(s, name),
    name,
    status: 'ACTIVE',
    type: name,
    tags: [],
  };
}

/** A provider by name or ARN: FARGATE, FARGATE_SPOT, or a stored one (any status); null when unknown. */
export function findCapacityProvider(
  s: Scope,
  ref: string,
): { provider: WireCapacityProvider; record?: CapacityProviderRecord } | null {
  const name = providerName(s, ref);
  if (name === null) return null;
  if (isFargateProvider(name)) return { provider: builtin(s, name) };
  if (!NAME_RE.test(name)) return null;
  const record = s.col.capacityProviders.get(capacityProviderArnOf(s, name));
  return record ? { provider: record.capacityProvider, record } : null;
}

/** The ACTIVE cluster of this region that lists the provider, if any (an Auto Scaling group provider has at most one). */
export function clusterOfProvider(s: Scope, name: string): ClusterRecord | null {
  return (
    s.col.clusters
      .find({ region: s.region })
      .find((c) => c.cluster.status === 'ACTIVE' && (c.cluster.capacityProviders ?? []).includes(name)) ??
    null
  );
}

// ---------------------------------------------------------------------------------------------
// The Auto Scaling group behind a provider (asked of Auto Scaling, as ECS does)

interface AsgView {
  name: string;
  arn: string;
  newInstancesProtected: boolean;
}

const ASG_ARN_RE =
  /^arn:aws:autoscaling:([a-z0-9-]+):([0-9]{12}):autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/(.{1,255})$/;

async function autoScalingGroup(s: Scope, ref: string): Promise<AsgView> {
  const missing = () =>
    errors.invalid(`The specified Auto Scaling group ARN (${ref.slice(0, 1600)}) does not exist.`);
  let name = ref;
  if (ref.startsWith('arn:')) {
    const m = ASG_ARN_RE.exec(ref);
    if (!m || m[1] !== s.region || m[2] !== s.accountId) throw missing();
    name = m[3] as string;
  }
  if (name.length === 0 || name.length > 255) throw missing();
  let groups: {
    AutoScalingGroupName?: string;
    AutoScalingGroupARN?: string;
    NewInstancesProtectedFromScaleIn?: boolean;
  }[];
  try {
    const out = await s.deps.services.call<{ AutoScalingGroups?: typeof groups }>(
      'autoscaling',
      'DescribeAutoScalingGroups',
      { AutoScalingGroupNames: [name] },
      { region: s.region, accountId: s.accountId },
    );
    groups = out.AutoScalingGroups ?? [];
  } catch (e) {
    if (isAwsError(e) && e.status < 500) throw missing();
    throw e;
  }
  const g = groups[0];
  if (!g?.AutoScalingGroupARN || (ref.startsWith('arn:') && g.AutoScalingGroupARN !== ref)) throw missing();
  return {
    name: g.AutoScalingGroupName ?? name,
    arn: g.AutoScalingGroupARN,
    newInstancesProtected: g.NewInstancesProtectedFromScaleIn === true,
  };
}

type AsgProvider = Wire<ecs.AutoScalingGroupProvider>;

/** Managed scaling with ECS's defaults filled in. */
function managedScaling(given: Wire<ecs.ManagedScaling> | undefined, base?: Wire<ecs.ManagedScaling>) {
  const merged = { ...base, ...given };
  return {
    status: merged.status ?? (given || base ? 'ENABLED' : 'DISABLED'),
    targetCapacity: merged.targetCapacity ?? 100,
    minimumScalingStepSize: merged.minimumScalingStepSize ?? 1,
    maximumScalingStepSize: merged.maximumScalingStepSize ?? 10_000,
    instanceWarmupPeriod: merged.instanceWarmupPeriod ?? 300,
  } satisfies Wire<ecs.ManagedScaling>;
}

function checkAsgProvider(
  p: Required<Pick<AsgProvider, 'managedScaling' | 'managedTerminationProtection'>>,
  asg: AsgView,
) {
  const scaling = p.managedScaling;
  if ((scaling.minimumScalingStepSize ?? 1) > (scaling.maximumScalingStepSize ?? 10_000)) {
    throw errors.invalid(
      'The managed scaling configuration is invalid: minimumScalingStepSize must be less than or equal to maximumScalingStepSize.',
    );
  }
  if (p.managedTerminationProtection === 'ENABLED') {
    if (scaling.status !== 'ENABLED') {
      throw errors.invalid(
        'The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must be enabled.',
      );
    }
    if (!asg.newInstancesProtected) {
      throw errors.invalid(
        'The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, the Auto Scaling group must have instance protection from scale in enabled.',
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Actions

export async function createCapacityProvider(s: Scope, input: Wire<ecs.CreateCapacityProviderRequest>) {
  const name = input.name ?? '';
  if (!NAME_RE.test(name)) {
    throw errors.invalid(
      'Invalid capacity provider name. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.',
    );
  }
  if (/^(aws|ecs|fargate)/i.test(name)) {
    throw errors.invalid("The capacity provider name cannot begin with 'aws', 'ecs', or 'fargate'.");
  }
  if (input.managedInstancesProvider !== undefined) {
    throw new AwsError(
      'UnsupportedFeatureException',
      'Amazon ECS Managed Instances capacity providers are not supported by the local control plane.',
      400,
    );
  }
  if (input.cluster !== undefined) {
    throw errors.invalid(
      'The cluster parameter is only supported for Amazon ECS Managed Instances capacity providers.',
    );
  }
  const given = input.autoScalingGroupProvider;
  if (!given?.autoScalingGroupArn) {
    throw errors.invalid('An autoScalingGroupProvider must be specified.');
  }
  const tags = validateTags(input.tags);
  const asg = await autoScalingGroup(s, given.autoScalingGroupArn);
  const provider = {
    autoScalingGroupArn: asg.arn,
    managedScaling: managedScaling(given.managedScaling),
    managedTerminationProtection: given.managedTerminationProtection ?? 'DISABLED',
    managedDraining: given.managedDraining ?? 'ENABLED',
  } satisfies AsgProvider;
  checkAsgProvider(provider, asg);
  const arn = capacityProviderArnOf(s, name);
  const record = s.deps.db.tx(() => {
    const existing = s.col.capacityProviders.get(arn);
    if (existing && existing.capacityProvider.status !== 'INACTIVE') {
      throw errors.client(
        'The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.',
      );
    }
    const inUse = s.col.capacityProviders
      .find({ region: s.region })
      .some(
        (r) =>
          r.capacityProvider.status !== 'INACTIVE' &&
          r.capacityProvider.autoScalingGroupProvider?.autoScalingGroupArn === asg.arn,
      );
    if (inUse) {
      throw errors.invalid(
        'The specified Auto Scaling group ARN is already being used by another capacity provider.',
      );
    }
    const rec: CapacityProviderRecord = {
      capacityProvider: {
        capacityProviderArn: arn,
        name,
        status: 'ACTIVE',
        autoScalingGroupProvider: provider,
        tags,
        type: 'EC2_AUTOSCALING',
      },
      region: s.region,
      autoScalingGroupName: asg.name,
    };
    s.col.capacityProviders.put(arn, rec);
    return rec;
  });
  return { capacityProvider: record.capacityProvider };
}

/** The provider as Describe shows it (tags only when asked). */
function described(p: WireCapacityProvider, withTags: boolean): WireCapacityProvider {
  if (withTags) return p;
  const { tags: _, ...rest } = p;
  return rest;
}

export function describeCapacityProviders(s: Scope, input: Wire<ecs.DescribeCapacityProvidersRequest>) {
  const withTags = (input.include ?? []).includes('TAGS');
  if (input.cluster !== undefined) activeCluster(s, input.cluster);
  if (input.maxResults !== undefined && (input.maxResults < 1 || input.maxResults > 10)) {
    throw errors.invalid('maxResults must be between 1 and 10.');
  }
  if (input.capacityProviders !== undefined) {
    if (input.capacityProviders.length > 100) {
      throw errors.invalid('capacityProviders cannot have more than 100 items.');
    }
    if (input.nextToken !== undefined || input.maxResults !== undefined) {
      throw errors.invalid('maxResults and nextToken cannot be used with capacityProviders.');
    }
    const capacityProviders: WireCapacityProvider[] = [];
    const failures: Failure[] = [];
    for (const ref of input.capacityProviders) {
      const found = findCapacityProvider(s, ref);
      if (found) capacityProviders.push(described(found.provider, withTags));
      else failures.push({ arn: ref, reason: 'MISSING' });
    }
    return { capacityProviders, failures };
  }
  const all = [
    ...FARGATE_PROVIDERS.map((n) => builtin(s, n)),
    ...s.col.capacityProviders
      .find({ region: s.region })
      .map((r) => r.capacityProvider)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  ];
  const max = input.maxResults ?? 10;
  let start = 0;
  if (input.nextToken !== undefined) {
    const decoded = /^cp:([0-9]{1,6})$/.exec(Buffer.from(input.nextToken, 'base64url').toString('utf8'));
    if (!decoded || input.nextToken.length > 64) throw errors.invalid('Invalid nextToken.');
    start = Number(decoded[1]);
  }
  const page = all.slice(start, start + max);
  const next =
    start + max < all.length ? Buffer.from(`cp:${start + max}`, 'utf8').toString('base64url') : undefined;
  return {
    capacityProviders: page.map((p) => described(p, withTags)),
    failures: [],
    ...(next ? { nextToken: next } : {}),
  };
}

/** A stored (Auto Scaling group) provider that can be changed, or the error ECS gives. */
function changeableProvider(s: Scope, ref: string | undefined): CapacityProviderRecord {
  const found = findCapacityProvider(s, ref ?? '');
  if (found && !found.record) {
    throw errors.client(`The ${found.provider.name} capacity provider is reserved and cannot be changed.`);
  }
  if (!found?.record || found.provider.status === 'INACTIVE') {
    throw errors.invalid('The specified capacity provider does not exist.');
  }
  return found.record;
}

export async function updateCapacityProvider(s: Scope, input: Wire<ecs.UpdateCapacityProviderRequest>) {
  if (input.managedInstancesProvider !== undefined) {
    throw new AwsError(
      'UnsupportedFeatureException',
      'Amazon ECS Managed Instances capacity providers are not supported by the local control plane.',
      400,
    );
  }
  if (input.cluster !== undefined) {
    throw errors.invalid(
      'The cluster parameter is only supported for Amazon ECS Managed Instances capacity providers.',
    );
  }
  const current = changeableProvider(s, input.name);
  const base = current.capacityProvider.autoScalingGroupProvider;
  const change = input.autoScalingGroupProvider ?? {};
  const provider = {
    autoScalingGroupArn: base?.autoScalingGroupArn,
    managedScaling: managedScaling(change.managedScaling, base?.managedScaling),
    managedTerminationProtection:
      change.managedTerminationProtection ?? base?.managedTerminationProtection ?? 'DISABLED',
    managedDraining: change.managedDraining ?? base?.managedDraining ?? 'ENABLED',
  } satisfies AsgProvider;
  const asg = await autoScalingGroup(s, provider.autoScalingGroupArn ?? '');
  checkAsgProvider(provider, asg);
  const record = s.deps.db.tx(() => {
    const rec = changeableProvider(s, input.name);
    const updated: CapacityProviderRecord = {
      ...rec,
      capacityProvider: {
        ...rec.capacityProvider,
        autoScalingGroupProvider: provider,
        updateStatus: 'UPDATE_COMPLETE',
      },
    };
    s.col.capacityProviders.put(rec.capacityProvider.capacityProviderArn, updated);
    return updated;
  });
  const cluster = clusterOfProvider(s, record.capacityProvider.name);
  if (cluster) s.deps.bus.emit('ecs.cluster.dirty', { clusterArn: cluster.cluster.clusterArn });
  return { capacityProvider: described(record.capacityProvider, false) };
}

export function deleteCapacityProvider(s: Scope, input: Wire<ecs.DeleteCapacityProviderRequest>) {
  if (input.cluster !== undefined) {
    throw errors.invalid(
      'The cluster parameter is only supported for Amazon ECS Managed Instances capacity providers.',
    );
  }
  const record = s.deps.db.tx(() => {
    const rec = changeableProvider(s, input.capacityProvider);
    const name = rec.capacityProvider.name;
    if (clusterOfProvider(s, name)) {
      throw errors.client(
        'The specified capacity provider is associated with a cluster. Disassociate it from the cluster (PutClusterCapacityProviders) before deleting it.',
      );
    }
    const { scaling: _, ...rest } = rec;
    const updated: CapacityProviderRecord = {
      ...rest,
      capacityProvider: { ...rec.capacityProvider, status: 'INACTIVE', updateStatus: 'DELETE_COMPLETE' },
    };
    s.col.capacityProviders.put(rec.capacityProvider.capacityProviderArn, updated);
    return updated;
  });
  return { capacityProvider: described(record.capacityProvider, false) };
}

// ---------------------------------------------------------------------------------------------
// A cluster's providers and strategies

/**
 * The providers a cluster may list: each ACTIVE, an Auto Scaling group provider on no other
 * cluster. Runs inside the caller's transaction.
 */
export function checkClusterProviders(s: Scope, clusterName: string, names: string[]): void {
  if (names.length > MAX_STRATEGY_ITEMS) {
    throw errors.invalid(`A cluster can have at most ${MAX_STRATEGY_ITEMS} capacity providers.`);
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name))
      throw errors.invalid(`The capacity provider ${name.slice(0, 255)} is specified more than once.`);
    seen.add(name);
    const found = findCapacityProvider(s, name);
    if (!found || found.provider.status !== 'ACTIVE' || providerName(s, name) !== found.provider.name) {
      throw errors.invalid(
        `The specified capacity provider ${name.slice(0, 255)} is not in an ACTIVE state.`,
      );
    }
    if (found.record) {
      const other = clusterOfProvider(s, found.provider.name);
      if (other && other.cluster.clusterName !== clusterName) {
        throw errors.invalid(
          `The specified capacity provider ${found.provider.name} is already associated with another cluster (${other.cluster.clusterName}). An Auto Scaling group capacity provider can be associated with one cluster only.`,
        );
      }
    }
  }
}

/**
 * A capacity provider strategy as ECS accepts it for `cluster` (RunTask, CreateService,
 * UpdateService, a cluster's default): providers associated with the cluster, Fargate and Auto
 * Scaling group providers not mixed, at most one base, a weight somewhere.
 */
export function checkStrategy(
  s: Scope,
  cluster: WireCluster,
  strategy: Wire<ecs.CapacityProviderStrategyItem>[],
  associated: string[] = cluster.capacityProviders ?? [],
): StrategyItem[] {
  if (strategy.length === 0) return [];
  if (strategy.length > MAX_STRATEGY_ITEMS) {
    throw errors.invalid(
      `A capacity provider strategy can contain at most ${MAX_STRATEGY_ITEMS} capacity providers.`,
    );
  }
  const items: StrategyItem[] = [];
  const seen = new Set<string>();
  for (const item of strategy) {
    const name = item.capacityProvider ?? '';
    if (seen.has(name)) {
      throw errors.invalid(`The capacity provider strategy contains ${name.slice(0, 255)} more than once.`);
    }
    seen.add(name);
    if (!associated.includes(name)) {
      throw errors.invalid(
        'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
      );
    }
    const found = findCapacityProvider(s, name);
    if (!found || found.provider.status !== 'ACTIVE') {
      throw errors.invalid(
        `The specified capacity provider ${name.slice(0, 255)} is not in an ACTIVE state.`,
      );
    }
    items.push({
      capacityProvider: found.provider.name,
      base: item.base ?? 0,
      weight: item.weight ?? 0,
      kind: isFargateProvider(found.provider.name) ? found.provider.name : 'EC2_AUTOSCALING',
    });
  }
  const fargate = items.filter((i) => i.kind !== 'EC2_AUTOSCALING').length;
  if (fargate > 0 && fargate < items.length) {
    throw errors.invalid(
      'A capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.',
    );
  }
  if (items.filter((i) => i.base > 0).length > 1) {
    throw errors.invalid(
      'Only one capacity provider in a capacity provider strategy can have a base defined.',
    );
  }
  if (items.length > 1 && items.every((i) => i.weight === 0)) {
    throw errors.invalid(
      'At least one capacity provider in a capacity provider strategy must have a weight greater than zero.',
    );
  }
  return items;
}

/** The strategy a stored strategy stands for now (providers that went INACTIVE are left out). */
export function resolvedStrategy(
  s: Pick<Scope, 'region' | 'accountId' | 'col'>,
  strategy: Wire<ecs.CapacityProviderStrategyItem>[],
): StrategyItem[] {
  return strategy.flatMap((item) => {
    const name = item.capacityProvider ?? '';
    const fargate = isFargateProvider(name);
    if (!fargate) {
      const rec = s.col.capacityProviders.get(capacityProviderArnOf(s, name));
      if (!rec || rec.capacityProvider.status !== 'ACTIVE') return [];
    }
    return [
      {
        capacityProvider: name,
        base: item.base ?? 0,
        weight: item.weight ?? 0,
        kind: fargate ? name : 'EC2_AUTOSCALING',
      },
    ];
  });
}

/** Cluster attachments ECS keeps for providers with managed scaling (the scaling policy it manages). */
function scalingAttachments(s: Scope, cluster: WireCluster, names: string[]): Wire<ecs.Attachment>[] {
  const kept = new Map(
    (cluster.attachments ?? []).map((a) => [
      a.details?.find((d) => d.name === 'capacityProviderName')?.value,
      a,
    ]),
  );
  return names.flatMap((name) => {
    const found = findCapacityProvider(s, name);
    if (!found?.record) return [];
    const existing = kept.get(name);
    if (existing) return [existing];
    const asgName = found.record.autoScalingGroupName ?? '';
    return [
      {
        id: randomUUID(),
        type: 'as_policy',
        status: 'CREATED',
        details: [
          { name: 'capacityProviderName', value: name },
          { name: 'scalingPolicyName', value: `ECSManagedAutoScalingPolicy-${asgName}` },
        ],
      },
    ];
  });
}

/** The cluster with these providers and default strategy (checked; inside the caller's transaction). */
export function withCapacityProviders(
  s: Scope,
  rec: ClusterRecord,
  names: string[],
  strategy: Wire<ecs.CapacityProviderStrategyItem>[],
): WireCluster {
  checkClusterProviders(s, rec.cluster.clusterName, names);
  const resolvedNames = names.map((n) => findCapacityProvider(s, n)?.provider.name ?? n);
  checkStrategy(s, rec.cluster, strategy, resolvedNames);
  return {
    ...rec.cluster,
    capacityProviders: resolvedNames,
    defaultCapacityProviderStrategy: strategy.map((i) => ({
      capacityProvider: i.capacityProvider,
      weight: i.weight ?? 0,
      base: i.base ?? 0,
    })),
    attachments: scalingAttachments(s, rec.cluster, resolvedNames),
    attachmentsStatus: 'UPDATE_COMPLETE',
  };
}
