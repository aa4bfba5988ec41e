import { describe, expect, it } from 'vitest';
import { canRollBack, circuitBreakerVerdict, deploymentTone } from './deployment-history';

describe('the deployment history', () => {
  it('words the circuit breaker verdict', () => {
    expect(circuitBreakerVerdict({})).toBe('Off');
    expect(circuitBreakerVerdict({ deploymentCircuitBreaker: { status: 'DISABLED' } })).toBe('Off');
    expect(
      circuitBreakerVerdict({
        deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 },
      }),
    ).toBe('Triggered (3 of 3 failed tasks)');
    expect(
      circuitBreakerVerdict({
        deploymentCircuitBreaker: { status: 'MONITORING', failureCount: 1, threshold: 10 },
      }),
    ).toBe('Watching (1 of 10 failed tasks)');
    expect(
      circuitBreakerVerdict({
        deploymentCircuitBreaker: { status: 'MONITORING_COMPLETE', failureCount: 0, threshold: 10 },
      }),
    ).toBe('Passed (0 of 10 failed tasks)');
  });

  it('offers a rollback only for a deployment under way that has a revision to go back to', () => {
    const source = [{ arn: 'arn:aws:ecs:us-east-1:000000000000:service-revision/c/s/1' }];
    expect(canRollBack({ status: 'IN_PROGRESS', sourceServiceRevisions: source })).toBe(true);
    expect(canRollBack({ status: 'PENDING', sourceServiceRevisions: source })).toBe(true);
    expect(canRollBack({ status: 'IN_PROGRESS', sourceServiceRevisions: [] })).toBe(false);
    for (const status of ['SUCCESSFUL', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL', 'STOPPED'] as const)
      expect(canRollBack({ status, sourceServiceRevisions: source }), status).toBe(false);
  });

  it('gives each status its tone', () => {
    expect(deploymentTone('SUCCESSFUL')).toBe('success');
    expect(deploymentTone('ROLLBACK_SUCCESSFUL')).toBe('info');
    expect(deploymentTone('ROLLBACK_FAILED')).toBe('danger');
    expect(deploymentTone('STOPPED')).toBe('neutral');
    expect(deploymentTone('IN_PROGRESS')).toBe('progress');
  });
});
