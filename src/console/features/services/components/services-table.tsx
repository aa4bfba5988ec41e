import type { Service } from '@aws-sdk/client-ecs';
import { Link } from 'react-router';
import { ButtonLink } from '../../../components/ui/button';
import { DataTable, type DataColumn, type LoadMoreProps } from '../../../components/ui/data-table';
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

function columns(cluster: string): Array<DataColumn<Service>> {
  return [
    {
      id: 'name',
      header: 'Service',
      value: (s) => s.serviceName,
      cell: (s) => (
        <Link
          className={linkClass}
          to={`/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(s.serviceName ?? '')}`}
        >
          {s.serviceName}
        </Link>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      value: (s) => s.status,
      cell: (s) => <StatusBadge status={s.status ?? 'UNKNOWN'} />,
    },
    {
      id: 'counts',
      header: 'Desired / running / pending',
      value: (s) => s.runningCount,
      className: 'tabular-nums',
      cell: (s) => (
        <span data-testid={`service-counts-${s.serviceName ?? ''}`}>
          {s.desiredCount ?? 0} / {s.runningCount ?? 0} / {s.pendingCount ?? 0}
        </span>
      ),
    },
    {
      id: 'taskDefinition',
      header: 'Task definition',
      value: (s) => lastPart(s.taskDefinition),
      cell: (s) => taskDefinitionLink(s.taskDefinition),
    },
    {
      id: 'launchType',
      header: 'Launch type',
      value: (s) => s.launchType,
      cell: (s) => s.launchType ?? '—',
      hiddenByDefault: true,
    },
    {
      id: 'deployments',
      header: 'Deployments',
      value: (s) => (s.deployments ?? []).map((d) => d.rolloutState ?? d.status).join(' '),
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
  more?: LoadMoreProps;
}

export function ServicesTable({ cluster, services, isLoading, error, onRetry, more }: ServicesTableProps) {
  const create = (
    <ButtonLink to={`/clusters/${encodeURIComponent(cluster)}/create-service`} variant="primary" size="sm">
      Create service
    </ButtonLink>
  );
  return (
    <DataTable
      tableId="services"
      caption={`Services in cluster ${cluster}`}
      resourceName="services"
      columns={columns(cluster)}
      rows={services}
      rowKey={(s) => s.serviceArn ?? s.serviceName ?? ''}
      isLoading={isLoading}
      error={error}
      onRetry={onRetry}
      defaultSort={{ id: 'name', desc: false }}
      toolbar={create}
      more={more}
      empty={{
        title: 'No services in this cluster',
        description:
          'A service keeps a number of tasks of a task definition running, and replaces them when they stop.',
        action: (
          <ButtonLink to={`/clusters/${encodeURIComponent(cluster)}/create-service`} variant="primary">
            Create service
          </ButtonLink>
        ),
      }}
    />
  );
}
