import { describe, expect, it } from 'vitest';
import { registeredMemoryMiB } from '../../facts/container-instance';
import { clusterFromUserData, registrationInput } from './registration';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('clusterFromUserData', () => {
  it('reads ECS_CLUSTER from base64 UserData as the wizard template writes it', () => {
    expect(
      clusterFromUserData(b64('#!/bin/bash\necho ECS_CLUSTER=my-cluster >> /etc/ecs/ecs.config\n')),
    ).toBe('my-cluster');
    expect(clusterFromUserData(b64('#!/bin/bash\necho "ECS_CLUSTER=quoted_1" >> /etc/ecs/ecs.config'))).toBe(
      'quoted_1',
    );
  });
  it('joins default when the agent is configured without a cluster, and nothing otherwise', () => {
    expect(clusterFromUserData(b64('echo ECS_ENABLE_TASK_IAM_ROLE=true >> /etc/ecs/ecs.config'))).toBe(
      'default',
    );
    expect(clusterFromUserData(b64('#!/bin/bash\nyum install -y httpd\n'))).toBeNull();
    expect(clusterFromUserData('')).toBeNull();
  });
  it('accepts UserData that is not base64', () => {
    expect(clusterFromUserData('#!/bin/bash\necho ECS_CLUSTER=plain >> /etc/ecs/ecs.config')).toBe('plain');
  });
});

describe('registrationInput', () => {
  it('offers 1024 CPU units per vCPU, the memory less the OS share, and the reserved ports', () => {
    const input = registrationInput('default', {
      instanceId: 'i-0123456789abcdef0',
      instanceType: 't2.micro',
      address: '127.1.0.1',
      region: 'us-east-1',
      accountId: '000000000000',
      availabilityZone: 'us-east-1a',
      vcpus: 1,
      memoryMiB: 1024,
    });
    expect(registeredMemoryMiB(1024)).toBe(993);
    expect(input.totalResources).toEqual([
      { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: 993 },
      {
        name: 'PORTS',
        type: 'STRINGSET',
        stringSetValue: ['22', '2375', '2376', '51678', '51679', '51680'],
      },
      { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
    ]);
    expect(JSON.parse(input.instanceIdentityDocument)).toMatchObject({
      instanceId: 'i-0123456789abcdef0',
      privateIp: '127.1.0.1',
      instanceType: 't2.micro',
      availabilityZone: 'us-east-1a',
      region: 'us-east-1',
      accountId: '000000000000',
    });
    expect(input.versionInfo.agentVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
