import { describe, expect, it } from 'vitest';
import type { TaskRecord } from './model';
import { taskRecordJson, untaggedTaskJson } from './task-json';

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
    expect(untaggedTaskJson(r)).toBeUndefined();
    Object.freeze(r);
    const { tags: _tags, ...untagged } = r.task;
    expect(JSON.parse(untaggedTaskJson(r) ?? 'null')).toEqual(untagged);
  });
});
