import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
