/**
 * The text filter of the resource tables: free words, and `property:value` terms such as `status:RUNNING`
 * or `taskDefinition:web:3` (the property is a column id, case-insensitive; the value runs to the next
 * space). Pure and linear: no regular expression is built from what the user typed.
 */
export interface ParsedFilter {
  words: string[];
  properties: Array<{ key: string; value: string }>;
}

export function parseFilter(text: string, propertyKeys: readonly string[]): ParsedFilter {
  const keys = new Map(propertyKeys.map((k) => [k.toLowerCase(), k]));
  const out: ParsedFilter = { words: [], properties: [] };
  for (const token of text.trim().split(/\s+/)) {
    if (!token) continue;
    const colon = token.indexOf(':');
    const key = colon > 0 ? keys.get(token.slice(0, colon).toLowerCase()) : undefined;
    if (key !== undefined && colon < token.length - 1) {
      out.properties.push({ key, value: token.slice(colon + 1).toLowerCase() });
    } else {
      out.words.push(token.toLowerCase());
    }
  }
  return out;
}

/** `*` matches any run of characters; otherwise the whole value must match. */
function globMatch(value: string, pattern: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return value === pattern;
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!value.startsWith(first) || value.length < first.length + last.length) return false;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = value.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return value.slice(at).endsWith(last);
}

/**
 * Whether a row passes: every word appears in some column's value, and every property matches its
 * column: equal (case-insensitive), a glob with `*`, or a family for `family:revision` values
 * (`taskDefinition:web` matches `web:3`).
 */
export function matchesFilter(values: ReadonlyMap<string, string>, filter: ParsedFilter): boolean {
  for (const { key, value } of filter.properties) {
    const v = (values.get(key) ?? '').toLowerCase();
    if (!(globMatch(v, value) || v.startsWith(`${value}:`))) return false;
  }
  if (filter.words.length === 0) return true;
  const all = [...values.values()].join('\n').toLowerCase();
  return filter.words.every((w) => all.includes(w));
}
