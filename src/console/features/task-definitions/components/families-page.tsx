import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { moreOf } from '../../../aws/paged';
import {
  FAMILIES_PAGE,
  useLatestRevision,
  usePagedFamilies,
} from '../../../aws/queries/task-definition-families';
import { Button, ButtonLink } from '../../../components/ui/button';
import { DataTable, type DataColumn } from '../../../components/ui/data-table';
import { FilterSelect, useUrlFilters } from '../../../components/ui/filters';
import { PageHeader } from '../../../components/ui/page-header';
import { Skeleton } from '../../../components/ui/skeleton';
import { lastPart, linkClass, selectClass } from '../../../lib/format';

type Status = 'ACTIVE' | 'INACTIVE';

/** The newest revision of a family, read when its row is shown (ListTaskDefinitions, one result). */
function LatestRevision({ family, status }: { family: string; status: Status }) {
  const latest = useLatestRevision(family, status);
  if (latest.isPending) return <Skeleton className="h-4 w-16" />;
  if (latest.error || !latest.data) return <span className="text-slate-500">—</span>;
  const name = lastPart(latest.data);
  const revision = name.split(':').pop() ?? '';
  return (
    <Link className={linkClass} to={`/task-definitions/${encodeURIComponent(family)}/${revision}`}>
      {name}
    </Link>
  );
}

function columns(status: Status): Array<DataColumn<string>> {
  return [
    {
      id: 'family',
      header: 'Family',
      value: (f) => f,
      cell: (f) => (
        <Link className={linkClass} to={`/task-definitions/${encodeURIComponent(f)}`}>
          {f}
        </Link>
      ),
    },
    {
      id: 'latest',
      header: status === 'ACTIVE' ? 'Latest revision' : 'Latest (inactive) revision',
      cell: (f) => <LatestRevision family={f} status={status} />,
    },
  ];
}

/**
 * Task definition families, a page of 100 at a time (ListTaskDefinitionFamilies): ACTIVE or INACTIVE, a
 * name prefix searched by ECS itself (for accounts with thousands), sort and filter over what is loaded.
 */
export function FamiliesPage() {
  const [params, set] = useUrlFilters();
  const status: Status = params.get('status') === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE';
  const prefix = params.get('prefix') ?? '';
  const [typedPrefix, setTypedPrefix] = useState(prefix);
  const families = usePagedFamilies(status, prefix);
  const cols = useMemo(() => columns(status), [status]);
  const create = (
    <ButtonLink to="/create-task-definition" variant="primary" size="sm">
      Create task definition
    </ButtonLink>
  );
  return (
    <>
      <PageHeader
        title="Task definitions"
        description={
          status === 'ACTIVE'
            ? 'Task definition families with at least one ACTIVE revision.'
            : 'Families whose every revision is deregistered (INACTIVE).'
        }
      />
      <div className="mb-3 flex flex-wrap items-end gap-3 text-sm">
        <FilterSelect label="Status" value={status} onChange={(v) => set('status', v === 'ACTIVE' ? '' : v)}>
          <option value="ACTIVE">Active</option>
          <option value="INACTIVE">Inactive</option>
        </FilterSelect>
        <form
          className="flex items-end gap-2"
          role="search"
          aria-label="Search families by name prefix"
          onSubmit={(e) => {
            e.preventDefault();
            set('prefix', typedPrefix.trim());
          }}
        >
          <label className="flex flex-col gap-1">
            <span className="text-xs text-slate-600 dark:text-slate-400">Family name starts with</span>
            <input
              value={typedPrefix}
              onChange={(e) => setTypedPrefix(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              className={selectClass}
            />
          </label>
          <Button type="submit" size="sm">
            Search
          </Button>
        </form>
      </div>
      <DataTable
        tableId="task-definition-families"
        caption="Task definition families"
        resourceName="families"
        columns={cols}
        rows={families.rows}
        rowKey={(f) => f}
        isLoading={families.isPending}
        error={families.error}
        onRetry={families.refetch}
        defaultSort={{ id: 'family', desc: false }}
        toolbar={create}
        more={moreOf(families, `Load ${FAMILIES_PAGE} more families`)}
        empty={{
          title: prefix
            ? `No ${status.toLowerCase()} family starts with "${prefix}"`
            : status === 'ACTIVE'
              ? 'No task definitions'
              : 'No inactive families',
          description: 'A task definition describes the containers of a task: image, memory, ports, logs.',
          action: create,
        }}
      />
    </>
  );
}
