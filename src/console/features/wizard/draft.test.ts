import { describe, expect, it } from 'vitest';
import { defaultAnswers } from '../../../blueprint/answers';
import { restoreDraft } from './draft';

describe('restoreDraft', () => {
  it('keeps a well-shaped draft, even with invalid values', () => {
    const draft = structuredClone(defaultAnswers);
    draft.taskDefinition.family = 'bad name!';
    expect(restoreDraft(draft)).toEqual(draft);
  });
  it('falls back to the defaults for anything else', () => {
    expect(restoreDraft(null)).toBe(defaultAnswers);
    expect(restoreDraft({ taskDefinition: {} })).toBe(defaultAnswers);
    expect(restoreDraft({ ...defaultAnswers, cluster: { ...defaultAnswers.cluster, ingress: 'x' } })).toBe(
      defaultAnswers,
    );
  });
});
