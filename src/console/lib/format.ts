/** Display helpers shared by the dashboards. */

/**
 * A value made on first use and kept: for `Intl` formatters, whose construction (the first one loads the
 * locale's data) cost ~80 ms of a page's first load when built at import time, before any request.
 */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

// One formatter for every time shown: `toLocaleString` with options builds a new one per call, which
// costs more than the rest of a table row (a fast scroll through 10,000 tasks formats hundreds a frame).
const timeFormat = once(
  () =>
    new Intl.DateTimeFormat(undefined, {
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }),
);

/** Short local date-time for tables, e.g. "Nov 25, 09:14:03". */
export function formatTime(d: Date | undefined): string {
  if (!d) return '—';
  return timeFormat().format(d);
}

/** The last part of an ARN: a task id, `family:revision`, a container instance id. */
export function lastPart(arn: string | undefined): string {
  return arn ? (arn.split('/').pop() ?? arn) : '—';
}

export const linkClass =
  'font-medium text-orange-800 underline-offset-2 hover:underline dark:text-orange-300';

export const selectClass =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900';
