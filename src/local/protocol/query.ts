/**
 * awsQuery / ec2Query request parsing: flat `Key.member.1.Field=value` pairs into structured input.
 * Lists use `member.N` (awsQuery) or a bare `N` (ec2Query); both become arrays (1-based indexes).
 * Scalars stay strings: each provider converts and validates its own numbers and booleans.
 */
export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };

const isIndex = (s: string | undefined): boolean => s !== undefined && /^[0-9]+$/.test(s);

export function structureQuery(params: Iterable<[string, string]>): Record<string, QueryValue> {
  const root: Record<string, QueryValue> = {};
  for (const [rawKey, value] of params) {
    if (rawKey === 'Action' || rawKey === 'Version' || rawKey.startsWith('X-Amz-')) continue;
    const segments = rawKey.split('.').filter((s, i, all) => !(s === 'member' && isIndex(all[i + 1])));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let node: any = root;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i] as string;
      const last = i === segments.length - 1;
      const key: string | number = Array.isArray(node) && isIndex(seg) ? Number(seg) - 1 : seg;
      if (typeof key === 'number' && (key < 0 || key > 10_000)) break; // nonsense index: ignore the pair
      if (last) {
        node[key] = value;
      } else {
        const wantArray = isIndex(segments[i + 1]);
        const existing = node[key];
        if (existing === undefined || typeof existing === 'string') {
          node[key] = wantArray ? [] : {};
        } else if (wantArray !== Array.isArray(existing)) {
          break; // conflicting shapes for the same key: keep the first
        }
        node = node[key];
      }
    }
  }
  return compactArrays(root) as Record<string, QueryValue>;
}

/** Sparse arrays (member.1 and member.3 only) become dense. */
function compactArrays(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compactArrays);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = compactArrays(v);
    return out;
  }
  return value;
}
