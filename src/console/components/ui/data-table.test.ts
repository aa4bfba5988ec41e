import { describe, expect, it } from 'vitest';
import { createTable, getCoreRowModel } from '@tanstack/react-table';
import { compareValues, countText, sortedRowModel } from './data-table';

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
