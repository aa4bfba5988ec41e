import { describe, expect, it } from 'vitest';
import { isConnectionFailure, liveness } from './liveness';

const network = new TypeError('Failed to fetch');
const answered = Object.assign(new Error('Cluster not found.'), {
  name: 'ClusterNotFoundException',
  $metadata: { httpStatusCode: 400 },
});

describe('liveness', () => {
  it('is unreachable when the newest outcome is a connection failure, and recovers with a success', () => {
    expect(liveness([{ dataUpdatedAt: 1000, errorUpdatedAt: 0, error: null }]).reachable).toBe(true);
    const down = liveness([
      { dataUpdatedAt: 1000, errorUpdatedAt: 5000, error: network },
      { dataUpdatedAt: 2000, errorUpdatedAt: 0, error: null },
    ]);
    expect(down).toMatchObject({ reachable: false, lastSuccessAt: 2000 });
    // A read that succeeds after the failure: reachable again.
    expect(liveness([{ dataUpdatedAt: 6000, errorUpdatedAt: 5000, error: network }]).reachable).toBe(true);
  });
  it('an answered error (4xx) is not a lost backend', () => {
    expect(liveness([{ dataUpdatedAt: 1000, errorUpdatedAt: 5000, error: answered }]).reachable).toBe(true);
    expect(isConnectionFailure(answered)).toBe(false);
    expect(isConnectionFailure(network)).toBe(true);
    expect(isConnectionFailure({ code: 'BadGateway', message: 'x', status: 502 })).toBe(true);
  });
});
