import { Link } from 'react-router';
import { ButtonLink } from '../../../components/ui/button';
import { PageHeader } from '../../../components/ui/page-header';
import { ResourceTable } from '../../../components/ui/resource-table';
import { useFamilies } from '../../../aws/queries/task-definition-families';
import { linkClass } from '../../../lib/format';

export function FamiliesPage() {
  const families = useFamilies();
  return (
    <>
      <PageHeader
        title="Task definitions"
        description="Task definition families with at least one ACTIVE revision."
        actions={
          <ButtonLink to="/create-task-definition" variant="primary">
            Create task definition
          </ButtonLink>
        }
      />
      <ResourceTable
        caption="Task definition families"
        resourceName="task definition families"
        columns={[
          {
            id: 'family',
            header: 'Family',
            cell: (f: string) => (
              <Link className={linkClass} to={`/task-definitions/${encodeURIComponent(f)}`}>
                {f}
              </Link>
            ),
          },
        ]}
        rows={families.data}
        rowKey={(f) => f}
        isLoading={families.isPending}
        error={families.error}
        onRetry={() => void families.refetch()}
        empty={{
          title: 'No task definitions',
          description: 'A task definition describes the containers of a task: image, memory, ports, logs.',
          action: (
            <ButtonLink to="/create-task-definition" variant="primary">
              Create task definition
            </ButtonLink>
          ),
        }}
      />
    </>
  );
}
