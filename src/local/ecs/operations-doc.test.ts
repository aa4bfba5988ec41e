/**
 * docs/ecs-operations.md matches the code (UPDATE_DOCS=1 rewrites it), every operation of the ECS
 * model is served or answered as unavailable (with a reason), and at least 55 are served for real.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PENDING_ELSEWHERE, ecsOperationsDoc, servedOperations } from './operations-doc';
import { ECS_ACTIONS } from './provider';
import { model, modelOperations } from './shapes.gen';
import { UNAVAILABLE } from './unavailable';

const DOC = new URL('../../../docs/ecs-operations.md', import.meta.url);

describe('ECS operations', () => {
  it('every operation of the model is served, answered as unavailable, or pending elsewhere', () => {
    const missing = modelOperations.filter((op) => !ECS_ACTIONS.includes(op) && !PENDING_ELSEWHERE.has(op));
    expect(missing).toEqual([]);
    for (const op of UNAVAILABLE.keys()) {
      expect(ECS_ACTIONS, op).toContain(op);
      expect(model.operations[op], op).toBeDefined();
    }
    for (const op of ECS_ACTIONS) expect(modelOperations, op).toContain(op);
    expect(servedOperations().length + PENDING_ELSEWHERE.size).toBeGreaterThanOrEqual(55);
  });

  it('docs/ecs-operations.md is the generated one', () => {
    const text = ecsOperationsDoc();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, text);
    expect(readFileSync(DOC, 'utf8')).toBe(text);
  });
});
