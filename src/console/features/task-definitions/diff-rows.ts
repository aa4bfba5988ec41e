import { diffLines } from 'diff';

export type Side = { text: string; kind: 'same' | 'removed' | 'added' } | null;
export interface DiffRow {
  left: Side;
  right: Side;
}

function lines(value: string): string[] {
  const parts = value.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Side-by-side rows from a line diff: removals and the additions that follow them share rows. */
export function sideBySide(before: string, after: string): DiffRow[] {
  const rows: DiffRow[] = [];
  const changes = diffLines(before, after);
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i];
    if (!c) continue;
    if (c.removed) {
      const next = changes[i + 1];
      const removed = lines(c.value);
      const added = next?.added ? lines(next.value) : [];
      if (next?.added) i++;
      for (let k = 0; k < Math.max(removed.length, added.length); k++) {
        const l = removed[k];
        const r = added[k];
        rows.push({
          left: l === undefined ? null : { text: l, kind: 'removed' },
          right: r === undefined ? null : { text: r, kind: 'added' },
        });
      }
    } else if (c.added) {
      for (const r of lines(c.value)) rows.push({ left: null, right: { text: r, kind: 'added' } });
    } else {
      for (const t of lines(c.value))
        rows.push({ left: { text: t, kind: 'same' }, right: { text: t, kind: 'same' } });
    }
  }
  return rows;
}
