import { cn } from '../../lib/cn';

interface ProgressBarProps {
  label: string;
  value: number;
  max: number;
  tone?: 'progress' | 'success' | 'danger';
}

export function ProgressBar({ label, value, max, tone = 'progress' }: ProgressBarProps) {
  const pct = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={`${value} of ${max}`}
      className="h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
    >
      <div
        className={cn(
          'h-full rounded-full transition-[width] duration-500',
          tone === 'success' ? 'bg-emerald-500' : tone === 'danger' ? 'bg-red-500' : 'bg-orange-500',
        )}
        style={{ width: `${pct}%` }}
      />
    </div>
  );
}
