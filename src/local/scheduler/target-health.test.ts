/**
 * Target health feeds back into the service, as in ECS: a task whose target fails the target
 * group's health checks is stopped and replaced once the service's health-check grace period is
 * over, with ECS's event and stop reason, and such tasks count as failed for the circuit breaker.
 */
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  CreateClusterCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinCluster,
  serviceClients,
  targetGroupBehindListener,
  type ServiceClients,
} from '../../testing/ecs-fixtures';
import { startTestPlane, waitFor, type TestPlane } from '../../testing/plane';
import { ManualClock } from '../common/clock';

let t: TestPlane;
let c: ServiceClients;
const CLUSTER = 'health';
/** Running with real time; a test jumps it over a grace period instead of waiting it out. */
const clock = new ManualClock({ running: true, start: Date.now() });

beforeAll(async () => {
  t = await startTestPlane({ resyncMs: 200, clock });
  c = serviceClients(t.client);
  await c.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await joinCluster(c, CLUSTER, 2);
  await c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      containerDefinitions: [
        {
          name: 'web',
          image: 'httpd:2.4',
          memory: 128,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 0 }],
        },
      ],
    }),
  );
});

afterAll(async () => {
  c?.destroy();
  await t?.plane.stop();
});

/** A target group whose health check expects 301 (the containers answer 200), behind a listener. */
const misconfiguredTargetGroup = async (name: string, port: number): Promise<string> =>
  (
    await targetGroupBehindListener(c, name, port, {
      Matcher: { HttpCode: '301' },
      HealthCheckIntervalSeconds: 1,
      HealthCheckTimeoutSeconds: 1,
      UnhealthyThresholdCount: 2,
    })
  ).targetGroupArn;

const service = async (name: string): Promise<Service> =>
  (await c.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }))).services![0]!;

describe('unhealthy targets', () => {
  it('are stopped and replaced after the grace period, in ECS words', async () => {
    const tg = await misconfiguredTargetGroup('sick', 8181);
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'sick',
        taskDefinition: 'web',
        desiredCount: 1,
        loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 80 }],
      }),
    );
    const s = await waitFor(
      async () => {
        const x = await service('sick');
        return x.events?.some((e) => e.message?.includes('is unhealthy in')) ? x : undefined;
      },
      15_000,
      50,
    );
    const unhealthy = s.events!.find((e) => e.message?.includes('is unhealthy in'))!.message!;
    expect(unhealthy).toMatch(
      new RegExp(
        `^\\(service sick\\) \\(port \\d+\\) is unhealthy in \\(target-group ${tg.replace(/[/.]/g, '\\$&')}\\) due to \\(reason Health checks failed with these codes: \\[200\\]\\)\\.$`,
      ),
    );
    const stopped = await waitFor(async () => {
      const arns = (
        await c.ecs.send(
          new ListTasksCommand({ cluster: CLUSTER, serviceName: 'sick', desiredStatus: 'STOPPED' }),
        )
      ).taskArns;
      if (!arns?.length) return undefined;
      return (await c.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks?.[0];
    }, 10_000);
    expect(stopped).toMatchObject({
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: `Task failed ELB health checks in (target-group ${tg})`,
    });
    // Replaced: a new task of the service runs (and counts as failed for the deployment).
    await waitFor(async () => {
      const x = await service('sick');
      return (x.deployments?.[0]?.failedTasks ?? 0) >= 1 && x.runningCount === 1 ? x : undefined;
    }, 10_000);
  });

  it('are left alone during healthCheckGracePeriodSeconds, then replaced', async () => {
    const tg = await misconfiguredTargetGroup('patient', 8182);
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'patient',
        taskDefinition: 'web',
        desiredCount: 1,
        healthCheckGracePeriodSeconds: 300,
        loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 80 }],
      }),
    );
    await waitFor(async () => (await service('patient')).runningCount === 1, 10_000);
    const [first] =
      (await c.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'patient' }))).taskArns ?? [];
    // The target is unhealthy (2 failed checks), and stays in service while the grace period lasts...
    await waitFor(async () => {
      const h = await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }));
      return h.TargetHealthDescriptions?.[0]?.TargetHealth?.State === 'unhealthy';
    }, 10_000);
    // A change to the service makes the scheduler look at it now; once every loop is idle it has.
    await c.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'patient', desiredCount: 1 }));
    await t.plane.idle();
    const within = (await c.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [first!] })))
      .tasks?.[0];
    expect(within?.desiredStatus).toBe('RUNNING');
    expect((await service('patient')).events?.some((e) => e.message?.includes('is unhealthy in'))).toBe(
      false,
    );
    // ...which ends five minutes later by the plane's clock: then it is replaced.
    clock.advance(300_000);
    const stopped = await waitFor(async () => {
      const task = (await c.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [first!] })))
        .tasks?.[0];
      return task?.desiredStatus === 'STOPPED' ? task : undefined;
    }, 10_000);
    expect(stopped.stoppedReason).toBe(`Task failed ELB health checks in (target-group ${tg})`);
    // Decided not a moment before the grace period was over, by the clock that ran the plane.
    const decided = (await service('patient')).events!.find((e) => e.message?.includes('is unhealthy in'))!;
    expect(decided.createdAt!.getTime() - stopped.startedAt!.getTime()).toBeGreaterThanOrEqual(300_000);
    // Replaced by a new task, which has a grace period of its own.
    await waitFor(async () => {
      const arns =
        (await c.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'patient' }))).taskArns ?? [];
      return arns.length === 1 && arns[0] !== first && (await service('patient')).runningCount === 1;
    }, 10_000);
  });
});
