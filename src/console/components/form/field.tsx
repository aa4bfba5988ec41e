import type { ReactNode } from 'react';
import { cn } from '../../lib/cn';

/** Props every form control gets from its Field, so its error and hint are announced with it. */
export interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
  className: string;
}

export function controlClasses(invalid: boolean, extra?: string): string {
  return cn(
    'block w-full rounded-md border bg-white px-3 py-1.5 text-sm shadow-sm placeholder:text-slate-400 dark:bg-slate-900',
    invalid
      ? 'border-red-600 dark:border-red-500'
      : 'border-slate-300 hover:border-slate-400 dark:border-slate-600 dark:hover:border-slate-500',
    extra,
  );
}

/** The ids of the error and hint a control is described by (see FieldNotes). */
function describedByOf(id: string, error: string | undefined, hint: ReactNode): string | undefined {
  return [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
}

/** A control's validation error, then its hint, with the ids describedByOf names. */
function FieldNotes({ id, error, hint }: { id: string; error?: string; hint?: ReactNode }) {
  return (
    <>
      {error && (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700 dark:text-red-400" data-field-error="">
          {error}
        </p>
      )}
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          {hint}
        </p>
      )}
    </>
  );
}

interface FieldProps {
  id: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  className?: string;
  /** Visually hide the label (still read by screen readers), e.g. in table-like rows. */
  hideLabel?: boolean;
  children: (control: ControlProps) => ReactNode;
}

/** A label, a control, a hint and the control's validation error right beside it. */
export function Field({ id, label, error, hint, className, hideLabel, children }: FieldProps) {
  const describedBy = describedByOf(id, error, hint);
  return (
    <div className={cn('min-w-0', className)}>
      <label
        htmlFor={id}
        className={cn(
          'mb-1 block text-sm font-medium text-slate-800 dark:text-slate-200',
          hideLabel && 'sr-only',
        )}
      >
        {label}
      </label>
      {children({
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy,
        className: controlClasses(Boolean(error)),
      })}
      <FieldNotes id={id} error={error} hint={hint} />
    </div>
  );
}

interface CheckboxFieldProps {
  id: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  children: (control: Omit<ControlProps, 'className'> & { className: string }) => ReactNode;
}

export function CheckboxField({ id, label, error, hint, children }: CheckboxFieldProps) {
  const describedBy = describedByOf(id, error, hint);
  return (
    <div>
      <div className="flex items-center gap-2">
        {children({
          id,
          'aria-invalid': error ? true : undefined,
          'aria-describedby': describedBy,
          className: 'size-4 rounded border-slate-300 accent-orange-600 dark:border-slate-600',
        })}
        <label htmlFor={id} className="text-sm font-medium text-slate-800 dark:text-slate-200">
          {label}
        </label>
      </div>
      <FieldNotes id={id} error={error} hint={hint} />
    </div>
  );
}
