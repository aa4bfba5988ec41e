import { afterEach, describe, expect, it } from 'vitest';
import { ecsCollections, type TaskRecord } from '../ecs/model';
import { ManualClock } from '../common/clock';
import { AwsError } from '../protocol/errors';
import { Db } from '../store/db';
import { createAgentHost, type AgentHost } from './host';
import { instanceRecord, placeTask, testDeps, waitFor } from './test-fixtures';

interface Call {
  action: string;
  input: Record<string, unknown>;
  region?: string;
}

const hosts: { host: AgentHost; db: Db }[] = [];
afterEach(async () => {
  for (const { host, db } of hosts.splice(0)) {
    await host.stop();
    db.close();
  }
});

function setup(respond: (call: Call) => unknown = () => ({}), clock?: ManualClock) {
  const db = new Db(null);
  const deps = testDeps(db);
  if (clock) deps.clock = clock;
  const calls: Call[] = [];
  deps.services = {
    call: async <T>(
      _service: string,
      action: string,
      input: unknown,
      ctx?: { region?: string },
    ): Promise<T> => {
      const call = { action, input: input as Record<string, unknown>, region: ctx?.region };
      calls.push(call);
      return respond(call) as T;
    },
  };
  const host = createAgentHost(deps);
  hosts.push({ host, db });
  return { db, deps, host, calls, col: ecsCollections(db) };
}

const running = (userData: string, instanceId = 'i-0aaaaaaaaaaaaaaaa') => ({
  instanceId,
  instanceType: 't2.micro',
  address: '127.78.0.9',
  userData: Buffer.from(userData).toString('base64'),
  region: 'eu-west-1',
  accountId: '000000000000',
  availabilityZone: 'eu-west-1a',
  vcpus: 1,
  memoryMiB: 1024,
});

describe('agent host', () => {
  it('registers an instance whose UserData names a cluster, in the instance region', async () => {
    const s = setup();
    await s.host.start();
    s.deps.bus.emit('ec2.instance.running', running('echo ECS_CLUSTER=web >> /etc/ecs/ecs.config'));
    await waitFor(() => s.calls.length > 0, 2000, 'registration');
    expect(s.calls.map((c) => c.action)).toEqual(['RegisterContainerInstance']);
    expect(s.calls[0]?.region).toBe('eu-west-1');
    expect(s.calls[0]?.input).toMatchObject({
      cluster: 'web',
      versionInfo: { dockerVersion: expect.any(String) },
    });
  });

  it('creates the default cluster first, and runs no agent without ECS UserData', async () => {
    const s = setup();
    await s.host.start();
    s.deps.bus.emit(
      'ec2.instance.running',
      running('#!/bin/bash\nyum install -y nginx', 'i-0bbbbbbbbbbbbbbbb'),
    );
    s.deps.bus.emit('ec2.instance.running', running('echo ECS_ENABLE_TASK_ENI=true >> /etc/ecs/ecs.config'));
    await waitFor(() => s.calls.length >= 2, 2000, 'registration');
    expect(s.calls.map((c) => [c.action, c.input.clusterName ?? c.input.cluster])).toEqual([
      ['CreateCluster', 'default'],
      ['RegisterContainerInstance', 'default'],
    ]);
  });

  it('retries while the cluster does not exist, with backoff, as ecs-init restarts the agent', async () => {
    let attempts = 0;
    const clock = new ManualClock();
    const s = setup((c) => {
      if (c.action === 'RegisterContainerInstance' && ++attempts < 3) {
        throw new AwsError('ClusterNotFoundException', 'Cluster not found.', 400);
      }
      return {};
    }, clock);
    await s.host.start();
    s.deps.bus.emit('ec2.instance.running', running('echo ECS_CLUSTER=later >> /etc/ecs/ecs.config'));
    await s.host.idle();
    expect(attempts).toBe(1);
    clock.advance(499);
    await s.host.idle();
    expect(attempts).toBe(1);
    clock.advance(1);
    await s.host.idle();
    expect(attempts).toBe(2);
    clock.advance(1000); // the delay doubles
    await s.host.idle();
    expect(attempts).toBe(3);
    expect(s.deps.logs.filter((l) => l.startsWith('agent: instance: failed, retrying')).length).toBe(2);
    clock.advance(60_000);
    await s.host.idle();
    expect(attempts).toBe(3);
  });

  it('stops the tasks of a terminated instance and deregisters it with force', async () => {
    const s = setup();
    const ci = instanceRecord(7, '127.77.3.1');
    ci.containerInstance.ec2InstanceId = 'i-0ccccccccccccccccc';
    ci.region = 'eu-west-1';
    const rec = placeTask({ instance: ci });
    s.col.containerInstances.put(ci.containerInstance.containerInstanceArn, ci);
    s.col.tasks.put(rec.task.taskArn, rec);
    await s.host.start();
    s.deps.bus.emit('ec2.instance.terminated', {
      instanceId: 'i-0ccccccccccccccccc',
      region: 'eu-west-1',
      accountId: '000000000000',
    });
    await waitFor(
      () => s.calls.some((c) => c.action === 'DeregisterContainerInstance'),
      2000,
      'deregistration',
    );
    expect(s.calls.find((c) => c.action === 'DeregisterContainerInstance')).toMatchObject({
      action: 'DeregisterContainerInstance',
      input: {
        cluster: ci.clusterArn,
        containerInstance: ci.containerInstance.containerInstanceArn,
        force: true,
      },
      region: 'eu-west-1',
    });
    const stopped = s.col.tasks.get(rec.task.taskArn) as TaskRecord;
    expect(stopped.task).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'TerminationNotice',
      stoppedReason: 'Host EC2 (instance i-0ccccccccccccccccc) terminated.',
    });
  });

  it('after a restart, cleans up instances whose EC2 instance terminated while it was down', async () => {
    const s = setup((c) =>
      c.action === 'DescribeInstances'
        ? { Reservations: [{ Instances: [{ InstanceId: 'i-0ddddddddddddddddd' }] }] }
        : {},
    );
    const ci = instanceRecord(8, '127.77.3.2');
    ci.containerInstance.ec2InstanceId = 'i-0ddddddddddddddddd';
    const rec = placeTask({ instance: ci });
    s.col.containerInstances.put(ci.containerInstance.containerInstanceArn, ci);
    s.col.tasks.put(rec.task.taskArn, rec);
    await s.host.start();
    await waitFor(
      () => s.calls.some((c) => c.action === 'DeregisterContainerInstance'),
      2000,
      'deregistration',
    );
    expect(s.calls[0]).toMatchObject({
      action: 'DescribeInstances',
      input: { Filters: [{ Name: 'instance-state-name', Values: ['terminated'] }] },
    });
    expect(s.col.tasks.get(rec.task.taskArn)?.task.stopCode).toBe('TerminationNotice');
  });
});
