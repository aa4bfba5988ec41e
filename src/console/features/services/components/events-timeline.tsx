import { useSearchParams } from 'react-router';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { StatusBadge } from '../../../components/ui/status-badge';
import { cn } from '../../../lib/cn';
import { EVENT_CLASSES, type ClusterEvent } from '../events';
import { formatTime } from '../format';

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
  /** Most events shown (the newest). */
  limit?: number;
}

/** Classified, coloured events, newest first; the class and service filters live in the URL. */
export function EventsTimeline({
  events,
  isLoading,
  error,
  onRetry,
  serviceNames,
  limit = 200,
}: EventsTimelineProps) {
  const [params, setParams] = useSearchParams();
  const kind = params.get('event') ?? '';
  const service = params.get('service') ?? '';
  const setFilter = (key: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  if (error) return <ErrorState title="Could not load the events" error={error} onRetry={onRetry} />;
  const shown = (events ?? []).filter(
    (e) => (!kind || e.kind === kind) && (!service || e.serviceName === service),
  );
  return (
    <div>
      <div className="mb-3 flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-600 dark:text-slate-400">Event type</span>
          <select
            value={kind}
            onChange={(e) => setFilter('event', e.target.value)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
          >
            <option value="">All types</option>
            {EVENT_CLASSES.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        {serviceNames && (
          <label className="flex flex-col gap-1">
            <span className="text-xs text-slate-600 dark:text-slate-400">Service</span>
            <select
              value={service}
              onChange={(e) => setFilter('service', e.target.value)}
              className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
            >
              <option value="">All services</option>
              {serviceNames.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
          {events ? `${shown.length} of ${events.length} events` : ''}
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
          {shown.slice(0, limit).map((e) => {
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
    </div>
  );
}
