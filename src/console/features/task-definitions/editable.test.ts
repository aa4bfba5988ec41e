import { describe, expect, it } from 'vitest';
import { editableJson, parseRegisterInput } from './editable';

describe('editableJson', () => {
  it('drops what ECS sets on a revision', () => {
    const text = editableJson({
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:2',
      family: 'web',
      revision: 2,
      status: 'ACTIVE',
      containerDefinitions: [{ name: 'web', image: 'nginx' }],
      registeredAt: new Date(0),
    });
    expect(JSON.parse(text)).toEqual({
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'nginx' }],
    });
  });
});

describe('parseRegisterInput', () => {
  it('reports invalid JSON', () => {
    const r = parseRegisterInput('{"family": ');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^Invalid JSON/);
  });
  it('needs a family and at least one container', () => {
    const r = parseRegisterInput('{"containerDefinitions": []}');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.some((e) => e.startsWith('family'))).toBe(true);
      expect(r.errors.some((e) => e.includes('at least one container'))).toBe(true);
    }
  });
  it('keeps every other field for the server to validate', () => {
    const r = parseRegisterInput(
      '{"family":"web","cpu":"256","containerDefinitions":[{"name":"a","image":"x"}]}',
    );
    expect(r.ok && r.value['cpu']).toBe('256');
  });
});
