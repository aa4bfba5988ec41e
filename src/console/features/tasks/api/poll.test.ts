import { describe, expect, it } from 'vitest';
import { TRANSITION_POLL_MS } from '../../../aws/poll';
import { TASKS_POLL_MS, tasksPollMs } from './poll';

describe('tasksPollMs', () => {
  it('uses the tasks waiter cadence for settled tasks', () => {
    expect(tasksPollMs([{ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }])).toBe(TASKS_POLL_MS);
    expect(tasksPollMs([{ lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }])).toBe(TASKS_POLL_MS);
  });
  it.each(['PROVISIONING', 'PENDING', 'ACTIVATING', 'DEACTIVATING', 'STOPPING'])('polls fast for %s', (s) => {
    expect(tasksPollMs([{ lastStatus: 'RUNNING' }, { lastStatus: s }])).toBe(TRANSITION_POLL_MS);
  });
  it('polls fast for a running task asked to stop', () => {
    expect(tasksPollMs([{ lastStatus: 'RUNNING', desiredStatus: 'STOPPED' }])).toBe(TRANSITION_POLL_MS);
  });
});
