import { useEffect, useRef, type ReactNode } from 'react';
import { StatusBadge } from './status-badge';

interface PageHeaderProps {
  title: ReactNode;
  description?: ReactNode;
  /** Buttons or links shown at the right. */
  actions?: ReactNode;
  /** Shown above the title, e.g. breadcrumbs or a step counter. */
  eyebrow?: ReactNode;
}

/** The browser tab's title for a page whose heading reads `heading`. */
export function documentTitle(heading: string | null | undefined): string {
  const text = heading?.replace(/\s+/g, ' ').trim();
  return text ? `${text} · ECS Console` : 'ECS Console';
}

export function PageHeader({ title, description, actions, eyebrow }: PageHeaderProps) {
  // The tab's title follows the heading (a name and its status badge included), so history, tabs and
  // screen readers tell pages apart; back to the app's name when the page goes.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = documentTitle(heading.current?.textContent);
  });
  useEffect(
    () => () => {
      document.title = documentTitle(null);
    },
    [],
  );
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4 border-b border-slate-200 pb-4 dark:border-slate-800">
      <div className="min-w-0">
        {eyebrow && <div className="mb-1 text-sm text-slate-600 dark:text-slate-400">{eyebrow}</div>}
        <h1 ref={heading} className="text-2xl font-semibold tracking-tight">
          {title}
        </h1>
        {description && (
          <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-400">{description}</p>
        )}
      </div>
      {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
    </div>
  );
}

/** A resource name with its status badge (once the status is known), as a PageHeader title. */
export function StatusTitle({ name, status }: { name: ReactNode; status: string | undefined }) {
  return (
    <span className="flex items-center gap-3">
      {name} {status && <StatusBadge status={status} />}
    </span>
  );
}
