import type { Task } from '@aws-sdk/client-ecs';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { StatusBadge } from '../../../components/ui/status-badge';
import { formatTime, lastPart, linkClass } from '../../../lib/format';

const ROW_HEIGHT = 37;
const grid =
  'grid grid-cols-[minmax(10rem,1.4fr)_7rem_7rem_minmax(8rem,1fr)_minmax(7rem,0.8fr)_9rem_minmax(10rem,1.5fr)] items-center gap-x-3 px-3';

interface TasksTableProps {
  cluster: string;
  tasks: Task[] | undefined;
  isLoading: boolean;
  error: unknown;
  onRetry: () => void;
  caption: string;
  /** Rows kept in view at once; the rest are rendered only when scrolled to. */
  height?: number;
}

/**
 * A virtualised task table (only the visible rows are in the DOM), so 10,000 tasks scroll smoothly.
 * ARIA table roles on a CSS grid, since a virtual list needs absolutely positioned rows.
 */
export function TasksTable({
  cluster,
  tasks,
  isLoading,
  error,
  onRetry,
  caption,
  height = 560,
}: TasksTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = tasks ?? [];
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions by design
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  if (error) return <ErrorState title="Could not load tasks" error={error} onRetry={onRetry} />;
  if (isLoading || !tasks) return <LoadingBlock label="Loading tasks" lines={6} />;
  if (rows.length === 0) return <EmptyState title="No tasks" description="No task matches the filters." />;
  const items = virtualizer.getVirtualItems();
  return (
    <div
      role="table"
      aria-label={caption}
      aria-rowcount={rows.length + 1}
      className="rounded-lg border border-slate-200 text-sm dark:border-slate-800"
    >
      <div
        role="rowgroup"
        className="bg-slate-100 text-xs tracking-wide text-slate-600 uppercase dark:bg-slate-900 dark:text-slate-400"
      >
        <div role="row" aria-rowindex={1} className={`${grid} py-2 font-medium`}>
          {['Task', 'Last status', 'Desired', 'Task definition', 'Instance', 'Started', 'Stop reason'].map(
            (h) => (
              <div key={h} role="columnheader">
                {h}
              </div>
            ),
          )}
        </div>
      </div>
      <div
        ref={scrollRef}
        tabIndex={0}
        aria-label={`${caption}: scrollable`}
        role="rowgroup"
        data-testid="tasks-scroll"
        className="overflow-auto bg-white dark:bg-slate-950"
        style={{ height: Math.min(height, rows.length * ROW_HEIGHT + 2) }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const t = rows[item.index];
            if (!t) return null;
            const id = lastPart(t.taskArn);
            return (
              <div
                key={t.taskArn}
                role="row"
                aria-rowindex={item.index + 2}
                data-testid="task-row"
                className={`${grid} absolute inset-x-0 border-b border-slate-100 hover:bg-slate-50 dark:border-slate-900 dark:hover:bg-slate-900`}
                style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              >
                <div role="cell" className="truncate font-mono text-xs">
                  <Link className={linkClass} to={`/clusters/${encodeURIComponent(cluster)}/tasks/${id}`}>
                    {id}
                  </Link>
                </div>
                <div role="cell">
                  <StatusBadge status={t.lastStatus ?? '—'} />
                </div>
                <div role="cell" className="text-xs">
                  {t.desiredStatus}
                </div>
                <div role="cell" className="truncate">
                  {lastPart(t.taskDefinitionArn)}
                </div>
                <div role="cell" className="truncate font-mono text-xs">
                  {t.containerInstanceArn ? lastPart(t.containerInstanceArn).slice(0, 12) : '—'}
                </div>
                <div role="cell" className="text-xs">
                  {formatTime(t.startedAt)}
                </div>
                <div role="cell" className="truncate text-xs" title={t.stoppedReason}>
                  {t.stoppedReason ?? ''}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
