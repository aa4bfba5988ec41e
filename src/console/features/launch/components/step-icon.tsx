import { cn } from '../../../lib/cn';
import type { StepState } from '../launch-steps';

const labels: Record<StepState, string> = {
  pending: 'Waiting',
  running: 'In progress',
  done: 'Done',
  failed: 'Failed',
};

export function StepIcon({ state }: { state: StepState }) {
  return (
    <span
      className={cn(
        'flex size-7 shrink-0 items-center justify-center rounded-full text-sm font-bold',
        state === 'done' && 'bg-emerald-600 text-white',
        state === 'failed' && 'bg-red-600 text-white',
        state === 'running' && 'border-2 border-amber-500 border-t-transparent motion-safe:animate-spin',
        state === 'pending' && 'border-2 border-slate-300 dark:border-slate-600',
      )}
    >
      <span aria-hidden="true">{state === 'done' ? '✓' : state === 'failed' ? '!' : ''}</span>
      <span className="sr-only">{labels[state]}</span>
    </span>
  );
}
