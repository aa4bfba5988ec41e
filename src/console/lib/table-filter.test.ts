import { describe, expect, it } from 'vitest';
import { matchesFilter, parseFilter } from './table-filter';

const keys = ['status', 'taskDefinition', 'instance'];
const row = new Map([
  ['task', '0a1b2c'],
  ['status', 'RUNNING'],
  ['taskDefinition', 'web:3'],
  ['instance', 'i-0123'],
]);

describe('table filter', () => {
  it('reads property terms by column id (any case) and free words', () => {
    expect(parseFilter('status:RUNNING  taskdefinition:web:3 0a1', keys)).toEqual({
      properties: [
        { key: 'status', value: 'running' },
        { key: 'taskDefinition', value: 'web:3' },
      ],
      words: ['0a1'],
    });
    // An unknown property is a word; so is a key without a value.
    expect(parseFilter('colour:red status:', keys).words).toEqual(['colour:red', 'status:']);
  });
  it('matches properties exactly, by family, or by glob; words anywhere', () => {
    const m = (text: string) => matchesFilter(row, parseFilter(text, keys));
    expect(m('status:RUNNING')).toBe(true);
    expect(m('status:STOPPED')).toBe(false);
    expect(m('status:RUN')).toBe(false);
    expect(m('status:RUN*')).toBe(true);
    expect(m('taskDefinition:web:3')).toBe(true);
    expect(m('taskDefinition:web:30')).toBe(false);
    expect(m('taskDefinition:web')).toBe(true);
    expect(m('taskDefinition:*:3')).toBe(true);
    expect(m('i-01 0a1b')).toBe(true);
    expect(m('i-01 nope')).toBe(false);
    expect(m('')).toBe(true);
  });
  it('stays linear on hostile globs', () => {
    const long = new Map([['status', 'a'.repeat(10_000)]]);
    expect(matchesFilter(long, parseFilter(`status:${'*a'.repeat(2_000)}b`, keys))).toBe(false);
  });
});
