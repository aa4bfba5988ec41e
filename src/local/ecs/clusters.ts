/**
 * CreateCluster, UpdateCluster, UpdateClusterSettings, DescribeClusters, ListClusters, DeleteCluster.
 * Counts come from the store's counters (counts.ts).
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { AwsError } from '../protocol/errors';
import {
  NAME_RE,
  activeCluster,
  batch,
  clusterArnOf,
  errors,
  findCluster,
  maxResultsOf,
  pageOf,
  validateTags,
  type Failure,
  type Scope,
} from './common';
import { clusterCounts, countKeys } from './counts';
import { accountSetting } from './account-settings';
import { withCapacityProviders } from './capacity-providers';
import type { ClusterRecord, Wire, WireCluster } from './model';

export function createCluster(s: Scope, input: Wire<ecs.CreateClusterRequest>) {
  const name = input.clusterName ?? 'default';
  if (!NAME_RE.test(name)) {
    throw errors.invalid(
      'Invalid cluster name. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.',
    );
  }
  const tags = validateTags(input.tags);
  const arn = clusterArnOf(s, name);
  return s.deps.db.tx(() => {
    const existing = s.col.clusters.get(arn);
    if (existing && existing.cluster.status === 'ACTIVE')
      return { cluster: describeCluster(s, existing, new Set()) };
    const base: WireCluster = {
      clusterArn: arn,
      clusterName: name,
      status: 'ACTIVE',
      registeredContainerInstancesCount: 0,
      runningTasksCount: 0,
      pendingTasksCount: 0,
      activeServicesCount: 0,
      statistics: [],
      tags,
      // The account's containerInsights setting is the default of a new cluster's (account-settings.ts).
      settings: mergeSettings(
        [{ name: 'containerInsights', value: accountSetting(s, 'containerInsights') }],
        input.settings ?? [],
      ),
      capacityProviders: [],
      defaultCapacityProviderStrategy: [],
      ...(input.configuration ? { configuration: input.configuration } : {}),
      ...(input.serviceConnectDefaults
        ? { serviceConnectDefaults: { namespace: input.serviceConnectDefaults.namespace } }
        : {}),
    };
    const names = input.capacityProviders ?? [];
    const strategy = input.defaultCapacityProviderStrategy ?? [];
    const cluster =
      names.length > 0 || strategy.length > 0
        ? withCapacityProviders(s, { cluster: base, region: s.region }, names, strategy)
        : base;
    const record: ClusterRecord = { cluster, region: s.region };
    s.col.clusters.put(arn, record);
    return { cluster: describeCluster(s, record, new Set()) };
  });
}

/** The cluster as DescribeClusters shows it: counts derived from instances, tasks and services. */
export function describeCluster(s: Scope, rec: ClusterRecord, include: Set<string>): WireCluster {
  const c = rec.cluster;
  const out: WireCluster = { ...c };
  if (!include.has('TAGS')) delete out.tags;
  if (!include.has('SETTINGS')) delete out.settings;
  if (!include.has('CONFIGURATIONS')) delete out.configuration;
  if (include.has('ATTACHMENTS')) out.attachments = c.attachments ?? [];
  else {
    delete out.attachments;
    delete out.attachmentsStatus;
  }
  if (c.status !== 'ACTIVE') {
    return {
      ...out,
      registeredContainerInstancesCount: 0,
      runningTasksCount: 0,
      pendingTasksCount: 0,
      activeServicesCount: 0,
      statistics: [],
    };
  }
  const counts = clusterCounts(s.col, c.clusterArn);
  const { running, pending } = counts;
  const active = counts.activeServices;
  const draining = counts.drainingServices;
  out.registeredContainerInstancesCount = counts.registeredInstances;
  out.runningTasksCount = running;
  out.pendingTasksCount = pending;
  out.activeServicesCount = active;
  const f = counts.fargate;
  out.statistics = include.has('STATISTICS')
    ? [
        { name: 'runningEC2TasksCount', value: String(running - f.running) },
        { name: 'runningFargateTasksCount', value: String(f.running) },
        { name: 'pendingEC2TasksCount', value: String(pending - f.pending) },
        { name: 'pendingFargateTasksCount', value: String(f.pending) },
        { name: 'activeEC2ServiceCount', value: String(active - f.activeServices) },
        { name: 'activeFargateServiceCount', value: String(f.activeServices) },
        { name: 'drainingEC2ServiceCount', value: String(draining - f.drainingServices) },
        { name: 'drainingFargateServiceCount', value: String(f.drainingServices) },
      ]
    : [];
  return out;
}

export function describeClusters(s: Scope, input: Wire<ecs.DescribeClustersRequest>) {
  const refs = input.clusters === undefined ? ['default'] : batch(input.clusters, 'Clusters', 100);
  const include = new Set<string>(input.include ?? []);
  const clusters: WireCluster[] = [];
  const failures: Failure[] = [];
  for (const ref of refs) {
    const rec = findCluster(s, ref);
    if (rec) clusters.push(describeCluster(s, rec, include));
    else failures.push({ arn: ref.startsWith('arn:') ? ref : clusterArnOf(s, ref), reason: 'MISSING' });
  }
  return { clusters, failures };
}

export function listClusters(s: Scope, input: Wire<ecs.ListClustersRequest>) {
  const max = maxResultsOf(input.maxResults, 100);
  const arns = s.col.clusters
    .find({ region: s.region })
    .filter((c) => c.cluster.status === 'ACTIVE')
    .map((c) => c.cluster.clusterArn)
    .sort();
  const { page, nextToken } = pageOf(arns, (a) => a, input.nextToken, max, 'ListClusters');
  return { clusterArns: page, ...(nextToken ? { nextToken } : {}) };
}

export function deleteCluster(s: Scope, input: Wire<ecs.DeleteClusterRequest>) {
  return s.deps.db.tx(() => {
    const rec = activeCluster(s, input.cluster);
    const arn = rec.cluster.clusterArn;
    const counts = clusterCounts(s.col, arn);
    if (counts.activeServices + counts.drainingServices > 0) {
      throw new AwsError(
        'ClusterContainsServicesException',
        'The Cluster cannot be deleted while Services are active.',
      );
    }
    if (counts.registeredInstances > 0) {
      throw new AwsError(
        'ClusterContainsContainerInstancesException',
        'The Cluster cannot be deleted while Container Instances are active or draining.',
      );
    }
    if (counts.live > 0) {
      throw new AwsError(
        'ClusterContainsTasksException',
        'The Cluster cannot be deleted while Tasks are active.',
      );
    }
    const updated: ClusterRecord = { ...rec, cluster: { ...rec.cluster, status: 'INACTIVE' } };
    s.col.clusters.put(arn, updated);
    return { cluster: describeCluster(s, updated, new Set()) };
  });
}

const CONTAINER_INSIGHTS = new Set(['enabled', 'disabled', 'enhanced']);

function mergeSettings(
  current: Wire<ecs.ClusterSetting>[] | undefined,
  given: Wire<ecs.ClusterSetting>[],
): Wire<ecs.ClusterSetting>[] {
  const map = new Map((current ?? []).map((x) => [x.name ?? '', x.value ?? '']));
  for (const x of given) {
    if (!CONTAINER_INSIGHTS.has(x.value ?? '')) {
      throw errors.invalid(
        `Invalid value for containerInsights: ${(x.value ?? '').slice(0, 64)}. Use enabled, disabled or enhanced.`,
      );
    }
    map.set(x.name ?? 'containerInsights', x.value ?? '');
  }
  return [...map].map(([name, value]) => ({ name: name as ecs.ClusterSettingName, value }));
}

export function updateCluster(s: Scope, input: Wire<ecs.UpdateClusterRequest>) {
  return s.deps.db.tx(() => {
    const rec = activeCluster(s, input.cluster);
    const cluster: WireCluster = {
      ...rec.cluster,
      ...(input.settings ? { settings: mergeSettings(rec.cluster.settings, input.settings) } : {}),
      ...(input.configuration ? { configuration: input.configuration } : {}),
      ...(input.serviceConnectDefaults
        ? { serviceConnectDefaults: { namespace: input.serviceConnectDefaults.namespace } }
        : {}),
    };
    const updated: ClusterRecord = { ...rec, cluster };
    s.col.clusters.put(cluster.clusterArn, updated);
    return { cluster: describeCluster(s, updated, new Set(['SETTINGS', 'CONFIGURATIONS'])) };
  });
}

export function updateClusterSettings(s: Scope, input: Wire<ecs.UpdateClusterSettingsRequest>) {
  return updateCluster(s, { cluster: input.cluster, settings: input.settings ?? [] });
}

/** PutClusterCapacityProviders: the cluster's providers and default strategy (a removed one must be unused). */
export function putClusterCapacityProviders(s: Scope, input: Wire<ecs.PutClusterCapacityProvidersRequest>) {
  const names = input.capacityProviders ?? [];
  const strategy = input.defaultCapacityProviderStrategy ?? [];
  const record = s.deps.db.tx(() => {
    const rec = activeCluster(s, input.cluster);
    const cluster = withCapacityProviders(s, rec, names, strategy);
    const removed = (rec.cluster.capacityProviders ?? []).filter(
      (n) => !cluster.capacityProviders?.includes(n),
    );
    if (removed.length > 0) {
      const services = s.col.services
        .find({ cluster: rec.cluster.clusterArn })
        .filter((x) => x.service.status !== 'INACTIVE');
      const usedByService = services.some((x) =>
        (x.service.capacityProviderStrategy ?? []).some((i) => removed.includes(i.capacityProvider ?? '')),
      );
      // A counter per cluster and provider kept with each task (counts.ts): O(1) in tasks.
      const usedByTask = removed.some(
        (name) => s.col.tasks.counted(countKeys.providerLive(rec.cluster.clusterArn, name)) > 0,
      );
      if (usedByService || usedByTask) {
        throw new AwsError(
          'ResourceInUseException',
          'The specified capacity provider is in use and cannot be removed.',
          400,
        );
      }
    }
    const updated: ClusterRecord = { ...rec, cluster };
    s.col.clusters.put(cluster.clusterArn, updated);
    return updated;
  });
  s.deps.bus.emit('ecs.cluster.dirty', { clusterArn: record.cluster.clusterArn });
  return { cluster: describeCluster(s, record, new Set(['ATTACHMENTS'])) };
}
