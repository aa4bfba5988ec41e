import { describe, expect, it } from 'vitest';
import { Db } from '../store/db';
import { byVersion, byVersionPerKey } from './versioned';

describe('computed by write version', () => {
  it('computes again only after a write to a source, a delete or a rolled-back transaction', () => {
    const db = new Db(null);
    const a = db.collection<{ n: number }>('a', [{ name: 'n', key: (d) => String(d.n) }]);
    const b = db.collection<{ n: number }>('b');
    let computed = 0;
    const sum = byVersion([a, b], () => {
      computed++;
      return [...a.all(), ...b.all()].reduce((s, d) => s + d.n, 0);
    });
    const perKey = byVersionPerKey([a], (key) => {
      computed++;
      return a.find({ n: key }).length;
    });
    expect([sum(), sum(), perKey('1'), perKey('1')]).toEqual([0, 0, 0, 0]);
    expect(computed).toBe(2);
    a.put('x', { n: 1 });
    expect([sum(), perKey('1'), perKey('1')]).toEqual([1, 1, 1]);
    expect(computed).toBe(4);
    b.put('y', { n: 2 });
    expect([sum(), perKey('1')]).toEqual([3, 1]); // perKey does not read b
    expect(computed).toBe(5);
    expect(() =>
      db.tx(() => {
        a.put('z', { n: 1 });
        expect(perKey('1')).toBe(2); // inside the transaction: its own write
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect([sum(), perKey('1')]).toEqual([3, 1]);
    a.delete('x');
    expect([sum(), perKey('1')]).toEqual([2, 0]);
    db.close();
  });
});
