/** Column choices of a table, kept in localStorage between visits (a view setting, not AWS data). */
const key = (tableId: string) => `ecs-console.columns.${tableId}`;

export function loadHiddenColumns(tableId: string): string[] | null {
  try {
    const raw = window.localStorage.getItem(key(tableId));
    if (raw === null) return null;
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : null;
  } catch {
    return null;
  }
}

export function saveHiddenColumns(tableId: string, hidden: string[]): void {
  try {
    window.localStorage.setItem(key(tableId), JSON.stringify(hidden));
  } catch {
    // Storage disabled: the choice lasts for this page.
  }
}
