import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaskRecord } from './model';
import { stoppedTaskBytes, storedTaskCut, taskJsonOf, taskRecordJson, untaggedTaskBytes } from './task-json';

/** `untaggedTaskBytes` as one text (what an answer's body holds), or undefined. */
const untaggedText = (r: TaskRecord, written: string): string | undefined => {
  const bytes = untaggedTaskBytes(r, written);
  return bytes && Buffer.concat(bytes).toString('utf8');
};

const record = (task: Record<string, unknown>): TaskRecord =>
  ({
    task: { taskArn: 'arn:aws:ecs:us-east-1:1:task/c/1', clusterArn: 'c', lastStatus: 'RUNNING', ...task },
    region: 'us-east-1',
    ports: [],
    reservedCpu: 10,
    reservedMemory: 32,
    history: [{ status: 'PENDING', at: 1 }],
    serviceArn: undefined,
  }) as unknown as TaskRecord;

describe('taskRecordJson', () => {
  it.each([
    ['with tags', { tags: [{ key: 'k', value: 'é' }] }],
    ['without tags', {}],
    ['with tags absent as undefined', { tags: undefined }],
    ['with empty tags', { tags: [] }],
  ])('stores the same document as JSON.stringify, %s', (_name, extra) => {
    const r = record(extra);
    expect(JSON.parse(taskRecordJson(r))).toEqual(JSON.parse(JSON.stringify(r)));
  });

  it('keeps the untagged task text for a frozen record only', () => {
    const r = record({ tags: [{ key: 'k', value: 'v' }] });
    taskRecordJson(r);
    expect(untaggedTaskBytes(r, taskRecordJson(r))).toBeUndefined();
    Object.freeze(r);
    const { tags: _tags, ...untagged } = r.task;
    expect(JSON.parse(untaggedText(r, taskRecordJson(r)) ?? 'null')).toEqual(untagged);
  });
});

describe('taskRecordJson layout (task first, its tags last)', () => {
  /** The layout written member by member: the task without its tags, then the tags, then the rest. */
  const reference = (r: TaskRecord): { text: string; untagged: string } => {
    const { tags, ...fields } = r.task;
    const untagged = JSON.stringify(fields);
    const tagged =
      tags === undefined
        ? untagged
        : `${untagged.length > 2 ? `${untagged.slice(0, -1)},` : '{'}"tags":${JSON.stringify(tags)}}`;
    const { task: _task, ...rest } = r;
    const others = JSON.stringify(rest);
    return {
      text: others.length > 2 ? `{"task":${tagged},${others.slice(1)}` : `{"task":${tagged}}`,
      untagged,
    };
  };
  // Strings that look like the end of a task's text, and keys named like its members.
  const text = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(',"tags":[]}', '"tags":', '}', '\\"'));
  const tag = fc.record({ key: text, value: text });
  const value = fc.oneof(text, fc.integer(), fc.constant(undefined), fc.array(tag, { maxLength: 2 }));
  const member = fc.tuple(fc.oneof(fc.constantFrom('tags', 'lastStatus', 'x'), text), value);

  it('writes what the member-by-member layout writes, whatever the members and where the tags are', () => {
    fc.assert(
      fc.property(
        fc.array(member, { maxLength: 6 }),
        fc.option(fc.array(tag, { maxLength: 3 }), { nil: undefined }),
        fc.boolean(),
        fc.array(member, { maxLength: 3 }),
        (before, tags, tagsLast, outer) => {
          const task: Record<string, unknown> = {};
          if (!tagsLast) task['tags'] = tags;
          for (const [k, v] of before) if (k !== 'tags') task[k] = v;
          if (tagsLast) task['tags'] = tags;
          const r: Record<string, unknown> = { task };
          for (const [k, v] of outer) if (k !== 'task') r[k] = v;
          const rec = Object.freeze(r) as unknown as TaskRecord;
          const want = reference(rec);
          const written = taskRecordJson(rec);
          expect(written).toBe(want.text);
          expect(untaggedText(rec, written)).toBe(want.untagged);
          // Asked again (the cut kept for the record, or found again): the same text.
          expect(untaggedText(rec, written)).toBe(want.untagged);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('stoppedTaskBytes (a quiet StopTask answer from the written text)', () => {
  /** What StopTask made before: the task with the stop's members, without its tags, stringified. */
  const reference = (r: TaskRecord, version: number, stop: Record<string, unknown>): string => {
    const { tags: _tags, ...fields } = r.task;
    return JSON.stringify({ ...fields, desiredStatus: 'STOPPED', ...stop, version });
  };
  const tail = (stop: Record<string, unknown>) =>
    Object.entries(stop)
      .map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`)
      .join('');
  const stop = { stopCode: 'UserInitiated', stoppedReason: 'a "quoted" réason ✓ \\', stoppingAt: 17.5 };

  it.each([
    [
      'tagged, version before the status',
      { version: 3, desiredStatus: 'RUNNING', tags: [{ key: 'k', value: 'v' }] },
    ],
    ['tagged, the status last before the tags', { version: 3, x: 'é', desiredStatus: 'RUNNING', tags: [] }],
    ['untagged, the version last', { desiredStatus: 'RUNNING', y: '✓', version: 12 }],
    [
      'a value that names the members',
      { desiredStatus: 'RUNNING', version: 2, v: '"version":2,"desiredStatus":"RUNNING"' },
    ],
  ])('writes what JSON.stringify of the stopped task writes, %s', (_name, task) => {
    const r = Object.freeze(record(task));
    const version = (r.task.version ?? 0) + 1;
    const bytes = stoppedTaskBytes(r, taskRecordJson(r), version, tail(stop));
    expect(bytes?.toString('utf8')).toBe(reference(r, version, stop));
  });

  it('gives nothing when a member to change is not there exactly once and whole, or the text is not known', () => {
    const twice = Object.freeze(record({ desiredStatus: 'RUNNING', version: 2, nested: { version: 2 } }));
    expect(stoppedTaskBytes(twice, taskRecordJson(twice), 3, '')).toBeUndefined();
    const prefix = Object.freeze(record({ desiredStatus: 'RUNNING', version: 21 }));
    expect(stoppedTaskBytes(prefix, taskRecordJson(prefix), 3, '')?.toString('utf8')).toBe(
      reference(prefix, 3, {}),
    );
    const stopped = Object.freeze(record({ desiredStatus: 'STOPPED', version: 2 }));
    expect(stoppedTaskBytes(stopped, taskRecordJson(stopped), 3, '')).toBeUndefined();
    const notFrozen = record({ desiredStatus: 'RUNNING', version: 2 });
    expect(stoppedTaskBytes(notFrozen, taskRecordJson(notFrozen), 3, '')).toBeUndefined();
    const frozen = Object.freeze(record({ desiredStatus: 'RUNNING', version: 2 }));
    expect(stoppedTaskBytes(frozen, undefined, 3, '')).toBeUndefined();
  });
});

describe('storedTaskCut and taskJsonOf', () => {
  /** What DescribeTasks answered before: the stored record parsed, its task written again. */
  const expected = (stored: string, withTags: boolean): string => {
    const task = (JSON.parse(stored) as TaskRecord).task;
    if (withTags) return JSON.stringify(task);
    const { tags: _tags, ...rest } = task;
    return JSON.stringify(rest);
  };
  const cut = (stored: string, withTags: boolean): string | undefined => {
    const bytes = Buffer.from(stored);
    const at = storedTaskCut(bytes);
    if (at === undefined) return undefined;
    const out = taskJsonOf(bytes, at, withTags);
    return (Buffer.isBuffer(out) ? out : Buffer.concat(out)).toString('utf8');
  };

  const tricky = {
    group: 'family:web "quoted" \\ back\\slash\\',
    startedBy: 'ends with a backslash \\',
    overrides: {
      containerOverrides: [
        {
          name: 'app',
          environment: [
            { name: 'JSON', value: '{"tags":[{"key":"k"}]},"region":"x"}' },
            { name: 'UNICODE', value: 'héllo wörld ✓ 𝄞 \u2028\u2029 \u0000\u001f\t\n' },
            { name: 'LONE', value: '\ud800 and \udfff' },
            { name: 'BRACKETS', value: '}]}]{[' },
          ],
        },
      ],
      tags: 'a nested member named tags is not the task tags',
    },
    numbers: { big: 1e21, small: 5e-7, negative: -0, float: 0.1 + 0.2, int: 12345678901234 },
    '10': 'integer-like key',
    '2': 'another',
    attachments: [{ id: 'a', details: [{ name: 'tags', value: '"tags":' }] }],
  };

  it.each([
    ['with tags', { tags: [{ key: 'k', value: 'é' }] }],
    [
      'with several tags',
      {
        tags: [
          { key: 'a', value: 'b' },
          { key: 'c', value: '"}' },
        ],
      },
    ],
    ['without tags', {}],
    ['with empty tags', { tags: [] }],
    ['with tricky strings, numbers and keys, and tags', { ...tricky, tags: [{ key: 'k', value: '\\' }] }],
    ['with tricky strings, numbers and keys, no tags', tricky],
  ])('cuts the JSON of the parsed task out of the stored text, %s', (_name, extra) => {
    const stored = taskRecordJson(record(extra));
    for (const withTags of [true, false]) expect(cut(stored, withTags)).toBe(expected(stored, withTags));
  });

  it('cuts the task of a record with no other members and of one with many', () => {
    const bare = taskRecordJson({ task: { taskArn: 'x', tags: [] } } as unknown as TaskRecord);
    expect(bare).toBe('{"task":{"taskArn":"x","tags":[]}}');
    expect(cut(bare, false)).toBe('{"taskArn":"x"}');
    expect(cut(bare, true)).toBe('{"taskArn":"x","tags":[]}');
    const many = taskRecordJson({
      ...record({ tags: [{ key: 'k', value: 'v' }] }),
      stopCause: { kind: 'tags' },
      eni: { tags: [{ key: 'x', value: 'y' }] },
    } as unknown as TaskRecord);
    for (const withTags of [true, false]) expect(cut(many, withTags)).toBe(expected(many, withTags));
  });

  it('matches JSON.stringify over generated tasks', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = [
      'a',
      '"',
      '\\',
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      'é',
      '✓',
      '\n',
      '\u0001',
      '\ud83d',
      'tags',
    ];
    const text = () =>
      Array.from(
        { length: Math.floor(next() * 8) },
        () => alphabet[Math.floor(next() * alphabet.length)],
      ).join('');
    const value = (depth: number): unknown => {
      const k = Math.floor(next() * (depth > 3 ? 3 : 6));
      if (k === 0) return text();
      if (k === 1) return Math.round((next() - 0.5) * 1e6) / 100;
      if (k === 2) return next() < 0.5;
      if (k === 3) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      if (k === 4) return null;
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 4) }, () => [text(), value(depth + 1)]),
      );
    };
    for (let n = 0; n < 500; n++) {
      const task: Record<string, unknown> = {};
      for (let m = Math.floor(next() * 6); m > 0; m--) task[text()] = value(0);
      if (next() < 0.7) task.tags = [{ key: text(), value: text() }];
      const stored = taskRecordJson(record(task));
      for (const withTags of [true, false]) expect(cut(stored, withTags)).toBe(expected(stored, withTags));
    }
  });

  it('declines a text not laid out as taskRecordJson writes it', () => {
    const r = record({ tags: [{ key: 'k', value: 'v' }] });
    // The task not first, or its tags not last (JSON.stringify of a record built so).
    expect(cut(JSON.stringify({ region: 'r', task: r.task }), false)).toBeUndefined();
    const tagsFirst = { task: { tags: [], taskArn: 'x' }, region: 'r' };
    expect(cut(JSON.stringify(tagsFirst), false)).toBeUndefined();
    const tagsInside = { task: { taskArn: 'x', tags: [], lastStatus: 'RUNNING' }, region: 'r' };
    expect(cut(JSON.stringify(tagsInside), false)).toBeUndefined();
    expect(cut(JSON.stringify(tagsInside), true)).toBeUndefined();
    // Cut short, or not JSON at all.
    expect(cut('{"task":{"taskArn":"x', true)).toBeUndefined();
    expect(cut('{"task":', true)).toBeUndefined();
    expect(cut('', false)).toBeUndefined();
  });
});
