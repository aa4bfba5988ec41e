import type { StackSummary } from '@aws-sdk/client-cloudformation';
import { Link } from 'react-router';
import { PageHeader } from '../../../components/ui/page-header';
import { ResourceTable, type Column } from '../../../components/ui/resource-table';
import { StatusBadge } from '../../../components/ui/status-badge';
import { useStacks } from '../api/list-stacks';
import { formatTime, linkClass } from '../../../lib/format';

const columns: Array<Column<StackSummary>> = [
  {
    id: 'name',
    header: 'Stack',
    cell: (s) => (
      <Link className={linkClass} to={`/stacks/${encodeURIComponent(s.StackName ?? '')}`}>
        {s.StackName}
      </Link>
    ),
  },
  { id: 'status', header: 'Status', cell: (s) => <StatusBadge status={s.StackStatus ?? '—'} /> },
  { id: 'created', header: 'Created', cell: (s) => formatTime(s.CreationTime) },
  { id: 'updated', header: 'Updated', cell: (s) => formatTime(s.LastUpdatedTime) },
  { id: 'description', header: 'Description', cell: (s) => s.TemplateDescription ?? '' },
];

export function StacksPage() {
  const stacks = useStacks();
  return (
    <>
      <PageHeader
        title="Stacks"
        description="CloudFormation stacks in the region (deleted stacks are not listed)."
      />
      <ResourceTable
        caption="CloudFormation stacks"
        resourceName="stacks"
        columns={columns}
        rows={stacks.data}
        rowKey={(s) => s.StackId ?? s.StackName ?? ''}
        isLoading={stacks.isPending}
        error={stacks.error}
        onRetry={() => void stacks.refetch()}
        empty={{ title: 'No stacks in this region' }}
      />
    </>
  );
}
