import type { ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { Skeleton } from '../../../components/ui/skeleton';
import { StatusBadge } from '../../../components/ui/status-badge';
import { Tabs } from '../../../components/ui/tabs';
import { useCluster } from '../api/describe-cluster';

export const CLUSTER_TABS = ['services', 'tasks', 'instances', 'events'] as const;
export type ClusterTab = (typeof CLUSTER_TABS)[number];

const tabLabels: Record<ClusterTab, string> = {
  services: 'Services',
  tasks: 'Tasks',
  instances: 'ECS Instances',
  events: 'Events',
};

/** What each tab shows, given by the app (features never import each other). */
export type ClusterTabRenderers = Record<ClusterTab, (cluster: string) => ReactNode>;

function Stat({ label, value }: { label: string; value: number | undefined }) {
  return (
    <div className="rounded-lg border border-slate-200 px-4 py-3 dark:border-slate-800">
      <dt className="text-xs text-slate-600 uppercase dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">
        {value === undefined ? <Skeleton className="h-7 w-10" /> : value}
      </dd>
    </div>
  );
}

/** A cluster: its counts and tabs (kept in ?tab=). */
export function ClusterPage({ tabs }: { tabs: ClusterTabRenderers }) {
  const cluster = useParams()['cluster'] ?? '';
  const [params, setParams] = useSearchParams();
  const raw = params.get('tab');
  const tab: ClusterTab = CLUSTER_TABS.find((t) => t === raw) ?? 'services';
  const info = useCluster(cluster);
  const c = info.data;
  return (
    <>
      <PageHeader
        eyebrow={
          <Link to="/clusters" className="hover:underline">
            Clusters
          </Link>
        }
        title={
          <span className="flex items-center gap-3">
            {cluster} {c?.status && <StatusBadge status={c.status} />}
          </span>
        }
        description={c?.clusterArn}
      />
      {info.error ? (
        <ErrorState
          title={`Could not describe cluster ${cluster}`}
          error={info.error}
          onRetry={() => void info.refetch()}
        />
      ) : (
        <>
          <dl className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-5">
            <Stat label="Container instances" value={c?.registeredContainerInstancesCount} />
            <Stat label="Active services" value={c?.activeServicesCount} />
            <Stat label="Running tasks" value={c?.runningTasksCount} />
            <Stat label="Pending tasks" value={c?.pendingTasksCount} />
            <Stat label="Capacity providers" value={c?.capacityProviders?.length ?? (c ? 0 : undefined)} />
          </dl>
          <Tabs
            label={`Cluster ${cluster}`}
            selected={tab}
            onSelect={(id) => {
              // Other filters belong to the tab they filter: switching tabs starts clean.
              setParams({ tab: id });
            }}
            tabs={CLUSTER_TABS.map((id) => ({ id, label: tabLabels[id], content: tabs[id](cluster) }))}
          />
        </>
      )}
    </>
  );
}
