import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ResourceTable, type Column } from './resource-table';

interface Row {
  name: string;
  status: string;
}
const columns: Array<Column<Row>> = [
  { id: 'name', header: 'Name', cell: (r) => r.name },
  { id: 'status', header: 'Status', cell: (r) => r.status },
];
const render = (props: Partial<Parameters<typeof ResourceTable<Row>>[0]>) =>
  renderToStaticMarkup(
    <ResourceTable<Row>
      caption="Clusters"
      resourceName="clusters"
      columns={columns}
      rows={undefined}
      rowKey={(r) => r.name}
      {...props}
    />,
  );

describe('ResourceTable', () => {
  it('renders a captioned table with a row per resource', () => {
    const html = render({ rows: [{ name: 'default', status: 'ACTIVE' }] });
    expect(html).toContain('<caption class="sr-only">Clusters</caption>');
    expect(html).toContain('<th scope="col"');
    expect(html).toContain('>default</td>');
  });
  it('shows skeleton rows while loading, marked busy', () => {
    const html = render({ isLoading: true });
    expect(html).toContain('aria-busy="true"');
    expect(html.match(/<tr>/g)?.length).toBe(4);
  });
  it('shows the empty state, or the AWS error where the table would be', () => {
    expect(render({ rows: [], empty: { title: 'No clusters yet' } })).toContain('No clusters yet');
    const error = Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' });
    const html = render({ error });
    expect(html).toContain('role="alert"');
    expect(html).toContain('Could not load clusters');
    expect(html).toContain('ClusterNotFoundException');
    expect(html).toContain('Cluster not found.');
  });
});
