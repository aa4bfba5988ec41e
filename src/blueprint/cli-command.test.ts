import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliCommand, cliOperation, cliScriptOf } from './cli-command';

describe('cliOperation', () => {
  it.each([
    ['CreateCluster', 'create-cluster'],
    ['RegisterTaskDefinition', 'register-task-definition'],
    ['UpdateContainerInstancesState', 'update-container-instances-state'],
    ['DescribeKeyPairs', 'describe-key-pairs'],
  ])('%s -> %s', (op, cli) => expect(cliOperation(op)).toBe(cli));
});

describe('cliCommand', () => {
  it('passes the exact input as --cli-input-json, quoted so bash hands it over unchanged', () => {
    const input = { cluster: "it's", serviceName: 'web', tags: [{ key: 'a b', value: '$HOME `x`' }] };
    const command = cliCommand({ service: 'ecs', operation: 'CreateService', input });
    expect(command.startsWith('aws ecs create-service --cli-input-json ')).toBe(true);
    const json = execFileSync('bash', ['-c', `set -- ${command.slice(4)}; printf '%s' "$4"`], {
      encoding: 'utf8',
    });
    expect(JSON.parse(json)).toEqual(input);
  });
  it('uses the CLI names of services and writes several calls as one script', () => {
    const script = cliScriptOf([
      { service: 'elasticloadbalancingv2', operation: 'DescribeTargetGroups', input: {} },
      { service: 'ecs', operation: 'StopTask', input: { task: 'a' } },
    ]);
    expect(script).toContain("aws elbv2 describe-target-groups --cli-input-json '{}'");
    expect(script.indexOf('describe-target-groups')).toBeLessThan(script.indexOf('stop-task'));
  });
});
