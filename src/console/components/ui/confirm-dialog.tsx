import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ApiPreview } from './api-preview';
import type { ApiCall } from '../../../blueprint/cli-command';
import { Button } from './button';
import { Dialog } from './dialog';
import { ErrorState } from './error-state';

interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  pending?: boolean;
  error?: unknown;
  errorTitle?: string;
  /** When set, the confirm button stays disabled until this exact text is typed. */
  typeToConfirm?: { label: string; value: string };
  /** The calls the confirmation makes, shown as JSON and CLI. */
  calls?: ApiCall[];
  danger?: boolean;
}

/**
 * The one confirmation before an action that changes AWS: what it does, the calls it makes (JSON and CLI),
 * and for every delete the resource's name typed to confirm (`typeToConfirm`). The body is mounted only
 * while open, so a name typed before a cancel is never still there when the dialog opens again.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  return (
    <Dialog open={props.open} onClose={props.onClose} title={props.title}>
      {props.open && <ConfirmBody {...props} />}
    </Dialog>
  );
}

function ConfirmBody({
  onClose,
  children,
  confirmLabel,
  onConfirm,
  pending,
  error,
  errorTitle = 'The request failed',
  typeToConfirm,
  calls,
  danger = true,
}: ConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  const hintId = useId();
  const blocked = typeToConfirm !== undefined && typed.trim() !== typeToConfirm.value;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    // React events bubble through portals: the form this dialog was opened from must not submit too.
    e.stopPropagation();
    if (!blocked && !pending) onConfirm();
  };
  return (
    <form onSubmit={onSubmit} className="space-y-3 text-sm">
      {children}
      {typeToConfirm && (
        <div className="flex flex-col gap-1">
          <label htmlFor={`${hintId}-input`}>{typeToConfirm.label}</label>
          <span id={hintId} className="text-xs text-slate-600 dark:text-slate-400">
            Type <strong className="font-mono break-all">{typeToConfirm.value}</strong> to confirm.
          </span>
          <input
            id={`${hintId}-input`}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
            aria-describedby={hintId}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 font-mono dark:border-slate-600 dark:bg-slate-900"
          />
        </div>
      )}
      {calls && calls.length > 0 && (
        <details className="rounded-md border border-slate-200 p-2 dark:border-slate-700">
          <summary className="cursor-pointer text-sm font-medium">
            The {calls.length === 1 ? 'request' : `${calls.length} requests`} this sends
          </summary>
          <div className="mt-2">
            <ApiPreview calls={calls} title="Requests" />
          </div>
        </details>
      )}
      {Boolean(error) && <ErrorState title={errorTitle} error={error} />}
      <div className="flex justify-end gap-2">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant={danger ? 'danger' : 'primary'} disabled={blocked || pending}>
          {pending ? 'Working…' : confirmLabel}
        </Button>
      </div>
    </form>
  );
}
