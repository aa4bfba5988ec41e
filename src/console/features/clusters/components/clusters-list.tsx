import type { Cluster } from '@aws-sdk/client-ecs';
import { Link } from 'react-router';
import { ResourceTable, type Column } from '../../../components/ui/resource-table';
import { StatusBadge } from '../../../components/ui/status-badge';
import { ButtonLink } from '../../../components/ui/button';
import { linkClass } from '../../../lib/format';

/** A count column: right-aligned digits, 0 when AWS leaves it out. */
function count(id: string, header: string, value: (c: Cluster) => number | undefined): Column<Cluster> {
  return { id, header, cell: (c) => value(c) ?? 0, className: 'tabular-nums' };
}

const columns: Array<Column<Cluster>> = [
  {
    id: 'name',
    header: 'Cluster',
    cell: (c) => (
      <Link className={linkClass} to={`/clusters/${encodeURIComponent(c.clusterName ?? '')}`}>
        {c.clusterName}
      </Link>
    ),
  },
  { id: 'status', header: 'Status', cell: (c) => <StatusBadge status={c.status ?? 'UNKNOWN'} /> },
  count('instances', 'Container instances', (c) => c.registeredContainerInstancesCount),
  count('services', 'Active services', (c) => c.activeServicesCount),
  count('running', 'Running tasks', (c) => c.runningTasksCount),
  count('pending', 'Pending tasks', (c) => c.pendingTasksCount),
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
