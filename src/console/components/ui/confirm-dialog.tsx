import { useState, type FormEvent, type ReactNode } from 'react';
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

/** A confirmation before an action that changes AWS: what it does, optionally the name typed, and the calls. */
export function ConfirmDialog({
  open,
  onClose,
  title,
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
  const blocked = typeToConfirm !== undefined && typed !== typeToConfirm.value;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    // React events bubble through portals: the form this dialog was opened from must not submit too.
    e.stopPropagation();
    if (!blocked && !pending) onConfirm();
  };
  return (
    <Dialog
      open={open}
      onClose={() => {
        setTyped('');
        onClose();
      }}
      title={title}
    >
      <form onSubmit={onSubmit} className="space-y-3 text-sm">
        {children}
        {typeToConfirm && (
          <label className="flex flex-col gap-1">
            <span>
              Type <strong>{typeToConfirm.value}</strong> to confirm ({typeToConfirm.label})
            </span>
            <input
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              aria-label={typeToConfirm.label}
              className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
            />
          </label>
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
    </Dialog>
  );
}
