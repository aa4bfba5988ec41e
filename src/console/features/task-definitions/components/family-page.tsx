import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ErrorState } from '../../../components/ui/error-state';
import { Breadcrumbs } from '../../../components/ui/breadcrumbs';
import { FilterSelect } from '../../../components/ui/filters';
import { PageHeader } from '../../../components/ui/page-header';
import { queryRows, ResourceTable } from '../../../components/ui/resource-table';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { useTaskDefinition } from '../../../aws/queries/task-definition';
import { useRevisions, type Revision } from '../../../aws/queries/task-definition-revisions';
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

/** A family: its revisions and a side-by-side diff of two of them (?a=1&b=2). */
export function FamilyPage() {
  const family = useParams()['family'] ?? '';
  const revisions = useRevisions(family);
  const [params, setParams] = useSearchParams();
  const list = revisions.data ?? [];
  const a = Number(params.get('a') ?? list[1]?.revision ?? list[0]?.revision ?? 0);
  const b = Number(params.get('b') ?? list[0]?.revision ?? 0);
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
      <ResourceTable
        caption={`Revisions of ${family}`}
        resourceName="revisions"
        columns={[
          {
            id: 'revision',
            header: 'Revision',
            cell: (r: Revision) => (
              <Link
                className={linkClass}
                to={`/task-definitions/${encodeURIComponent(family)}/${r.revision}`}
              >
                {family}:{r.revision}
              </Link>
            ),
          },
          {
            id: 'arn',
            header: 'ARN',
            cell: (r: Revision) => <span className="font-mono text-xs">{r.arn}</span>,
          },
        ]}
        rowKey={(r) => r.arn}
        {...queryRows(revisions)}
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
