import { cn } from '../../lib/cn';

export type StatusTone = 'success' | 'progress' | 'danger' | 'neutral' | 'info';

/** The tone of an ECS, CloudFormation or EC2 status word (ACTIVE, RUNNING, CREATE_IN_PROGRESS, ...). */
export function statusTone(status: string): StatusTone {
  const s = status.toUpperCase();
  if (/FAILED|ROLLBACK|ERROR|UNHEALTHY|IMPAIRED/.test(s)) return 'danger';
  if (
    /IN_PROGRESS|PENDING|PROVISIONING|ACTIVATING|DEACTIVATING|STOPPING|DEPROVISIONING|DRAINING|REGISTERING|INITIAL|RUNNING_PENDING/.test(
      s,
    )
  )
    return 'progress';
  if (
    /^(ACTIVE|RUNNING|HEALTHY|CREATE_COMPLETE|UPDATE_COMPLETE|IMPORT_COMPLETE|STEADY|COMPLETED|DONE|AVAILABLE|IN_SERVICE|INSERVICE)$/.test(
      s,
    )
  )
    return 'success';
  if (/^(INACTIVE|STOPPED|DELETE_COMPLETE|DELETED|TERMINATED|SKIPPED)$/.test(s)) return 'neutral';
  return 'info';
}

const tones: Record<StatusTone, string> = {
  success:
    'bg-emerald-50 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-400/30',
  progress:
    'bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-400/30',
  danger: 'bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-950 dark:text-red-300 dark:ring-red-400/30',
  neutral:
    'bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-400/30',
  info: 'bg-sky-50 text-sky-800 ring-sky-600/30 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-400/30',
};

const dots: Record<StatusTone, string> = {
  success: 'bg-emerald-500',
  progress: 'bg-amber-500 animate-pulse',
  danger: 'bg-red-500',
  neutral: 'bg-slate-400',
  info: 'bg-sky-500',
};

interface StatusBadgeProps {
  status: string;
  /** Overrides the tone derived from the status word. */
  tone?: StatusTone;
  className?: string;
}

export function StatusBadge({ status, tone, className }: StatusBadgeProps) {
  const t = tone ?? statusTone(status);
  return (
    <span
      className={cn(
        'inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset',
        tones[t],
        className,
      )}
    >
      <span aria-hidden="true" className={cn('size-1.5 rounded-full', dots[t])} />
      {status}
    </span>
  );
}
