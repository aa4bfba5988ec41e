/**
 * A multi-select of AWS ids bound to a form field that holds them comma-separated ("subnet-a, subnet-b"):
 * the ids of a paged list as checkboxes with their names, a search over what is loaded, "Load more" for
 * the next page, and typed entry for an id the list does not show (a large account, a shared VPC).
 */
import { useId, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useFormContext, useFormState, useWatch, type FieldValues } from 'react-hook-form';
import type { PagedRows } from '../../aws/paged';
import { Button } from '../ui/button';
import { ErrorState } from '../ui/error-state';
import { formErrorAt, formFieldId } from '../form/controls';
import { controlClasses } from '../form/field';

export interface PickItem {
  id: string;
  /** The Name tag or group name, when there is one. */
  title?: string;
  /** AZ and CIDR, a description... */
  detail?: string;
}

/** The ids in a comma-separated field value, each once. */
export function idsOf(value: unknown): string[] {
  return typeof value === 'string'
    ? [
        ...new Set(
          value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ]
    : [];
}

interface IdChecklistProps {
  /** The form field (comma-separated ids). */
  name: string;
  /** "Subnets", "Security groups". */
  label: string;
  /** "subnet", "security group": in the search, add and remove words. */
  noun: string;
  items: PickItem[] | undefined;
  list: Pick<PagedRows<unknown>, 'isPending' | 'error' | 'hasMore' | 'loadingMore' | 'loadMore' | 'refetch'>;
  /** What a typed id must look like, e.g. /^subnet-[0-9a-f]{8,17}$/. */
  pattern: RegExp;
  example: string;
  hint?: ReactNode;
  /** Shown instead of the list (e.g. "Choose a VPC first"). */
  unavailable?: string;
}

export function IdChecklist({
  name,
  label,
  noun,
  items,
  list,
  pattern,
  example,
  hint,
  unavailable,
}: IdChecklistProps) {
  const { setValue } = useFormContext<FieldValues>();
  const { errors, isSubmitted } = useFormState<FieldValues>({ name });
  const error = formErrorAt(errors, name);
  const chosen = idsOf(useWatch<FieldValues>({ name }));
  const [search, setSearch] = useState('');
  const [typed, setTyped] = useState('');
  const [typedError, setTypedError] = useState<string | null>(null);
  const uid = useId();
  const byId = useMemo(() => new Map((items ?? []).map((i) => [i.id, i])), [items]);
  const term = search.trim().toLowerCase();
  const shown = (items ?? []).filter(
    (i) => !term || [i.id, i.title, i.detail].some((v) => v?.toLowerCase().includes(term)),
  );

  const write = (ids: string[]) =>
    setValue(name, ids.join(', '), { shouldDirty: true, shouldValidate: isSubmitted });
  const toggle = (id: string, on: boolean) => write(on ? [...chosen, id] : chosen.filter((c) => c !== id));
  const addTyped = () => {
    const id = typed.trim();
    if (!pattern.test(id)) {
      setTypedError(`Enter a ${noun} id like ${example}.`);
      return;
    }
    setTypedError(null);
    setTyped('');
    if (!chosen.includes(id)) write([...chosen, id]);
  };
  const onTypedKey = (e: KeyboardEvent<HTMLInputElement>) => {
    // Enter adds the id; it must not submit the form around the picker.
    if (e.key === 'Enter') {
      e.preventDefault();
      addTyped();
    }
  };
  const errorId = `${uid}-error`;
  return (
    <fieldset
      className="min-w-0 space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-700"
      aria-describedby={error ? errorId : undefined}
    >
      <legend className="px-1 text-sm font-medium">{label}</legend>
      {hint && <p className="text-xs text-slate-600 dark:text-slate-400">{hint}</p>}
      {unavailable ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">{unavailable}</p>
      ) : list.error ? (
        <ErrorState title={`Could not list ${noun}s`} error={list.error} onRetry={list.refetch} />
      ) : (
        <>
          <label className="flex flex-col gap-1 text-xs text-slate-600 dark:text-slate-400">
            Search the {noun}s loaded
            <input
              id={formFieldId(name)}
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
              autoComplete="off"
              spellCheck={false}
              className={controlClasses(false)}
            />
          </label>
          <ul
            aria-label={`${label} to choose from`}
            aria-busy={list.isPending || undefined}
            className="max-h-56 space-y-0.5 overflow-y-auto rounded border border-slate-100 p-1 dark:border-slate-800"
          >
            {list.isPending && <li className="p-1 text-sm">Loading {noun}s…</li>}
            {!list.isPending && shown.length === 0 && (
              <li className="p-1 text-sm text-slate-600 dark:text-slate-400">
                {items?.length ? `No ${noun} loaded matches "${search}".` : `No ${noun}s here.`}
              </li>
            )}
            {shown.map((i) => (
              <li key={i.id}>
                <label className="flex cursor-pointer items-start gap-2 rounded px-1 py-0.5 text-sm hover:bg-slate-50 dark:hover:bg-slate-800">
                  <input
                    type="checkbox"
                    className="mt-0.5 size-4 shrink-0 accent-orange-600"
                    checked={chosen.includes(i.id)}
                    onChange={(e) => toggle(i.id, e.target.checked)}
                  />
                  <span className="min-w-0">
                    <span className="font-mono text-xs break-all">{i.id}</span>
                    {i.title && <span className="ml-1 font-medium break-all">{i.title}</span>}
                    {i.detail && (
                      <span className="block text-xs break-words text-slate-600 dark:text-slate-400">
                        {i.detail}
                      </span>
                    )}
                  </span>
                </label>
              </li>
            ))}
          </ul>
          {list.hasMore && (
            <Button size="sm" disabled={list.loadingMore} onClick={list.loadMore}>
              {list.loadingMore ? 'Loading…' : `Load more ${noun}s`}
            </Button>
          )}
        </>
      )}
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex min-w-0 flex-1 flex-col gap-1 text-xs text-slate-600 dark:text-slate-400">
          A {noun} id not listed
          <input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            onKeyDown={onTypedKey}
            placeholder={example}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={typedError ? true : undefined}
            aria-describedby={typedError ? `${uid}-typed` : undefined}
            className={controlClasses(Boolean(typedError), 'font-mono')}
          />
        </label>
        <Button size="sm" onClick={addTyped}>
          Add<span className="sr-only"> {noun} id</span>
        </Button>
      </div>
      {typedError && (
        <p id={`${uid}-typed`} className="text-sm text-red-700 dark:text-red-400">
          {typedError}
        </p>
      )}
      <div>
        <p className="text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
          {chosen.length === 0 ? `No ${noun} chosen.` : `${chosen.length} chosen:`}
        </p>
        {chosen.length > 0 && (
          <ul aria-label={`${label} chosen`} className="mt-1 flex flex-wrap gap-1">
            {chosen.map((id) => (
              <li
                key={id}
                className="flex max-w-full min-w-0 items-center gap-1 rounded-full border border-slate-300 bg-slate-50 py-0.5 pr-1 pl-2 text-xs dark:border-slate-600 dark:bg-slate-800"
              >
                <span className="min-w-0 font-mono break-all">{id}</span>
                {byId.get(id)?.title && <span>{byId.get(id)?.title}</span>}
                <button
                  type="button"
                  onClick={() => toggle(id, false)}
                  className="rounded-full px-1 hover:bg-slate-200 dark:hover:bg-slate-700"
                  aria-label={`Remove ${id}`}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {error && (
        <p id={errorId} className="text-sm text-red-700 dark:text-red-400" data-field-error="">
          {error}
        </p>
      )}
    </fieldset>
  );
}
