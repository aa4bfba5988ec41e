/** ECS input checked against the service model (the endpoint does it for every action). */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../protocol/errors';
import { checkInput } from '../protocol/model/validate';
import { ecsValidation } from '../protocol/model/validation-styles';
import { ECS_ACTIONS } from './provider';
import { model } from './shapes.gen';

const validateInput = (action: string, input: unknown) => checkInput(model, action, input, ecsValidation);

function errorOf(action: string, input: unknown): { code: string; message: string } | null {
  try {
    validateInput(action, input);
    return null;
  } catch (e) {
    if (!(e instanceof AwsError)) throw e;
    return { code: e.code, message: e.message };
  }
}

describe('ECS input against the model', () => {
  it('has a model input shape for every action the provider serves', () => {
    for (const action of ECS_ACTIONS) expect(model.operations[action]?.input, action).toBeDefined();
  });

  it('drops unknown members and null values, keeps the rest', () => {
    const out = validateInput('RunTask', {
      taskDefinition: 'td',
      count: 2,
      surprise: { a: 1 },
      group: null,
      overrides: { containerOverrides: [{ name: 'app', command: ['a'], extra: true }] },
    });
    expect(out).toEqual({
      taskDefinition: 'td',
      count: 2,
      overrides: { containerOverrides: [{ name: 'app', command: ['a'] }] },
    });
  });

  it.each([
    ['CreateCluster', { clusterName: 5 }, 'NUMBER_VALUE can not be converted to a String'],
    ['CreateCluster', { clusterName: ['a'] }, 'Start of list found where not expected.'],
    ['CreateCluster', { tags: {} }, 'Start of structure or map found where not expected.'],
    ['RunTask', { taskDefinition: 'x', count: '1' }, 'STRING_VALUE can not be converted to an Integer'],
    ['RunTask', { taskDefinition: 'x', count: 2.5 }, 'can not be converted to an Integer'],
    ['RunTask', { taskDefinition: 'x', count: 2 ** 31 }, 'can not be converted to an Integer'],
    [
      'DeregisterContainerInstance',
      { containerInstance: 'x', force: 'yes' },
      'STRING_VALUE can not be converted to a Boolean',
    ],
    ['DescribeTasks', { tasks: ['a', null] }, 'Null value found in list'],
    [
      'RegisterTaskDefinition',
      { family: 'f', containerDefinitions: [{ portMappings: [{ containerPort: true }] }] },
      'TRUE_VALUE',
    ],
  ])('%s %j is a SerializationException', (action, input, message) => {
    const err = errorOf(action, input);
    expect(err?.code).toBe('SerializationException');
    expect(err?.message).toContain(message);
  });

  it.each([
    ['RegisterTaskDefinition', { family: 'f' }, 'containerDefinitions can not be null or empty.'],
    ['StopTask', {}, 'task can not be null or empty.'],
    ['ListTasks', { desiredStatus: 'SLEEPING' }, "Invalid value 'SLEEPING' for desiredStatus"],
    [
      'TagResource',
      { resourceArn: 'a', tags: [{ key: 'k'.repeat(129), value: 'v' }] },
      'at most 128 character',
    ],
    ['PutAttributes', { attributes: [{ value: 'v' }] }, 'attributes[0].name can not be null or empty.'],
  ])('%s %j is an InvalidParameterException', (action, input, message) => {
    const err = errorOf(action, input);
    expect(err?.code).toBe('InvalidParameterException');
    expect(err?.message).toContain(message);
  });

  it('keeps map keys such as __proto__ as plain keys', () => {
    const input = JSON.parse(
      '{"family":"f","containerDefinitions":[{"name":"a","image":"i","memory":8,"dockerLabels":{"__proto__":"x","k":"v"}}]}',
    ) as unknown;
    const out = validateInput('RegisterTaskDefinition', input) as {
      containerDefinitions: { dockerLabels: Record<string, string> }[];
    };
    const labels = out.containerDefinitions[0]?.dockerLabels ?? {};
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(JSON.stringify(labels)).toBe('{"__proto__":"x","k":"v"}');
  });

  it('treats a missing body as an empty request', () => {
    expect(validateInput('ListClusters', undefined)).toEqual({});
  });
});
