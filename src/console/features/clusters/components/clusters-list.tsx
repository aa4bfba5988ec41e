import type { Cluster } from '@aws-sdk/client-ecs';
import { Link } from 'react-router';
import { DataTable, type DataColumn, type LoadMoreProps } from '../../../components/ui/data-table';
import { StatusBadge } from '../../../components/ui/status-badge';
import { ButtonLink } from '../../../components/ui/button';
import { linkClass } from '../../../lib/format';

/** A count column: right-aligned digits, 0 when AWS leaves it out. */
function count(id: string, header: string, value: (c: Cluster) => number | undefined): DataColumn<Cluster> {
  return { id, header, value: (c) => value(c) ?? 0, cell: (c) => value(c) ?? 0, className: 'tabular-nums' };
}

const columns: Array<DataColumn<Cluster>> = [
  {
    id: 'name',
    header: 'Cluster',
    value: (c) => c.clusterName,
    cell: (c) => (
      <Link className={linkClass} to={`/clusters/${encodeURIComponent(c.clusterName ?? '')}`}>
        {c.clusterName}
      </Link>
    ),
  },
  {
    id: 'status',
    header: 'Status',
    value: (c) => c.status,
    cell: (c) => <StatusBadge status={c.status ?? 'UNKNOWN'} />,
  },
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
  more?: LoadMoreProps;
}

/** The pure renderer of the clusters list (the page fetches). */
export function ClustersList({ clusters, isLoading, error, onRetry, more }: ClustersListProps) {
  return (
    <DataTable
      tableId="clusters"
      defaultSort={{ id: 'name', desc: false }}
      toolbar={
        <ButtonLink to="/create-cluster" variant="primary" size="sm">
          Create cluster
        </ButtonLink>
      }
      caption="ECS clusters"
      resourceName="clusters"
      columns={columns}
      rows={clusters}
      rowKey={(c) => c.clusterArn ?? c.clusterName ?? ''}
      isLoading={isLoading}
      error={error}
      onRetry={onRetry}
      more={more}
      empty={{
        title: 'No clusters in this region',
        description:
          'Create a cluster here (EC2 instances, Fargate or empty), or let the wizard create a cluster, a task definition and a service in one go.',
        action: (
          <span className="flex flex-wrap justify-center gap-2">
            <ButtonLink to="/create-cluster" variant="primary">
              Create cluster
            </ButtonLink>
            <ButtonLink to="/get-started">Open the wizard</ButtonLink>
          </span>
        ),
      }}
    />
  );
}
