import { describe, expect, it } from 'vitest';
import { relaunched } from './wizard-session';

describe('relaunched', () => {
  it('"Launch again" starts now: the previous launch\'s time is not shown as its start', () => {
    const before = { id: 'a', startedAt: '2026-01-01T00:00:00.000Z', answers: {}, results: { stackId: 's' } };
    const now = new Date('2026-01-02T10:00:00.000Z');
    expect(relaunched(before, { clusterArn: 'c' }, now)).toEqual({
      id: 'a',
      startedAt: '2026-01-02T10:00:00.000Z',
      answers: {},
      results: { clusterArn: 'c' },
    });
  });
});
