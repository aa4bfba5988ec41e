import { describe, expect, it } from 'vitest';
import { deploymentSettings } from './service-page';

describe('deploymentSettings', () => {
  it('names the bounds and the circuit breaker', () => {
    expect(deploymentSettings({})).toBe('Minimum healthy 100 % · maximum 200 % · circuit breaker off');
    expect(
      deploymentSettings({
        deploymentConfiguration: {
          minimumHealthyPercent: 50,
          maximumPercent: 100,
          deploymentCircuitBreaker: { enable: true, rollback: true },
        },
      }),
    ).toBe('Minimum healthy 50 % · maximum 100 % · circuit breaker on, with rollback');
  });
});
