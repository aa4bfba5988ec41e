/**
 * SQLite state (better-sqlite3, WAL). Every acknowledged write is committed before the response is
 * sent; WAL with synchronous=NORMAL survives a killed process (only an OS crash could lose the tail).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Collection, type CollectionOptions, type IndexSpec } from './collection';

export class Db {
  readonly sql: Database.Database;
  private readonly collections = new Map<string, Collection<unknown>>();
  /** Seeds known to be in this state (see `seedOnce`). */
  private readonly seeded = new Set<string>();
  /**
   * better-sqlite3's transaction wrapper, made once: `sql.transaction(fn)` builds four wrapper
   * functions and their properties per call (about 13 us), a tenth of a StopTask's handling.
   */
  private readonly transaction: (fn: () => unknown) => unknown;

  /** `file` null or ':memory:' keeps state in memory (ephemeral). */
  constructor(file: string | null) {
    const path = file ?? ':memory:';
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    // A short busy timeout: within the one owning process there is no contention to wait for.
    this.sql = new Database(path, { timeout: 200 });
    // One process owns a state file: the collections cache documents, which is only sound when no
    // other process writes behind them. The exclusive lock is taken by the first write below and
    // held until close; the OS drops it when the process dies, so a restart after SIGKILL gets it.
    this.sql.pragma('locking_mode = EXCLUSIVE');
    try {
      this.sql.pragma('journal_mode = WAL');
      this.sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
      this.sql
        .prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('opened-at', ?)`)
        .run(String(Date.now()));
    } catch (err) {
      this.sql.close();
      if ((err as { code?: string }).code === 'SQLITE_BUSY') {
        throw new Error(`state file ${path} is in use by another ecs-console process`, { cause: err });
      }
      throw err;
    }
    this.sql.pragma('synchronous = NORMAL');
    this.transaction = this.sql.transaction((fn: () => unknown) => {
      const out = fn();
      this.flushCounts();
      return out;
    });
  }

  /**
   * Runs `fn` in one transaction (nested calls become savepoints). Throwing rolls everything back,
   * and drops the collections' cached documents (they may hold rolled-back writes).
   */
  tx<T>(fn: () => T): T {
    // Counters the collections keep during a transaction are written before it ends, and before
    // a nested one (a savepoint) begins, so that rolling the savepoint back drops only its own.
    if (this.sql.inTransaction) this.flushCounts();
    try {
      return this.transaction(fn) as T;
    } catch (err) {
      this.dropCaches();
      throw err;
    }
  }

  private flushCounts(): void {
    for (const c of this.collections.values()) c.flushCounts();
  }

  private dropCaches(): void {
    for (const c of this.collections.values()) c.dropCache();
  }

  /**
   * A named document collection with up to three indexed string keys. Calling it twice with the
   * same name returns the same collection (the first call's options apply).
   */
  collection<T>(
    name: string,
    indexes: IndexSpec<T>[] = [],
    options: CollectionOptions<T> = {},
  ): Collection<T> {
    const existing = this.collections.get(name);
    if (existing) return existing as Collection<T>;
    const c = new Collection<T>(this.sql, name, indexes, options);
    this.collections.set(name, c as Collection<unknown>);
    return c;
  }

  /** Monotonic counter (e.g. task definition revisions per family), persisted. */
  nextSeq(name: string): number {
    const key = `seq:${name}`;
    const row = this.sql.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    const next = (row ? Number(row.value) : 0) + 1;
    this.sql
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, String(next));
    return next;
  }

  getMeta(key: string): string | undefined {
    const row = this.sql.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.sql
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  /**
   * Default data a service starts with (a region's default VPC, IAM's default roles), written the
   * first time `key` is asked for in this state: `seed` runs in one transaction with a `meta`
   * marker, so once per state file, across restarts and concurrent first calls; after a wipe it is
   * written again when next asked for.
   */
  seedOnce(key: string, seed: () => void): void {
    if (this.seeded.has(key)) return;
    this.tx(() => {
      if (this.getMeta(key) !== undefined) return;
      seed();
      this.setMeta(key, '1');
    });
    this.seeded.add(key);
  }

  /** Deletes every row of every table (POST /_ecs-console/reset). */
  wipe(): void {
    const tables = this.sql.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
      name: string;
    }[];
    this.tx(() => {
      for (const t of tables) this.sql.exec(`DELETE FROM "${t.name}"`);
    });
    this.seeded.clear();
    this.dropCaches();
  }

  close(): void {
    this.sql.close();
  }
}
