import type { ReactNode } from 'react';
import { cn } from '../../lib/cn';
import { EmptyState } from './empty-state';
import { ErrorState } from './error-state';
import { Skeleton } from './skeleton';

export interface Column<T> {
  id: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** Extra classes for the cells of this column (e.g. text-right, font-mono). */
  className?: string;
}

/** ResourceTable's rows, loading, error and retry from a TanStack query of a list. */
export function queryRows<T>(query: {
  data: T[] | undefined;
  isPending: boolean;
  error: unknown;
  refetch: () => unknown;
}): Pick<ResourceTableProps<T>, 'rows' | 'isLoading' | 'error' | 'onRetry'> {
  return {
    rows: query.data,
    isLoading: query.isPending,
    error: query.error,
    onRetry: () => void query.refetch(),
  };
}

interface ResourceTableProps<T> {
  /** Accessible caption, e.g. "Services in cluster default". */
  caption: string;
  columns: Array<Column<T>>;
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  isLoading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  /** What was being listed, used in the error title ("Could not load services"). */
  resourceName: string;
  empty?: { title: string; description?: ReactNode; action?: ReactNode };
  /** Smaller text and padding, e.g. for event logs. */
  dense?: boolean;
}

/** A declarative resource list: loading skeleton, AWS error, empty state or rows. */
export function ResourceTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  isLoading,
  error,
  onRetry,
  resourceName,
  empty,
  dense,
}: ResourceTableProps<T>) {
  const cellPadding = dense ? 'px-2 py-1' : 'px-3 py-2';
  if (error) return <ErrorState title={`Could not load ${resourceName}`} error={error} onRetry={onRetry} />;
  if (!isLoading && rows && rows.length === 0) {
    return (
      <EmptyState
        title={empty?.title ?? `No ${resourceName}`}
        description={empty?.description}
        action={empty?.action}
      />
    );
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table
        className={cn('w-full text-left', dense ? 'text-xs' : 'text-sm')}
        aria-busy={isLoading || undefined}
      >
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 bg-slate-100 text-xs tracking-wide text-slate-600 uppercase dark:bg-slate-900 dark:text-slate-400">
          <tr>
            {columns.map((c) => (
              <th key={c.id} scope="col" className={cn(cellPadding, 'font-medium')}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 bg-white dark:divide-slate-800 dark:bg-slate-950">
          {isLoading || !rows
            ? Array.from({ length: 3 }, (_, i) => (
                <tr key={i}>
                  {columns.map((c) => (
                    <td key={c.id} className={cellPadding}>
                      <Skeleton className="h-4 w-3/4" />
                    </td>
                  ))}
                </tr>
              ))
            : rows.map((row) => (
                <tr key={rowKey(row)} className="hover:bg-slate-50 dark:hover:bg-slate-900">
                  {columns.map((c) => (
                    <td key={c.id} className={cn(cellPadding, 'align-top', c.className)}>
                      {c.cell(row)}
                    </td>
                  ))}
                </tr>
              ))}
        </tbody>
      </table>
    </div>
  );
}
