import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { ResourceTable } from '../../../components/ui/resource-table';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { useTaskDefinition } from '../api/describe-task-definition';
import { useRevisions, type Revision } from '../api/list-revisions';
import { sideBySide } from '../diff-rows';
import { editableJson } from '../editable';
import { linkClass, selectClass } from '../format';
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
        eyebrow={
          <Link to="/task-definitions" className="hover:underline">
            Task definitions
          </Link>
        }
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
        rows={revisions.data}
        rowKey={(r) => r.arn}
        isLoading={revisions.isPending}
        error={revisions.error}
        onRetry={() => void revisions.refetch()}
      />
      {list.length >= 2 && (
        <section className="mt-8" aria-labelledby="diff-heading">
          <h2 id="diff-heading" className="mb-3 text-lg font-semibold">
            Compare revisions
          </h2>
          <div className="mb-3 flex flex-wrap gap-3 text-sm">
            <label className="flex flex-col gap-1">
              <span className="text-xs text-slate-600 dark:text-slate-400">Left</span>
              <select value={a} onChange={(e) => choose('a', e.target.value)} className={selectClass}>
                {list.map((r) => (
                  <option key={r.revision} value={r.revision}>
                    {family}:{r.revision}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-col gap-1">
              <span className="text-xs text-slate-600 dark:text-slate-400">Right</span>
              <select value={b} onChange={(e) => choose('b', e.target.value)} className={selectClass}>
                {list.map((r) => (
                  <option key={r.revision} value={r.revision}>
                    {family}:{r.revision}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <RevisionDiff family={family} a={a} b={b} />
        </section>
      )}
    </>
  );
}
