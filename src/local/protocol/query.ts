/**
 * awsQuery / ec2Query request parsing: flat `Key.member.1.Field=value` pairs into structured input.
 * Lists use `member.N` (awsQuery) or a bare `N` (ec2Query); both become arrays (1-based indexes).
 * Scalars stay strings: each provider converts and validates its own numbers and booleans.
 *
 * The keys are the caller's: the tree is built from prototype-free dictionaries, read with own-property
 * checks only, and a key that names an Object.prototype member (`__proto__`, `constructor`,
 * `toString`, ...) is dropped, as AWS drops parameters that are not in the operation's model (no AWS
 * query member has such a name). So no key can reach a prototype, and handlers get plain objects
 * whose every name was sent by the caller and none shadows an inherited one.
 */
import { dict, isPrototypeName, own, setOwn, type Dict } from '../common/safe-object';

export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };

/** Deepest key (in dot-separated parts, `member` markers excluded) any AWS query shape needs is ~10. */
export const MAX_QUERY_KEY_PARTS = 32;
/** Highest list index accepted (1-based); AWS list members are far shorter. */
const MAX_INDEX = 10_000;

const isIndex = (s: string | undefined): boolean => s !== undefined && /^[0-9]+$/.test(s);

/** The tree while it is built: prototype-free dictionaries and (sparse) lists. */
type Building = string | Building[] | { [key: string]: Building };
type Node = Dict<Building> | Building[];

export function structureQuery(params: Iterable<[string, string]>): Record<string, QueryValue> {
  const root = dict<Building>();
  for (const [rawKey, value] of params) {
    if (rawKey === 'Action' || rawKey === 'Version' || rawKey.startsWith('X-Amz-')) continue;
    const segments = rawKey.split('.').filter((s, i, all) => !(s === 'member' && isIndex(all[i + 1])));
    if (segments.length > MAX_QUERY_KEY_PARTS || segments.some(isPrototypeName)) continue;
    place(root, segments, value);
  }
  return plain(root) as Record<string, QueryValue>;
}

/** Puts one pair into the tree; a pair that contradicts what is already there is ignored. */
function place(root: Dict<Building>, segments: string[], value: string): void {
  let node: Node = root;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    const last = i === segments.length - 1;
    let existing: Building | undefined;
    let store: (v: Building) => void;
    if (Array.isArray(node)) {
      if (!isIndex(seg)) return; // a name under a list: not a shape any action has
      const index = Number(seg) - 1;
      if (index < 0 || index >= MAX_INDEX) return; // nonsense index
      const list: Building[] = node;
      existing = list[index];
      store = (v) => {
        list[index] = v;
      };
    } else {
      const map: Dict<Building> = node;
      existing = own(map, seg);
      store = (v) => setOwn(map, seg, v);
    }
    if (last) {
      store(value);
      return;
    }
    const wantArray = isIndex(segments[i + 1]);
    if (existing === undefined || typeof existing === 'string') {
      const created: Node = wantArray ? [] : dict<Building>();
      store(created);
      node = created;
    } else if (wantArray !== Array.isArray(existing)) {
      return; // conflicting shapes for the same key: keep the first
    } else {
      node = existing;
    }
  }
}

/** The finished tree as plain objects and dense arrays (member.1 and member.3 only: two items). */
function plain(value: Building): QueryValue {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(plain);
  // Plain on purpose (handlers may coerce values to text); no key left is a prototype name.
  // eslint-disable-next-line no-restricted-syntax
  const out: Record<string, QueryValue> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, plain(v));
  return out;
}
