import type { Service } from '@aws-sdk/client-ecs';
import { Link } from 'react-router';
import { ResourceTable, type Column } from '../../../components/ui/resource-table';
import { StatusBadge } from '../../../components/ui/status-badge';
import { linkClass, lastPart } from '../../../lib/format';

function taskDefinitionLink(arn: string | undefined) {
  const short = lastPart(arn);
  const [family, revision] = short.split(':');
  if (!family || !revision) return short;
  return (
    <Link className={linkClass} to={`/task-definitions/${encodeURIComponent(family)}/${revision}`}>
      {short}
    </Link>
  );
}

function columns(cluster: string): Array<Column<Service>> {
  return [
    {
      id: 'name',
      header: 'Service',
      cell: (s) => (
        <Link
          className={linkClass}
          to={`/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(s.serviceName ?? '')}`}
        >
          {s.serviceName}
        </Link>
      ),
    },
    { id: 'status', header: 'Status', cell: (s) => <StatusBadge status={s.status ?? 'UNKNOWN'} /> },
    {
      id: 'counts',
      header: 'Desired / running / pending',
      className: 'tabular-nums',
      cell: (s) => (
        <span data-testid={`service-counts-${s.serviceName ?? ''}`}>
          {s.desiredCount ?? 0} / {s.runningCount ?? 0} / {s.pendingCount ?? 0}
        </span>
      ),
    },
    { id: 'taskdef', header: 'Task definition', cell: (s) => taskDefinitionLink(s.taskDefinition) },
    {
      id: 'deployments',
      header: 'Deployments',
      cell: (s) => (
        <ul className="space-y-1">
          {(s.deployments ?? []).map((d) => (
            <li key={d.id} className="flex items-center gap-1.5">
              <StatusBadge status={d.status ?? ''} />
              {d.rolloutState && <StatusBadge status={d.rolloutState} />}
            </li>
          ))}
        </ul>
      ),
    },
  ];
}

export { taskDefinitionLink };

interface ServicesTableProps {
  cluster: string;
  services: Service[] | undefined;
  isLoading: boolean;
  error: unknown;
  onRetry: () => void;
}

export function ServicesTable({ cluster, services, isLoading, error, onRetry }: ServicesTableProps) {
  return (
    <ResourceTable
      caption={`Services in cluster ${cluster}`}
      resourceName="services"
      columns={columns(cluster)}
      rows={services}
      rowKey={(s) => s.serviceArn ?? s.serviceName ?? ''}
      isLoading={isLoading}
      error={error}
      onRetry={onRetry}
      empty={{ title: 'No services in this cluster' }}
    />
  );
}
