/**
 * The scheduler end to end: the real LocalControlPlane over HTTP, driven with @aws-sdk/client-ecs.
 * Instances are registered through RegisterContainerInstance; the agent walks the tasks.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateContainerInstancesStateCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinCluster,
  serviceClients,
  targetGroupBehindListener,
  type ServiceClients,
} from '../../testing/ecs-fixtures';
import { startTestPlane, type TestPlane } from '../../testing/plane';
import { ecsCollections } from '../ecs/model';
import { LocalControlPlane } from '../index';

let t: TestPlane;
let c: ServiceClients;
let ecs: ECSClient;
let elb: ElasticLoadBalancingV2Client;

beforeAll(async () => {
  t = await startTestPlane({ resyncMs: 300 });
  c = serviceClients(t.client);
  ({ ecs, elb } = c);
});

afterAll(async () => {
  c?.destroy();
  await t?.plane.stop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const describeService = async (name: string): Promise<Service> =>
  (await ecs.send(new DescribeServicesCommand({ cluster: 'default', services: [name] }))).services![0]!;

async function registerTaskDefinition(family: string, image: string) {
  const res = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [
        {
          name: 'simple-app',
          image,
          memory: 300,
          cpu: 10,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 0 }],
        },
      ],
    }),
  );
  return res.taskDefinition!.taskDefinitionArn!;
}

/** registered - remaining == what the not-STOPPED tasks hold, on every instance. */
async function expectConsistentBookings() {
  const arns =
    (await ecs.send(new ListContainerInstancesCommand({ cluster: 'default' }))).containerInstanceArns ?? [];
  const { containerInstances = [] } = await ecs.send(
    new DescribeContainerInstancesCommand({ cluster: 'default', containerInstances: arns }),
  );
  for (const ci of containerInstances) {
    const taskArns = [
      ...((
        await ecs.send(
          new ListTasksCommand({ cluster: 'default', containerInstance: ci.containerInstanceArn }),
        )
      ).taskArns ?? []),
      ...((
        await ecs.send(
          new ListTasksCommand({
            cluster: 'default',
            containerInstance: ci.containerInstanceArn,
            desiredStatus: 'STOPPED',
          }),
        )
      ).taskArns ?? []),
    ];
    const tasks = taskArns.length
      ? ((await ecs.send(new DescribeTasksCommand({ cluster: 'default', tasks: taskArns }))).tasks ?? [])
      : [];
    const held = tasks.filter((t) => t.lastStatus !== 'STOPPED');
    const value = (list: typeof ci.registeredResources, name: string) =>
      list?.find((r) => r.name === name)?.integerValue ?? 0;
    const cpu = held.reduce((s, t) => s + Number(t.cpu ?? 0), 0);
    const memory = held.reduce((s, t) => s + Number(t.memory ?? 0), 0);
    expect(value(ci.registeredResources, 'CPU') - value(ci.remainingResources, 'CPU')).toBe(cpu);
    expect(value(ci.registeredResources, 'MEMORY') - value(ci.remainingResources, 'MEMORY')).toBe(memory);
  }
}

describe('service scheduling through the API', () => {
  it('places a service, reaches a steady state, rolls out a new task definition, drains and deletes', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
    const instances: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await ecs.send(
        new RegisterContainerInstanceCommand({
          cluster: 'default',
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 993 },
          ],
        }),
      );
      instances.push(res.containerInstance!.containerInstanceArn!);
    }
    const v1 = await registerTaskDefinition('sched-web', 'httpd:2.4');
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'default',
        serviceName: 'sample-webapp',
        taskDefinition: v1,
        desiredCount: 2,
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 },
      }),
    );

    const steady = await until('steady state', async () => {
      const s = await describeService('sample-webapp');
      return s.events?.[0]?.message === '(service sample-webapp) has reached a steady state.' ? s : undefined;
    });
    expect(steady.runningCount).toBe(2);
    expect(
      steady.events?.some((e) =>
        /^\(service sample-webapp\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/.test(
          e.message ?? '',
        ),
      ),
    ).toBe(true);
    await expectConsistentBookings();

    const v2 = await registerTaskDefinition('sched-web', 'httpd:2.4-alpine');
    const updated = await ecs.send(
      new UpdateServiceCommand({ cluster: 'default', service: 'sample-webapp', taskDefinition: v2 }),
    );
    const newDeployment = updated.service!.deployments!.find((d) => d.status === 'PRIMARY')!.id!;
    const rolled = await until('rollout completed', async () => {
      const s = await describeService('sample-webapp');
      const done =
        s.deployments?.length === 1 &&
        s.deployments[0]?.rolloutState === 'COMPLETED' &&
        s.runningCount === 2 &&
        s.events?.[0]?.message === '(service sample-webapp) has reached a steady state.';
      return done ? s : undefined;
    });
    expect(rolled.deployments![0]).toMatchObject({ id: newDeployment, taskDefinition: v2, runningCount: 2 });
    const messages = rolled.events!.map((e) => e.message);
    expect(messages).toContain(`(service sample-webapp) (deployment ${newDeployment}) deployment completed.`);
    expect(
      messages.some((m) => /^\(service sample-webapp\) has stopped \d running tasks: /.test(m ?? '')),
    ).toBe(true);
    const running = (
      await ecs.send(new ListTasksCommand({ cluster: 'default', serviceName: 'sample-webapp' }))
    ).taskArns!;
    const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster: 'default', tasks: running }));
    expect(tasks.map((t) => t.taskDefinitionArn)).toEqual([v2, v2]);

    // Drain the instances that hold tasks: the service moves to the remaining one(s).
    const busy = [...new Set(tasks.map((t) => t.containerInstanceArn!))];
    const spare = instances.filter((i) => !busy.includes(i));
    await ecs.send(
      new UpdateContainerInstancesStateCommand({
        cluster: 'default',
        containerInstances: busy,
        status: 'DRAINING',
      }),
    );
    await until('tasks moved off DRAINING instances', async () => {
      const arns = (
        await ecs.send(new ListTasksCommand({ cluster: 'default', serviceName: 'sample-webapp' }))
      ).taskArns!;
      if (arns.length !== 2) return undefined;
      const { tasks: now = [] } = await ecs.send(
        new DescribeTasksCommand({ cluster: 'default', tasks: arns }),
      );
      const ok = now.every((t) => t.lastStatus === 'RUNNING' && spare.includes(t.containerInstanceArn!));
      return ok ? true : undefined;
    });
    await until('stopped tasks released', async () => {
      const arns = (
        await ecs.send(
          new ListTasksCommand({
            cluster: 'default',
            serviceName: 'sample-webapp',
            desiredStatus: 'STOPPED',
          }),
        )
      ).taskArns!;
      const { tasks: stopped = [] } = arns.length
        ? await ecs.send(new DescribeTasksCommand({ cluster: 'default', tasks: arns }))
        : { tasks: [] };
      return stopped.every((t) => t.lastStatus === 'STOPPED') ? true : undefined;
    });
    await expectConsistentBookings();

    await ecs.send(
      new UpdateServiceCommand({ cluster: 'default', service: 'sample-webapp', desiredCount: 0 }),
    );
    await ecs.send(new DeleteServiceCommand({ cluster: 'default', service: 'sample-webapp' }));
    await until('service INACTIVE', async () =>
      (await describeService('sample-webapp')).status === 'INACTIVE' ? true : undefined,
    );
    await expectConsistentBookings();
  });

  it('RunTask reports placement failures with ECS reasons', async () => {
    const big = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'sched-big',
        containerDefinitions: [{ name: 'big', image: 'busybox', cpu: 4096, memory: 128 }],
      }),
    );
    const res = await ecs.send(
      new RunTaskCommand({
        cluster: 'default',
        taskDefinition: big.taskDefinition!.taskDefinitionArn!,
        count: 1,
      }),
    );
    expect(res.tasks).toEqual([]);
    expect(res.failures?.length).toBeGreaterThan(0);
    expect(res.failures?.every((f) => f.reason === 'RESOURCE:CPU')).toBe(true);
  });

  it('registers the service tasks with its target group, so the load balancer reaches them', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'lb' }));
    await joinCluster(c, 'lb', 2);
    const { targetGroupArn: tgArn, dnsName } = await targetGroupBehindListener(c, 'sched-web', 8080);
    const td = await registerTaskDefinition('sched-lb', 'httpd:2.4');
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'lb',
        serviceName: 'web',
        taskDefinition: td,
        desiredCount: 2,
        loadBalancers: [{ targetGroupArn: tgArn, containerName: 'simple-app', containerPort: 80 }],
      }),
    );
    const describeLbService = async () =>
      (await ecs.send(new DescribeServicesCommand({ cluster: 'lb', services: ['web'] }))).services![0]!;
    // The two tasks can reach RUNNING in different passes (two events of 1 target each), so wait
    // for the targets themselves, then check that the events account for both.
    const healthy = await until('targets healthy', async () => {
      const th =
        (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn })))
          .TargetHealthDescriptions ?? [];
      return th.length === 2 && th.every((t) => t.TargetHealth?.State === 'healthy') ? th : undefined;
    });
    expect(healthy.every((t) => t.Target?.Id?.startsWith('i-') && Number(t.Target.Port) >= 49153)).toBe(true);
    const registered = ((await describeLbService()).events ?? [])
      .map((e) => /^\(service web\) registered (\d+) targets in \(target-group (.+)\)$/.exec(e.message ?? ''))
      .filter((m) => m !== null && m[2] === tgArn)
      .reduce((sum, m) => sum + Number(m![1]), 0);
    expect(registered).toBe(2);
    const page = await fetch(`http://${dnsName}:8080/`, { signal: AbortSignal.timeout(3000) });
    expect(page.status).toBe(200);

    await ecs.send(new UpdateServiceCommand({ cluster: 'lb', service: 'web', desiredCount: 1 }));
    await until('a target deregistered', async () => {
      const s = await describeLbService();
      return s.events?.some(
        (e) => e.message === `(service web) deregistered 1 targets in (target-group ${tgArn})`,
      )
        ? true
        : undefined;
    });
  });
});

describe('recovery after a restart', () => {
  it('picks up unfinished scheduling from the state file with no new request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sched-restart-'));
    const statePath = join(dir, 'state.db');
    const options = { statePath, taskStepMs: 20, instanceBootMs: 20, resyncMs: 60_000 };
    const connect = (endpoint: string) =>
      new ECSClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
    try {
      // The first process records the service but never runs its background parts (as if killed
      // right after acknowledging CreateService): nothing is scheduled yet.
      const first = new LocalControlPlane(options);
      const call = (action: string, input: unknown) => first.deps.services.call('ecs', action, input);
      await call('CreateCluster', { clusterName: 'default' });
      await call('RegisterContainerInstance', { cluster: 'default' });
      const td = await call('RegisterTaskDefinition', {
        family: 'sched-restart',
        containerDefinitions: [
          { name: 'app', image: 'httpd:2.4', memory: 64, portMappings: [{ containerPort: 80 }] },
        ],
      });
      await call('CreateService', {
        cluster: 'default',
        serviceName: 'web',
        taskDefinition: td.taskDefinition.taskDefinitionArn,
        desiredCount: 3,
      });
      expect(ecsCollections(first.deps.db).tasks.count()).toBe(0);
      await first.stop();

      const second = new LocalControlPlane(options);
      const again = connect(await second.listen(0, '127.0.0.1'));
      try {
        const steady = await until('steady after restart', async () => {
          const s = (await again.send(new DescribeServicesCommand({ cluster: 'default', services: ['web'] })))
            .services![0]!;
          return s.runningCount === 3 &&
            s.events?.[0]?.message === '(service web) has reached a steady state.'
            ? s
            : undefined;
        });
        expect(steady.deployments).toHaveLength(1);
      } finally {
        again.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
