import { cn } from '../../../lib/cn';
import type { DiffRow, Side } from '../diff-rows';

const tone: Record<NonNullable<Side>['kind'], string> = {
  same: '',
  removed: 'bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-200',
  added: 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
};

function Cell({ side, marker }: { side: Side; marker: string }) {
  return (
    <td
      className={cn(
        'w-1/2 px-2 align-top whitespace-pre-wrap',
        side ? tone[side.kind] : 'bg-slate-50 dark:bg-slate-900',
      )}
    >
      {side && (
        <>
          <span aria-hidden="true" className="select-none">
            {side.kind === 'same' ? ' ' : marker}{' '}
          </span>
          {side.kind !== 'same' && <span className="sr-only">{side.kind}: </span>}
          {side.text}
        </>
      )}
    </td>
  );
}

/** Two revisions side by side, changed lines coloured (removed left, added right). */
export function DiffView({ rows, left, right }: { rows: DiffRow[]; left: string; right: string }) {
  const changed = rows.filter((r) => r.left?.kind !== 'same').length;
  return (
    <div
      className="overflow-auto rounded-lg border border-slate-200 dark:border-slate-800"
      tabIndex={0}
      aria-label={`Diff of ${left} and ${right}`}
    >
      <p className="px-3 py-2 text-xs text-slate-600 dark:text-slate-400" data-testid="diff-summary">
        {changed === 0
          ? 'The revisions are identical.'
          : `${changed} changed ${changed === 1 ? 'line' : 'lines'}`}
      </p>
      <table className="w-full font-mono text-xs" data-testid="diff-table">
        <caption className="sr-only">
          {left} compared with {right}
        </caption>
        <thead className="bg-slate-100 text-left dark:bg-slate-900">
          <tr>
            <th scope="col" className="px-2 py-1">
              {left}
            </th>
            <th scope="col" className="px-2 py-1">
              {right}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <Cell side={r.left} marker="-" />
              <Cell side={r.right} marker="+" />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
