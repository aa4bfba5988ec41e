import { describe, expect, it } from 'vitest';
import { minHealthy, minimumHealthyToStopOne, rolloutBlocked } from './rollout';

describe('rolloutBlocked', () => {
  it('the wizard defaults at 3 tasks on 3 instances with a fixed host port are blocked', () => {
    expect(rolloutBlocked({ desired: 3, capacity: 3, minimumHealthyPercent: 100, maximumPercent: 200 })).toBe(
      true,
    );
  });
  it('room for one more task, or leave to stop one first, unblocks it', () => {
    expect(rolloutBlocked({ desired: 3, capacity: 4, minimumHealthyPercent: 100, maximumPercent: 200 })).toBe(
      false,
    );
    expect(rolloutBlocked({ desired: 3, capacity: 3, minimumHealthyPercent: 66, maximumPercent: 200 })).toBe(
      false,
    );
    // Room, but the maximum percent allows no extra task.
    expect(rolloutBlocked({ desired: 3, capacity: 6, minimumHealthyPercent: 100, maximumPercent: 100 })).toBe(
      true,
    );
    expect(rolloutBlocked({ desired: 0, capacity: 0, minimumHealthyPercent: 100, maximumPercent: 200 })).toBe(
      false,
    );
  });
  it('suggests the highest minimum healthy percent that frees one task', () => {
    for (const desired of [1, 2, 3, 7, 10]) {
      const min = minimumHealthyToStopOne(desired);
      expect(minHealthy({ desired, minimumHealthyPercent: min, maximumPercent: 200, capacity: 0 })).toBe(
        desired - 1,
      );
      expect(minHealthy({ desired, minimumHealthyPercent: min + 1, maximumPercent: 200, capacity: 0 })).toBe(
        desired === 1 ? 1 : desired,
      );
    }
  });
});
