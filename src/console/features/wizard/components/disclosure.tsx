import { useId, useState, type ReactNode } from 'react';

/** A show/hide section that opens by itself when something inside it has an error. */
export function Disclosure({
  title,
  hasErrors,
  children,
}: {
  title: string;
  hasErrors: boolean;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(hasErrors);
  const [hadErrors, setHadErrors] = useState(hasErrors);
  const panelId = useId();
  // Open when errors appear inside (adjusting state during render, as React recommends over an effect).
  if (hasErrors !== hadErrors) {
    setHadErrors(hasErrors);
    if (hasErrors) setOpen(true);
  }
  return (
    <div className="rounded-md border border-slate-200 dark:border-slate-700">
      <h4>
        <button
          type="button"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((o) => !o)}
          className="flex w-full items-center gap-2 px-3 py-2 text-left text-sm font-medium hover:bg-slate-50 dark:hover:bg-slate-900"
        >
          <span
            aria-hidden="true"
            className={open ? 'rotate-90 transition-transform' : 'transition-transform'}
          >
            ▸
          </span>
          {title}
          {hasErrors && (
            <span className="text-xs font-normal text-red-700 dark:text-red-400">(has errors)</span>
          )}
        </button>
      </h4>
      <div
        id={panelId}
        hidden={!open}
        className="space-y-4 border-t border-slate-200 p-3 dark:border-slate-700"
      >
        {open && children}
      </div>
    </div>
  );
}
