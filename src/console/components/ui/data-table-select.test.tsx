import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { DataTable, type DataColumn } from './data-table';

interface Row {
  id: string;
}
const columns: Array<DataColumn<Row>> = [{ id: 'id', header: 'Id', value: (r) => r.id, cell: (r) => r.id }];
const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

/** The "select all" box of a table whose rows a, b, c have this selection. */
function selectAll(selected: Record<string, boolean>): string {
  const html = renderToStaticMarkup(
    <MemoryRouter>
      <DataTable<Row>
        tableId="select-test"
        caption="Things"
        resourceName="things"
        columns={columns}
        rows={rows}
        rowKey={(r) => r.id}
        selection={{ selected, onChange: () => {} }}
      />
    </MemoryRouter>,
  );
  return /<input type="checkbox" aria-label="Select all things shown"[^>]*>/.exec(html)?.[0] ?? '';
}

describe('DataTable select-all box', () => {
  it('is checked when every row shown is selected, and only then', () => {
    expect(selectAll({})).not.toBe('');
    expect(selectAll({})).not.toContain('checked');
    expect(selectAll({ a: true, b: false })).not.toContain('checked');
    expect(selectAll({ a: true, c: true })).not.toContain('checked');
    expect(selectAll({ a: true, b: true, c: true })).toContain('checked');
  });
});
