import type { Output, Parameter, StackEvent, StackResource } from '@aws-sdk/client-cloudformation';
import { useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { CodeBlock } from '../../../components/ui/code-block';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { ResourceTable, type Column } from '../../../components/ui/resource-table';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { StatusBadge } from '../../../components/ui/status-badge';
import { Tabs } from '../../../components/ui/tabs';
import { useDeleteStack } from '../api/delete-stack';
import { useStack } from '../api/describe-stack';
import { stackInProgress } from '../api/poll';
import { useStackEvents } from '../api/stack-events';
import { useStackResources } from '../api/stack-resources';
import { useStackTemplate } from '../api/stack-template';
import { formatTime } from '../format';

const TABS = ['resources', 'events', 'outputs', 'template', 'parameters'] as const;
type StackTab = (typeof TABS)[number];

const resourceColumns: Array<Column<StackResource>> = [
  { id: 'logical', header: 'Logical ID', cell: (r) => r.LogicalResourceId },
  {
    id: 'physical',
    header: 'Physical ID',
    cell: (r) => <span className="font-mono text-xs break-all">{r.PhysicalResourceId ?? '—'}</span>,
  },
  { id: 'type', header: 'Type', cell: (r) => r.ResourceType },
  { id: 'status', header: 'Status', cell: (r) => <StatusBadge status={r.ResourceStatus ?? '—'} /> },
  { id: 'reason', header: 'Reason', cell: (r) => r.ResourceStatusReason ?? '' },
];

const eventColumns: Array<Column<StackEvent>> = [
  { id: 'time', header: 'Time', cell: (e) => formatTime(e.Timestamp) },
  { id: 'logical', header: 'Logical ID', cell: (e) => e.LogicalResourceId },
  { id: 'type', header: 'Type', cell: (e) => e.ResourceType },
  { id: 'status', header: 'Status', cell: (e) => <StatusBadge status={e.ResourceStatus ?? '—'} /> },
  { id: 'reason', header: 'Reason', cell: (e) => e.ResourceStatusReason ?? '' },
];

const outputColumns: Array<Column<Output>> = [
  { id: 'key', header: 'Key', cell: (o) => o.OutputKey },
  {
    id: 'value',
    header: 'Value',
    cell: (o) => <span className="font-mono text-xs break-all">{o.OutputValue}</span>,
  },
  { id: 'description', header: 'Description', cell: (o) => o.Description ?? '' },
  { id: 'export', header: 'Export name', cell: (o) => o.ExportName ?? '' },
];

const parameterColumns: Array<Column<Parameter>> = [
  { id: 'key', header: 'Key', cell: (p) => p.ParameterKey },
  {
    id: 'value',
    header: 'Value',
    cell: (p) => <span className="font-mono text-xs break-all">{p.ParameterValue}</span>,
  },
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
  const [typed, setTyped] = useState('');
  const remove = useDeleteStack();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    remove.mutate(
      { stackName },
      {
        onSuccess: () => {
          setOpen(false);
          onDeleted();
        },
      },
    );
  };
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete stack
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Delete stack ${stackName}`}>
        <form onSubmit={onSubmit} className="space-y-3 text-sm">
          <p>
            CloudFormation deletes every resource of the stack. Type <strong>{stackName}</strong> to confirm.
          </p>
          <label className="flex flex-col gap-1">
            <span>Stack name</span>
            <input
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
            />
          </label>
          {remove.isError && <ErrorState title="Could not delete the stack" error={remove.error} />}
          <div className="flex justify-end gap-2">
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button type="submit" variant="danger" disabled={typed !== stackName || remove.isPending}>
              Delete
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

/** A stack: status and tabs (?tab=resources|events|outputs|template|parameters); delete with confirmation. */
export function StackPage() {
  const name = useParams()['stack'] ?? '';
  const [params, setParams] = useSearchParams();
  const raw = params.get('tab');
  const tab: StackTab = TABS.find((t) => t === raw) ?? 'resources';
  // After DeleteStack, read by stack id: a deleted stack is no longer found by name.
  const [stackId, setStackId] = useState<string | null>(null);
  const stack = useStack(stackId ?? name);
  const s = stack.data;
  const key = stackId ?? name;
  const inProgress = !s || stackInProgress(s.StackStatus);
  const resources = useStackResources(key, inProgress);
  const events = useStackEvents(key, inProgress);
  return (
    <>
      <PageHeader
        eyebrow={
          <Link to="/stacks" className="hover:underline">
            Stacks
          </Link>
        }
        title={
          <span className="flex items-center gap-3">
            {name} {s?.StackStatus && <StatusBadge status={s.StackStatus} />}
          </span>
        }
        description={s?.StackStatusReason ?? s?.Description}
        actions={
          s &&
          s.StackStatus !== 'DELETE_COMPLETE' &&
          s.StackStatus !== 'DELETE_IN_PROGRESS' && (
            <DeleteStack stackName={name} onDeleted={() => setStackId(s.StackId ?? name)} />
          )
        }
      />
      {stack.error ? (
        <ErrorState
          title={`Could not describe stack ${name}`}
          error={stack.error}
          onRetry={() => void stack.refetch()}
        />
      ) : !s ? (
        <LoadingBlock label="Loading the stack" lines={6} />
      ) : (
        <Tabs
          label={`Stack ${name}`}
          selected={tab}
          onSelect={(id) => setParams({ tab: id }, { replace: true })}
          tabs={[
            {
              id: 'resources',
              label: 'Resources',
              content: (
                <ResourceTable
                  caption={`Resources of ${name}`}
                  resourceName="resources"
                  columns={resourceColumns}
                  rows={resources.data}
                  rowKey={(r) => r.LogicalResourceId ?? ''}
                  isLoading={resources.isPending}
                  error={resources.error}
                  onRetry={() => void resources.refetch()}
                />
              ),
            },
            {
              id: 'events',
              label: 'Events',
              content: (
                <ResourceTable
                  caption={`Events of ${name}`}
                  resourceName="events"
                  columns={eventColumns}
                  rows={events.data}
                  rowKey={(e) => e.EventId ?? ''}
                  isLoading={events.isPending}
                  error={events.error}
                  onRetry={() => void events.refetch()}
                  dense
                />
              ),
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
            { id: 'template', label: 'Template', content: <Template stack={key} /> },
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
    </>
  );
}
