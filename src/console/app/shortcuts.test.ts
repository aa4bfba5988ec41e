import { describe, expect, it } from 'vitest';
import { matchShortcut, shortcuts } from './shortcuts';

describe('matchShortcut', () => {
  it('completes "g c" to Clusters', () => {
    expect(matchShortcut(['g'])).toBe('prefix');
    expect(matchShortcut(['g', 'c'])).toMatchObject({ action: { to: '/clusters' } });
  });
  it('answers single keys and rejects unknown sequences', () => {
    expect(matchShortcut(['?'])).toMatchObject({ action: { run: 'help' } });
    expect(matchShortcut(['g', 'x'])).toBeNull();
    expect(matchShortcut(['x'])).toBeNull();
  });
  it('has no shortcut that is a prefix of another', () => {
    for (const a of shortcuts)
      for (const b of shortcuts)
        if (a !== b && a.keys.length < b.keys.length)
          expect(a.keys.every((k, i) => b.keys[i] === k)).toBe(false);
  });
});
