import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { selectClass } from '../../lib/format';

/** Filters kept in the URL: the current params, and a setter that drops a filter set to ''. */
export function useUrlFilters(): [URLSearchParams, (key: string, value: string) => void] {
  const [params, setParams] = useSearchParams();
  const setFilter = (key: string, value: string) =>
    setParams(
      (p) => {
        // From the address bar itself: React Router hands the updater the params of the last render,
        // so two changes before a render (two filters picked quickly) would lose the first.
        const next = new URLSearchParams(typeof window === 'undefined' ? p : window.location.search);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  return [params, setFilter];
}

/** A small labelled select above a list. */
export function FilterSelect({
  label,
  value,
  onChange,
  children,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <label className="flex flex-col gap-1">
      <span className="text-xs text-slate-600 dark:text-slate-400">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} className={selectClass}>
        {children}
      </select>
    </label>
  );
}
