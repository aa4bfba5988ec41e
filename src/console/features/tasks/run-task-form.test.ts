import { describe, expect, it } from 'vitest';
import { emptyRunTaskForm, runTaskFormSchema, toRunTaskInput } from './run-task-form';

describe('run task form', () => {
  it('sends the count, the launch type and the overrides of command and environment', () => {
    const v = {
      ...emptyRunTaskForm('web'),
      count: '2',
      overrides: [{ name: 'web', command: 'sh\n-c\necho hi', environment: 'MODE=once\nURL=http://x/?a=b' }],
    };
    expect(runTaskFormSchema.safeParse(v).success).toBe(true);
    expect(toRunTaskInput('prod', v)).toEqual({
      cluster: 'prod',
      taskDefinition: 'web',
      count: 2,
      launchType: 'EC2',
      overrides: {
        containerOverrides: [
          {
            name: 'web',
            command: ['sh', '-c', 'echo hi'],
            environment: [
              { name: 'MODE', value: 'once' },
              { name: 'URL', value: 'http://x/?a=b' },
            ],
          },
        ],
      },
    });
  });
  it('Fargate through a capacity provider strategy and awsvpc', () => {
    const v = {
      ...emptyRunTaskForm('web'),
      revision: '3',
      compute: 'capacityProviders' as const,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: '1', base: '1' }],
      awsvpc: true,
      subnets: 'subnet-a',
      assignPublicIp: true,
    };
    expect(toRunTaskInput('prod', v)).toEqual({
      cluster: 'prod',
      taskDefinition: 'web:3',
      count: 1,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }],
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'], assignPublicIp: 'ENABLED' } },
    });
  });
  it('reports bad environment lines and a missing subnet together', () => {
    const v = {
      ...emptyRunTaskForm('web'),
      awsvpc: true,
      overrides: [{ name: 'web', command: '', environment: 'not a var' }],
    };
    expect(runTaskFormSchema.safeParse(v).error?.issues.map((i) => i.path.join('.'))).toEqual([
      'overrides.0.environment',
      'subnets',
    ]);
  });
});
