/**
 * What the load balancers' data plane computes from the store, kept until one of the collections
 * it was computed from is written (Collection.version changes with every write and rollback). An
 * idle load balancer then costs a few number compares per proxied request and housekeeping tick,
 * not table reads and JSON parses.
 */

interface Versioned {
  readonly version: number;
}

const versionsOf = (sources: readonly Versioned[]): string => sources.map((s) => s.version).join(',');

/** `compute()`, again only when a source's version has changed. Callers must not mutate the result. */
export function byVersion<T>(sources: readonly Versioned[], compute: () => T): () => T {
  let at: string | undefined;
  let value: T | undefined;
  return () => {
    const now = versionsOf(sources);
    if (at !== now || value === undefined) {
      value = compute();
      at = now;
    }
    return value;
  };
}

/**
 * `compute(key)` per key, all forgotten when a source's version changes. Keys come from the data
 * plane's own listeners (bounded by the store), never from a request.
 */
export function byVersionPerKey<T>(
  sources: readonly Versioned[],
  compute: (key: string) => T,
): (key: string) => T {
  let at: string | undefined;
  const values = new Map<string, T>();
  return (key) => {
    const now = versionsOf(sources);
    if (at !== now) {
      values.clear();
      at = now;
    }
    const hit = values.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    values.set(key, value);
    return value;
  };
}
