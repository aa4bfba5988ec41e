import type { StackSummary } from '@aws-sdk/client-cloudformation';
import { Link } from 'react-router';
import { PageHeader } from '../../../components/ui/page-header';
import { ButtonLink } from '../../../components/ui/button';
import { DataTable, type DataColumn } from '../../../components/ui/data-table';
import { StatusBadge } from '../../../components/ui/status-badge';
import { useStacks } from '../api/list-stacks';
import { formatTime, linkClass } from '../../../lib/format';

const columns: Array<DataColumn<StackSummary>> = [
  {
    id: 'name',
    header: 'Stack',
    value: (s) => s.StackName,
    cell: (s) => (
      <Link className={linkClass} to={`/stacks/${encodeURIComponent(s.StackName ?? '')}`}>
        {s.StackName}
      </Link>
    ),
  },
  {
    id: 'status',
    header: 'Status',
    value: (s) => s.StackStatus,
    cell: (s) => <StatusBadge status={s.StackStatus ?? '—'} />,
  },
  {
    id: 'created',
    header: 'Created',
    value: (s) => s.CreationTime?.toISOString(),
    cell: (s) => formatTime(s.CreationTime),
  },
  {
    id: 'updated',
    header: 'Updated',
    value: (s) => s.LastUpdatedTime?.toISOString(),
    cell: (s) => formatTime(s.LastUpdatedTime),
  },
  {
    id: 'description',
    header: 'Description',
    value: (s) => s.TemplateDescription,
    cell: (s) => s.TemplateDescription ?? '',
  },
];

export function StacksPage() {
  const stacks = useStacks();
  return (
    <>
      <PageHeader
        title="Stacks"
        description="CloudFormation stacks in the region (deleted stacks are not listed)."
      />
      <DataTable
        tableId="stacks"
        defaultSort={{ id: 'created', desc: true }}
        caption="CloudFormation stacks"
        resourceName="stacks"
        columns={columns}
        rows={stacks.data}
        rowKey={(s) => s.StackId ?? s.StackName ?? ''}
        isLoading={stacks.isPending}
        error={stacks.error}
        onRetry={() => void stacks.refetch()}
        empty={{
          title: 'No stacks in this region',
          description:
            'The wizard’s launch and Create cluster with EC2 instances each create a stack; the AWS CLI’s cloudformation create-stack works too.',
          action: (
            <span className="flex flex-wrap justify-center gap-2">
              <ButtonLink to="/get-started">Open the wizard</ButtonLink>
              <ButtonLink to="/create-cluster">Create cluster</ButtonLink>
            </span>
          ),
        }}
      />
    </>
  );
}
