import { describe, expect, it } from 'vitest';
import { TRANSITION_POLL_MS } from '../poll';
import { SERVICE_POLL, servicesPollMs } from './service-poll';

const steady = {
  status: 'ACTIVE',
  desiredCount: 2,
  runningCount: 2,
  pendingCount: 0,
  deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' as const }],
};

describe('servicesPollMs', () => {
  it('uses the services-stable waiter cadence when everything is steady', () => {
    expect(servicesPollMs([steady])).toBe(SERVICE_POLL.settled);
  });
  it('polls fast while a deployment rolls, tasks are pending or counts differ', () => {
    expect(
      servicesPollMs([
        steady,
        { ...steady, deployments: [{ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }] },
      ]),
    ).toBe(TRANSITION_POLL_MS);
    expect(servicesPollMs([{ ...steady, pendingCount: 1 }])).toBe(TRANSITION_POLL_MS);
    expect(servicesPollMs([{ ...steady, runningCount: 1 }])).toBe(TRANSITION_POLL_MS);
    expect(servicesPollMs([{ ...steady, status: 'DRAINING' }])).toBe(TRANSITION_POLL_MS);
  });
});
