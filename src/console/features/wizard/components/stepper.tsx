import { Link } from 'react-router';
import { cn } from '../../../lib/cn';
import { steps } from '../steps';

/** The wizard's steps; earlier steps are links, the current one is marked for assistive technology. */
export function Stepper({ current }: { current: number }) {
  return (
    <nav aria-label="Wizard steps" className="mb-6">
      <ol className="flex flex-wrap gap-2">
        {steps.map((s, i) => {
          const state = i < current ? 'done' : i === current ? 'current' : 'todo';
          const body = (
            <>
              <span
                aria-hidden="true"
                className={cn(
                  'flex size-6 items-center justify-center rounded-full text-xs font-semibold',
                  state === 'done' && 'bg-emerald-600 text-white',
                  state === 'current' && 'bg-orange-700 text-white',
                  state === 'todo' && 'bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
                )}
              >
                {state === 'done' ? '✓' : i + 1}
              </span>
              <span>
                <span className="sr-only">Step {i + 1}: </span>
                {s.title}
                {state === 'done' && <span className="sr-only"> (completed)</span>}
              </span>
            </>
          );
          const classes = cn(
            'flex items-center gap-2 rounded-md px-3 py-1.5 text-sm',
            state === 'current' &&
              'bg-orange-50 font-semibold text-orange-900 dark:bg-orange-950 dark:text-orange-200',
            state === 'todo' && 'text-slate-600 dark:text-slate-400',
          );
          return (
            <li key={s.id}>
              {state === 'done' ? (
                <Link
                  to={`/get-started/${s.id}`}
                  className={cn(classes, 'hover:bg-slate-100 dark:hover:bg-slate-800')}
                >
                  {body}
                </Link>
              ) : (
                <span className={classes} aria-current={state === 'current' ? 'step' : undefined}>
                  {body}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
