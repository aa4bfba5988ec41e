/**
 * SQLite state (better-sqlite3, WAL). Every acknowledged write is committed before the response is
 * sent; WAL with synchronous=NORMAL survives a killed process (only an OS crash could lose the tail).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Collection, type IndexSpec } from './collection';

export class Db {
  readonly sql: Database.Database;
  private readonly collections = new Map<string, Collection<unknown>>();

  /** `file` null or ':memory:' keeps state in memory (ephemeral). */
  constructor(file: string | null) {
    const path = file ?? ':memory:';
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.sql = new Database(path);
    this.sql.pragma('journal_mode = WAL');
    this.sql.pragma('synchronous = NORMAL');
    this.sql.pragma('busy_timeout = 5000');
    this.sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  }

  /** Runs `fn` in one transaction (nested calls become savepoints). Throwing rolls everything back. */
  tx<T>(fn: () => T): T {
    return this.sql.transaction(fn)();
  }

  /**
   * A named document collection with up to three indexed string keys. Calling it twice with the
   * same name returns the same collection.
   */
  collection<T>(name: string, indexes: IndexSpec<T>[] = []): Collection<T> {
    const existing = this.collections.get(name);
    if (existing) return existing as Collection<T>;
    const c = new Collection<T>(this.sql, name, indexes);
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

  /** Deletes every row of every table (POST /_ecs-console/reset). */
  wipe(): void {
    const tables = this.sql.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
      name: string;
    }[];
    this.tx(() => {
      for (const t of tables) this.sql.exec(`DELETE FROM "${t.name}"`);
    });
  }

  close(): void {
    this.sql.close();
  }
}
