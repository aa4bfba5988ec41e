import { describe, expect, it } from 'vitest';
import { createTable, getCoreRowModel } from '@tanstack/react-table';
import { compareValues, countText, keptCoreRowModel, sortedRowModel } from './data-table';

describe('countText: what a table says it holds', () => {
  it('counts the rows when the list is whole', () => {
    expect(countText('tasks', 12, 12)).toBe('12 tasks');
    expect(countText('services', 1, 1)).toBe('1 service');
    expect(countText('families', 1, 1)).toBe('1 family');
    expect(countText('container instances', 1, 1)).toBe('1 container instance');
    expect(countText('tasks', 0, 0)).toBe('0 tasks');
    expect(countText('tasks', 1, 0)).toBe('0 shown of 1 task');
    expect(countText('tasks', 12, 3)).toBe('3 shown of 12 tasks');
    expect(countText('tasks', 12, 12, { hasMore: false })).toBe('12 tasks');
  });

  it('says the rows are only those loaded while the API has more', () => {
    expect(countText('tasks', 100, 100, { hasMore: true })).toBe('100 tasks loaded, more to load');
    expect(countText('tasks', 100, 4, { hasMore: true })).toBe('4 shown of 100 tasks loaded, more to load');
    expect(countText('tasks', 100, 100, { hasMore: true, total: 250 })).toBe('100 of 250 tasks loaded');
  });
});

describe('compareValues: how a column sorts', () => {
  it('numbers by value, text in natural order, case aside', () => {
    expect(['svc-10', 'svc-2', 'Svc-1'].sort(compareValues)).toEqual(['Svc-1', 'svc-2', 'svc-10']);
    expect([10, 9, 100].sort(compareValues)).toEqual([9, 10, 100]);
    expect(['2026-12-05T14:00:10.000Z', '2026-12-05T09:59:59.000Z', ''].sort(compareValues)).toEqual([
      '',
      '2026-12-05T09:59:59.000Z',
      '2026-12-05T14:00:10.000Z',
    ]);
  });
});

describe('sortedRowModel: rows sorted on values read once', () => {
  const rows = [
    { id: 'a', n: 3, t: 'svc-10' },
    { id: 'b', n: undefined, t: 'svc-2' },
    { id: 'c', n: 1, t: 'svc-2' },
    { id: 'd', n: 2, t: 'Svc-1' },
  ];
  const sorted = (sorting: Array<{ id: string; desc: boolean }>) => {
    const table = createTable<(typeof rows)[number]>({
      data: rows,
      columns: [
        { id: 'n', accessorFn: (r) => r.n },
        { id: 't', accessorFn: (r) => r.t },
      ],
      getRowId: (r) => r.id,
      getCoreRowModel: getCoreRowModel(),
      getSortedRowModel: sortedRowModel(),
      state: { sorting },
      onStateChange: () => {},
      renderFallbackValue: null,
    });
    return table.getSortedRowModel().rows.map((r) => r.id);
  };

  it('sorts numbers and text both ways, missing values last, ties in their order', () => {
    expect(sorted([{ id: 'n', desc: false }])).toEqual(['c', 'd', 'a', 'b']);
    expect(sorted([{ id: 'n', desc: true }])).toEqual(['a', 'd', 'c', 'b']);
    expect(sorted([{ id: 't', desc: false }])).toEqual(['d', 'b', 'c', 'a']);
    expect(sorted([{ id: 't', desc: true }])).toEqual(['a', 'b', 'c', 'd']);
    expect(sorted([])).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('keptCoreRowModel: rows kept while their item is', () => {
  type Item = { id: string; n: number };
  let reads = 0;
  const counted = [{ id: 'n', accessorFn: (r: Item) => (reads++, r.n) }];
  const tableOf = (data: Item[], cols = counted) =>
    createTable<Item>({
      data,
      columns: cols,
      getRowId: (r) => r.id,
      getCoreRowModel: keptCoreRowModel(),
      state: {},
      onStateChange: () => {},
      renderFallbackValue: null,
    });

  it('keeps the rows of items already there, with the values they read; makes rows for new ones', () => {
    const a = { id: 'a', n: 1 };
    const b = { id: 'b', n: 2 };
    const table = tableOf([a, b]);
    const first = table.getCoreRowModel().rows;
    first.forEach((r) => r.getValue('n'));
    const readsBefore = reads;
    const c = { id: 'c', n: 3 };
    table.setOptions((o) => ({ ...o, data: [a, b, c] }));
    const next = table.getCoreRowModel();
    expect(next.rows[0]).toBe(first[0]);
    expect(next.rows[1]).toBe(first[1]);
    expect(next.rows.map((r) => r.getValue('n'))).toEqual([1, 2, 3]);
    expect(reads - readsBefore).toBe(1);
    expect(Object.getPrototypeOf(next.rowsById)).toBeNull();
    expect(next.rowsById['c']?.original).toBe(c);
  });

  it('makes a new row for an item replaced or moved', () => {
    const a = { id: 'a', n: 1 };
    const b = { id: 'b', n: 2 };
    const table = tableOf([a, b]);
    const [ra, rb] = table.getCoreRowModel().rows;
    const b2 = { id: 'b', n: 5 };
    table.setOptions((o) => ({ ...o, data: [b2, a] }));
    const moved = table.getCoreRowModel().rows;
    expect(moved[0]).not.toBe(rb);
    expect(moved[1]).not.toBe(ra);
    expect(moved.map((r) => [r.id, r.index, r.getValue('n')])).toEqual([
      ['b', 0, 5],
      ['a', 1, 1],
    ]);
  });

  it('keeps its rows across new columns, each reading its values again from them', () => {
    const a = { id: 'a', n: 1 };
    const b = { id: 'b', n: 2 };
    const table = tableOf([a, b]);
    const [ra, rb] = table.getCoreRowModel().rows;
    expect([ra?.getValue('n'), rb?.getValue('n')]).toEqual([1, 2]);
    const doubled = [{ id: 'n', accessorFn: (r: Item) => (reads++, r.n * 2) }];
    const c = { id: 'c', n: 3 };
    table.setOptions((o) => ({ ...o, columns: doubled, data: [a, b, c] }));
    const next = table.getCoreRowModel().rows;
    expect(next[0]).toBe(ra);
    expect(next[1]).toBe(rb);
    expect(next.map((r) => r.getValue('n'))).toEqual([2, 4, 6]);
    // The same columns again: the values read stay.
    table.setOptions((o) => ({ ...o, data: [a, b] }));
    const readsBefore = reads;
    expect(table.getCoreRowModel().rows.map((r) => r.getValue('n'))).toEqual([2, 4]);
    expect(reads).toBe(readsBefore);
  });
});
