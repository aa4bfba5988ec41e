import type { Output, Parameter, StackEvent, StackResource } from '@aws-sdk/client-cloudformation';
import { useState } from 'react';
import { useParams } from 'react-router';
import { Breadcrumbs } from '../../../components/ui/breadcrumbs';
import { Button } from '../../../components/ui/button';
import { CodeBlock } from '../../../components/ui/code-block';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader, StatusTitle } from '../../../components/ui/page-header';
import { QueryView } from '../../../components/ui/query-view';
import { queryRows, ResourceTable, type Column } from '../../../components/ui/resource-table';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { StatusBadge } from '../../../components/ui/status-badge';
import { Tabs, useTabParam } from '../../../components/ui/tabs';
import { useDeleteStack } from '../api/delete-stack';
import { useStackDetails } from '../../../aws/queries/use-stack-details';
import { usePagedStackEvents } from '../../../aws/queries/describe-stack-events';
import { moreOf } from '../../../aws/paged';
import { DataTable, type DataColumn } from '../../../components/ui/data-table';
import { useStackTemplate } from '../api/stack-template';
import { formatTime } from '../../../lib/format';
import { notify } from '../../../lib/notices';

const TABS = ['resources', 'events', 'outputs', 'template', 'parameters'] as const;

/** The columns resources and their events share, after the logical id. */
interface ResourceLike {
  LogicalResourceId?: string;
  ResourceType?: string;
  ResourceStatus?: string;
  ResourceStatusReason?: string;
}
const logicalColumn: Column<ResourceLike> = {
  id: 'logical',
  header: 'Logical ID',
  cell: (r) => r.LogicalResourceId,
};
const stateColumns: Array<Column<ResourceLike>> = [
  { id: 'type', header: 'Type', cell: (r) => r.ResourceType },
  { id: 'status', header: 'Status', cell: (r) => <StatusBadge status={r.ResourceStatus ?? '—'} /> },
  { id: 'reason', header: 'Reason', cell: (r) => r.ResourceStatusReason ?? '' },
];

/** A column of long identifiers or values, in a small monospace font that may break anywhere. */
function monoColumn<T>(id: string, header: string, value: (row: T) => string | undefined): Column<T> {
  return { id, header, cell: (row) => <span className="font-mono text-xs break-all">{value(row)}</span> };
}

const resourceColumns: Array<Column<StackResource>> = [
  logicalColumn,
  monoColumn('physical', 'Physical ID', (r) => r.PhysicalResourceId ?? '—'),
  ...stateColumns,
];

const eventColumns: Array<DataColumn<StackEvent>> = [
  {
    id: 'time',
    header: 'Time',
    value: (e) => e.Timestamp?.toISOString(),
    cell: (e) => formatTime(e.Timestamp),
  },
  {
    id: 'logical',
    header: 'Logical ID',
    value: (e) => e.LogicalResourceId,
    cell: (e) => e.LogicalResourceId,
  },
  { id: 'type', header: 'Type', value: (e) => e.ResourceType, cell: (e) => e.ResourceType },
  {
    id: 'status',
    header: 'Status',
    value: (e) => e.ResourceStatus,
    cell: (e) => <StatusBadge status={e.ResourceStatus ?? '—'} />,
  },
  {
    id: 'reason',
    header: 'Reason',
    value: (e) => e.ResourceStatusReason,
    cell: (e) => e.ResourceStatusReason ?? '',
  },
];

/** Events, newest first, a page of DescribeStackEvents at a time ("Load older events"). */
function StackEvents({ stack, name, changing }: { stack: string; name: string; changing: boolean }) {
  const events = usePagedStackEvents(stack, changing);
  return (
    <DataTable
      tableId="stack-events"
      caption={`Events of ${name}`}
      resourceName="events"
      columns={eventColumns}
      rows={events.rows}
      rowKey={(e) => e.EventId ?? ''}
      isLoading={events.isPending}
      error={events.error}
      onRetry={events.refetch}
      defaultSort={{ id: 'time', desc: true }}
      pageSize={50}
      more={moreOf(events, 'Load older events')}
    />
  );
}

const outputColumns: Array<Column<Output>> = [
  { id: 'key', header: 'Key', cell: (o) => o.OutputKey },
  monoColumn('value', 'Value', (o) => o.OutputValue),
  { id: 'description', header: 'Description', cell: (o) => o.Description ?? '' },
  { id: 'export', header: 'Export name', cell: (o) => o.ExportName ?? '' },
];

const parameterColumns: Array<Column<Parameter>> = [
  { id: 'key', header: 'Key', cell: (p) => p.ParameterKey },
  monoColumn('value', 'Value', (p) => p.ParameterValue),
];

function Template({ stack }: { stack: string }) {
  const template = useStackTemplate(stack);
  if (template.error) return <ErrorState title="Could not get the template" error={template.error} />;
  if (template.data === undefined) return <LoadingBlock label="Loading the template" />;
  const json = template.data.trimStart().startsWith('{');
  return (
    <CodeBlock
      code={template.data}
      filename={`${stack}.${json ? 'json' : 'yaml'}`}
      mimeType={json ? 'application/json' : 'application/yaml'}
      label={`Template of ${stack}`}
    />
  );
}

function DeleteStack({ stackName, onDeleted }: { stackName: string; onDeleted: () => void }) {
  const [open, setOpen] = useState(false);
  const remove = useDeleteStack();
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete stack
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Delete stack ${stackName}`}
        confirmLabel="Delete"
        typeToConfirm={{ label: 'Stack name', value: stackName }}
        calls={[{ service: 'cloudformation', operation: 'DeleteStack', input: { StackName: stackName } }]}
        pending={remove.isPending}
        error={remove.error}
        errorTitle="Could not delete the stack"
        onConfirm={() =>
          remove.mutate(
            { stackName },
            {
              onSuccess: () => {
                setOpen(false);
                notify('success', `Deleting stack ${stackName}: CloudFormation deletes its resources.`);
                onDeleted();
              },
            },
          )
        }
      >
        <p>CloudFormation deletes every resource of the stack.</p>
      </ConfirmDialog>
    </>
  );
}

/** A stack: status and tabs (?tab=resources|events|outputs|template|parameters); delete with confirmation. */
export function StackPage() {
  const name = useParams()['stack'] ?? '';
  const [tab, selectTab] = useTabParam(TABS, 'resources', { replace: true });
  // After DeleteStack, read by stack id: a deleted stack is no longer found by name.
  const [stackId, setStackId] = useState<string | null>(null);
  const { stack, resources, changing } = useStackDetails(stackId ?? name, {
    keepPrevious: true,
    events: false,
  });
  const s = stack.data;
  return (
    <>
      <PageHeader
        eyebrow={<Breadcrumbs trail={[{ to: '/stacks', label: 'Stacks' }]} />}
        title={<StatusTitle name={name} status={s?.StackStatus} />}
        description={s?.StackStatusReason ?? s?.Description}
        actions={
          s &&
          s.StackStatus !== 'DELETE_COMPLETE' &&
          s.StackStatus !== 'DELETE_IN_PROGRESS' && (
            <DeleteStack stackName={name} onDeleted={() => setStackId(s.StackId ?? name)} />
          )
        }
      />
      <QueryView
        query={stack}
        errorTitle={`Could not describe stack ${name}`}
        loadingLabel="Loading the stack"
      >
        {(s) => (
          <Tabs
            label={`Stack ${name}`}
            selected={tab}
            onSelect={selectTab}
            tabs={[
              {
                id: 'resources',
                label: 'Resources',
                content: (
                  <ResourceTable
                    caption={`Resources of ${name}`}
                    resourceName="resources"
                    columns={resourceColumns}
                    rowKey={(r) => r.LogicalResourceId ?? ''}
                    {...queryRows(resources)}
                  />
                ),
              },
              {
                id: 'events',
                label: 'Events',
                content: <StackEvents stack={stackId ?? name} name={name} changing={changing} />,
              },
              {
                id: 'outputs',
                label: 'Outputs',
                content: (
                  <ResourceTable
                    caption={`Outputs of ${name}`}
                    resourceName="outputs"
                    columns={outputColumns}
                    rows={s.Outputs ?? []}
                    rowKey={(o) => o.OutputKey ?? ''}
                  />
                ),
              },
              { id: 'template', label: 'Template', content: <Template stack={stackId ?? name} /> },
              {
                id: 'parameters',
                label: 'Parameters',
                content: (
                  <ResourceTable
                    caption={`Parameters of ${name}`}
                    resourceName="parameters"
                    columns={parameterColumns}
                    rows={s.Parameters ?? []}
                    rowKey={(p) => p.ParameterKey ?? ''}
                  />
                ),
              },
            ]}
          />
        )}
      </QueryView>
    </>
  );
}
