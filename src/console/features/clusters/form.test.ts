import { describe, expect, it } from 'vitest';
import { clusterCalls, clusterFormSchema, emptyClusterForm } from './form';

describe('create cluster', () => {
  it('EC2: the cluster, then the stack of its Auto Scaling group (the wizard template)', () => {
    const calls = clusterCalls({ ...emptyClusterForm, name: 'prod', instanceCount: '2', keyName: 'ops' });
    expect(calls.map((c) => c.operation)).toEqual(['CreateCluster', 'CreateStack']);
    expect(calls[0]?.input).toEqual({ clusterName: 'prod' });
    const stack = calls[1]?.input as { StackName: string; TemplateBody: string; Parameters: unknown[] };
    expect(stack.StackName).toBe('EC2ContainerService-prod');
    const template = JSON.parse(stack.TemplateBody);
    expect(template.Resources.EcsInstanceAsg.Type).toBe('AWS::AutoScaling::AutoScalingGroup');
    expect(template.Resources).not.toHaveProperty('EcsElasticLoadBalancer');
    expect(stack.Parameters).toContainEqual({ ParameterKey: 'AsgMaxSize', ParameterValue: '2' });
    expect(stack.Parameters).toContainEqual({ ParameterKey: 'KeyName', ParameterValue: 'ops' });
  });
  it('Fargate-only asks for the Fargate capacity providers; empty is the cluster alone', () => {
    const fargate = clusterCalls({
      ...emptyClusterForm,
      name: 'f',
      infrastructure: 'fargate',
      containerInsights: true,
    });
    expect(fargate).toEqual([
      {
        service: 'ecs',
        operation: 'CreateCluster',
        input: {
          clusterName: 'f',
          settings: [{ name: 'containerInsights', value: 'enabled' }],
          capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
          defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
        },
      },
    ]);
    expect(clusterCalls({ ...emptyClusterForm, name: 'e', infrastructure: 'empty' })).toHaveLength(1);
    expect(
      clusterFormSchema.safeParse({ ...emptyClusterForm, name: 'x y', ingressCidr: 'nope' }).error?.issues,
    ).toHaveLength(2);
  });
});
