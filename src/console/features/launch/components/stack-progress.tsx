import type { StackEvent, StackResource } from '@aws-sdk/client-cloudformation';
import { ErrorState } from '../../../components/ui/error-state';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { ResourceTable, type Column } from '../../../components/ui/resource-table';
import { StatusBadge } from '../../../components/ui/status-badge';

interface StackProgressProps {
  stackName: string;
  status?: string;
  resources: StackResource[] | undefined;
  resourcesError: unknown;
  events: StackEvent[] | undefined;
  eventsError: unknown;
  totalResources: number;
}

const eventColumns: Array<Column<StackEvent>> = [
  {
    id: 'time',
    header: 'Time',
    cell: (e) => e.Timestamp?.toLocaleTimeString() ?? '',
    className: 'whitespace-nowrap tabular-nums',
  },
  { id: 'resource', header: 'Resource', cell: (e) => e.LogicalResourceId, className: 'font-mono' },
  {
    id: 'type',
    header: 'Type',
    cell: (e) => e.ResourceType,
    className: 'text-slate-600 dark:text-slate-400',
  },
  {
    id: 'status',
    header: 'Status',
    cell: (e) => e.ResourceStatus && <StatusBadge status={e.ResourceStatus} />,
  },
  { id: 'reason', header: 'Reason', cell: (e) => e.ResourceStatusReason },
];

/** The stack's resources as a progress bar, and its events (newest first) as they arrive. */
export function StackProgress({
  stackName,
  status,
  resources,
  resourcesError,
  events,
  eventsError,
  totalResources,
}: StackProgressProps) {
  const total = Math.max(totalResources, resources?.length ?? 0);
  const completed = (resources ?? []).filter(
    (r) => r.ResourceStatus === 'CREATE_COMPLETE' || r.ResourceStatus === 'UPDATE_COMPLETE',
  ).length;
  const failed = status ? /FAILED|ROLLBACK/.test(status) : false;
  return (
    <div className="mt-3 space-y-3">
      <div className="flex items-center justify-between gap-3 text-sm">
        <span>
          <span className="font-mono">{stackName}</span> {status && <StatusBadge status={status} />}
        </span>
        <span className="text-slate-600 tabular-nums dark:text-slate-400" data-testid="stack-resource-count">
          {completed} of {total} resources
        </span>
      </div>
      <ProgressBar
        label={`Stack ${stackName} resources created`}
        value={completed}
        max={total}
        tone={failed ? 'danger' : status === 'CREATE_COMPLETE' ? 'success' : 'progress'}
      />
      {resourcesError ? (
        <ErrorState
          title="Could not read the stack's resources (DescribeStackResources)"
          error={resourcesError}
        />
      ) : null}
      {eventsError ? (
        <ErrorState title="Could not read the stack's events (DescribeStackEvents)" error={eventsError} />
      ) : null}
      {events && events.length > 0 && (
        <div className="max-h-72 overflow-auto" tabIndex={0} role="region" aria-label="Stack events">
          <ResourceTable
            caption={`Events of stack ${stackName}, newest first`}
            resourceName="stack events"
            columns={eventColumns}
            rows={events}
            rowKey={(e) => e.EventId ?? `${e.LogicalResourceId}:${e.ResourceStatus}:${String(e.Timestamp)}`}
            dense
          />
        </div>
      )}
    </div>
  );
}
