import { lazy, Suspense, type ReactNode } from 'react';
import { CapacityProvidersSection } from './capacity-providers-section';
import { useParams } from 'react-router';
import { Breadcrumbs } from '../../../components/ui/breadcrumbs';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader, StatusTitle } from '../../../components/ui/page-header';
import { Stat } from '../../../components/ui/stat';
import { Tabs, useTabParam } from '../../../components/ui/tabs';
import { TagsSection } from '../../../components/tags/tags-section';
import { useCluster } from '../api/describe-cluster';
import { ClusterStackBanner } from './cluster-stack-banner';
import { DeleteCluster } from './delete-cluster';
import { ButtonLink } from '../../../components/ui/button';

const ClusterAlarms = lazy(() => import('./cluster-alarms'));
/** CPU and memory reserved against registered per instance: loaded with uPlot only on this page. */
const ClusterCapacity = lazy(() => import('./cluster-capacity'));

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

/** A cluster: its counts and tabs (kept in ?tab=). */
export function ClusterPage({ tabs }: { tabs: ClusterTabRenderers }) {
  const cluster = useParams()['cluster'] ?? '';
  const [tab, selectTab] = useTabParam(CLUSTER_TABS, 'services');
  const info = useCluster(cluster);
  const c = info.data;
  return (
    <>
      <PageHeader
        eyebrow={<Breadcrumbs trail={[{ to: '/clusters', label: 'Clusters' }]} />}
        title={<StatusTitle name={cluster} status={c?.status} />}
        description={c?.clusterArn}
        actions={
          c && (
            <>
              <ButtonLink variant="primary" to={`/clusters/${encodeURIComponent(cluster)}/create-service`}>
                Create service
              </ButtonLink>
              <ButtonLink to={`/clusters/${encodeURIComponent(cluster)}/run-task`}>Run task</ButtonLink>
              <DeleteCluster cluster={cluster} runningTasks={c.runningTasksCount ?? 0} />
            </>
          )
        }
      />
      {info.error ? (
        <ErrorState
          title={`Could not describe cluster ${cluster}`}
          error={info.error}
          onRetry={() => void info.refetch()}
        />
      ) : (
        <>
          <ClusterStackBanner cluster={cluster} />
          <dl className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-5">
            <Stat
              label="Container instances"
              value={c?.registeredContainerInstancesCount}
              testId="cluster-instances"
            />
            <Stat label="Active services" value={c?.activeServicesCount} />
            <Stat label="Running tasks" value={c?.runningTasksCount} testId="cluster-running-tasks" />
            <Stat label="Pending tasks" value={c?.pendingTasksCount} />
            <Stat label="Capacity providers" value={c?.capacityProviders?.length ?? (c ? 0 : undefined)} />
          </dl>
          <Suspense fallback={null}>
            <ClusterAlarms cluster={cluster} />
            <ClusterCapacity cluster={cluster} registered={c?.registeredContainerInstancesCount} />
          </Suspense>
          {c && <CapacityProvidersSection cluster={c} />}
          <Tabs
            label={`Cluster ${cluster}`}
            selected={tab}
            onSelect={selectTab}
            tabs={CLUSTER_TABS.map((id) => ({ id, label: tabLabels[id], content: tabs[id](cluster) }))}
          />
          {c?.clusterArn && (
            <div className="mt-8">
              <TagsSection resourceArn={c.clusterArn} resourceName={`cluster ${cluster}`} />
            </div>
          )}
        </>
      )}
    </>
  );
}
