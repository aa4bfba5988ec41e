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
import { clusterCounts } from './counts';
import type { ClusterRecord, Wire, WireCluster } from './model';
import { accountSetting } from './account-settings';

const SUPPORTED_CAPACITY_PROVIDERS = new Set(['FARGATE', 'FARGATE_SPOT']);

export function createCluster(s: Scope, input: Wire<ecs.CreateClusterRequest>) {
  const name = input.clusterName ?? 'default';
  if (!NAME_RE.test(name)) {
    throw errors.invalid(
      'Invalid cluster name. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.',
    );
  }
  const tags = validateTags(input.tags);
  for (const cp of input.capacityProviders ?? []) {
    if (!SUPPORTED_CAPACITY_PROVIDERS.has(cp)) {
      throw errors.invalid(`The specified capacity provider ${cp} is not in an ACTIVE state.`);
    }
  }
  for (const item of input.defaultCapacityProviderStrategy ?? []) {
    if (!(input.capacityProviders ?? []).includes(item.capacityProvider ?? '')) {
      throw errors.invalid(
        `The specified capacity provider strategy contains ${item.capacityProvider}, which is not associated with the cluster.`,
      );
    }
  }
  const arn = clusterArnOf(s, name);
  return s.deps.db.tx(() => {
    const existing = s.col.clusters.get(arn);
    if (existing && existing.cluster.status === 'ACTIVE')
      return { cluster: describeCluster(s, existing, new Set()) };
    const cluster: WireCluster = {
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
      capacityProviders: input.capacityProviders ?? [],
      defaultCapacityProviderStrategy: input.defaultCapacityProviderStrategy ?? [],
      ...(input.configuration ? { configuration: input.configuration } : {}),
      ...(input.serviceConnectDefaults
        ? { serviceConnectDefaults: { namespace: input.serviceConnectDefaults.namespace } }
        : {}),
    };
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
  out.statistics = include.has('STATISTICS')
    ? [
        { name: 'runningEC2TasksCount', value: String(running) },
        { name: 'runningFargateTasksCount', value: '0' },
        { name: 'pendingEC2TasksCount', value: String(pending) },
        { name: 'pendingFargateTasksCount', value: '0' },
        { name: 'activeEC2ServiceCount', value: String(active) },
        { name: 'activeFargateServiceCount', value: '0' },
        { name: 'drainingEC2ServiceCount', value: String(draining) },
        { name: 'drainingFargateServiceCount', value: '0' },
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
