/**
 * SQLite state (better-sqlite3, WAL). Every acknowledged write is committed before the response is
 * sent; WAL with synchronous=NORMAL survives a killed process (only an OS crash could lose the tail).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Checkpointer, type CheckpointStats } from './checkpointer';
import { Collection, type CollectionOptions, type IndexSpec } from './collection';

/** 4,096 pages of 4 KiB: 16 MiB of WAL before the owning thread checkpoints on its own. */
const BACKSTOP_PAGES = 4_096;

/**
 * Takes the exclusive lock of `lockPath` (a one-row SQLite file, so that the lock is SQLite's own
 * and works wherever SQLite does), or throws when another process holds it.
 */
function ownerLock(lockPath: string, statePath: string): Database.Database {
  const lock = new Database(lockPath, { timeout: 200 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('CREATE TABLE IF NOT EXISTS owner (id INTEGER PRIMARY KEY, pid INTEGER NOT NULL)');
    lock.prepare('INSERT OR REPLACE INTO owner (id, pid) VALUES (1, ?)').run(process.pid);
    return lock;
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new Error(`state file ${statePath} is in use by another ecs-console process`, { cause: err });
    }
    throw err;
  }
}

export class Db {
  readonly sql: Database.Database;
  /** The state file's owner lock (a file state only). */
  private readonly lock: Database.Database | undefined;
  private readonly checkpointer: Checkpointer | undefined;
  private readonly collections = new Map<string, Collection<unknown>>();
  /**
   * The same collections in a list: every transaction flushes each one's counters at its start
   * and end, and a loop over a Map's iterator allocated on each of them (issue 14: garbage per request).
   */
  private readonly collectionList: Collection<unknown>[] = [];
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
    if (path === ':memory:') {
      this.sql = new Database(path, { timeout: 200 });
    } else {
      // One process owns a state file: the collections cache documents, which is only sound when
      // no other process writes behind them. Ownership is an exclusive lock on a small side file
      // (`<state>-lock`), taken by a write and held until close; the OS drops it when the process
      // dies, so a restart after SIGKILL gets it. The state file itself is not locked exclusively,
      // so that the checkpoint thread can open it (checkpointer.ts).
      this.lock = ownerLock(`${path}-lock`, path);
      this.sql = new Database(path, { timeout: 200 });
    }
    try {
      this.sql.pragma('journal_mode = WAL');
      this.sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
      this.sql
        .prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('opened-at', ?)`)
        .run(String(Date.now()));
    } catch (err) {
      this.sql.close();
      this.lock?.close();
      throw err;
    }
    this.sql.pragma('synchronous = NORMAL');
    if (path !== ':memory:') {
      // The checkpoint thread copies the WAL into the file every 100 ms; the automatic checkpoint
      // (on this thread, inside a commit) is only a backstop, at 16 MiB of WAL, and the WAL file
      // is cut back to 16 MiB when it restarts.
      this.sql.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
      this.sql.pragma(`journal_size_limit = ${BACKSTOP_PAGES * 4096}`);
      this.checkpointer = new Checkpointer(path);
    }
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
    const list = this.collectionList;
    for (let i = 0; i < list.length; i++) (list[i] as Collection<unknown>).flushCounts();
  }

  private dropCaches(): void {
    for (const c of this.collectionList) c.dropCache();
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
    this.collectionList.push(c as Collection<unknown>);
    return c;
  }

  /**
   * The `meta` table's statements, prepared once: `nextSeq` runs for every address allocated (each
   * container instance registered), and preparing a statement costs more than running it.
   */
  private metaStatements: { get: Database.Statement; set: Database.Statement } | undefined;
  private get meta(): { get: Database.Statement; set: Database.Statement } {
    this.metaStatements ??= {
      get: this.sql.prepare('SELECT value FROM meta WHERE key = ?'),
      set: this.sql.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
    };
    return this.metaStatements;
  }

  /** Monotonic counter (e.g. task definition revisions per family), persisted. */
  nextSeq(name: string): number {
    const key = `seq:${name}`;
    const next = Number(this.getMeta(key) ?? 0) + 1;
    this.setMeta(key, String(next));
    return next;
  }

  getMeta(key: string): string | undefined {
    const row = this.meta.get.get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.meta.set.run(key, value);
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

  /** The checkpoint thread's totals, after a checkpoint run now (null for a state in memory). */
  async checkpointStats(): Promise<CheckpointStats | null> {
    return this.checkpointer ? this.checkpointer.stats() : null;
  }

  close(): void {
    this.checkpointer?.close();
    this.sql.close();
    this.lock?.close();
  }
}
