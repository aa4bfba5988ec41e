/** A table of JSON documents keyed by id, with up to three indexed string keys for lookups. */
import type Database from 'better-sqlite3';

/**
 * Under the tests (Vitest, and the servers the browser journeys start: `ECS_CONSOLE_CHECK_TEXTS=1`),
 * every text assembled from pieces instead of serialised (`insertShared`'s `text`, the launch's
 * answers: scheduler/launch.ts) is compared with the serialised one, so that a member added to a
 * document without its piece fails every test that writes one, not only the tests of the pieces.
 * Off otherwise: the check costs what the pieces save.
 */
export const checkTexts = process.env['VITEST'] === 'true' || process.env['ECS_CONSOLE_CHECK_TEXTS'] === '1';

/** Throws when a text made from pieces is not the serialised one (only called when `checkTexts`). */
export function checkedText(what: string, made: string, serialised: string): void {
  if (made !== serialised)
    throw new Error(`the ${what} made from pieces differs from the serialised one:\n${made}\n${serialised}`);
}

export interface IndexSpec<T> {
  name: string;
  key: (doc: T) => string | null | undefined;
}

export interface CollectionOptions<T = never> {
  /**
   * Keep up to this many parsed documents in memory for `peek`/`peekMany` (default 0: none). The
   * table stays the source of truth: a write drops the entry, a rolled-back transaction (Db.tx)
   * drops them all, and the next peek reads the row again.
   */
  cacheSize?: number;
  /**
   * Derived keys, kept in SQLite by every `put` and `delete` in the same transaction as the document
   * (so exact after a rollback or a kill -9): `lookups(doc)` are keys to find documents by, any number
   * per document (`idsByKey`, `peekByKey`, `countByKey`); `counters(doc)` are keys the document is
   * counted under (`counted(key)` reads one row: O(1), whatever the number of documents). A document
   * lists each key at most once. Bump `version` when the functions change: the keys of
   * stored documents are derived again once, when the collection is opened.
   */
  /**
   * The stored text of a document (default `JSON.stringify`): a collection may assemble it from
   * pieces it keeps for other uses. Parsed, it must give the same document.
   */
  serialize?: (doc: T) => string;
  /**
   * One member of the document kept in a small side row of its own (`<table>_part`), for a member
   * that changes far more often than the rest (a container instance's remaining resources, booked
   * by every task placed): a write whose document differs from the stored one only there
   * (`onlyPartChanged`, same indexed keys) writes the side row alone, not the document's row (a
   * 4.5 KB row overflows a page: rewriting it cost about twice the row's insert). Every read (`get`,
   * `peek`, `find`, `peekOrBytes`...) gives the document with the side row's value in place
   * (`with`), so readers see exactly what was put. Any other write stores the whole document and
   * drops the side row. `countBy` does not see the part (it reads the stored text) and refuses.
   */
  part?: CollectionPart<T>;
  derived?: {
    lookups?: (doc: T) => readonly string[];
    counters?: (doc: T) => readonly string[];
    /**
     * What a lookup row stores for the document `id` (default: the id): a shorter text that
     * readers turn back into the id (`LookupKey.idOf`), e.g. a task's id without the ARN prefix every
     * task under the same key shares. The same for every version of a document; members under one
     * key must sort as their ids do (`idsByKey` reads in member order).
     */
    member?: (doc: T, id: string) => string;
    version: number;
  };
}

/**
 * A lookup key whose rows store members (`derived.member`), not ids: how to turn one into the
 * other. A plain string key reads the stored text as the id.
 */
export interface LookupKey {
  key: string;
  /** The id of a stored member. */
  idOf: (member: string) => string;
  /** The member stored for an id (also the position an `after` id stands for). */
  memberOf: (id: string) => string;
}

const plainKey = (key: string | LookupKey): LookupKey =>
  typeof key === 'string' ? { key, idOf: (m) => m, memberOf: (id) => id } : key;

export interface CollectionPart<T> {
  /** The member's value (JSON; undefined: this document keeps it in its row). */
  get: (doc: T) => unknown;
  /** A new document: `doc` with the member set to `value` (its place among the members kept). */
  with: (doc: T, value: unknown) => T;
  /** True only when `after` has every member of `before` with the same value but this one. */
  onlyPartChanged: (before: T, after: T) => boolean;
}

export interface FindOptions {
  /** Only ids strictly greater than this (stable pagination in id order). */
  after?: string;
  limit?: number;
}

const COLUMNS = ['k1', 'k2', 'k3'] as const;

/** Ids per `IN (...)` statement of `peekOrBytes` (one prepared statement per chunk length, so bounded). */
const IN_CHUNK = 100;

/** Rowids `peekOrBytes` loads per call until it knows the whole table's (see `rowids`). */
const ROWID_LOAD_CHUNK = 2048;

export class Collection<T> {
  private readonly table: string;
  private readonly columnOf = new Map<string, string>();
  private readonly statements = new Map<string, Database.Statement>();
  /**
   * id -> frozen parsed document, in insertion order (the oldest is dropped first), with its derived
   * keys when a write derived them (the "before" keys of its next write).
   */
  private readonly cache = new Map<string, Cached<T>>();
  private readonly cacheSize: number;
  private readonly derived: CollectionOptions<T>['derived'];
  private readonly serialize: (doc: T) => string;
  private readonly part: CollectionPart<T> | undefined;
  /** Bumped by every write and rollback: callers may cache what they computed from this collection. */
  private writes = 0;
  /**
   * Bumped by every write that may change which documents an index lookup finds (an insert, a
   * delete, a changed indexed key) and by a rollback: `peekMany` keeps the ids it found per query
   * while this stays the same (placement reads a cluster's instances on every RunTask, issue 14).
   */
  private membership = 0;
  private readonly idsMemo = new Map<string, { at: number; ids: string[] }>();

  constructor(
    private readonly sql: Database.Database,
    name: string,
    private readonly indexes: IndexSpec<T>[],
    options: CollectionOptions<T> = {},
  ) {
    this.cacheSize = options.cacheSize ?? 0;
    this.derived = options.derived;
    this.serialize = options.serialize ?? JSON.stringify;
    this.part = options.part;
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad collection name ${name}`);
    if (indexes.length > COLUMNS.length) throw new Error('at most three indexes');
    this.table = `c_${name}`;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS ${this.table} (id TEXT PRIMARY KEY, k1 TEXT, k2 TEXT, k3 TEXT, doc TEXT NOT NULL)`,
    );
    COLUMNS.forEach((col, i) => {
      const ix = indexes[i];
      if (ix) {
        this.columnOf.set(ix.name, col);
        sql.exec(`CREATE INDEX IF NOT EXISTS ${this.table}_${col} ON ${this.table} (${col}, id)`);
      } else {
        // A column no index uses any more (a state file written by an earlier version): its index
        // would still be written by every insert.
        sql.exec(`DROP INDEX IF EXISTS ${this.table}_${col}`);
      }
    });
    if (this.part) {
      sql.exec(
        `CREATE TABLE IF NOT EXISTS ${this.table}_part (id TEXT PRIMARY KEY, part TEXT NOT NULL) WITHOUT ROWID`,
      );
    }
    if (this.derived) this.openDerived(this.derived.version);
  }

  /** The text a select gives for a document's side row (NULL without one, or without `part`). */
  private get partColumn(): string {
    return this.part
      ? `(SELECT p.part FROM ${this.table}_part p WHERE p.id = ${this.table}.id) AS part`
      : 'NULL AS part';
  }

  /** A stored row as its document: the row's text, the side row's value in place (see `part`). */
  private fromRow(doc: string, part: string | null): T {
    const parsed = JSON.parse(doc) as T;
    return part === null || !this.part ? parsed : this.part.with(parsed, JSON.parse(part));
  }

  /**
   * A number that changes with every write to this collection (and with a rolled-back
   * transaction): what was computed from its documents at one version is still true at the same one.
   */
  get version(): number {
    return this.writes;
  }

  // -------------------------------------------------------------------------------------------
  // Derived keys: `<table>_lookup` holds the (key, id) pairs, `<table>_count` the count per counter
  // key (rows at 0 are deleted). A write takes the document's previous keys from its previous
  // version (the cached one, else the stored row), so the keys themselves are stored once.

  private openDerived(version: number): void {
    const { sql, table } = this;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS ${table}_lookup (key TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID`,
    );
    sql.exec(
      `CREATE TABLE IF NOT EXISTS ${table}_count (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID`,
    );
    // A counter that reaches 0 (or a key moved down before it was ever counted, which a consistent
    // store never has) leaves no row: deleted by the statement that moved it (`flushCounts`), inside
    // SQLite, not by a DELETE of its own after each flush (issue 14: a StopTask lowers three counters).
    sql.exec(
      `CREATE TRIGGER IF NOT EXISTS ${table}_count_zero_u AFTER UPDATE OF n ON ${table}_count WHEN NEW.n <= 0
         BEGIN DELETE FROM ${table}_count WHERE key = NEW.key; END;
       CREATE TRIGGER IF NOT EXISTS ${table}_count_zero_i AFTER INSERT ON ${table}_count WHEN NEW.n <= 0
         BEGIN DELETE FROM ${table}_count WHERE key = NEW.key; END`,
    );
    // Which version of the key functions the stored keys come from (Db's meta table).
    const marker = `derived:${table}`;
    const stored = sql.prepare('SELECT value FROM meta WHERE key = ?').get(marker) as
      { value: string } | undefined;
    if (stored?.value === String(version)) return;
    sql.transaction(() => {
      sql.exec(`DELETE FROM ${table}_lookup; DELETE FROM ${table}_count`);
      const rows = sql.prepare(`SELECT id, doc, ${this.partColumn} FROM ${table}`).all() as {
        id: string;
        doc: string;
        part: string | null;
      }[];
      for (const r of rows) this.moveDerived(r.id, undefined, this.fromRow(r.doc, r.part));
      this.flushCounts();
      sql
        .prepare(
          'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
        )
        .run(marker, String(version));
    })();
  }

  /**
   * Moves a document's derived keys from those of `before` (its keys `beforeKeys` when known) to
   * those of `after` (undefined: absent), and gives the keys of `after` (to keep with it in the cache).
   * Runs inside the caller's transaction.
   */
  private moveDerived(
    id: string,
    before: T | undefined,
    after: T | undefined,
    beforeKeys?: DerivedKeys,
  ): DerivedKeys | undefined {
    const d = this.derived;
    if (!d) return undefined;
    const wasKeys = before === undefined ? undefined : (beforeKeys ?? this.keysOf(before));
    let nowKeys = after === undefined ? undefined : this.keysOf(after);
    const lookupsSame = sameKeys(wasKeys?.lookups ?? NO_KEYS, nowKeys?.lookups ?? NO_KEYS);
    const countersSame = sameKeys(wasKeys?.counters ?? NO_KEYS, nowKeys?.counters ?? NO_KEYS);
    if (wasKeys && nowKeys && (lookupsSame || countersSame))
      nowKeys = earlierKeys(wasKeys, nowKeys, lookupsSame, countersSame);
    // Most writes (a task's next lifecycle step) keep most keys: only the differences are written.
    // Same lookup keys: nothing to write (a document's member is the same for all its versions,
    // `derived.member`, so it is not derived again for each one).
    if (d.lookups && !lookupsSame) {
      const was = wasKeys?.lookups ?? NO_KEYS;
      const now = nowKeys?.lookups ?? NO_KEYS;
      const wasMember = before === undefined ? id : d.member ? d.member(before, id) : id;
      const nowMember = after === undefined ? id : d.member ? d.member(after, id) : id;
      // A document's member never changes in practice; if it did, every row is written again.
      const same = wasMember === nowMember;
      const hot = this.hot;
      for (const k of was) if (!same || !now.includes(k)) hot.lookupDelete.run(k, wasMember);
      const added: string[] = [];
      for (const k of now) if (!same || !was.includes(k)) added.push(k, nowMember);
      this.runRows(LOOKUP_ADD, added);
    }
    if (d.counters) {
      const was = wasKeys?.counters ?? NO_KEYS;
      const now = nowKeys?.counters ?? NO_KEYS;
      if (!countersSame) {
        // Kept until the transaction's end (`flushCounts`): the ten tasks of a RunTask, or a batch
        // of lifecycle steps, move a cluster's counts by one statement, not one per task.
        for (const k of was) if (!now.includes(k)) this.bump(k, -1);
        for (const k of now) if (!was.includes(k)) this.bump(k, 1);
      }
    }
    return nowKeys;
  }

  /**
   * A document's derived keys. Those a write derives for a document it caches are kept with it
   * (`Cached.keys`), so they serve as the "before" keys of its next write (no WeakMap by document:
   * an entry per version written cost the scavenger more than the keys did).
   */
  private keysOf(doc: T): DerivedKeys {
    const d = this.derived;
    return { lookups: d?.lookups?.(doc) ?? NO_KEYS, counters: d?.counters?.(doc) ?? NO_KEYS };
  }

  /** The statements of the hot paths (put, get, derived keys), prepared on first use. */
  private hotStatements: HotStatements | undefined;
  private get hot(): HotStatements {
    this.hotStatements ??= prepareHot(this.sql, this.table, this.derived !== undefined, this.partColumn);
    return this.hotStatements;
  }

  /**
   * Runs `fn` in a transaction unless the caller already holds one (the derived keys move with the
   * row). The caller's transaction is `Db.tx`, which writes the counts kept meanwhile before it ends.
   */
  private atomically<R>(fn: () => R): R {
    if (this.sql.inTransaction) return fn();
    return this.sql.transaction(() => {
      const out = fn();
      this.flushCounts();
      return out;
    })();
  }

  /** The text the last `write` stored for the whole document (`putSharedAs` keeps it in the cache). */
  private lastText: string | undefined;

  /** Changes to counters not yet written, by key (see `flushCounts`). */
  private readonly countDeltas = new Map<string, number>();

  private bump(key: string, by: number): void {
    const n = (this.countDeltas.get(key) ?? 0) + by;
    if (n === 0) this.countDeltas.delete(key);
    else this.countDeltas.set(key, n);
  }

  /**
   * Writes the counter changes kept since the last flush, whatever their number, in a few
   * statements: multi-row upserts add each key's change (negative ones included); a row that
   * reaches 0 is deleted by the table's triggers as the upsert moves it (a key absent and moved
   * down, which a consistent store never has, is inserted and deleted again: still absent). Called
   * inside the transaction that made them, before it commits (Db.tx at its start and end, so that a
   * savepoint rolled back takes only its own changes with it; `dropCache` forgets them on a rollback).
   */
  flushCounts(): void {
    const deltas = this.countDeltas;
    if (deltas.size === 0) return;
    const moved = this.movedCounts;
    moved.length = 0; // emptied first: a flush that threw (its transaction rolled back) left its rows
    deltas.forEach(pushCount, moved);
    this.runRows(COUNT_MOVE, moved, COUNT_ROWS_PER_STATEMENT);
    moved.length = 0;
    deltas.clear();
  }
  /** `flushCounts`' rows, flat (key, change, ...): one array kept, not one per transaction. */
  private readonly movedCounts: (string | number)[] = [];

  /**
   * Runs a statement of two-value rows (`VALUES (?, ?), ...`) over `values` (pairs, flat): up to
   * `perStatement` rows a statement, one prepared statement per row count (so at most that many per
   * kind). A task placed adds its lookup keys in one statement, a transaction its counters (a
   * StopTask's four, or its three, in one: not split into powers of two).
   */
  private runRows(
    kind: RowsKind,
    values: readonly (string | number)[],
    perStatement = ROWS_PER_STATEMENT,
  ): void {
    for (let at = 0; at < values.length; at += 2 * perStatement) {
      const chunk =
        values.length - at <= 2 * perStatement
          ? at === 0
            ? values
            : values.slice(at)
          : values.slice(at, at + 2 * perStatement);
      this.rowsStatement(kind, chunk.length / 2).run(...chunk);
    }
  }

  /**
   * The statement of `kind` for `rows` rows, prepared on first use: kept per kind in a list by row
   * count (the hot paths' statements, looked up with no key text made per call).
   */
  private rowsStatement(kind: RowsKind, rows: number): Database.Statement {
    const list = this.rowsStatements[kind.id] as (Database.Statement | undefined)[];
    let s = list[rows];
    if (s === undefined) {
      s = this.sql.prepare(kind.text(this.table, rows));
      list[rows] = s;
    }
    return s;
  }
  private readonly rowsStatements: (Database.Statement | undefined)[][] = ROWS_KINDS.map(() => []);

  /** How many documents are counted under `key` (see `derived.counters`). */
  counted(key: string): number {
    const row = this.stmt('ck-get', () => `SELECT n FROM ${this.table}_count WHERE key = ?`).get(key) as
      { n: number } | undefined;
    return (row?.n ?? 0) + (this.countDeltas.get(key) ?? 0);
  }

  /**
   * Every counter whose key starts with `prefix`, with its count (keys at 0 are absent): one index
   * range read, O(the keys returned), in key order, then (inside a transaction) keys first counted
   * in it.
   */
  countedWithPrefix(prefix: string): Map<string, number> {
    const rows = this.stmt(
      'ck-prefix',
      () => `SELECT key, n FROM ${this.table}_count WHERE key >= ? AND key < ? ORDER BY key`,
    ).all(prefix, prefixEnd(prefix)) as { key: string; n: number }[];
    const out = new Map<string, number>();
    for (const r of rows) out.set(r.key, r.n);
    if (this.countDeltas.size > 0) {
      for (const [k, by] of this.countDeltas) if (k.startsWith(prefix)) out.set(k, (out.get(k) ?? 0) + by);
    }
    for (const [k, n] of out) if (n <= 0) out.delete(k);
    return out;
  }

  /**
   * Ids of the documents with lookup key `key` (see `derived.lookups`), in member order (id order
   * when members sort as their ids, see `derived.member`).
   */
  idsByKey(key: string | LookupKey, options: FindOptions = {}): string[] {
    const k = plainKey(key);
    const rows = this.stmt(
      'lk-ids',
      () => `SELECT id FROM ${this.table}_lookup WHERE key = ? AND id > ? ORDER BY id LIMIT ?`,
    ).all(k.key, options.after === undefined ? '' : k.memberOf(options.after), options.limit ?? -1) as {
      id: string;
    }[];
    return rows.map((r) => k.idOf(r.id));
  }

  /** `idsByKey` through `peek`: shared frozen documents, in id order. */
  peekByKey(key: string | LookupKey, options: FindOptions = {}): T[] {
    const out: T[] = [];
    for (const id of this.idsByKey(key, options)) {
      const doc = this.peek(id);
      if (doc !== undefined) out.push(doc);
    }
    return out;
  }

  /** Whether the document `id` has lookup key `key` (one index probe; see `derived.lookups`). */
  hasKey(key: string | LookupKey, id: string): boolean {
    const k = plainKey(key);
    return (
      this.stmt('lk-has', () => `SELECT 1 FROM ${this.table}_lookup WHERE key = ? AND id = ?`).get(
        k.key,
        k.memberOf(id),
      ) !== undefined
    );
  }

  /** How many documents have lookup key `key` (an index range count). */
  countByKey(key: string | LookupKey): number {
    const row = this.stmt(
      'lk-count',
      () => `SELECT COUNT(*) AS n FROM ${this.table}_lookup WHERE key = ?`,
    ).get(typeof key === 'string' ? key : key.key) as { n: number };
    return row.n;
  }

  /** A statement prepared on first use; `raw`: its rows as arrays (no object per row). */
  private stmt(key: string, text: () => string, raw = false): Database.Statement {
    let s = this.statements.get(key);
    if (!s) {
      s = this.sql.prepare(text());
      if (raw) s.raw(true);
      this.statements.set(key, s);
    }
    return s;
  }

  get(id: string): T | undefined {
    const row = this.hot.get.get(id) as { doc: string; part: string | null } | undefined;
    return row ? this.fromRow(row.doc, row.part) : undefined;
  }

  /**
   * The document, shared and deeply frozen: read it, never mutate it (copy what you change, e.g.
   * `{ ...doc, field }`, then `put`). Served from memory when cached; `get` when the collection
   * keeps no cache.
   */
  peek(id: string): T | undefined {
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit.doc;
    const doc = this.get(id);
    if (doc === undefined || this.cacheSize === 0) return doc;
    this.remember(id, deepFreeze(doc), undefined);
    return doc;
  }

  /** The cached document if there is one (no read, nothing remembered): for scans that must not evict. */
  peekCached(id: string): T | undefined {
    return this.cache.get(id)?.doc;
  }

  /**
   * For each id in order: the cached document (shared and frozen, as `peek` gives it), else the
   * stored text's UTF-8 bytes, neither parsed nor remembered (so a caller reading many documents once
   * does not evict the cache's working set), else undefined when there is no such document. The rows
   * not cached are read in one statement per `IN_CHUNK` ids: by rowid for the ids whose rowid is
   * known (`rowids`: one B-tree descent a row, not two), by id for the others. (A document with a
   * side row, see `part`, is given parsed and frozen, not as bytes.)
   */
  peekOrBytes(ids: readonly string[]): (T | Buffer | undefined)[] {
    const out: (T | Buffer | undefined)[] = new Array<T | Buffer | undefined>(ids.length);
    const rowids = this.rowidHints();
    const byRowid: number[] = [];
    const byId: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      const hit = this.cache.get(id);
      if (hit !== undefined) {
        out[i] = hit.doc;
        continue;
      }
      const rowid = rowids.get(id);
      if (rowid === undefined) byId.push(id);
      else byRowid.push(rowid);
    }
    if (byRowid.length === 0 && byId.length === 0) return out;
    const found = new Map<string, Buffer | T>();
    if (byRowid.length > 0) {
      this.readRows('rowid', byRowid, found);
      // A hint that named another row, or none (a rolled-back insert, a deleted row): read by id.
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as string;
        if (out[i] === undefined && !found.has(id) && rowids.has(id)) {
          rowids.delete(id);
          byId.push(id);
        }
      }
    }
    if (byId.length > 0) this.readRows('id', byId, found);
    for (let i = 0; i < ids.length; i++) if (out[i] === undefined) out[i] = found.get(ids[i] as string);
    return out;
  }

  /**
   * `peekOrBytes`' reads: the rows whose `column` (rowid or id) is one of `keys` (a key given twice
   * is one row: SQLite's IN), into `found` by id. Every row read gives its id: a row is taken for the
   * id it holds, whatever hint led to it.
   */
  private readRows(
    column: 'rowid' | 'id',
    keys: readonly (string | number)[],
    found: Map<string, Buffer | T>,
  ): void {
    // Rows read outside a transaction are committed: their rowids are kept as hints.
    const learn = this.sql.inTransaction ? undefined : this.rowids;
    for (let at = 0; at < keys.length; at += IN_CHUNK) {
      const chunk = keys.length <= IN_CHUNK ? keys : keys.slice(at, at + IN_CHUNK);
      const rows = this.stmt(
        `bytes:${column}:${chunk.length}`,
        () =>
          `SELECT rowid, id, CAST(doc AS BLOB), ${this.partColumn} FROM ${this.table} WHERE ${column} IN (${chunk.map(() => '?').join(',')})`,
        true,
      ).all(...chunk) as [number, string, Buffer, string | null][];
      // Indexed, not destructured: no iterator per row.
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as [number, string, Buffer, string | null];
        const id = row[1];
        const part = row[3];
        found.set(id, part === null ? row[2] : deepFreeze(this.fromRow(row[2].toString(), part)));
        learn?.set(id, row[0]);
      }
    }
  }

  /**
   * id -> rowid of this collection's rows, for `peekOrBytes` (undefined until its first call: a
   * collection never read so keeps none). A hint, never trusted: a read by rowid takes each row for
   * the id it holds, and an id whose hint found nothing is read by id again. Kept by the writes that
   * know a row's rowid (an insert; an upsert keeps it, a delete drops it), learned from reads by id,
   * and loaded from the table `ROWID_LOAD_CHUNK` rows per `peekOrBytes` call (so no call stalls on a
   * whole table). A rolled-back transaction drops them all (`dropCache`: its inserts' hints may name
   * rows that are not there), and they are loaded again the same way.
   */
  private rowids: Map<string, number> | undefined;
  /** The last rowid loaded from the table (rows are loaded in rowid order); null once all are. */
  private rowidsLoadedTo: number | null = 0;

  private rowidHints(): Map<string, number> {
    const rowids = (this.rowids ??= new Map());
    if (this.sql.inTransaction) return rowids;
    const from = this.rowidsLoadedTo;
    if (from !== null) {
      const rows = this.stmt(
        'rowids',
        () => `SELECT rowid, id FROM ${this.table} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
        true,
      ).all(from, ROWID_LOAD_CHUNK) as [number, string][];
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as [number, string];
        rowids.set(row[1], row[0]);
      }
      const last = rows[rows.length - 1];
      this.rowidsLoadedTo = rows.length < ROWID_LOAD_CHUNK || last === undefined ? null : last[0];
    }
    return rowids;
  }

  /** Keeps the rowid an insert gave `id` (see `rowids`). */
  private inserted(id: string, rowid: number | bigint): void {
    this.rowids?.set(id, Number(rowid));
  }

  private remember(id: string, doc: T, keys: DerivedKeys | undefined, text?: string): void {
    this.cache.delete(id);
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(id, { doc, keys, text });
  }

  /**
   * The text the store wrote for `doc` under `id` (what `serialize` made of it) when `doc` is the
   * cached document and a `putShared`/`insertShared` stored it: for a collection whose text holds
   * something a reader can reuse (a task's JSON for DescribeTasks, task-json.ts).
   */
  writtenText(id: string, doc: T): string | undefined {
    const hit = this.cache.get(id);
    return hit !== undefined && hit.doc === doc ? hit.text : undefined;
  }

  /**
   * `find` through `peek`: shared frozen documents, in id order. The ids found are kept per query
   * until a write may change them (an insert, a delete, a changed indexed key).
   */
  peekMany(where: Record<string, string> = {}): T[] {
    const out: T[] = [];
    for (const id of this.memoIds(where)) {
      const doc = this.peek(id);
      if (doc !== undefined) out.push(doc);
    }
    return out;
  }

  /**
   * The ids `peekMany(where)` would read, in id order, kept per query like `peekMany`'s (shared:
   * never modify the array). For a caller that looks at a few of many documents (placement draws
   * a few instances of a cluster): `peek` the ones it needs.
   */
  peekIds(where: Record<string, string> = {}): readonly string[] {
    return this.memoIds(where);
  }

  private memoIds(where: Record<string, string>): string[] {
    const query = JSON.stringify(Object.entries(where).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const known = this.idsMemo.get(query);
    if (known && known.at === this.membership) return known.ids;
    const ids = this.ids(where);
    if (ids.length > MAX_MEMO_IDS) return ids;
    if (this.idsMemo.size >= MAX_MEMO_QUERIES) this.idsMemo.clear();
    this.idsMemo.set(query, { at: this.membership, ids });
    return ids;
  }

  /** Forgets every cached document (Db.tx calls it when a transaction rolls back). */
  dropCache(): void {
    this.cache.clear();
    this.rowids = undefined;
    this.rowidsLoadedTo = 0;
    this.countDeltas.clear();
    this.writes++;
    this.membership++;
  }

  has(id: string): boolean {
    return this.stmt('has', () => `SELECT 1 FROM ${this.table} WHERE id = ?`).get(id) !== undefined;
  }

  /** Inserts or replaces. Documents are copied (JSON), so callers may keep mutating their object. */
  put(id: string, doc: T): void {
    this.putAs(id, doc, false);
  }

  /**
   * `put` of a document whose id is new (e.g. made of fresh random bytes): no previous version is
   * looked for. A document already stored under `id` makes it throw (a constraint error), never
   * replaced.
   */
  insert(id: string, doc: T): void {
    this.putAs(id, doc, true);
  }

  /** The write; gives the document's derived keys (see `write`; `text`: see `insertShared`). */
  private putAs(id: string, doc: T, fresh: boolean, text?: string): DerivedKeys | undefined {
    const ix = this.indexes;
    const k1 = indexKey(ix[0], doc);
    const k2 = indexKey(ix[1], doc);
    const k3 = indexKey(ix[2], doc);
    this.writes++;
    if ((this.derived || this.part) && !this.sql.inTransaction) {
      return this.atomically(() => this.write(id, doc, k1, k2, k3, fresh, text));
    }
    return this.write(id, doc, k1, k2, k3, fresh, text);
  }

  /**
   * The row and (in the caller's transaction) its derived keys; gives the keys derived for `doc`
   * (kept with it when it is cached: the next write's "before" keys).
   */
  private write(
    id: string,
    doc: T,
    k1: string | null,
    k2: string | null,
    k3: string | null,
    fresh: boolean,
    given?: string,
  ): DerivedKeys | undefined {
    if (fresh) {
      // The insert first: if the id is taken it throws before any derived key moves.
      this.cache.delete(id);
      this.membership++;
      const text = given ?? this.serialize(doc);
      if (given !== undefined && checkTexts) checkedText('stored document', given, this.serialize(doc));
      const { lastInsertRowid } = this.hot.insert.run(id, k1, k2, k3, text);
      this.inserted(id, lastInsertRowid);
      this.lastText = text;
      return this.moveDerived(id, undefined, doc);
    }
    const part = this.part;
    if (!this.derived && !part) {
      this.cache.delete(id);
      this.membership++;
      const text = this.serialize(doc);
      this.hot.put.run(id, k1, k2, k3, text);
      this.lastText = text;
      return undefined;
    }
    // Keys are derived now: the caller may go on mutating its object afterwards.
    const cached = this.cache.get(id);
    const before = cached === undefined ? this.get(id) : cached.doc;
    const beforeKeys = cached?.keys;
    const ix = this.indexes;
    const sameIndexed =
      before !== undefined &&
      indexKey(ix[0], before) === k1 &&
      indexKey(ix[1], before) === k2 &&
      indexKey(ix[2], before) === k3;
    if (part && sameIndexed && part.onlyPartChanged(before, doc)) {
      const text = JSON.stringify(part.get(doc)) as string | undefined;
      if (text !== undefined) {
        // Only the side row changes (a booking): the document's row stays as it is.
        const keys = this.moveDerived(id, before, doc, beforeKeys);
        this.cache.delete(id);
        this.hot.partPut.run(id, text);
        return keys;
      }
    }
    const keys = this.moveDerived(id, before, doc, beforeKeys);
    this.cache.delete(id);
    const text = this.serialize(doc);
    this.lastText = text;
    if (sameIndexed) {
      // Same indexed keys (most writes: a task's next step): the document alone, no index touched.
      this.hot.update.run(text, id);
    } else {
      this.membership++;
      const { lastInsertRowid } = this.hot.put.run(id, k1, k2, k3, text);
      // A new row (an upsert of a stored one keeps its rowid).
      if (before === undefined) this.inserted(id, lastInsertRowid);
    }
    // The whole document is in its row now, the part's value included.
    if (part) this.hot.partDelete.run(id);
    return keys;
  }

  /**
   * `put`, keeping `doc` itself (deeply frozen) as the cached document for `peek`: for a caller
   * that built `doc` for this write and never changes it afterwards.
   */
  putShared(id: string, doc: T): void {
    this.putSharedAs(id, doc, false);
  }

  /**
   * `insert`, keeping `doc` itself as the cached document (see `putShared`). `text`: the stored text
   * when the document's maker already has it (exactly what `serialize` writes for `doc`; compared
   * under the tests, `checkTexts`), so that the write does not serialise the document again.
   */
  insertShared(id: string, doc: T, text?: string): void {
    this.putSharedAs(id, doc, true, text);
  }

  private putSharedAs(id: string, doc: T, fresh: boolean, text?: string): void {
    // Frozen first: the derived keys computed by this write are kept with it for the next one.
    const frozen = this.cacheSize > 0 ? deepFreeze(doc) : doc;
    this.lastText = undefined;
    const keys = this.putAs(id, frozen, fresh, text);
    if (this.cacheSize > 0) this.remember(id, frozen, keys, this.lastText);
    this.lastText = undefined;
  }

  delete(id: string): boolean {
    this.writes++;
    this.membership++;
    const remove = () => {
      this.cache.delete(id);
      this.rowids?.delete(id);
      if (this.part) this.hot.partDelete.run(id);
      return this.stmt('delete', () => `DELETE FROM ${this.table} WHERE id = ?`).run(id).changes > 0;
    };
    if (!this.derived) return this.part ? this.atomically(remove) : remove();
    return this.atomically(() => {
      const cached = this.cache.get(id);
      if (cached === undefined) this.moveDerived(id, this.get(id), undefined);
      else this.moveDerived(id, cached.doc, undefined, cached.keys);
      return remove();
    });
  }

  /** Documents whose indexed keys equal the given values, in id order. */
  find(where: Record<string, string> = {}, options: FindOptions = {}): T[] {
    const { clause, values, shape } = this.where(where, options.after);
    const limit = options.limit ?? -1;
    const rows = this.stmt(
      `find:${shape}`,
      () => `SELECT doc, ${this.partColumn} FROM ${this.table}${clause} ORDER BY id LIMIT ?`,
    ).all(...values, limit) as { doc: string; part: string | null }[];
    return rows.map((r) => this.fromRow(r.doc, r.part));
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
    if (this.part) throw new Error(`collection ${this.table} keeps a part aside: countBy would not see it`);
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

/**
 * Freezes a JSON document (objects and arrays) all the way down, stopping at what is frozen already
 * (a new version shares most of its members with the previous one). Walks without a list of values
 * per object, and looks at a member's frozenness before the call (most members of a new version are
 * the previous version's, frozen): every write of a task freezes its new version.
 */
function deepFreeze<D>(doc: D): D {
  if (doc !== null && typeof doc === 'object' && !Object.isFrozen(doc)) freezeTree(doc);
  return doc;
}

/** `deepFreeze` of an object not frozen yet. */
function freezeTree(doc: object): void {
  Object.freeze(doc);
  if (Array.isArray(doc)) {
    // Indexed, not `for...of`: an iterator per array of every version written is garbage.
    const list = doc as unknown[];
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) freezeTree(v);
    }
  } else {
    // A JSON document's objects are plain: `for...in` gives their own members alone.
    const o = doc as Record<string, unknown>;
    for (const k in o) {
      const v = o[k];
      if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) freezeTree(v);
    }
  }
}

const NO_KEYS: readonly string[] = [];

/** A document's derived keys (Collection `derived`). */
interface DerivedKeys {
  lookups: readonly string[];
  counters: readonly string[];
}

/**
 * A cached document, with its derived keys when the write that cached it derived them, and the
 * text that write stored (`writtenText`).
 */
interface Cached<T> {
  doc: T;
  keys: DerivedKeys | undefined;
  text: string | undefined;
}

/**
 * The keys of a document whose keys are (partly) those of its previous version: that version's
 * arrays (the same strings) where they are equal, instead of the ones just derived: what a cached
 * document keeps alive is then shared between versions, and the new arrays die young (less for the
 * collector to copy on every lifecycle step of thousands of tasks).
 */
function earlierKeys(
  was: DerivedKeys,
  now: DerivedKeys,
  lookupsSame: boolean,
  countersSame: boolean,
): DerivedKeys {
  if (lookupsSame && countersSame) return was;
  return {
    lookups: lookupsSame ? was.lookups : now.lookups,
    counters: countersSame ? was.counters : now.counters,
  };
}

/**
 * The least string above every string that starts with `prefix` (its last character incremented;
 * UTF-8 keeps code point order, so this holds for SQLite's binary collation). Prefixes end in ASCII.
 */
function prefixEnd(prefix: string): string {
  if (prefix.length === 0) throw new Error('empty prefix');
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
/** A multi-row statement (`runRows`): its text for a number of rows. */
interface RowsKind {
  id: number;
  text: (table: string, rows: number) => string;
}
const LOOKUP_ADD: RowsKind = {
  id: 0,
  text: (table, rows) =>
    `INSERT OR IGNORE INTO ${table}_lookup (key, id) VALUES ${placeholders('(?, ?)', rows)}`,
};
const COUNT_MOVE: RowsKind = {
  id: 1,
  text: (table, rows) =>
    `INSERT INTO ${table}_count (key, n) VALUES ${placeholders('(?, ?)', rows)} ON CONFLICT(key) DO UPDATE SET n = n + excluded.n`,
};
const ROWS_KINDS = [LOOKUP_ADD, COUNT_MOVE];
/** Rows per multi-row statement (`runRows`). */
const ROWS_PER_STATEMENT = 16;
/** Most counter rows in one statement (`flushCounts`). */
const COUNT_ROWS_PER_STATEMENT = 64;

/** `flushCounts`' callback (Map.forEach, `this` the flat rows): no iterator or entry per counter. */
function pushCount(this: (string | number)[], by: number, key: string): void {
  this.push(key, by);
}

/** `row` written `n` times, comma-separated (a statement's VALUES or IN list). */
function placeholders(row: string, n: number): string {
  return Array.from({ length: n }, () => row).join(', ');
}
/** Queries whose ids `peekMany` keeps at once (cleared all together past this). */
const MAX_MEMO_QUERIES = 256;
/** Longer answers are not kept (memory): a cluster's instances are; a cluster's 100k tasks are not. */
const MAX_MEMO_IDS = 10_000;

/** Same keys in the same order (derived keys come out of the same function in a stable order). */
function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function indexKey<T>(ix: IndexSpec<T> | undefined, doc: T): string | null {
  const v = ix ? ix.key(doc) : null;
  return v === undefined ? null : v;
}

interface HotStatements {
  put: Database.Statement;
  insert: Database.Statement;
  update: Database.Statement;
  get: Database.Statement;
  lookupDelete: Database.Statement;
  partPut: Database.Statement;
  partDelete: Database.Statement;
}

function prepareHot(
  sql: Database.Database,
  table: string,
  derived: boolean,
  partColumn: string,
): HotStatements {
  const put = sql.prepare(
    `INSERT INTO ${table} (id, k1, k2, k3, doc) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET k1 = excluded.k1, k2 = excluded.k2, k3 = excluded.k3, doc = excluded.doc`,
  );
  const insert = sql.prepare(`INSERT INTO ${table} (id, k1, k2, k3, doc) VALUES (?, ?, ?, ?, ?)`);
  const get = sql.prepare(`SELECT doc, ${partColumn} FROM ${table} WHERE id = ?`);
  // Only run for a collection with a part (its side table exists then).
  const hasPart = partColumn !== 'NULL AS part';
  const partPut = hasPart
    ? sql.prepare(
        `INSERT INTO ${table}_part (id, part) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET part = excluded.part`,
      )
    : get;
  const partDelete = hasPart ? sql.prepare(`DELETE FROM ${table}_part WHERE id = ?`) : get;
  const update = sql.prepare(`UPDATE ${table} SET doc = ? WHERE id = ?`);
  if (!derived) {
    // No derived tables: these are never run.
    return {
      put,
      insert,
      update,
      get,
      lookupDelete: get,
      partPut,
      partDelete,
    };
  }
  return {
    put,
    insert,
    update,
    get,
    lookupDelete: sql.prepare(`DELETE FROM ${table}_lookup WHERE key = ? AND id = ?`),
    partPut,
    partDelete,
  };
}
