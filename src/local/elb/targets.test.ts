import { describe, expect, it } from 'vitest';
import { httpCodeMatcher } from './runtime';
import { applyProbe } from './targets';

const thresholds = { healthy: 3, unhealthy: 2 };
const zero = { successes: 0, failures: 0 };

describe('health thresholds', () => {
  it('makes a registering target healthy on its first passing check', () => {
    expect(applyProbe('registering', zero, { ok: true }, thresholds)).toEqual({
      next: 'healthy',
      counters: { successes: 1, failures: 0 },
    });
  });

  it('ignores failed early probes of a registering target but counts scheduled ones', () => {
    const early = applyProbe('registering', zero, { ok: false, early: true }, thresholds);
    expect(early).toEqual({ next: 'registering', counters: zero });
    const once = applyProbe('registering', zero, { ok: false }, thresholds);
    expect(once.next).toBe('registering');
    expect(applyProbe('registering', once.counters, { ok: false }, thresholds).next).toBe('unhealthy');
  });

  it('needs the unhealthy threshold to fail and the healthy threshold to recover', () => {
    let state = applyProbe('healthy', zero, { ok: false }, thresholds);
    expect(state.next).toBe('healthy');
    state = applyProbe(state.next, state.counters, { ok: false }, thresholds);
    expect(state.next).toBe('unhealthy');
    for (const expected of ['unhealthy', 'unhealthy', 'healthy'] as const) {
      state = applyProbe(state.next, state.counters, { ok: true }, thresholds);
      expect(state.next).toBe(expected);
    }
  });
});

describe('httpCodeMatcher', () => {
  it('reads single codes, lists and ranges', () => {
    expect(httpCodeMatcher('200')(200)).toBe(true);
    expect(httpCodeMatcher('200')(204)).toBe(false);
    expect(httpCodeMatcher('200,302')(302)).toBe(true);
    expect(httpCodeMatcher('200-299')(250)).toBe(true);
    expect(httpCodeMatcher('200-299')(300)).toBe(false);
  });
});
