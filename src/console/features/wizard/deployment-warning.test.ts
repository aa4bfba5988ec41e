import { describe, expect, it } from 'vitest';
import { defaultAnswers } from '../../../blueprint/answers';
import { firstDeploymentWarning } from './deployment-warning';

const answers = (desired: number, instances: number, min = 100) => {
  const a = structuredClone(defaultAnswers);
  a.service.desiredCount = desired;
  a.service.minimumHealthyPercent = min;
  a.cluster.instanceCount = instances;
  return a;
};

describe('firstDeploymentWarning', () => {
  it('warns for the defaults at 3 tasks on 3 instances (fixed host port 80, 100 % / 200 %)', () => {
    const w = firstDeploymentWarning(answers(3, 3));
    expect(w?.message).toContain('host port 80 is fixed, so each of the 3 instances runs one task');
    expect(w?.suggestedMinimum).toBe(66);
  });
  it('is quiet when there is room or the minimum allows stopping one first', () => {
    expect(firstDeploymentWarning(answers(1, 2))).toBeNull();
    expect(firstDeploymentWarning(answers(3, 3, 50))).toBeNull();
    const dynamic = answers(3, 3);
    dynamic.taskDefinition.containers[0]!.portMappings[0]!.hostPort = 0;
    expect(firstDeploymentWarning(dynamic)).toBeNull();
  });
});
