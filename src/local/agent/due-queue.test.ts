import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueQueue } from './due-queue';

describe('DueQueue', () => {
  it('pops each key once, at its earliest due time, in due order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.integer({ min: 0, max: 100 }))),
        (ops) => {
          const q = new DueQueue();
          const earliest = new Map<string, number>();
          for (const [key, due] of ops) {
            q.schedule(key, due);
            earliest.set(key, Math.min(due, earliest.get(key) ?? Infinity));
          }
          expect(q.size).toBe(earliest.size);
          const popped = q.popDue(100, 1000);
          expect(popped.sort()).toEqual([...earliest.keys()].sort());
          expect(q.size).toBe(0);
          expect(q.peek()).toBeUndefined();
        },
      ),
    );
  });

  it('leaves what is not yet due, and respects the batch limit', () => {
    const q = new DueQueue();
    q.schedule('late', 50);
    q.schedule('early', 10);
    q.schedule('mid', 20);
    expect(q.peek()).toBe(10);
    expect(q.popDue(30, 1)).toEqual(['early']);
    expect(q.popDue(30, 10)).toEqual(['mid']);
    expect(q.peek()).toBe(50);
    q.schedule('late', 5); // earlier supersedes
    expect(q.popDue(5, 10)).toEqual(['late']);
    expect(q.popDue(100, 10)).toEqual([]);
  });
});
