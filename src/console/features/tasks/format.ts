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

/** The last part of an ARN: a task id, `family:revision`, a container instance id. */
export function lastPart(arn: string | undefined): string {
  return arn ? (arn.split('/').pop() ?? arn) : '—';
}

export const linkClass =
  'font-medium text-orange-800 underline-offset-2 hover:underline dark:text-orange-300';
