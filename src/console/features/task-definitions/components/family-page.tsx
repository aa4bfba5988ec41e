import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ErrorState } from '../../../components/ui/error-state';
import { Breadcrumbs } from '../../../components/ui/breadcrumbs';
import { DataTable, type DataColumn } from '../../../components/ui/data-table';
import { FilterSelect } from '../../../components/ui/filters';
import { PageHeader } from '../../../components/ui/page-header';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { useTaskDefinition } from '../../../aws/queries/task-definition';
import { moreOf } from '../../../aws/paged';
import {
  REVISIONS_PAGE,
  usePagedRevisions,
  type Revision,
} from '../../../aws/queries/task-definition-revisions';
import { sideBySide } from '../diff-rows';
import { editableJson } from '../editable';
import { linkClass } from '../../../lib/format';
import { DiffView } from './diff-view';

function RevisionDiff({ family, a, b }: { family: string; a: number; b: number }) {
  const left = useTaskDefinition(family, a);
  const right = useTaskDefinition(family, b);
  const rows = useMemo(
    () =>
      left.data && right.data
        ? sideBySide(editableJson(left.data.taskDefinition), editableJson(right.data.taskDefinition))
        : undefined,
    [left.data, right.data],
  );
  if (left.error) return <ErrorState title={`Could not describe ${family}:${a}`} error={left.error} />;
  if (right.error) return <ErrorState title={`Could not describe ${family}:${b}`} error={right.error} />;
  if (!rows) return <LoadingBlock label="Loading the revisions" />;
  return <DiffView rows={rows} left={`${family}:${a}`} right={`${family}:${b}`} />;
}

function revisionColumns(family: string): Array<DataColumn<Revision>> {
  return [
    {
      id: 'revision',
      header: 'Revision',
      value: (r) => r.revision,
      cell: (r) => (
        <Link className={linkClass} to={`/task-definitions/${encodeURIComponent(family)}/${r.revision}`}>
          {family}:{r.revision}
        </Link>
      ),
    },
    {
      id: 'arn',
      header: 'ARN',
      value: (r) => r.arn,
      cell: (r) => <span className="font-mono text-xs break-all">{r.arn}</span>,
    },
  ];
}

/**
 * A family: its revisions (ACTIVE or INACTIVE, newest first, a page of 100 at a time) and a side-by-side
 * diff of two of them (?a=1&b=2).
 */
export function FamilyPage() {
  const family = useParams()['family'] ?? '';
  const [params, setParams] = useSearchParams();
  const status = params.get('status') === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE';
  const revisions = usePagedRevisions(family, status);
  const cols = useMemo(() => revisionColumns(family), [family]);
  const list = revisions.rows ?? [];
  const a = Number(params.get('a') ?? list[1]?.revision ?? list[0]?.revision ?? 0);
  const b = Number(params.get('b') ?? list[0]?.revision ?? 0);
  const set = (key: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  const choose = (key: 'a' | 'b', value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        next.set(key, value);
        if (!next.has(key === 'a' ? 'b' : 'a'))
          next.set(key === 'a' ? 'b' : 'a', String(key === 'a' ? b : a));
        return next;
      },
      { replace: true },
    );
  return (
    <>
      <PageHeader
        eyebrow={<Breadcrumbs trail={[{ to: '/task-definitions', label: 'Task definitions' }]} />}
        title={family}
      />
      <div className="mb-3 flex flex-wrap items-end gap-3 text-sm">
        <FilterSelect
          label="Revision status"
          value={status}
          onChange={(v) => set('status', v === 'ACTIVE' ? '' : v)}
        >
          <option value="ACTIVE">Active</option>
          <option value="INACTIVE">Inactive (deregistered)</option>
        </FilterSelect>
      </div>
      <DataTable
        tableId="task-definition-revisions"
        caption={`Revisions of ${family}`}
        resourceName="revisions"
        columns={cols}
        rows={revisions.rows}
        rowKey={(r) => r.arn}
        isLoading={revisions.isPending}
        error={revisions.error}
        onRetry={revisions.refetch}
        defaultSort={{ id: 'revision', desc: true }}
        more={moreOf(revisions, `Load ${REVISIONS_PAGE} more revisions`)}
        empty={{
          title:
            status === 'ACTIVE' ? `No active revision of ${family}` : `No inactive revision of ${family}`,
        }}
      />
      {list.length >= 2 && (
        <section className="mt-8" aria-labelledby="diff-heading">
          <h2 id="diff-heading" className="mb-3 text-lg font-semibold">
            Compare revisions
          </h2>
          <div className="mb-3 flex flex-wrap gap-3 text-sm">
            {(['a', 'b'] as const).map((side) => (
              <FilterSelect
                key={side}
                label={side === 'a' ? 'Left' : 'Right'}
                value={String(side === 'a' ? a : b)}
                onChange={(value) => choose(side, value)}
              >
                {list.map((r) => (
                  <option key={r.revision} value={r.revision}>
                    {family}:{r.revision}
                  </option>
                ))}
              </FilterSelect>
            ))}
          </div>
          <RevisionDiff family={family} a={a} b={b} />
        </section>
      )}
    </>
  );
}
