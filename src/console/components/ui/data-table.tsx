/**
 * The resource tables operators work with (clusters, services, tasks, instances, stacks...), on TanStack
 * Table: sort on any column, a text filter with `property:value` terms, paging, column choices kept in
 * localStorage, optional row selection. `virtual` renders only the visible rows (TanStack Virtual), for
 * lists of thousands. Filter and sort live in the URL (`q`, `sort`), so a filtered view is a link.
 */
import {
  createRow,
  flexRender,
  getFilteredRowModel,
  getPaginationRowModel,
  memo as tableMemo,
  useReactTable,
  type ColumnDef,
  type Row,
  type RowModel,
  type Table,
  type RowSelectionState,
  type SortingState,
  type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { cn } from '../../lib/cn';
import { once } from '../../lib/format';
import { matchesFilter, parseFilter, type ParsedFilter } from '../../lib/table-filter';
import { loadHiddenColumns, saveHiddenColumns } from '../../lib/table-prefs';
import { Button } from './button';
import { EmptyState } from './empty-state';
import { ErrorState } from './error-state';
import { LoadingBlock, Skeleton } from './skeleton';

export interface DataColumn<T> {
  id: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** What the column sorts and filters by; without it the column neither sorts nor filters. */
  value?: (row: T) => string | number | undefined;
  /** What it sorts by, when not `value` (e.g. a time's milliseconds: much cheaper to compare). */
  sortValue?: (row: T) => string | number | undefined;
  className?: string;
  /** The CSS grid track of the column in the virtual layout, e.g. `9rem` or `minmax(10rem,1.4fr)`. */
  track?: string;
  hiddenByDefault?: boolean;
}

interface DataTableProps<T> {
  /** Names the column choices in localStorage, e.g. `tasks`. */
  tableId: string;
  caption: string;
  resourceName: string;
  columns: Array<DataColumn<T>>;
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  isLoading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  empty?: { title: string; description?: ReactNode; action?: ReactNode };
  /** Initial sort when the URL has none. */
  defaultSort?: { id: string; desc: boolean };
  /** Row selection, kept by the caller (keys from rowKey). */
  selection?: { selected: RowSelectionState; onChange: (next: RowSelectionState) => void };
  /** Buttons shown beside the filter (e.g. "Stop selected"). */
  toolbar?: ReactNode;
  /** Render only the visible rows in a scroll box of this height (no paging). */
  virtual?: VirtualOptions;
  /** More pages behind a nextToken: a "Load more" button under the table (and, when virtual, on scroll). */
  more?: LoadMoreProps;
  /** Count shown beside the filter ("12 tasks"), with this test id. */
  countTestId?: string;
  pageSize?: number;
}

export interface VirtualOptions {
  height: number;
  rowHeight: number;
  scrollTestId?: string;
  rowTestId?: string;
  /** The keys (rowKey) of the rows rendered now, each time they change (a list refreshes what is in view). */
  onVisibleRows?: (keys: readonly string[]) => void;
}

/** Rows ahead of the end of a virtual list at which its next page is read, once the operator scrolls. */
export const PREFETCH_ROWS = 100;

export interface LoadMoreProps {
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
  /** The button's words, e.g. "Load 100 more tasks". */
  label?: string;
  /** How many exist in all, when the API says so elsewhere (a cluster's task counts). */
  total?: number;
}

/** "12 tasks", "3 of 12 tasks", "100 tasks loaded, more in AWS", "100 of 250 tasks loaded". */
export function countText(
  resourceName: string,
  loaded: number,
  shown: number,
  more?: Pick<LoadMoreProps, 'hasMore' | 'total'>,
): string {
  const partial = more !== undefined && (more.hasMore || (more.total !== undefined && more.total > loaded));
  const matching = shown === loaded ? '' : `${shown} shown of `;
  if (!partial) return `${matching}${loaded} ${countNoun(resourceName, loaded)}`;
  const of = more.total !== undefined && more.total > loaded ? ` of ${more.total}` : '';
  return `${matching}${loaded}${of} ${resourceName} loaded${of ? '' : ', more to load'}`;
}

/** "1 service", not "1 services": the plural resource name made singular for a count of one. */
export function countNoun(resourceName: string, count: number): string {
  if (count !== 1) return resourceName;
  if (resourceName.endsWith('ies')) return `${resourceName.slice(0, -3)}y`;
  return resourceName.endsWith('s') ? resourceName.slice(0, -1) : resourceName;
}

/**
 * How every column sorts: numbers by value, text in natural order ("svc-2" before "svc-10"), case aside.
 * TanStack's own `alphanumeric` splits both strings with a regular expression on every comparison, which
 * made sorting 10,000 tasks (each page read on scroll) cost most of a second.
 */
// Made on the first sort, not at import time (see `once`).
const collator = once(() => new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }));

export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator().compare(String(a ?? ''), String(b ?? ''));
}

/**
 * The table's rows, each kept while its item is the same object at the same place: a tasks list that
 * reads one more page of 100 makes 100 rows, not all 10,000 again with their values (TanStack's own core
 * model makes every row anew, and the sort then reads every value again: most of a page's cost at
 * thousands of tasks). After new columns (the tasks table's instance column changes as each page's
 * instances are read) a kept row forgets the values it read and reads them again when asked: clearing
 * 10,000 caches is cheap, making 10,000 rows is not. Rows here never have sub-rows. Row ids (task
 * ARNs...) key a prototype-less object, never a plain one.
 */
export function keptCoreRowModel<T>(): (table: Table<T>) => () => RowModel<T> {
  return (table) => {
    const kept = new WeakMap<object, Row<T>>();
    let keptFor: unknown;
    return tableMemo(
      // Made again when the data change, as TanStack's own (not when only the columns do: some tables'
      // column definitions are made anew on every render).
      () => [table.options.data],
      (data): RowModel<T> => {
        const columns = table.options.columns;
        const newColumns = columns !== keptFor;
        keptFor = columns;
        const rows: Array<Row<T>> = [];
        const rowsById = Object.create(null) as Record<string, Row<T>>;
        for (let i = 0; i < data.length; i++) {
          const original = data[i] as T;
          const keyed = typeof original === 'object' && original !== null;
          let row = keyed ? kept.get(original) : undefined;
          if (!row || row.index !== i) {
            row = createRow(table, table._getRowId(original, i), original, i, 0);
            if (keyed) kept.set(original, row);
          } else if (newColumns) {
            row._valuesCache = {};
            row._uniqueValuesCache = {};
          }
          rows.push(row);
          rowsById[row.id] = row;
        }
        return { rows, flatRows: rows, rowsById };
      },
      { key: 'keptCoreRowModel', debug: () => false },
    );
  };
}

/**
 * The sorted rows: each row's sort values read once, then sorted on them (TanStack's own sorted model
 * reads them and checks each column's options on every comparison: about 100 ms a page at 5,000 tasks).
 * Same order: values missing go last, ties keep the rows' order. Rows here never have sub-rows.
 */
export function sortedRowModel<T>(): (table: Table<T>) => () => RowModel<T> {
  return (table) =>
    tableMemo(
      () => [table.getState().sorting, table.getPreSortedRowModel()] as const,
      (sorting, pre): RowModel<T> => {
        const sorts = sorting.filter((s) => table.getColumn(s.id)?.getCanSort());
        if (pre.rows.length === 0 || sorts.length === 0) return pre;
        const keyed = pre.rows.map((row, at) => ({ row, at, keys: sorts.map((s) => row.getValue(s.id)) }));
        keyed.sort((a, b) => {
          for (let i = 0; i < sorts.length; i++) {
            const av = a.keys[i];
            const bv = b.keys[i];
            if (av === undefined || bv === undefined) {
              if (av !== bv) return av === undefined ? 1 : -1;
              continue;
            }
            const c = compareValues(av, bv);
            if (c !== 0) return sorts[i]?.desc ? -c : c;
          }
          return a.at - b.at;
        });
        const rows = keyed.map((k) => k.row);
        return { rows, flatRows: rows, rowsById: pre.rowsById };
      },
      { key: 'sortedRowModel', debug: () => false },
    );
}

const SORT_PARAM = 'sort';
const FILTER_PARAM = 'q';

function sortFromUrl(raw: string | null, fallback?: { id: string; desc: boolean }): SortingState {
  if (!raw) return fallback ? [fallback] : [];
  const [id, dir] = raw.split(':');
  // 'none': the operator turned the default sort off.
  return id && id !== 'none' ? [{ id, desc: dir === 'desc' }] : [];
}

export function DataTable<T>({
  tableId,
  caption,
  resourceName,
  columns,
  rows,
  rowKey,
  isLoading,
  error,
  onRetry,
  empty,
  defaultSort,
  selection,
  toolbar,
  virtual,
  more,
  countTestId,
  pageSize = 25,
}: DataTableProps<T>) {
  const [params, setParams] = useSearchParams();
  const filterText = params.get(FILTER_PARAM) ?? '';
  const sorting = useMemo(() => sortFromUrl(params.get(SORT_PARAM), defaultSort), [params, defaultSort]);
  const setParam = (key: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  const [visibility, setVisibility] = useState<VisibilityState>(() => {
    const hidden = loadHiddenColumns(tableId) ?? columns.filter((c) => c.hiddenByDefault).map((c) => c.id);
    return Object.fromEntries(hidden.map((id) => [id, false]));
  });
  useEffect(() => {
    saveHiddenColumns(
      tableId,
      Object.entries(visibility)
        .filter(([, v]) => !v)
        .map(([k]) => k),
    );
  }, [tableId, visibility]);

  const propertyKeys = useMemo(() => columns.filter((c) => c.value).map((c) => c.id), [columns]);
  const parsed: ParsedFilter = useMemo(
    () => parseFilter(filterText, propertyKeys),
    [filterText, propertyKeys],
  );

  const selectable = Boolean(selection);
  const defs = useMemo<Array<ColumnDef<T>>>(() => {
    const out: Array<ColumnDef<T>> = columns.map((c) => ({
      id: c.id,
      header: c.header,
      accessorFn: c.sortValue ?? (c.value ? (row: T) => c.value?.(row) ?? '' : undefined),
      enableSorting: Boolean(c.value),
      sortUndefined: 'last',
      sortingFn: (a, b, id) => compareValues(a.getValue(id), b.getValue(id)),
      cell: (info) => c.cell(info.row.original),
      meta: { className: c.className, track: c.track },
    }));
    if (selectable) {
      out.unshift({
        id: '__select',
        enableHiding: false,
        enableSorting: false,
        header: ({ table }) => {
          // TanStack's answers look at every row shown (10,000 tasks): asked only while any is selected.
          const any = Object.values(table.getState().rowSelection).some(Boolean);
          const all = any && table.getIsAllPageRowsSelected();
          const some = any && !all && table.getIsSomePageRowsSelected();
          return (
            <input
              type="checkbox"
              aria-label={`Select all ${resourceName} shown`}
              checked={all}
              ref={(el) => {
                if (el) el.indeterminate = some;
              }}
              onChange={table.getToggleAllPageRowsSelectedHandler()}
              className="size-4 accent-orange-600"
            />
          );
        },
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={`Select ${row.id}`}
            checked={row.getIsSelected()}
            disabled={!row.getCanSelect()}
            onChange={row.getToggleSelectedHandler()}
            className="size-4 accent-orange-600"
          />
        ),
        meta: { track: '2rem' },
      });
    }
    return out;
    // Whether rows are selectable, not the caller's selection object (new on each of its renders): new
    // column definitions make every row read its values again.
  }, [columns, selectable, resourceName]);

  const data = useMemo(() => rows ?? [], [rows]);
  const valuesOf = useMemo(() => {
    const cache = new WeakMap<object, Map<string, string>>();
    const compute = (row: T) =>
      new Map(columns.filter((c) => c.value).map((c) => [c.id, String(c.value?.(row) ?? '')]));
    return (row: T): Map<string, string> => {
      // Rows may be plain strings (task definition families): a WeakMap only keys objects.
      if (typeof row !== 'object' || row === null) return compute(row);
      let m = cache.get(row);
      if (!m) {
        m = compute(row);
        cache.set(row, m);
      }
      return m;
    };
  }, [columns]);

  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Table returns fresh functions by design
  const table = useReactTable<T>({
    data,
    columns: defs,
    getRowId: (row) => rowKey(row),
    state: {
      sorting,
      globalFilter: filterText,
      columnVisibility: visibility,
      ...(selection ? { rowSelection: selection.selected } : {}),
    },
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      setParam(SORT_PARAM, first ? `${first.id}:${first.desc ? 'desc' : 'asc'}` : 'none');
    },
    onColumnVisibilityChange: setVisibility,
    onRowSelectionChange: (updater) => {
      if (!selection) return;
      selection.onChange(typeof updater === 'function' ? updater(selection.selected) : updater);
    },
    enableRowSelection: Boolean(selection),
    globalFilterFn: (row) => matchesFilter(valuesOf(row.original), parsed),
    getColumnCanGlobalFilter: () => true,
    getCoreRowModel: keptCoreRowModel<T>(),
    getFilteredRowModel: getFilteredRowModel(),
    getSortedRowModel: sortedRowModel<T>(),
    ...(virtual ? {} : { getPaginationRowModel: getPaginationRowModel() }),
    initialState: { pagination: { pageSize, pageIndex: 0 } },
    autoResetPageIndex: false,
  });

  const filterId = useId();
  const shown = table.getFilteredRowModel().rows.length;
  const selectedCount = selection ? Object.values(selection.selected).filter(Boolean).length : 0;

  const header = (
    <div className="mb-3 flex flex-wrap items-end gap-3 text-sm">
      <div className="flex w-full min-w-0 flex-col gap-1 sm:w-auto sm:max-w-md sm:flex-1">
        <label htmlFor={filterId} className="text-xs text-slate-600 dark:text-slate-400">
          Filter {resourceName}
        </label>
        <input
          id={filterId}
          type="search"
          value={filterText}
          onChange={(e) => {
            setParam(FILTER_PARAM, e.target.value);
            table.setPageIndex(0);
          }}
          placeholder={`Words, or ${propertyKeys
            .slice(0, 2)
            .map((k) => `${k}:…`)
            .join(' ')}`}
          aria-describedby={`${filterId}-hint`}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
        />
        <span id={`${filterId}-hint`} className="sr-only">
          Property filters: {propertyKeys.map((k) => `${k}:value`).join(', ')}
        </span>
      </div>
      <ColumnChooser table={table} />
      {toolbar}
      <span
        className="text-xs text-slate-600 dark:text-slate-400"
        aria-live="polite"
        data-testid={countTestId}
      >
        {rows
          ? `${countText(resourceName, rows.length, shown, more)}${selectedCount ? ` · ${selectedCount} selected` : ''}`
          : ''}
      </span>
    </div>
  );

  if (error) return <ErrorState title={`Could not load ${resourceName}`} error={error} onRetry={onRetry} />;
  if (!isLoading && rows && rows.length === 0) {
    return (
      <EmptyState
        title={empty?.title ?? `No ${resourceName}`}
        description={empty?.description}
        action={empty?.action}
      />
    );
  }
  if (virtual) {
    if (isLoading || !rows)
      return (
        <>
          {header}
          <LoadingBlock label={`Loading ${resourceName}`} lines={6} />
        </>
      );
    return (
      <>
        {header}
        <VirtualGrid table={table} caption={caption} virtual={virtual} more={more} />
        {shown === 0 && <p className="mt-2 text-sm">No {resourceName} match the filter.</p>}
        {more && <LoadMore more={more} filtered={shown !== rows.length} resourceName={resourceName} />}
      </>
    );
  }
  const pageRows = table.getRowModel().rows;
  const pageCount = table.getPageCount();
  return (
    <div>
      {header}
      <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
        <table className="w-full text-left text-sm" aria-busy={isLoading || undefined}>
          <caption className="sr-only">{caption}</caption>
          <thead className="bg-slate-100 text-xs tracking-wide text-slate-600 uppercase dark:bg-slate-900 dark:text-slate-400">
            {table.getHeaderGroups().map((g) => (
              <tr key={g.id}>
                {g.headers.map((h) => (
                  <th
                    key={h.id}
                    scope="col"
                    className="px-3 py-2 font-medium whitespace-nowrap"
                    aria-sort={
                      h.column.getIsSorted() === 'asc'
                        ? 'ascending'
                        : h.column.getIsSorted() === 'desc'
                          ? 'descending'
                          : undefined
                    }
                  >
                    <HeaderCell header={h} />
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody className="divide-y divide-slate-200 bg-white dark:divide-slate-800 dark:bg-slate-950">
            {isLoading || !rows
              ? Array.from({ length: 3 }, (_, i) => (
                  <tr key={i}>
                    {table.getVisibleLeafColumns().map((c) => (
                      <td key={c.id} className="px-3 py-2">
                        <Skeleton className="h-4 w-3/4" />
                      </td>
                    ))}
                  </tr>
                ))
              : pageRows.map((row) => (
                  <tr
                    key={row.id}
                    className={cn(
                      'hover:bg-slate-50 dark:hover:bg-slate-900',
                      row.getIsSelected() && 'bg-orange-50 dark:bg-orange-950/40',
                    )}
                  >
                    {row.getVisibleCells().map((cell) => (
                      <td
                        key={cell.id}
                        className={cn(
                          'px-3 py-2 align-top',
                          (cell.column.columnDef.meta as { className?: string } | undefined)?.className,
                        )}
                      >
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </td>
                    ))}
                  </tr>
                ))}
          </tbody>
        </table>
      </div>
      {rows && shown === 0 && <p className="mt-2 text-sm">No {resourceName} match the filter.</p>}
      {pageCount > 1 && (
        <nav
          aria-label={`Pages of ${resourceName}`}
          className="mt-2 flex flex-wrap items-center gap-2 text-sm"
        >
          <Button size="sm" disabled={!table.getCanPreviousPage()} onClick={() => table.previousPage()}>
            Previous page
          </Button>
          <span className="tabular-nums">
            Page {table.getState().pagination.pageIndex + 1} of {pageCount}
          </span>
          <Button size="sm" disabled={!table.getCanNextPage()} onClick={() => table.nextPage()}>
            Next page
          </Button>
          <label className="ml-2 flex items-center gap-1 text-xs">
            Rows per page
            <select
              value={table.getState().pagination.pageSize}
              onChange={(e) => table.setPageSize(Number(e.target.value))}
              className="rounded border border-slate-300 bg-white px-1 py-0.5 dark:border-slate-600 dark:bg-slate-900"
            >
              {[10, 25, 50, 100].map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
        </nav>
      )}
      {more && <LoadMore more={more} filtered={shown !== (rows?.length ?? 0)} resourceName={resourceName} />}
    </div>
  );
}

type AnyTable<T> = ReturnType<typeof useReactTable<T>>;
type AnyHeader<T> = ReturnType<AnyTable<T>['getFlatHeaders']>[number];

function HeaderCell<T>({ header }: { header: AnyHeader<T> }) {
  const label = flexRender(header.column.columnDef.header, header.getContext());
  if (!header.column.getCanSort()) return <>{label}</>;
  const sorted = header.column.getIsSorted();
  return (
    <button
      type="button"
      onClick={header.column.getToggleSortingHandler()}
      className="inline-flex items-center gap-1 uppercase hover:text-slate-900 dark:hover:text-white"
      title="Sort"
    >
      {label}
      <span aria-hidden="true" className="w-3">
        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
      </span>
    </button>
  );
}

function ColumnChooser<T>({ table }: { table: AnyTable<T> }) {
  const hideable = table.getAllLeafColumns().filter((c) => c.getCanHide());
  return (
    <details className="relative">
      <summary className="cursor-pointer rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm dark:border-slate-600 dark:bg-slate-800">
        Columns
      </summary>
      <fieldset className="absolute z-20 mt-1 w-56 space-y-1 rounded-md border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900">
        <legend className="sr-only">Columns shown</legend>
        {hideable.map((c) => (
          <label key={c.id} className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={c.getIsVisible()}
              onChange={c.getToggleVisibilityHandler()}
              className="size-4 accent-orange-600"
            />
            {String(c.columnDef.header)}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

function LoadMore({
  more,
  filtered,
  resourceName,
}: {
  more: LoadMoreProps;
  filtered: boolean;
  resourceName: string;
}) {
  if (!more.hasMore) return null;
  return (
    <div className="mt-2 flex flex-wrap items-center gap-3 text-sm">
      <Button
        size="sm"
        disabled={more.loading}
        onClick={more.onLoadMore}
        aria-busy={more.loading || undefined}
      >
        {more.loading ? 'Loading…' : (more.label ?? 'Load more')}
      </Button>
      <span className="text-xs text-slate-600 dark:text-slate-400">
        {filtered ? 'The filter and sort' : 'Sorting'} apply to the {resourceName} loaded so far.
      </span>
    </div>
  );
}

/**
 * ARIA table roles on a CSS grid: a virtual list needs absolutely positioned rows. The header is rendered
 * here and the rows in `VirtualBody`, which alone re-renders as the list scrolls (the header's select-all
 * box looks at every row: never once a frame).
 */
function VirtualGrid<T>({
  table,
  caption,
  virtual,
  more,
}: {
  table: AnyTable<T>;
  caption: string;
  virtual: VirtualOptions;
  more?: LoadMoreProps;
}) {
  const rows = table.getRowModel().rows;
  const columns = table.getVisibleLeafColumns();
  const track = (c: (typeof columns)[number]) =>
    (c.columnDef.meta as { track?: string } | undefined)?.track ?? 'minmax(8rem,1fr)';
  const template = columns.map(track).join(' ');
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 text-sm dark:border-slate-800">
      <div role="table" aria-label={caption} aria-rowcount={rows.length + 1} className="min-w-max">
        <div
          role="rowgroup"
          className="bg-slate-100 text-xs tracking-wide text-slate-600 uppercase dark:bg-slate-900 dark:text-slate-400"
        >
          {table.getHeaderGroups().map((g) => (
            <div
              key={g.id}
              role="row"
              aria-rowindex={1}
              className={`${GRID} py-2 font-medium`}
              style={{ gridTemplateColumns: template }}
            >
              {g.headers.map((h) => (
                <div
                  key={h.id}
                  role="columnheader"
                  aria-sort={
                    h.column.getIsSorted() === 'asc'
                      ? 'ascending'
                      : h.column.getIsSorted() === 'desc'
                        ? 'descending'
                        : undefined
                  }
                >
                  <HeaderCell header={h} />
                </div>
              ))}
            </div>
          ))}
        </div>
        <VirtualBody
          rows={rows}
          caption={caption}
          virtual={virtual}
          more={more}
          template={template}
          filtered={Boolean(table.getState().globalFilter)}
        />
      </div>
    </div>
  );
}

/** The scrolling rows of a virtual table: only the rows in view (and a few more) are in the DOM. */
function VirtualBody<T>({
  rows,
  caption,
  virtual,
  more,
  template,
  filtered,
}: {
  rows: Array<AnyRow<T>>;
  caption: string;
  virtual: VirtualOptions;
  more?: LoadMoreProps;
  template: string;
  filtered: boolean;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions by design
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => virtual.rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items[items.length - 1]?.index ?? -1;
  // Within a page of rows of the end: read the next page before the operator gets there. Only once they
  // have scrolled, so a first page never walks every page by itself; with rows filtered out, only a
  // scroll to the very end reads on.
  const [scrolled, setScrolled] = useState(false);
  const nearEnd = lastIndex >= rows.length - 1 - (filtered ? 5 : PREFETCH_ROWS);
  const wantMore = scrolled && !filtered && nearEnd && Boolean(more?.hasMore) && !more?.loading;
  const onLoadMore = more?.onLoadMore;
  useEffect(() => {
    if (wantMore) onLoadMore?.();
  }, [wantMore, onLoadMore, rows.length]);
  const onScroll = () => {
    if (!scrolled) setScrolled(true);
    if (nearEnd && more?.hasMore && !more.loading) more.onLoadMore();
  };
  const onVisibleRows = virtual.onVisibleRows;
  useEffect(() => {
    if (!onVisibleRows) return;
    const keys: string[] = [];
    for (let i = firstIndex; i <= lastIndex; i++) {
      const row = rows[i];
      if (row) keys.push(row.id);
    }
    onVisibleRows(keys);
  }, [onVisibleRows, firstIndex, lastIndex, rows]);
  return (
    <div
      ref={scrollRef}
      tabIndex={0}
      aria-label={`${caption}: scrollable`}
      role="rowgroup"
      data-testid={virtual.scrollTestId}
      onScroll={more ? onScroll : undefined}
      className="overflow-y-auto bg-white dark:bg-slate-950"
      style={{ height: Math.min(virtual.height, rows.length * virtual.rowHeight + 2) }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', contain: 'strict' }}>
        {items.map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <VirtualRow
              key={row.id}
              row={row}
              cells={row.getVisibleCells()}
              selected={row.getIsSelected()}
              index={item.index}
              start={item.start}
              template={template}
              height={virtual.rowHeight}
              testId={virtual.rowTestId}
            />
          );
        })}
      </div>
    </div>
  );
}

const GRID = 'grid items-center gap-x-3 px-3';

type AnyRow<T> = AnyTable<T>['getRowModel'] extends () => { rows: Array<infer R> } ? R : never;

interface VirtualRowProps<T> {
  row: AnyRow<T>;
  /** The row's cells (TanStack keeps the same array while the row and its columns are unchanged). */
  cells: ReturnType<AnyRow<T>['getVisibleCells']>;
  selected: boolean;
  index: number;
  start: number;
  template: string;
  height: number;
  testId: string | undefined;
}

/**
 * One row of a virtual list. Memoised: while scrolling only the rows coming into view render, never the
 * ones already shown (their row, cells, place and selection are unchanged). Contained: its layout and
 * paint never reach outside its box.
 */
const VirtualRow = memo(function VirtualRow<T>({
  cells,
  selected,
  index,
  start,
  template,
  height,
  testId,
}: VirtualRowProps<T>) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      data-testid={testId}
      className={cn(
        GRID,
        'absolute inset-x-0 border-b border-slate-100 hover:bg-slate-50 dark:border-slate-900 dark:hover:bg-slate-900',
        selected && 'bg-orange-50 dark:bg-orange-950/40',
      )}
      style={{
        height,
        transform: `translateY(${start}px)`,
        gridTemplateColumns: template,
        contain: 'strict',
      }}
    >
      {cells.map((cell) => (
        <div
          key={cell.id}
          role="cell"
          className={cn(
            'min-w-0 truncate',
            (cell.column.columnDef.meta as { className?: string } | undefined)?.className,
          )}
        >
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </div>
      ))}
    </div>
  );
}) as <T>(props: VirtualRowProps<T>) => ReactNode;
