import { describe, expect, it } from 'vitest';
import { lifecycleSteps, sinceCreated } from './lifecycle';

describe('lifecycleSteps', () => {
  it('lists the seven timestamps in ECS order, unset ones included', () => {
    const t = { createdAt: new Date(0), startedAt: new Date(2500) };
    const steps = lifecycleSteps(t);
    expect(steps.map((s) => s.id)).toEqual([
      'createdAt',
      'pullStartedAt',
      'pullStoppedAt',
      'startedAt',
      'stoppingAt',
      'executionStoppedAt',
      'stoppedAt',
    ]);
    expect(steps.filter((s) => s.at).map((s) => sinceCreated(t, s.at))).toEqual(['+0 ms', '+2.5 s']);
  });
});
