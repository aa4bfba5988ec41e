import { describe, expect, it } from 'vitest';
import { TRANSITION_POLL_MS } from '../../../aws/poll';
import { INSTANCES_POLL_MS, containerInstancesQuery, instancesPollMs } from './list-container-instances';

describe('instancesPollMs', () => {
  it('is slow for settled instances and fast while one drains with tasks left', () => {
    expect(instancesPollMs([{ status: 'ACTIVE', runningTasksCount: 3, pendingTasksCount: 0 }])).toBe(
      INSTANCES_POLL_MS,
    );
    expect(instancesPollMs([{ status: 'DRAINING', runningTasksCount: 1 }])).toBe(TRANSITION_POLL_MS);
    expect(instancesPollMs([{ status: 'DRAINING', runningTasksCount: 0 }])).toBe(INSTANCES_POLL_MS);
  });
  it('reads the instances again whenever the tab is opened, however recent the cached counts', () => {
    expect(containerInstancesQuery('us-east-1', 'web').refetchOnMount).toBe('always');
  });
});
