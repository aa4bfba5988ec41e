import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Db } from './db';
import type { CollectionPart, LookupKey } from './collection';
import { mulberry32 } from '../../testing/random';

interface Doc {
  group: string;
  n: number;
  list: number[];
}

function setup(cacheSize = 10) {
  const db = new Db(null);
  const col = db.collection<Doc>('docs', [{ name: 'group', key: (d) => d.group }], { cacheSize });
  return { db, col };
}

describe('Collection read cache (peek)', () => {
  it('serves the same frozen document until a write replaces it', () => {
    const { col } = setup();
    col.put('a', { group: 'g', n: 1, list: [1] });
    const first = col.peek('a');
    expect(first).toEqual({ group: 'g', n: 1, list: [1] });
    expect(col.peek('a')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.list)).toBe(true);
    expect(() => (first as Doc).list.push(2)).toThrow(TypeError);

    col.put('a', { group: 'g', n: 2, list: [] });
    expect(col.peek('a')?.n).toBe(2);
    col.delete('a');
    expect(col.peek('a')).toBeUndefined();
  });

  it('keeps the text a shared write stored with the cached document, for that document only', () => {
    const { col } = setup();
    const doc = { group: 'g', n: 1, list: [1] };
    col.putShared('a', doc);
    expect(col.writtenText('a', doc)).toBe(JSON.stringify(doc));
    expect(col.writtenText('a', { ...doc })).toBeUndefined();
    const next = { group: 'g', n: 2, list: [2] };
    col.putShared('a', next);
    expect(col.writtenText('a', doc)).toBeUndefined();
    expect(col.writtenText('a', next)).toBe(JSON.stringify(next));
    // A private write, or a document read back: no text kept.
    col.put('a', { group: 'g', n: 3, list: [] });
    const read = col.peek('a');
    expect(read?.n).toBe(3);
    expect(col.writtenText('a', read as Doc)).toBeUndefined();
  });

  it('get still returns a private copy', () => {
    const { col } = setup();
    col.put('a', { group: 'g', n: 1, list: [] });
    col.peek('a');
    const copy = col.get('a') as Doc;
    copy.n = 99;
    expect(col.peek('a')?.n).toBe(1);
  });

  it('putShared keeps the written object as the cached document', () => {
    const { col } = setup();
    const doc = { group: 'g', n: 3, list: [3] };
    col.putShared('a', doc);
    expect(col.peek('a')).toBe(doc);
    expect(Object.isFrozen(doc)).toBe(true);
    expect(col.get('a')).toEqual(doc);
  });

  it('forgets documents written in a transaction that rolls back, nested ones included', () => {
    const { db, col } = setup();
    col.put('a', { group: 'g', n: 1, list: [] });
    expect(() =>
      db.tx(() => {
        col.putShared('a', { group: 'g', n: 2, list: [] });
        col.putShared('b', { group: 'g', n: 2, list: [] });
        expect(col.peek('a')?.n).toBe(2);
        throw new Error('rollback');
      }),
    ).toThrow('rollback');
    expect(col.peek('a')?.n).toBe(1);
    expect(col.peek('b')).toBeUndefined();

    db.tx(() => {
      col.put('c', { group: 'g', n: 1, list: [] });
      try {
        db.tx(() => {
          col.putShared('a', { group: 'g', n: 5, list: [] });
          throw new Error('inner');
        });
      } catch {
        // the savepoint rolled back; the outer transaction goes on
      }
    });
    expect(col.peek('a')?.n).toBe(1);
    expect(col.peek('c')?.n).toBe(1);
  });

  it('peekMany follows the index, in id order, and wipe empties the cache', () => {
    const { db, col } = setup();
    col.put('b', { group: 'x', n: 2, list: [] });
    col.put('a', { group: 'x', n: 1, list: [] });
    col.put('c', { group: 'y', n: 3, list: [] });
    col.peek('c');
    expect(col.peekMany({ group: 'x' }).map((d) => d.n)).toEqual([1, 2]);
    col.put('c', { group: 'x', n: 3, list: [] });
    expect(col.peekMany({ group: 'x' }).map((d) => d.n)).toEqual([1, 2, 3]);
    db.wipe();
    expect(col.peek('a')).toBeUndefined();
    expect(col.peekMany({ group: 'x' })).toEqual([]);
  });

  it('keeps at most cacheSize documents, and none when the collection has no cache', () => {
    const { col } = setup(2);
    for (const id of ['a', 'b', 'c']) col.put(id, { group: 'g', n: 0, list: [] });
    const a = col.peek('a');
    col.peek('b');
    col.peek('c');
    expect(col.peek('a')).not.toBe(a);
    expect(col.peek('a')).toEqual(a);

    const uncached = setup(0).col;
    uncached.put('a', { group: 'g', n: 0, list: [] });
    expect(uncached.peek('a')).not.toBe(uncached.peek('a'));
    expect(Object.isFrozen(uncached.peek('a'))).toBe(false);
  });
});

describe('Collection peekOrBytes', () => {
  it('gives cached documents as they are and the stored bytes of the others, without remembering them', () => {
    const { db, col } = setup(10);
    col.put('a', { group: 'g', n: 1, list: [1] });
    col.put('b', { group: 'g', n: 2, list: [2] });
    const a = col.peek('a');
    const out = col.peekOrBytes(['b', 'a', 'missing', 'b']);
    expect(out[1]).toBe(a);
    expect(out[2]).toBeUndefined();
    expect(Buffer.isBuffer(out[0]) && Buffer.isBuffer(out[3])).toBe(true);
    expect(JSON.parse((out[0] as Buffer).toString('utf8'))).toEqual(col.get('b'));
    // Not remembered: still read as bytes, and written as the store wrote it (the collection's text).
    expect(Buffer.isBuffer(col.peekOrBytes(['b'])[0])).toBe(true);
    expect((out[0] as Buffer).toString('utf8')).toBe(JSON.stringify(col.get('b')));

    // After a rolled-back transaction: what the table holds, never the rolled-back write.
    expect(() =>
      db.tx(() => {
        col.putShared('a', { group: 'g', n: 99, list: [] });
        col.put('b', { group: 'g', n: 99, list: [] });
        expect(JSON.parse((col.peekOrBytes(['b'])[0] as Buffer).toString()).n).toBe(99);
        throw new Error('rollback');
      }),
    ).toThrow('rollback');
    const after = col
      .peekOrBytes(['a', 'b'])
      .map((d) => (Buffer.isBuffer(d) ? (JSON.parse(d.toString()) as Doc) : d));
    expect(after.map((d) => d?.n)).toEqual([1, 2]);
  });

  it('reads more ids than one statement takes', () => {
    const { col } = setup(0);
    const ids = Array.from({ length: 250 }, (_, i) => `id${i}`);
    for (const [i, id] of ids.entries()) col.put(id, { group: 'g', n: i, list: [] });
    const out = col.peekOrBytes([...ids, 'nope']);
    expect(out.map((b) => (b === undefined ? undefined : (JSON.parse(b.toString()) as Doc).n))).toEqual([
      ...ids.map((_, i) => i),
      undefined,
    ]);
  });
});

describe('Collection peekOrBytes by rowid (issue 14)', () => {
  /** The bytes `peekOrBytes` gives, parsed; cached documents as they are. */
  const read = (col: ReturnType<typeof setup>['col'], ids: string[]) =>
    col.peekOrBytes(ids).map((d) => (Buffer.isBuffer(d) ? (JSON.parse(d.toString()) as Doc) : d)?.n);

  it('reads the rows whose rowids it knows by rowid, not through the id index', () => {
    const { db, col } = setup(0);
    const texts: string[] = [];
    const prepare = db.sql.prepare.bind(db.sql);
    db.sql.prepare = ((text: string) => {
      texts.push(text);
      return prepare(text);
    }) as typeof db.sql.prepare;
    col.put('a', { group: 'g', n: 1, list: [] });
    expect(read(col, ['a'])).toEqual([1]); // the hints are loaded by the first call
    col.insert('b', { group: 'g', n: 2, list: [] });
    texts.length = 0;
    expect(read(col, ['b', 'a'])).toEqual([2, 1]);
    const reads = texts.filter((t) => t.includes('CAST(doc AS BLOB)'));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatch(/WHERE rowid IN \(\?,\?\)/);
  });

  it('takes a row for the id it holds: hints that name another row, or none, are read by id', () => {
    const { db, col } = setup(0);
    for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) col.insert(id, { group: 'g', n: i, list: [] });
    expect(read(col, ['a', 'b', 'c', 'd'])).toEqual([0, 1, 2, 3]);
    // Rowids changed behind the collection's back (as a VACUUM may renumber them): a and b swap,
    // c moves, d's rowid goes to a new row.
    db.sql.exec(`UPDATE c_docs SET rowid = 100 WHERE id = 'a'; UPDATE c_docs SET rowid = 1 WHERE id = 'b';
      UPDATE c_docs SET rowid = 2 WHERE id = 'a'; UPDATE c_docs SET rowid = 50 WHERE id = 'c';
      UPDATE c_docs SET rowid = 60 WHERE id = 'd';
      INSERT INTO c_docs (rowid, id, doc) VALUES (4, 'e', '{"group":"g","n":4,"list":[]}')`);
    expect(read(col, ['a', 'b', 'c', 'd', 'e', 'nope', 'c'])).toEqual([0, 1, 2, 3, 4, undefined, 2]);
    // Learned again: the same answer.
    expect(read(col, ['e', 'd', 'c', 'b', 'a'])).toEqual([4, 3, 2, 1, 0]);
  });

  it('forgets the rowids of a rolled-back transaction; a deleted row rowid taken by another', () => {
    const { db, col } = setup(0);
    col.insert('a', { group: 'g', n: 1, list: [] });
    expect(read(col, ['a'])).toEqual([1]);
    expect(() =>
      db.tx(() => {
        col.insert('x', { group: 'g', n: 9, list: [] });
        col.put('y', { group: 'g', n: 8, list: [] });
        expect(read(col, ['x', 'y', 'a'])).toEqual([9, 8, 1]);
        throw new Error('rollback');
      }),
    ).toThrow('rollback');
    col.insert('z', { group: 'g', n: 3, list: [] }); // the rowid x had
    expect(read(col, ['x', 'y', 'z', 'a'])).toEqual([undefined, undefined, 3, 1]);
    col.delete('z');
    col.insert('w', { group: 'g', n: 4, list: [] }); // the rowid z had
    expect(read(col, ['z', 'w'])).toEqual([undefined, 4]);
  });

  it('reads what the table holds after a restart, with more rows than one load of rowids', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rowids-'));
    try {
      const file = join(dir, 'state.db');
      const ids = Array.from({ length: 9000 }, (_, i) => `id${i}`);
      let db = new Db(file);
      let col = db.collection<Doc>('docs', [{ name: 'group', key: (d) => d.group }], { cacheSize: 0 });
      db.tx(() => ids.forEach((id, i) => col.insert(id, { group: 'g', n: i, list: [] })));
      expect(read(col, ['id1', 'id8999'])).toEqual([1, 8999]);
      col.delete('id5');
      db.close();
      db = new Db(file);
      col = db.collection<Doc>('docs', [{ name: 'group', key: (d) => d.group }], { cacheSize: 0 });
      col.insert('new', { group: 'g', n: -1, list: [] });
      for (let round = 0; round < 4; round++) {
        expect(read(col, ['id0', 'id5', 'id4500', 'id8999', 'new'])).toEqual([0, undefined, 4500, 8999, -1]);
      }
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives what a plain read by id gives, whatever the writes, rollbacks and rowid changes before', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), id: fc.constantFrom(...ids), n: fc.integer() }),
      fc.record({ kind: fc.constant('insert' as const), id: fc.constantFrom(...ids), n: fc.integer() }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom(...ids) }),
      fc.record({
        kind: fc.constant('renumber' as const),
        id: fc.constantFrom(...ids),
        to: fc.integer({ min: 1, max: 12 }),
      }),
      fc.record({
        kind: fc.constant('read' as const),
        ids: fc.array(fc.constantFrom(...ids, 'nope'), { maxLength: 6 }),
      }),
    );
    type Op = typeof op extends fc.Arbitrary<infer O> ? O : never;
    const step = (db: Db, col: ReturnType<typeof setup>['col'], o: Op): void => {
      if (o.kind === 'put') col.put(o.id, { group: 'g', n: o.n, list: [] });
      else if (o.kind === 'insert' && !col.has(o.id)) col.insert(o.id, { group: 'g', n: o.n, list: [] });
      else if (o.kind === 'delete') col.delete(o.id);
      else if (
        o.kind === 'renumber' &&
        db.sql.prepare('SELECT 1 FROM c_docs WHERE rowid = ?').get(o.to) === undefined
      )
        db.sql.prepare('UPDATE c_docs SET rowid = ? WHERE id = ?').run(o.to, o.id);
      else if (o.kind === 'read') {
        const plain = o.ids.map((id) => col.get(id)?.n);
        expect(read(col, o.ids)).toEqual(plain);
      }
    };
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            op,
            fc.record({ kind: fc.constant('rollback' as const), ops: fc.array(op, { maxLength: 5 }) }),
          ),
          {
            maxLength: 40,
          },
        ),
        (ops) => {
          const { db, col } = setup(2);
          for (const o of ops) {
            if (o.kind !== 'rollback') step(db, col, o);
            else {
              expect(() =>
                db.tx(() => {
                  for (const inner of o.ops) step(db, col, inner);
                  throw new Error('rollback');
                }),
              ).toThrow('rollback');
            }
          }
          expect(read(col, [...ids, 'nope'])).toEqual([...ids, 'nope'].map((id) => col.get(id)?.n));
          db.close();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('Collection derived keys (lookups and counters)', () => {
  const derived = (version: number) => ({
    version,
    lookups: (d: Doc) => [`group|${d.group}`, ...d.list.map((n) => `has|${n}`)],
    counters: (d: Doc) => (d.n > 0 ? [`positive|${d.group}`] : []),
  });
  const open = (db: Db, version = 1) =>
    db.collection<Doc>('docs', [{ name: 'group', key: (d) => d.group }], {
      cacheSize: 10,
      derived: derived(version),
    });

  /** What the derived tables should say, counted from the documents themselves. */
  function expected(col: ReturnType<typeof open>) {
    const docs = col.all();
    return {
      positiveX: docs.filter((d) => d.n > 0 && d.group === 'x').length,
      positiveY: docs.filter((d) => d.n > 0 && d.group === 'y').length,
      has1: docs.filter((d) => d.list.includes(1)).length,
    };
  }
  const actual = (col: ReturnType<typeof open>) => ({
    positiveX: col.counted('positive|x'),
    positiveY: col.counted('positive|y'),
    has1: col.countByKey('has|1'),
  });

  it('follows every put and delete, and finds documents by any of their keys', () => {
    const db = new Db(null);
    const col = open(db);
    col.put('a', { group: 'x', n: 1, list: [1, 2] });
    col.put('b', { group: 'x', n: 0, list: [1] });
    col.put('c', { group: 'y', n: 2, list: [] });
    expect(actual(col)).toEqual({ positiveX: 1, positiveY: 1, has1: 2 });
    expect(col.idsByKey('has|1')).toEqual(['a', 'b']);
    expect(col.idsByKey('has|1', { after: 'a' })).toEqual(['b']);
    expect(col.idsByKey('has|1', { limit: 1 })).toEqual(['a']);
    expect(col.peekByKey('group|y').map((d) => d.n)).toEqual([2]);
    expect([col.hasKey('has|1', 'a'), col.hasKey('has|1', 'c'), col.hasKey('has|2', 'b')]).toEqual([
      true,
      false,
      false,
    ]);

    col.put('a', { group: 'y', n: 3, list: [2] }); // moves from x to y, loses has|1
    col.put('b', { group: 'x', n: 5, list: [1] });
    expect(actual(col)).toEqual(expected(col));
    expect(actual(col)).toEqual({ positiveX: 1, positiveY: 2, has1: 1 });
    col.delete('c');
    col.delete('missing');
    expect(actual(col)).toEqual({ positiveX: 1, positiveY: 1, has1: 1 });
    expect(col.idsByKey('group|y')).toEqual(['a']);
  });

  it('insert adds a new document with its keys, and refuses an id already stored without changing it', () => {
    const db = new Db(null);
    const col = open(db);
    col.insertShared('a', { group: 'x', n: 1, list: [1] });
    col.insert('b', { group: 'x', n: 0, list: [1] });
    expect(actual(col)).toEqual(expected(col));
    expect(actual(col)).toEqual({ positiveX: 1, positiveY: 0, has1: 2 });
    expect(col.peek('a')).toEqual({ group: 'x', n: 1, list: [1] });
    expect(() => col.insert('a', { group: 'y', n: 2, list: [] })).toThrow(/UNIQUE/);
    expect(() => db.tx(() => col.insertShared('b', { group: 'y', n: 2, list: [] }))).toThrow(/UNIQUE/);
    expect(col.get('a')).toEqual({ group: 'x', n: 1, list: [1] });
    expect(col.peek('b')).toEqual({ group: 'x', n: 0, list: [1] });
    expect(actual(col)).toEqual({ positiveX: 1, positiveY: 0, has1: 2 });
    expect(col.idsByKey('group|y')).toEqual([]);
    // A later put of an inserted document moves its keys as any write does.
    col.putShared('a', { group: 'y', n: 1, list: [] });
    expect(actual(col)).toEqual(expected(col));
  });

  it('insertShared stores the text its maker gives, and under the tests refuses one that is not the serialised document', () => {
    const db = new Db(null);
    const col = open(db);
    const doc = { group: 'x', n: 1, list: [1] };
    col.insertShared('a', doc, JSON.stringify(doc));
    expect(col.writtenText('a', col.peek('a')!)).toBe(JSON.stringify(doc));
    expect(col.get('a')).toEqual(doc);
    expect(actual(col)).toEqual(expected(col));
    // A text that does not parse to the document (a member missing): refused, nothing written.
    expect(() =>
      db.tx(() => col.insertShared('b', { group: 'x', n: 2, list: [] }, '{"group":"x","n":2}')),
    ).toThrow(/made from pieces differs/);
    expect(col.get('b')).toBeUndefined();
    expect(actual(col)).toEqual(expected(col));
  });

  it('rolls back with the transaction that wrote them', () => {
    const db = new Db(null);
    const col = open(db);
    col.put('a', { group: 'x', n: 1, list: [1] });
    const before = col.version;
    expect(() =>
      db.tx(() => {
        col.put('a', { group: 'y', n: 1, list: [] });
        col.put('b', { group: 'x', n: 1, list: [1] });
        col.delete('a');
        throw new Error('rollback');
      }),
    ).toThrow('rollback');
    expect(actual(col)).toEqual({ positiveX: 1, positiveY: 0, has1: 1 });
    expect(col.version).not.toBe(before);
  });

  it('derives the keys of stored documents again when the state file was written without them, or by another version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'derived-'));
    try {
      const file = join(dir, 'state.sqlite');
      let db = new Db(file);
      const plain = db.collection<Doc>('docs', [{ name: 'group', key: (d) => d.group }]);
      plain.put('a', { group: 'x', n: 1, list: [1] });
      plain.put('b', { group: 'y', n: 1, list: [1] });
      db.close();

      db = new Db(file);
      let col = open(db, 1);
      expect(actual(col)).toEqual({ positiveX: 1, positiveY: 1, has1: 2 });
      col.put('b', { group: 'y', n: 0, list: [] });
      db.close();

      db = new Db(file); // same version: the stored keys are kept as they are
      col = open(db, 1);
      expect(actual(col)).toEqual({ positiveX: 1, positiveY: 0, has1: 1 });
      db.sql.exec(`DELETE FROM c_docs_count`); // stale counts: only a new version derives them again
      db.close();
      db = new Db(file);
      expect(actual(open(db, 1)).positiveX).toBe(0);
      db.close();
      db = new Db(file);
      expect(actual(open(db, 2))).toEqual(expected(open(db, 2)));
      expect(actual(open(db, 2)).positiveX).toBe(1);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Collection indexes', () => {
  it('drops the index of a column no index uses any more, and still finds by the indexes kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'indexes-'));
    try {
      const file = join(dir, 'state.sqlite');
      const indexNames = (db: Db) =>
        (
          db.sql
            .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'c_docs'`)
            .all() as {
            name: string;
          }[]
        )
          .map((r) => r.name)
          .filter((n) => !n.startsWith('sqlite_'))
          .sort();
      let db = new Db(file);
      const two = db.collection<Doc>('docs', [
        { name: 'group', key: (d) => d.group },
        { name: 'n', key: (d) => String(d.n) },
      ]);
      two.put('a', { group: 'x', n: 1, list: [] });
      expect(indexNames(db)).toEqual(['c_docs_k1', 'c_docs_k2']);
      db.close();

      db = new Db(file);
      const one = db.collection<Doc>('docs', [{ name: 'group', key: (d) => d.group }]);
      expect(indexNames(db)).toEqual(['c_docs_k1']);
      one.put('b', { group: 'x', n: 2, list: [] });
      expect(one.find({ group: 'x' }).map((d) => d.n)).toEqual([1, 2]);
      expect(() => one.find({ n: '1' })).toThrow(/no index n/);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Collection: peekMany ids kept per query, counters read by prefix (issue 14)', () => {
  function derivedSetup() {
    const db = new Db(null);
    const col = db.collection<Doc>('ddocs', [{ name: 'group', key: (d) => d.group }], {
      cacheSize: 100,
      derived: { version: 1, counters: (d) => [`c|${d.group}|${d.n}`] },
    });
    return { db, col };
  }

  it('peekMany sees inserts, deletes, moved keys and rollbacks, and reuses its ids otherwise', () => {
    const { db, col } = derivedSetup();
    col.putShared('a', { group: 'g', n: 1, list: [] });
    col.putShared('b', { group: 'g', n: 2, list: [] });
    expect(col.peekMany({ group: 'g' }).map((d) => d.n)).toEqual([1, 2]);
    // Same indexed key: the kept ids still hold, and the document read is the new one.
    col.putShared('a', { group: 'g', n: 3, list: [] });
    expect(col.peekMany({ group: 'g' }).map((d) => d.n)).toEqual([3, 2]);
    col.putShared('c', { group: 'g', n: 4, list: [] });
    expect(col.peekMany({ group: 'g' }).map((d) => d.n)).toEqual([3, 2, 4]);
    col.putShared('b', { group: 'h', n: 2, list: [] });
    expect(col.peekMany({ group: 'g' }).map((d) => d.n)).toEqual([3, 4]);
    col.delete('c');
    expect(col.peekMany({ group: 'g' }).map((d) => d.n)).toEqual([3]);
    expect(() =>
      db.tx(() => {
        col.putShared('d', { group: 'g', n: 5, list: [] });
        expect(col.peekMany({ group: 'g' }).map((d) => d.n)).toEqual([3, 5]);
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(col.peekMany({ group: 'g' }).map((d) => d.n)).toEqual([3]);
  });

  it('keeps counter changes until the transaction ends, and a rolled-back savepoint drops only its own', () => {
    const { db, col } = derivedSetup();
    const stored = (key: string) =>
      (db.sql.prepare('SELECT n FROM c_ddocs_count WHERE key = ?').get(key) as { n: number } | undefined)?.n;
    col.put('a', { group: 'x', n: 1, list: [] });
    expect(stored('c|x|1')).toBe(1);
    db.tx(() => {
      col.put('b', { group: 'x', n: 1, list: [] });
      col.put('c', { group: 'x', n: 1, list: [] });
      col.put('a', { group: 'x', n: 2, list: [] });
      // Read inside the transaction: the kept changes count, though not yet written.
      expect(col.counted('c|x|1')).toBe(2);
      expect(stored('c|x|1')).toBe(1);
      expect([...col.countedWithPrefix('c|x|')].sort()).toEqual([
        ['c|x|1', 2],
        ['c|x|2', 1],
      ]);
      expect(() =>
        db.tx(() => {
          col.put('d', { group: 'x', n: 1, list: [] });
          col.delete('b');
          expect(col.counted('c|x|1')).toBe(2);
          throw new Error('roll the savepoint back');
        }),
      ).toThrow('roll the savepoint back');
      expect(col.counted('c|x|1')).toBe(2);
      expect(col.counted('c|x|2')).toBe(1);
    });
    expect(stored('c|x|1')).toBe(2);
    expect(stored('c|x|2')).toBe(1);
    expect(() =>
      db.tx(() => {
        col.delete('a');
        col.delete('b');
        col.delete('c');
        expect([...col.countedWithPrefix('c|x|')]).toEqual([]);
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect([...col.countedWithPrefix('c|x|')]).toEqual([
      ['c|x|1', 2],
      ['c|x|2', 1],
    ]);
    // Counts that reach 0 leave no row behind.
    db.tx(() => {
      col.delete('a');
      col.delete('b');
      col.delete('c');
    });
    expect(db.sql.prepare('SELECT COUNT(*) AS n FROM c_ddocs_count').get()).toEqual({ n: 0 });
  });

  it("moves a transaction's counters in one statement, which drops those that reach 0, in a state file written before too", () => {
    const dir = mkdtempSync(join(tmpdir(), 'counts-'));
    const file = join(dir, 'state.sqlite');
    const counters = (d: Doc) => d.list.map((n) => `c|${n}`);
    const open = (db: Db) =>
      db.collection<Doc>('zero', [], { cacheSize: 10, derived: { version: 1, counters } });
    const rows = (db: Db) =>
      Object.fromEntries(
        (db.sql.prepare('SELECT key, n FROM c_zero_count').all() as { key: string; n: number }[]).map((r) => [
          r.key,
          r.n,
        ]),
      );
    // Every statement run (better-sqlite3 Statement#run), by its SQL text.
    const run: string[] = [];
    let db = new Db(file);
    const proto = Object.getPrototypeOf(db.sql.prepare('SELECT 1')) as { run: (...a: unknown[]) => unknown };
    const original = proto.run;
    proto.run = function (this: { source: string }, ...args: unknown[]) {
      run.push(this.source);
      return original.apply(this, args);
    };
    try {
      let col = open(db);
      col.put('a', { group: 'g', n: 0, list: [1, 2, 3, 4] });
      col.put('b', { group: 'g', n: 0, list: [1, 2] });
      expect(rows(db)).toEqual({ 'c|1': 2, 'c|2': 2, 'c|3': 1, 'c|4': 1 });
      // Three counters down (two of them to 0), one up: the counter table sees one statement.
      run.length = 0;
      db.tx(() => col.put('a', { group: 'g', n: 0, list: [2, 5] }));
      expect(run.filter((sql) => sql.includes('c_zero_count'))).toHaveLength(1);
      expect(rows(db)).toEqual({ 'c|1': 1, 'c|2': 2, 'c|5': 1 });
      // A state file whose counter table has no triggers yet (written by an earlier version) gets them.
      db.sql.exec('DROP TRIGGER c_zero_count_zero_u; DROP TRIGGER c_zero_count_zero_i');
      db.close();
      db = new Db(file);
      col = open(db);
      col.delete('b');
      col.put('a', { group: 'g', n: 0, list: [] });
      expect(rows(db)).toEqual({});
      // A key moved down that was never counted (which a consistent store never has) stays absent.
      db.sql.exec(`INSERT INTO c_zero_count (key, n) VALUES ('c|9', -1)`);
      expect(rows(db)).toEqual({});
    } finally {
      proto.run = original;
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes any number of lookup keys per document and counters per transaction (several statements of rows)', () => {
    const db = new Db(null);
    const col = db.collection<Doc>('many', [], {
      derived: {
        version: 1,
        lookups: (d) => d.list.map((n) => `k|${n}`),
        counters: (d) => d.list.map((n) => `c|${d.group}|${n}`),
      },
    });
    const list = Array.from({ length: 37 }, (_, i) => i);
    db.tx(() => {
      col.put('a', { group: 'g', n: 0, list });
      col.put('b', { group: 'g', n: 0, list: list.slice(0, 17) });
    });
    expect(list.map((n) => col.countByKey(`k|${n}`))).toEqual(list.map((n) => (n < 17 ? 2 : 1)));
    expect(list.map((n) => col.counted(`c|g|${n}`))).toEqual(list.map((n) => (n < 17 ? 2 : 1)));
    expect(col.idsByKey('k|3')).toEqual(['a', 'b']);
    db.tx(() => col.put('b', { group: 'g', n: 0, list: list.slice(16) }));
    expect(list.map((n) => col.countByKey(`k|${n}`))).toEqual(list.map((n) => (n < 16 ? 1 : 2)));
    expect(list.map((n) => col.counted(`c|g|${n}`))).toEqual(list.map((n) => (n < 16 ? 1 : 2)));
    expect([...col.countedWithPrefix('c|g|')].length).toBe(37);
  });

  it('keeps every counter exact through any batches of writes, deletes and rollbacks (multi-row flush)', () => {
    // Documents count under up to 150 keys each, so a transaction's flush spans chunks of every size.
    const op = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      del: fc.boolean(),
      from: fc.integer({ min: 0, max: 140 }),
      len: fc.integer({ min: 0, max: 150 }),
    });
    const batch = fc.record({
      ops: fc.array(op, { maxLength: 6 }),
      rollback: fc.boolean(),
      nested: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 8 }), (batches) => {
        const db = new Db(null);
        const col = db.collection<Doc>('flush', [], {
          cacheSize: 4,
          derived: { version: 1, counters: (d) => d.list.map((n) => `c|${n}`) },
        });
        const docs = new Map<string, Doc>();
        for (const b of batches) {
          const next = new Map(docs);
          const apply = () => {
            for (const o of b.ops) {
              if (o.del) {
                col.delete(o.id);
                next.delete(o.id);
              } else {
                const doc = { group: 'g', n: 0, list: Array.from({ length: o.len }, (_, i) => o.from + i) };
                col.put(o.id, doc);
                next.set(o.id, doc);
              }
            }
            if (b.rollback) throw new Error('roll back');
          };
          try {
            // A savepoint inside an outer transaction, or a transaction of its own.
            db.tx(() => (b.nested ? db.tx(apply) : apply()));
          } catch {
            continue;
          }
          docs.clear();
          for (const [id, d] of next) docs.set(id, d);
        }
        const want = new Map<string, number>();
        for (const d of docs.values())
          for (const n of d.list) want.set(`c|${n}`, (want.get(`c|${n}`) ?? 0) + 1);
        const rows = db.sql.prepare('SELECT key, n FROM c_flush_count').all() as { key: string; n: number }[];
        expect(new Map(rows.map((r) => [r.key, r.n]))).toEqual(want);
        db.close();
      }),
      { numRuns: 60 },
    );
  });

  it('countedWithPrefix reads every counter under a prefix, exactly', () => {
    const { col } = derivedSetup();
    col.put('a', { group: 'x', n: 1, list: [] });
    col.put('b', { group: 'x', n: 1, list: [] });
    col.put('c', { group: 'x', n: 2, list: [] });
    col.put('d', { group: 'x|y', n: 1, list: [] });
    col.put('e', { group: 'x}', n: 1, list: [] });
    col.put('f', { group: '\u{1F600}', n: 1, list: [] });
    expect([...col.countedWithPrefix('c|x|')]).toEqual([
      ['c|x|1', 2],
      ['c|x|2', 1],
      ['c|x|y|1', 1],
    ]);
    expect([...col.countedWithPrefix('c|\u{1F600}|')]).toEqual([['c|\u{1F600}|1', 1]]);
    col.delete('b');
    col.delete('c');
    expect([...col.countedWithPrefix('c|x|')]).toEqual([
      ['c|x|1', 1],
      ['c|x|y|1', 1],
    ]);
  });
});

describe('Collection part: one member kept in a side row (issue 14)', () => {
  // `n` is the part; `list` and `group` stay in the row. A counter follows `n`, so a part-only
  // write moves the derived keys too.
  const part: CollectionPart<Doc> = {
    get: (d) => d.n,
    with: (d, value) => ({ ...d, n: value as number }),
    onlyPartChanged: (a, b) =>
      Object.isFrozen(a) && Object.isFrozen(b) && a.group === b.group && a.list === b.list,
  };
  const openPart = (db: Db, cacheSize = 10) =>
    db.collection<Doc>('docs', [{ name: 'group', key: (d) => d.group }], {
      cacheSize,
      part,
      derived: { version: 1, counters: (d) => [`n|${d.n}`] },
    });
  const rowText = (db: Db, id: string) =>
    (db.sql.prepare('SELECT doc FROM c_docs WHERE id = ?').get(id) as { doc: string } | undefined)?.doc;
  const sideRows = (db: Db) =>
    db.sql.prepare('SELECT id, part FROM c_docs_part ORDER BY id').all() as { id: string; part: string }[];

  it('writes only the side row when only the part changed, and every read puts it back in place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'part-'));
    try {
      const file = join(dir, 'state.sqlite');
      let db = new Db(file);
      let col = openPart(db);
      const list = [1, 2];
      col.putShared('a', { group: 'g', n: 1, list });
      const v1 = col.peek('a') as Doc;
      col.putShared('a', { ...v1, n: 5 });
      expect(rowText(db, 'a')).toBe(JSON.stringify({ group: 'g', n: 1, list: [1, 2] }));
      expect(sideRows(db)).toEqual([{ id: 'a', part: '5' }]);
      expect(col.peek('a')).toEqual({ group: 'g', n: 5, list: [1, 2] });
      expect(col.counted('n|5')).toBe(1);
      expect(col.counted('n|1')).toBe(0);
      db.close();

      // A new process: nothing cached, every read composes the row and its side row.
      db = new Db(file);
      col = openPart(db);
      const want = { group: 'g', n: 5, list: [1, 2] };
      expect(col.get('a')).toEqual(want);
      expect(col.find({ group: 'g' })).toEqual([want]);
      expect(col.all()).toEqual([want]);
      const [viaBytes] = col.peekOrBytes(['a']);
      expect(viaBytes).toEqual(want);
      expect(Object.isFrozen(viaBytes)).toBe(true);
      expect(col.peekMany({ group: 'g' })).toEqual([want]);
      expect(() => col.countBy({}, '$.n')).toThrow('part');
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens a state file written before the collection had a part: its documents read as they were', () => {
    const dir = mkdtempSync(join(tmpdir(), 'part-old-'));
    try {
      const file = join(dir, 'state.sqlite');
      let db = new Db(file);
      db.collection<Doc>('docs', [{ name: 'group', key: (d) => d.group }]).put('a', {
        group: 'g',
        n: 1,
        list: [3],
      });
      db.close();
      db = new Db(file);
      const col = openPart(db);
      expect(col.get('a')).toEqual({ group: 'g', n: 1, list: [3] });
      expect(col.counted('n|1')).toBe(1);
      col.putShared('a', { ...(col.peek('a') as Doc), n: 2 });
      expect(sideRows(db)).toEqual([{ id: 'a', part: '2' }]);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stores the whole document and drops the side row on any other write; delete and rollback take it too', () => {
    const db = new Db(null);
    const col = openPart(db);
    col.putShared('a', { group: 'g', n: 1, list: [] });
    col.putShared('a', { ...(col.peek('a') as Doc), n: 2 });
    expect(sideRows(db)).toHaveLength(1);
    // Another member changed: the row holds everything again.
    col.putShared('a', { ...(col.peek('a') as Doc), list: [7] });
    expect(sideRows(db)).toEqual([]);
    expect(rowText(db, 'a')).toBe(JSON.stringify({ group: 'g', n: 2, list: [7] }));
    // A document that is not frozen (put) is never taken for a part-only change.
    col.putShared('a', { ...(col.peek('a') as Doc), n: 3 });
    col.put('a', { group: 'g', n: 4, list: [7] });
    expect(sideRows(db)).toEqual([]);
    // A changed indexed key is a whole write too.
    col.putShared('a', { ...(col.peek('a') as Doc), n: 5 });
    const v = col.peek('a') as Doc;
    col.putShared('a', { ...v, group: 'h' });
    expect(sideRows(db)).toEqual([]);
    expect(col.find({ group: 'h' })).toEqual([{ group: 'h', n: 5, list: [7] }]);

    col.putShared('a', { ...(col.peek('a') as Doc), n: 6 });
    expect(() =>
      db.tx(() => {
        col.putShared('a', { ...(col.peek('a') as Doc), n: 9 });
        throw new Error('rollback');
      }),
    ).toThrow('rollback');
    expect(col.peek('a')?.n).toBe(6);
    expect(col.counted('n|6')).toBe(1);
    expect(col.counted('n|9')).toBe(0);
    expect(col.delete('a')).toBe(true);
    expect(sideRows(db)).toEqual([]);
    expect(col.get('a')).toBeUndefined();
    expect(col.counted('n|6')).toBe(0);
  });

  it('reads what a collection without a part reads, over any sequence of writes', () => {
    const random = mulberry32(14);
    const db = new Db(null);
    const split = openPart(db, 3);
    const plain = db.collection<Doc>('plain', [{ name: 'group', key: (d) => d.group }], {
      cacheSize: 3,
      derived: { version: 1, counters: (d) => [`n|${d.n}`] },
    });
    const ids = ['a', 'b', 'c', 'd', 'e'];
    for (let step = 0; step < 2000; step++) {
      const id = ids[Math.floor(random() * ids.length)] as string;
      const roll = random();
      const current = split.peek(id);
      db.tx(() => {
        if (roll < 0.1) {
          split.delete(id);
          plain.delete(id);
          return;
        }
        let next: Doc;
        if (current && roll < 0.7) next = { ...current, n: Math.floor(random() * 4) };
        else if (current && roll < 0.85) next = { ...current, list: [step] };
        else next = { group: random() < 0.5 ? 'g' : 'h', n: Math.floor(random() * 4), list: [] };
        if (random() < 0.8) split.putShared(id, next);
        else split.put(id, next);
        plain.put(id, next);
      });
      if (step % 97 === 0) {
        expect(split.all()).toEqual(plain.all());
        for (const g of ['g', 'h']) expect(split.find({ group: g })).toEqual(plain.find({ group: g }));
        for (let n = 0; n < 4; n++) expect(split.counted(`n|${n}`)).toBe(plain.counted(`n|${n}`));
      }
    }
    for (const id of ids) expect(split.peek(id)).toEqual(plain.get(id));
  });
});

describe('Collection lookup members (derived.member)', () => {
  // Ids `p/<name>`: the rows store `<name>`; readers give back the id through a LookupKey.
  const key = (k: string): LookupKey => ({
    key: k,
    idOf: (m) => `p/${m}`,
    memberOf: (id) => (id.startsWith('p/') ? id.slice(2) : id),
  });
  const open = (db: Db) =>
    db.collection<Doc>('members', [], {
      derived: {
        version: 1,
        lookups: (d: Doc) => [`group|${d.group}`],
        member: (_d: Doc, id: string) => id.slice(2),
      },
    });

  it('stores members, reads ids in member order, pages with an id, and moves rows with the document', () => {
    const db = new Db(null);
    const col = open(db);
    for (const name of ['c', 'a', 'b']) col.put(`p/${name}`, { group: 'x', n: 1, list: [] });
    const stored = db.sql.prepare('SELECT key, id FROM c_members_lookup ORDER BY id').all();
    expect(stored).toEqual(['a', 'b', 'c'].map((id) => ({ key: 'group|x', id })));
    expect(col.idsByKey(key('group|x'))).toEqual(['p/a', 'p/b', 'p/c']);
    expect(col.idsByKey(key('group|x'), { after: 'p/a', limit: 1 })).toEqual(['p/b']);
    expect(col.peekByKey(key('group|x')).length).toBe(3);
    expect([col.hasKey(key('group|x'), 'p/b'), col.hasKey(key('group|x'), 'p/d')]).toEqual([true, false]);
    expect(col.countByKey(key('group|x'))).toBe(3);
    col.put('p/b', { group: 'y', n: 1, list: [] });
    col.delete('p/c');
    expect(col.idsByKey(key('group|x'))).toEqual(['p/a']);
    expect(col.idsByKey(key('group|y'))).toEqual(['p/b']);
    expect(() =>
      db.tx(() => {
        col.put('p/a', { group: 'y', n: 1, list: [] });
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(col.idsByKey(key('group|y'))).toEqual(['p/b']);
    expect(db.sql.prepare('SELECT COUNT(*) AS n FROM c_members_lookup').get()).toEqual({ n: 2 });
    db.close();
  });
});
