/** A table of JSON documents keyed by id, with up to three indexed string keys for lookups. */
import type Database from 'better-sqlite3';

export interface IndexSpec<T> {
  name: string;
  key: (doc: T) => string | null | undefined;
}

export interface CollectionOptions {
  /**
   * Keep up to this many parsed documents in memory for `peek`/`peekMany` (default 0: none). The
   * table stays the source of truth: a write drops the entry, a rolled-back transaction (Db.tx)
   * drops them all, and the next peek reads the row again.
   */
  cacheSize?: number;
}

export interface FindOptions {
  /** Only ids strictly greater than this (stable pagination in id order). */
  after?: string;
  limit?: number;
}

const COLUMNS = ['k1', 'k2', 'k3'] as const;

export class Collection<T> {
  private readonly table: string;
  private readonly columnOf = new Map<string, string>();
  private readonly statements = new Map<string, Database.Statement>();
  /** id -> frozen parsed document, in insertion order (the oldest is dropped first). */
  private readonly cache = new Map<string, T>();
  private readonly cacheSize: number;

  constructor(
    private readonly sql: Database.Database,
    name: string,
    private readonly indexes: IndexSpec<T>[],
    options: CollectionOptions = {},
  ) {
    this.cacheSize = options.cacheSize ?? 0;
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad collection name ${name}`);
    if (indexes.length > COLUMNS.length) throw new Error('at most three indexes');
    this.table = `c_${name}`;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS ${this.table} (id TEXT PRIMARY KEY, k1 TEXT, k2 TEXT, k3 TEXT, doc TEXT NOT NULL)`,
    );
    indexes.forEach((ix, i) => {
      const col = COLUMNS[i] as string;
      this.columnOf.set(ix.name, col);
      sql.exec(`CREATE INDEX IF NOT EXISTS ${this.table}_${col} ON ${this.table} (${col}, id)`);
    });
  }

  private stmt(key: string, text: () => string): Database.Statement {
    let s = this.statements.get(key);
    if (!s) {
      s = this.sql.prepare(text());
      this.statements.set(key, s);
    }
    return s;
  }

  get(id: string): T | undefined {
    const row = this.stmt('get', () => `SELECT doc FROM ${this.table} WHERE id = ?`).get(id) as
      { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as T) : undefined;
  }

  /**
   * The document, shared and deeply frozen: read it, never mutate it (copy what you change, e.g.
   * `{ ...doc, field }`, then `put`). Served from memory when cached; `get` when the collection
   * keeps no cache.
   */
  peek(id: string): T | undefined {
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit;
    const doc = this.get(id);
    if (doc === undefined || this.cacheSize === 0) return doc;
    this.remember(id, deepFreeze(doc));
    return doc;
  }

  private remember(id: string, doc: T): void {
    this.cache.delete(id);
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(id, doc);
  }

  /** `find` through `peek`: shared frozen documents, in id order. */
  peekMany(where: Record<string, string> = {}): T[] {
    const out: T[] = [];
    for (const id of this.ids(where)) {
      const doc = this.peek(id);
      if (doc !== undefined) out.push(doc);
    }
    return out;
  }

  /** Forgets every cached document (Db.tx calls it when a transaction rolls back). */
  dropCache(): void {
    this.cache.clear();
  }

  has(id: string): boolean {
    return this.stmt('has', () => `SELECT 1 FROM ${this.table} WHERE id = ?`).get(id) !== undefined;
  }

  /** Inserts or replaces. Documents are copied (JSON), so callers may keep mutating their object. */
  put(id: string, doc: T): void {
    const keys = COLUMNS.map((_, i) => {
      const ix = this.indexes[i];
      const v = ix ? ix.key(doc) : null;
      return v === undefined ? null : v;
    });
    this.stmt(
      'put',
      () =>
        `INSERT INTO ${this.table} (id, k1, k2, k3, doc) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET k1 = excluded.k1, k2 = excluded.k2, k3 = excluded.k3, doc = excluded.doc`,
    ).run(id, keys[0], keys[1], keys[2], JSON.stringify(doc));
    this.cache.delete(id);
  }

  /**
   * `put`, keeping `doc` itself (deeply frozen) as the cached document for `peek`: for a caller
   * that built `doc` for this write and never changes it afterwards.
   */
  putShared(id: string, doc: T): void {
    this.put(id, doc);
    if (this.cacheSize > 0) this.remember(id, deepFreeze(doc));
  }

  delete(id: string): boolean {
    this.cache.delete(id);
    return this.stmt('delete', () => `DELETE FROM ${this.table} WHERE id = ?`).run(id).changes > 0;
  }

  /** Documents whose indexed keys equal the given values, in id order. */
  find(where: Record<string, string> = {}, options: FindOptions = {}): T[] {
    const { clause, values, shape } = this.where(where, options.after);
    const limit = options.limit ?? -1;
    const rows = this.stmt(
      `find:${shape}`,
      () => `SELECT doc FROM ${this.table}${clause} ORDER BY id LIMIT ?`,
    ).all(...values, limit) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as T);
  }

  /** Ids only (cheap listing), in id order. */
  ids(where: Record<string, string> = {}, options: FindOptions = {}): string[] {
    const { clause, values, shape } = this.where(where, options.after);
    const limit = options.limit ?? -1;
    const rows = this.stmt(
      `ids:${shape}`,
      () => `SELECT id FROM ${this.table}${clause} ORDER BY id LIMIT ?`,
    ).all(...values, limit) as { id: string }[];
    return rows.map((r) => r.id);
  }

  count(where: Record<string, string> = {}): number {
    const { clause, values, shape } = this.where(where);
    const row = this.stmt(`count:${shape}`, () => `SELECT COUNT(*) AS n FROM ${this.table}${clause}`).get(
      ...values,
    ) as {
      n: number;
    };
    return row.n;
  }

  /**
   * Counts documents grouped by one JSON field (SQLite json_extract), without parsing documents:
   * e.g. `countBy({ cluster }, '$.task.lastStatus')` -> { RUNNING: 3, PENDING: 1 }.
   */
  countBy(where: Record<string, string>, jsonPath: string): Record<string, number> {
    const { clause, values, shape } = this.where(where);
    const rows = this.stmt(
      `countBy:${shape}`,
      () => `SELECT json_extract(doc, ?) AS v, COUNT(*) AS n FROM ${this.table}${clause} GROUP BY v`,
    ).all(jsonPath, ...values) as { v: string | number | null; n: number }[];
    const out: Record<string, number> = {};
    for (const r of rows) out[String(r.v)] = r.n;
    return out;
  }

  all(): T[] {
    return this.find();
  }

  private where(
    where: Record<string, string>,
    after?: string,
  ): { clause: string; values: string[]; shape: string } {
    const parts: string[] = [];
    const values: string[] = [];
    for (const [name, value] of Object.entries(where).sort(([a], [b]) => a.localeCompare(b))) {
      const col = this.columnOf.get(name);
      if (!col) throw new Error(`collection ${this.table} has no index ${name}`);
      parts.push(`${col} = ?`);
      values.push(value);
    }
    if (after !== undefined) {
      parts.push('id > ?');
      values.push(after);
    }
    const clause = parts.length ? ` WHERE ${parts.join(' AND ')}` : '';
    return { clause, values, shape: clause };
  }
}

/** Freezes a JSON document (objects and arrays) all the way down. */
function deepFreeze<D>(doc: D): D {
  if (doc !== null && typeof doc === 'object' && !Object.isFrozen(doc)) {
    Object.freeze(doc);
    for (const v of Object.values(doc)) deepFreeze(v);
  }
  return doc;
}
