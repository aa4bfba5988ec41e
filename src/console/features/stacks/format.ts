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

export const linkClass =
  'font-medium text-orange-800 underline-offset-2 hover:underline dark:text-orange-300';
