/**
 * Issue 3 acceptance: the seed walk-through with the AWS CLI alone, against the embedded control
 * plane over HTTP. A 2015-style stack brings up an Auto Scaling group of 3 instances whose agents join
 * the cluster named in UserData; a service of 3 lands one task per instance; every task answers
 * HTTP on its host port; the classic-ELB variant spreads requests over all three; deleting the
 * service and the stack leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { LocalControlPlane } from '../index';
import { startTestPlane, waitFor } from '../../testing/plane';
import { awsJson, requireTool } from '../../testing/tools';

// The 2015-style cluster stack, and its variant with a classic ELB (and an ALB), from the CloudFormation fixtures.
const fixture = (name: string) =>
  fileURLToPath(new URL(`../cloudformation/fixtures/${name}`, import.meta.url));
const haveCli = requireTool('aws', 'walk-through with the AWS CLI');

/** Polls every 300 ms (the CLI is slow) for up to `timeoutMs`. */
const until = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> =>
  waitFor(fn, timeoutMs, 300, what);

async function httpText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return `${res.status} ${await res.text()}`;
}

interface Stack {
  StackStatus: string;
  Outputs?: { OutputKey: string; OutputValue: string }[];
}

describe.skipIf(!haveCli)('seed walk-through with the AWS CLI', () => {
  let plane: LocalControlPlane;
  let url: string;

  beforeAll(async () => {
    ({ plane, url } = await startTestPlane({ resyncMs: 500 }));
  });
  afterAll(async () => {
    await plane?.stop();
  });

  const aws = <T = Record<string, unknown>>(...args: string[]) => awsJson<T>(url, args);

  async function stackUp(name: string, cluster: string, elb: boolean): Promise<Stack> {
    await aws(
      'cloudformation',
      'create-stack',
      '--stack-name',
      name,
      '--template-body',
      `file://${fixture(elb ? 'cluster-2015-elb.yaml' : 'cluster-2015.yaml')}`,
      '--capabilities',
      'CAPABILITY_IAM',
      '--parameters',
      `ParameterKey=EcsClusterName,ParameterValue=${cluster}`,
    );
    return until(
      `${name} CREATE_COMPLETE`,
      async () => {
        const { Stacks } = await aws<{ Stacks: Stack[] }>(
          'cloudformation',
          'describe-stacks',
          '--stack-name',
          name,
        );
        const s = Stacks[0];
        if (s && /FAILED|ROLLBACK/.test(s.StackStatus)) throw new Error(`stack ${s.StackStatus}`);
        return s?.StackStatus === 'CREATE_COMPLETE' ? s : undefined;
      },
      60_000,
    );
  }

  async function steady(cluster: string, service: string) {
    return until(
      `${service} steady state`,
      async () => {
        const { services } = await aws<{
          services: { runningCount: number; desiredCount: number; events: { message: string }[] }[];
        }>('ecs', 'describe-services', '--cluster', cluster, '--services', service);
        const s = services[0];
        return s &&
          s.runningCount === s.desiredCount &&
          s.events.some((e) => e.message.includes('has reached a steady state'))
          ? s
          : undefined;
      },
      60_000,
    );
  }

  async function taskEndpoints(
    cluster: string,
    service: string,
  ): Promise<{ instance: string; url: string }[]> {
    const { taskArns } = await aws<{ taskArns: string[] }>(
      'ecs',
      'list-tasks',
      '--cluster',
      cluster,
      '--service-name',
      service,
    );
    const { tasks } = await aws<{
      tasks: { containerInstanceArn: string; containers: { networkBindings: { hostPort: number }[] }[] }[];
    }>('ecs', 'describe-tasks', '--cluster', cluster, '--tasks', ...taskArns);
    const { containerInstances } = await aws<{
      containerInstances: { containerInstanceArn: string; ec2InstanceId: string }[];
    }>(
      'ecs',
      'describe-container-instances',
      '--cluster',
      cluster,
      '--container-instances',
      ...new Set(tasks.map((t) => t.containerInstanceArn)),
    );
    const ec2Ids = containerInstances.map((c) => c.ec2InstanceId);
    const { Reservations } = await aws<{
      Reservations: { Instances: { InstanceId: string; PublicIpAddress: string }[] }[];
    }>('ec2', 'describe-instances', '--instance-ids', ...ec2Ids);
    const ipOf = new Map(
      Reservations.flatMap((r) => r.Instances).map((i) => [i.InstanceId, i.PublicIpAddress]),
    );
    return tasks.map((t) => {
      const ci = containerInstances.find((c) => c.containerInstanceArn === t.containerInstanceArn);
      const port = t.containers[0]?.networkBindings[0]?.hostPort;
      return {
        instance: ci?.ec2InstanceId ?? '?',
        url: `http://${ipOf.get(ci?.ec2InstanceId ?? '')}:${port}/`,
      };
    });
  }

  /** Waits until `cluster` has `count` container instances. */
  function instancesIn(cluster: string, count: number) {
    return until(`${count} container instances in ${cluster}`, async () => {
      const { containerInstanceArns } = await aws<{ containerInstanceArns: string[] }>(
        'ecs',
        'list-container-instances',
        '--cluster',
        cluster,
      );
      return containerInstanceArns.length === count;
    });
  }

  async function tearDown(cluster: string, service: string, stack: string) {
    await aws('ecs', 'delete-service', '--cluster', cluster, '--service', service, '--force');
    await aws('cloudformation', 'delete-stack', '--stack-name', stack);
    await until(
      `${stack} deleted`,
      async () => {
        const { StackSummaries } = await aws<{
          StackSummaries: { StackName: string; StackStatus: string }[];
        }>('cloudformation', 'list-stacks');
        return StackSummaries.some((s) => s.StackName === stack && s.StackStatus === 'DELETE_COMPLETE');
      },
      60_000,
    );
  }

  it('brings up 3 instances, one task on each, each answering HTTP; then leaves nothing behind', async () => {
    await aws('ecs', 'create-cluster', '--cluster-name', 'walk');
    await aws(
      'ecs',
      'register-task-definition',
      '--family',
      'web',
      '--container-definitions',
      JSON.stringify([
        {
          name: 'web',
          image: 'nginx:latest',
          memory: 128,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 80 }],
        },
      ]),
    );
    await stackUp('EC2ContainerService-walk', 'walk', false);
    await instancesIn('walk', 3);
    await aws(
      'ecs',
      'create-service',
      '--cluster',
      'walk',
      '--service-name',
      'web',
      '--task-definition',
      'web',
      '--desired-count',
      '3',
    );
    await steady('walk', 'web');
    const endpoints = await taskEndpoints('walk', 'web');
    expect(endpoints).toHaveLength(3);
    expect(new Set(endpoints.map((e) => e.instance)).size).toBe(3);
    for (const e of endpoints) expect(await httpText(e.url)).toMatch(/^200 .*web/s);

    await tearDown('walk', 'web', 'EC2ContainerService-walk');
    const { Reservations } = await aws<{ Reservations: { Instances: { State: { Name: string } }[] }[] }>(
      'ec2',
      'describe-instances',
      '--filters',
      'Name=instance-state-name,Values=pending,running',
    );
    expect(Reservations.flatMap((r) => r.Instances)).toHaveLength(0);
    await instancesIn('walk', 0);
    for (const e of endpoints) await expect(httpText(e.url)).rejects.toThrow();
  }, 180_000);

  it('the classic ELB variant answers on the load balancer and spreads over all three tasks', async () => {
    await aws('ecs', 'create-cluster', '--cluster-name', 'walkelb');
    const stack = await stackUp('EC2ContainerService-walkelb', 'walkelb', true);
    const elbName = stack.Outputs?.find((o) => o.OutputKey === 'EcsElbName')?.OutputValue;
    const elbDns = stack.Outputs?.find((o) => o.OutputKey === 'EcsElbDnsName')?.OutputValue;
    expect(elbName).toBeTruthy();
    await instancesIn('walkelb', 3);
    await aws(
      'ecs',
      'create-service',
      '--cluster',
      'walkelb',
      '--service-name',
      'web',
      '--task-definition',
      'web',
      '--desired-count',
      '3',
      '--role',
      'ecsServiceRole',
      '--load-balancers',
      `loadBalancerName=${elbName},containerName=web,containerPort=80`,
    );
    await steady('walkelb', 'web');
    const seen = await until(
      'requests spread over 3 tasks',
      async () => {
        const tasks = new Set<string>();
        for (let i = 0; i < 12; i++) {
          const body = await httpText(`http://${elbDns}/`);
          const m = /task\/[^/\s<"]+\/([0-9a-f]{32})/.exec(body);
          if (m) tasks.add(m[1] as string);
        }
        return tasks.size === 3 ? tasks : undefined;
      },
      60_000,
    );
    expect(seen.size).toBe(3);
    await tearDown('walkelb', 'web', 'EC2ContainerService-walkelb');
    await expect(httpText(`http://${elbDns}/`)).rejects.toThrow();
  }, 180_000);
});
