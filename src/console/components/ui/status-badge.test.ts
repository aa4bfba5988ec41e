import { describe, expect, it } from 'vitest';
import { statusTone } from './status-badge';

describe('statusTone', () => {
  it('colours ECS, CloudFormation and EC2 statuses', () => {
    expect(statusTone('ACTIVE')).toBe('success');
    expect(statusTone('CREATE_COMPLETE')).toBe('success');
    expect(statusTone('CREATE_IN_PROGRESS')).toBe('progress');
    expect(statusTone('PROVISIONING')).toBe('progress');
    expect(statusTone('ROLLBACK_COMPLETE')).toBe('danger');
    expect(statusTone('CREATE_FAILED')).toBe('danger');
    expect(statusTone('INACTIVE')).toBe('neutral');
    expect(statusTone('DELETE_COMPLETE')).toBe('neutral');
    expect(statusTone('SOMETHING_ELSE')).toBe('info');
  });
});
