import { describe, expect, it } from 'vitest';
import { sideBySide } from './diff-rows';

describe('sideBySide', () => {
  it('pairs a changed line and keeps equal lines on both sides', () => {
    const rows = sideBySide('a\nb\nc\n', 'a\nB\nc\nd\n');
    expect(rows).toEqual([
      { left: { text: 'a', kind: 'same' }, right: { text: 'a', kind: 'same' } },
      { left: { text: 'b', kind: 'removed' }, right: { text: 'B', kind: 'added' } },
      { left: { text: 'c', kind: 'same' }, right: { text: 'c', kind: 'same' } },
      { left: null, right: { text: 'd', kind: 'added' } },
    ]);
  });
});
