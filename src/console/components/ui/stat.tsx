import { Skeleton } from './skeleton';

/** A labelled count in a summary row (inside a <dl>); a skeleton while the value is unknown. */
export function Stat({
  label,
  value,
  testId,
}: {
  label: string;
  value: number | undefined;
  testId?: string;
}) {
  return (
    <div className="rounded-lg border border-slate-200 px-4 py-3 dark:border-slate-800">
      <dt className="text-xs text-slate-600 uppercase dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums" data-testid={testId}>
        {value === undefined ? <Skeleton className="h-7 w-10" /> : value}
      </dd>
    </div>
  );
}
