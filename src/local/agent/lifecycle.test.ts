import { describe, expect, it } from 'vitest';
import { applyTransition, kill, nextStatus } from './lifecycle';
import { instanceRecord, placeTask, tcp } from './test-fixtures';

describe('nextStatus', () => {
  it('walks up to RUNNING while RUNNING is wanted, and rests there', () => {
    expect(nextStatus('PROVISIONING', 'RUNNING')).toBe('PENDING');
    expect(nextStatus('PENDING', 'RUNNING')).toBe('ACTIVATING');
    expect(nextStatus('ACTIVATING', 'RUNNING')).toBe('RUNNING');
    expect(nextStatus('RUNNING', 'RUNNING')).toBeNull();
  });
  it('walks down from RUNNING when STOPPED is wanted; before RUNNING it goes straight to STOPPED', () => {
    expect(nextStatus('RUNNING', 'STOPPED')).toBe('DEACTIVATING');
    expect(nextStatus('DEACTIVATING', 'STOPPED')).toBe('STOPPING');
    expect(nextStatus('STOPPING', 'STOPPED')).toBe('DEPROVISIONING');
    expect(nextStatus('DEPROVISIONING', 'STOPPED')).toBe('STOPPED');
    for (const s of ['PROVISIONING', 'PENDING', 'ACTIVATING'])
      expect(nextStatus(s, 'STOPPED')).toBe('STOPPED');
    expect(nextStatus('STOPPED', 'STOPPED')).toBeNull();
  });
});

describe('applyTransition and kill', () => {
  const ci = instanceRecord(1, '127.77.0.1');
  const rec = placeTask({ instance: ci, ports: [tcp(8080)] });

  it('does not modify its argument and records history from the creation time', () => {
    const before = JSON.stringify(rec);
    const next = applyTransition(rec, { to: 'PENDING', nowMs: 1_000_000, stepMs: 20 });
    expect(JSON.stringify(rec)).toBe(before);
    expect(next.history).toEqual([
      { status: 'PROVISIONING', at: rec.task.createdAt },
      { status: 'PENDING', at: 1000 },
    ]);
    expect(next.nextTransitionAt).toBe(1_000_020);
  });

  it('kill marks running containers with the exit code and the task with the codes', () => {
    const running = applyTransition(
      { ...rec, task: { ...rec.task, lastStatus: 'ACTIVATING' } },
      { to: 'RUNNING', nowMs: 2_000_000, stepMs: 20 },
    );
    const k = kill(
      running,
      { stopCode: 'TerminationNotice', stoppedReason: 'Host EC2 (instance i-1) terminated.', exitCode: 137 },
      3_000_000,
    );
    expect(k.task).toMatchObject({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'TerminationNotice',
      stoppedAt: 3000,
    });
    expect(k.task.containers?.[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 137 });
    expect(k.nextTransitionAt).toBeUndefined();
  });
});
