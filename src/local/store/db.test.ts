import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Db } from './db';

describe('Db', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('lets one process own a state file, and the next one in after close', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-console-db-'));
    dirs.push(dir);
    const file = join(dir, 'state.sqlite');
    const first = new Db(file);
    expect(() => new Db(file)).toThrow(/in use by another ecs-console process/);
    first.close();
    const second = new Db(file);
    expect(second.getMeta('opened-at')).toMatch(/^\d+$/);
    second.close();
  });

  it('refuses a state file another process owns', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-console-db-'));
    dirs.push(dir);
    const file = join(dir, 'state.sqlite');
    const owner = new Db(file);
    const script = join(dir, 'open.mts');
    writeFileSync(
      script,
      `import { Db } from ${JSON.stringify(resolve('src/local/store/db.ts'))};\n` +
        `try { new Db(${JSON.stringify(file)}); console.log('opened'); } catch (e) { console.log(String(e)); }\n`,
    );
    const child = spawnSync(process.execPath, [resolve('bin/run-ts.mjs'), script], { encoding: 'utf8' });
    owner.close();
    expect(child.stdout).toMatch(/in use by another ecs-console process/);
    expect(child.stdout).not.toMatch(/opened/);
  });

  it('copies committed writes into the state file on the checkpoint thread, not in the commit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-console-db-'));
    dirs.push(dir);
    const file = join(dir, 'state.sqlite');
    const db = new Db(file);
    const docs = db.collection<{ n: number; pad: string }>('docs');
    for (let i = 0; i < 200; i++) db.tx(() => docs.put(`d${i}`, { n: i, pad: 'x'.repeat(500) }));
    const stats = await db.checkpointStats();
    expect(stats?.runs).toBeGreaterThan(0);
    expect(stats?.frames).toBeGreaterThan(0);
    // The state file alone (without its WAL) holds every committed document: the commits
    // themselves never copied them (the owning connection checkpoints only past 16 MiB of WAL).
    const copy = join(dir, 'copy.sqlite');
    copyFileSync(file, copy);
    db.close();
    const read = new Database(copy, { readonly: true });
    const n = read.prepare('SELECT count(*) AS n FROM c_docs').get() as { n: number };
    read.close();
    expect(n.n).toBe(200);
  });

  it('keeps a state in memory without a checkpoint thread', async () => {
    const db = new Db(null);
    expect(await db.checkpointStats()).toBeNull();
    db.close();
  });
});
