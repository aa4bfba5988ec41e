import { describe, expect, it } from 'vitest';
import { Db } from './db';

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
