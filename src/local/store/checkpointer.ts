/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
 * crosses `wal_autocheckpoint` pages: it copies every page of the WAL into the database file and
 * fsyncs both, on the thread that committed. Here that thread is the event loop, so every ~1,000
 * pages a request waited for a checkpoint (StopTask p99 10-18 ms with a state file, against 2 ms
 * without checkpoints; wall time per StopTask about three times its CPU time).
 *
 * A worker thread with its own connection to the same file runs a PASSIVE checkpoint every
 * `intervalMs` instead, and at once again while the WAL keeps changing. A passive checkpoint never blocks the writer (it copies what no reader
 * still needs, and the writer appends meanwhile), and costs nothing when the WAL has no new frames.
 * The owning connection keeps a high automatic checkpoint as a backstop, should the worker fall
 * behind or die: the WAL stays bounded either way.
 *
 * Crash safety is SQLite's: a checkpoint only copies committed frames and the WAL is replayed on
 * the next open, so killing the process mid-checkpoint loses nothing.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { timeout: 1000 });
db.pragma('synchronous = NORMAL');
let closed = false;
let runs = 0;
let frames = 0;
let log = 0;
let done = 0;
let timer;
// Copies what the WAL has. While the WAL changes between runs, the next run starts at once, so
// that the copy catches up with the writer: the WAL restarts from its beginning at the writer's
// next commit only once every frame is in the file.
const checkpoint = () => {
  timer = undefined;
  if (closed) return;
  let moved = false;
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    runs++;
    if (row && row.log >= 0) {
      // A smaller WAL than last time restarted in between: its frames are all new.
      const before = row.log < log ? 0 : done;
      frames += Math.max(0, row.checkpointed - before);
      moved = row.log !== log || row.checkpointed !== done;
      log = row.log;
      done = row.checkpointed;
    }
  } catch {
    // SQLITE_BUSY or a closing file: the next tick tries again.
  }
  timer = moved ? setImmediate(checkpoint) : setTimeout(checkpoint, workerData.intervalMs);
};
timer = setTimeout(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stats') {
    checkpoint();
    parentPort.postMessage({ runs, frames });
  } else if (m === 'close') {
    closed = true;
    clearTimeout(timer);
    clearImmediate(timer);
    db.close();
    // The owning thread waits for this: its own close is then the last, and removes the WAL.
    Atomics.store(workerData.closed, 0, 1);
    Atomics.notify(workerData.closed, 0);
    parentPort.close();
  }
});
`;

export interface CheckpointStats {
  /** Checkpoints run so far. */
  readonly runs: number;
  /** WAL frames copied into the database file so far (about: a restart between runs hides some). */
  readonly frames: number;
}

export class Checkpointer {
  private readonly worker: Worker;
  /** Set to 1 by the thread once its connection is closed. */
  private readonly closed = new Int32Array(new SharedArrayBuffer(4));
  private gone = false;

  constructor(path: string, intervalMs = 100) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { module, path, intervalMs, closed: this.closed },
    });
    // Neither the thread nor a failure of it keeps the process up or takes it down: the owning
    // connection's automatic checkpoint takes over.
    this.worker.unref();
    this.worker.on('error', () => undefined);
    this.worker.on('exit', () => {
      this.gone = true;
    });
  }

  /** Runs a checkpoint now and reports the totals (tests and benches). */
  stats(): Promise<CheckpointStats> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', (m: CheckpointStats) => resolve(m));
      this.worker.once('exit', () => reject(new Error('checkpointer stopped')));
      this.worker.ref();
      this.worker.postMessage('stats');
    }).finally(() => this.worker.unref()) as Promise<CheckpointStats>;
  }

  /**
   * Closes the thread's connection before returning (a checkpoint in progress finishes first; at
   * most 2 s), so that the owning connection closes last: SQLite then checkpoints and removes the
   * WAL, and nothing touches the state's files once `Db.close` has returned (a test may delete
   * them). The thread itself ends asynchronously.
   */
  close(): void {
    if (this.gone) return;
    this.worker.postMessage('close');
    Atomics.wait(this.closed, 0, 0, 2000);
  }
}
