import { describe, expect, it } from 'vitest';
import { errorAt, errorsUnder, fieldId, flattenErrors } from './form-errors';

const errors = {
  taskDefinition: {
    family: { type: 'custom', message: 'Enter a task definition name.' },
    containers: [
      {
        memory: { type: 'custom', message: 'Set a memory limit.' },
        links: [undefined, { message: 'No such container.' }],
      },
    ],
  },
  cluster: { ingress: { root: { message: 'Too many rules.' } } },
};

describe('form errors', () => {
  it('flattens nested and array errors with their paths', () => {
    expect(flattenErrors(errors)).toEqual([
      { path: 'taskDefinition.family', message: 'Enter a task definition name.' },
      { path: 'taskDefinition.containers.0.memory', message: 'Set a memory limit.' },
      { path: 'taskDefinition.containers.0.links.1', message: 'No such container.' },
      { path: 'cluster.ingress', message: 'Too many rules.' },
    ]);
  });
  it('reads one field and everything under a field', () => {
    expect(errorAt(errors, 'taskDefinition.containers.0.memory')).toBe('Set a memory limit.');
    expect(errorAt(errors, 'taskDefinition.containers.0.cpu')).toBeUndefined();
    expect(errorAt(errors, 'cluster.ingress')).toBe('Too many rules.');
    expect(errorsUnder(errors, 'taskDefinition.containers.0.links')).toBe('No such container.');
  });
  it('makes DOM ids from paths', () => {
    expect(fieldId('service.loadBalancer.containerName')).toBe('f-service-loadBalancer-containerName');
    expect(fieldId('service.loadBalancer.containerPort')).toBe('f-service-loadBalancer-containerName');
  });
});
