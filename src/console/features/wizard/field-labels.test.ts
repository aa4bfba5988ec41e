import { describe, expect, it } from 'vitest';
import { fieldLabel } from './field-labels';

describe('fieldLabel', () => {
  it('names fields with their container, mapping, variable or rule', () => {
    expect(fieldLabel('taskDefinition.family')).toBe('Task definition name');
    expect(fieldLabel('taskDefinition.containers.0.name')).toBe('Container 1: name');
    expect(fieldLabel('taskDefinition.containers.1.portMappings.0.hostPort')).toBe(
      'Container 2, port mapping 1: host port',
    );
    expect(fieldLabel('taskDefinition.containers.0.environment.2.name')).toBe(
      'Container 1, variable 3: name',
    );
    expect(fieldLabel('taskDefinition.containers.0.links.0')).toBe('Container 1, link 1');
    expect(fieldLabel('taskDefinition.containers')).toBe('Containers');
    expect(fieldLabel('service.name')).toBe('Service name');
    expect(fieldLabel('service.loadBalancer.containerPort')).toBe('Load balancer: container port');
    expect(fieldLabel('taskDefinition.containers.0.logConfiguration.logDriver')).toBe(
      'Container 1, log configuration: log driver',
    );
    expect(fieldLabel('cluster.ingress.0.cidr')).toBe('Inbound rule 1: source CIDR');
    expect(fieldLabel('cluster.instanceCount')).toBe('Number of instances');
  });
});
