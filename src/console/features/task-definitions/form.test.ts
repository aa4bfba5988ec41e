import { describe, expect, it } from 'vitest';
import {
  emptyTaskDefinitionForm,
  formFromTaskDefinition,
  taskDefinitionFormSchema,
  toRegisterInput,
  withDynamicHostPorts,
} from './form';

describe('task definition form', () => {
  it('sends awslogs by default, as the AWS console does, and leaves empty fields out', () => {
    const v = emptyTaskDefinitionForm('us-east-1', 'web');
    expect(taskDefinitionFormSchema.safeParse(v).success).toBe(true);
    expect(toRegisterInput(v)).toEqual({
      family: 'web',
      networkMode: 'bridge',
      requiresCompatibilities: ['EC2'],
      containerDefinitions: [
        {
          name: 'web',
          image: 'httpd:2.4',
          essential: true,
          cpu: 128,
          memory: 256,
          portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/ecs/web',
              'awslogs-region': 'us-east-1',
              'awslogs-stream-prefix': 'ecs',
              'awslogs-create-group': 'true',
            },
          },
        },
      ],
    });
  });

  it('round-trips a revision, keeping the fields the form does not edit', () => {
    const td = {
      family: 'api',
      revision: 3,
      status: 'ACTIVE' as const,
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/api:3',
      volumes: [{ name: 'data' }],
      containerDefinitions: [
        {
          name: 'api',
          image: 'nginx',
          memory: 128,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' as const }],
          mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }],
          healthCheck: { command: ['CMD-SHELL', 'true'], interval: 10 },
        },
      ],
    };
    const v = formFromTaskDefinition(td, [{ key: 'team', value: 'a' }], 'us-east-1');
    const input = toRegisterInput(v);
    expect(input).toMatchObject({
      family: 'api',
      volumes: [{ name: 'data' }],
      tags: [{ key: 'team', value: 'a' }],
      containerDefinitions: [
        {
          mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }],
          healthCheck: { command: ['CMD-SHELL', 'true'], interval: 10 },
          portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
        },
      ],
    });
    expect(input).not.toHaveProperty('revision');
    expect(input).not.toHaveProperty('taskDefinitionArn');
    expect(toRegisterInput(withDynamicHostPorts(v))).toMatchObject({
      containerDefinitions: [{ portMappings: [{ containerPort: 80, hostPort: 0 }] }],
    });
  });

  it('reports every problem at once', () => {
    const v = emptyTaskDefinitionForm('us-east-1', 'bad family');
    const c = v.containers[0]!;
    v.containers = [
      { ...c, image: '', memory: '' },
      { ...c, essential: false },
    ];
    const r = taskDefinitionFormSchema.safeParse(v);
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual(['containers.0.image', 'containers.0.memory', 'containers.1.name', 'family']);
  });
});
