/**
 * Dictionaries keyed by names that come from a request (query keys, JSON map keys, template logical
 * ids, action names, parameter keys). A plain `{}` answers for names it never stored:
 * `obj['constructor']` is a function, `'toString' in obj` is true, and `obj['__proto__'] = v` replaces
 * the object's prototype (or, through `constructor.prototype`, poisons every object of the process).
 * Build such dictionaries with `dict()` (no prototype) and read them with `own()` / `hasOwn()`.
 * The lint rule in eslint.config.js ("untrusted keys") keeps the readers on these helpers.
 */

export type Dict<T> = Record<string, T>;

/** An empty dictionary without a prototype: only the names put in it are there. */
export function dict<T>(): Dict<T> {
  return Object.create(null) as Dict<T>;
}

/** A prototype-free dictionary of `entries` (later entries win, as with `Object.fromEntries`). */
export function dictFrom<T>(entries: Iterable<readonly [string, T]>): Dict<T> {
  const out = dict<T>();
  for (const [k, v] of entries) setOwn(out, k, v);
  return out;
}

/** Whether `record` itself holds `key` (never an inherited name such as `constructor`). */
export function hasOwn(record: object | null | undefined, key: string): boolean {
  return record !== null && record !== undefined && Object.hasOwn(record, key);
}

/** `record[key]` when `record` itself holds `key`, else undefined. */
export function own<T>(record: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return hasOwn(record, key) ? (record as Record<string, T>)[key] : undefined;
}

/** Stores `key` as a plain own property, even `__proto__` (an assignment would replace the prototype). */
export function setOwn<T>(record: Record<string, T>, key: string, value: NoInfer<T>): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Names every plain object answers for without storing them. No AWS request member has one of these
 * names; the protocol readers read only the model's names, so such keys are never read (see
 * protocol/model/query-reader.ts). The fuzz tests send them as keys everywhere.
 */
export const PROTOTYPE_NAMES: readonly string[] = [
  '__proto__',
  ...Object.getOwnPropertyNames(Object.prototype).filter((n) => n !== '__proto__'),
  'prototype',
];

const prototypeNames = new Set(PROTOTYPE_NAMES);
export const isPrototypeName = (key: string): boolean => prototypeNames.has(key);

/**
 * Whether a JSON-like value nests arrays and objects more than `limit` levels deep (a scalar is
 * depth 0, `[]` and `{}` depth 1). Iterative, so it is safe on any input, and it stops at the
 * first path that is too deep.
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return true;
    const children = Array.isArray(v) ? v : Object.values(v as object);
    for (const child of children)
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
