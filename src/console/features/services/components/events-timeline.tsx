import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { FilterSelect, useUrlFilters } from '../../../components/ui/filters';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { StatusBadge } from '../../../components/ui/status-badge';
import { cn } from '../../../lib/cn';
import { EVENT_CLASSES, type ClusterEvent } from '../events';
import { formatTime } from '../../../lib/format';

const rail: Record<string, string> = {
  success: 'border-l-emerald-500',
  danger: 'border-l-red-500',
  info: 'border-l-sky-500',
  neutral: 'border-l-slate-400',
  progress: 'border-l-amber-500',
};

interface EventsTimelineProps {
  events: ClusterEvent[] | undefined;
  isLoading: boolean;
  error: unknown;
  onRetry: () => void;
  /** Service names offered in the service filter; omit on a single service's page. */
  serviceNames?: string[];
  /** Events shown per page (the newest first); "Show more" adds a page. */
  limit?: number;
}

/** Classified, coloured events, newest first; the class and service filters live in the URL. */
export function EventsTimeline({
  events,
  isLoading,
  error,
  onRetry,
  serviceNames,
  limit = 25,
}: EventsTimelineProps) {
  const [params, setFilter] = useUrlFilters();
  const [pages, setPages] = useState(1);
  const kind = params.get('event') ?? '';
  const service = params.get('service') ?? '';
  if (error) return <ErrorState title="Could not load the events" error={error} onRetry={onRetry} />;
  const shown = (events ?? []).filter(
    (e) => (!kind || e.kind === kind) && (!service || e.serviceName === service),
  );
  return (
    <div>
      <div className="mb-3 flex flex-wrap items-end gap-3 text-sm">
        <FilterSelect label="Event type" value={kind} onChange={(v) => setFilter('event', v)}>
          <option value="">All types</option>
          {EVENT_CLASSES.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </FilterSelect>
        {serviceNames && (
          <FilterSelect label="Service" value={service} onChange={(v) => setFilter('service', v)}>
            <option value="">All services</option>
            {serviceNames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </FilterSelect>
        )}
        <span className="text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
          {events
            ? `${Math.min(shown.length, pages * limit)} shown · ${shown.length} of ${events.length} events match`
            : ''}
        </span>
      </div>
      {isLoading || !events ? (
        <LoadingBlock label="Loading events" />
      ) : shown.length === 0 ? (
        <EmptyState
          title="No events"
          description={events.length ? 'No event matches the filters.' : undefined}
        />
      ) : (
        <ol aria-label="Service events, newest first" className="space-y-1.5" data-testid="events-timeline">
          {shown.slice(0, pages * limit).map((e) => {
            const c = EVENT_CLASSES.find((x) => x.id === e.kind) ?? EVENT_CLASSES[EVENT_CLASSES.length - 1];
            return (
              <li
                key={e.id}
                data-kind={e.kind}
                className={cn(
                  'rounded-md border border-l-4 border-slate-200 bg-white px-3 py-2 text-sm dark:border-slate-800 dark:bg-slate-950',
                  rail[c?.tone ?? 'neutral'],
                )}
              >
                <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
                  <time dateTime={e.createdAt?.toISOString()}>{formatTime(e.createdAt)}</time>
                  <StatusBadge status={c?.label ?? 'Other'} tone={c?.tone} />
                  {serviceNames && <span className="font-mono">{e.serviceName}</span>}
                </div>
                <p className="mt-1 break-words">{e.message}</p>
              </li>
            );
          })}
        </ol>
      )}
      {shown.length > pages * limit && (
        <Button size="sm" className="mt-2" onClick={() => setPages((p) => p + 1)}>
          Show {Math.min(limit, shown.length - pages * limit)} older events
        </Button>
      )}
      {events && events.length > 0 && shown.length <= pages * limit && (
        <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
          ECS keeps the newest 100 events of each service, and DescribeServices has no page of older ones.
        </p>
      )}
    </div>
  );
}
