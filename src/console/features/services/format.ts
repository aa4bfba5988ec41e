/** Short local date-time for tables, e.g. "Nov 25, 09:14:03". */
export function formatTime(d: Date | undefined): string {
  if (!d) return '—';
  return d.toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** `arn:...:task-definition/web:3` -> `web:3`. */
export function shortTaskDefinition(arn: string | undefined): string {
  return arn ? (arn.split('/').pop() ?? arn) : '—';
}

export const linkClass =
  'font-medium text-orange-800 underline-offset-2 hover:underline dark:text-orange-300';
