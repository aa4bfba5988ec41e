import type { Cluster } from '@aws-sdk/client-ecs';
import { Link } from 'react-router';
import { ResourceTable, type Column } from '../../../components/ui/resource-table';
import { StatusBadge } from '../../../components/ui/status-badge';
import { ButtonLink } from '../../../components/ui/button';

const link = 'font-medium text-orange-800 underline-offset-2 hover:underline dark:text-orange-300';

const columns: Array<Column<Cluster>> = [
  {
    id: 'name',
    header: 'Cluster',
    cell: (c) => (
      <Link className={link} to={`/clusters/${encodeURIComponent(c.clusterName ?? '')}`}>
        {c.clusterName}
      </Link>
    ),
  },
  { id: 'status', header: 'Status', cell: (c) => <StatusBadge status={c.status ?? 'UNKNOWN'} /> },
  {
    id: 'instances',
    header: 'Container instances',
    cell: (c) => c.registeredContainerInstancesCount ?? 0,
    className: 'tabular-nums',
  },
  {
    id: 'services',
    header: 'Active services',
    cell: (c) => c.activeServicesCount ?? 0,
    className: 'tabular-nums',
  },
  {
    id: 'running',
    header: 'Running tasks',
    cell: (c) => c.runningTasksCount ?? 0,
    className: 'tabular-nums',
  },
  {
    id: 'pending',
    header: 'Pending tasks',
    cell: (c) => c.pendingTasksCount ?? 0,
    className: 'tabular-nums',
  },
];

interface ClustersListProps {
  clusters: Cluster[] | undefined;
  isLoading: boolean;
  error: unknown;
  onRetry: () => void;
}

/** The pure renderer of the clusters list (the page fetches). */
export function ClustersList({ clusters, isLoading, error, onRetry }: ClustersListProps) {
  return (
    <ResourceTable
      caption="ECS clusters"
      resourceName="clusters"
      columns={columns}
      rows={clusters}
      rowKey={(c) => c.clusterArn ?? c.clusterName ?? ''}
      isLoading={isLoading}
      error={error}
      onRetry={onRetry}
      empty={{
        title: 'No clusters in this region',
        description: 'The wizard creates a cluster, a task definition and a service in one go.',
        action: (
          <ButtonLink to="/get-started" variant="primary">
            Open the wizard
          </ButtonLink>
        ),
      }}
    />
  );
}
