import { describe, expect, it } from 'vitest';
import {
  applyUrlChanges,
  emptyServiceForm,
  formFromService,
  serviceFormSchema,
  toCreateServiceInput,
  toUpdateServiceInput,
} from './form';

const service = {
  serviceName: 'web',
  taskDefinition: 'arn:aws:ecs:us-east-1:1:task-definition/web:3',
  desiredCount: 3,
  launchType: 'EC2' as const,
  schedulingStrategy: 'REPLICA' as const,
  deploymentConfiguration: {
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    deploymentCircuitBreaker: { enable: false, rollback: false },
  },
  placementStrategy: [{ type: 'spread' as const, field: 'instanceId' }],
};

describe('service form', () => {
  it('creates with what the form holds', () => {
    const v = { ...emptyServiceForm('web', '3'), serviceName: 'api', desiredCount: '2' };
    expect(serviceFormSchema.safeParse(v).success).toBe(true);
    expect(toCreateServiceInput('prod', v)).toEqual({
      cluster: 'prod',
      serviceName: 'api',
      taskDefinition: 'web:3',
      schedulingStrategy: 'REPLICA',
      desiredCount: 2,
      launchType: 'EC2',
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true },
      },
    });
    const fargate = {
      ...v,
      compute: 'capacityProviders' as const,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: '1', base: '' }],
      awsvpc: true,
      subnets: 'subnet-1, subnet-2',
      securityGroups: 'sg-1',
    };
    expect(toCreateServiceInput('prod', fargate)).toMatchObject({
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-1', 'subnet-2'],
          securityGroups: ['sg-1'],
          assignPublicIp: 'DISABLED',
        },
      },
    });
    expect(toCreateServiceInput('prod', fargate)).not.toHaveProperty('launchType');
  });

  it('updates only what changed, and says what', () => {
    const before = formFromService(service);
    expect(toUpdateServiceInput('prod', 'web', before, before)).toEqual({
      input: { cluster: 'prod', service: 'web' },
      changes: [],
    });
    const after = applyUrlChanges(before, new URLSearchParams('minimumHealthyPercent=66'));
    const { input, changes } = toUpdateServiceInput('prod', 'web', before, after);
    expect(input).toEqual({
      cluster: 'prod',
      service: 'web',
      deploymentConfiguration: {
        minimumHealthyPercent: 66,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: false, rollback: false },
      },
    });
    expect(changes.map((c) => c.field)).toEqual(['deploymentConfiguration']);
    const moved = applyUrlChanges(
      before,
      new URLSearchParams('taskDefinition=arn:aws:ecs:us-east-1:1:task-definition/web:4'),
    );
    expect(toUpdateServiceInput('prod', 'web', before, { ...moved, desiredCount: '4' }).input).toEqual({
      cluster: 'prod',
      service: 'web',
      desiredCount: 4,
      taskDefinition: 'web:4',
    });
  });

  it('reports every problem at once', () => {
    const v = {
      ...emptyServiceForm(),
      desiredCount: 'x',
      awsvpc: true,
      placementStrategy: [{ type: 'binpack' as const, field: '' }],
    };
    const paths = serviceFormSchema.safeParse(v).error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'serviceName',
        'family',
        'desiredCount',
        'subnets',
        'placementStrategy.0.field',
      ]),
    );
  });
});
