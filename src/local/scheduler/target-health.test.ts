/**
 * Target health feeds back into the service, as in ECS: a task whose target fails the target
 * group's health checks is stopped and replaced once the service's health-check grace period is
 * over, with ECS's event and stop reason, and such tasks count as failed for the circuit breaker.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import {
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlane, waitFor, type TestPlane } from '../../testing/plane';

let t: TestPlane;
let ecs: ECSClient;
let ec2: EC2Client;
let elb: ElasticLoadBalancingV2Client;
const CLUSTER = 'health';

beforeAll(async () => {
  t = await startTestPlane({ resyncMs: 200 });
  ecs = new ECSClient(t.client);
  ec2 = new EC2Client(t.client);
  elb = new ElasticLoadBalancingV2Client(t.client);
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  const userData = Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${CLUSTER} >> /etc/ecs/ecs.config\n`).toString(
    'base64',
  );
  await ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 2, MaxCount: 2, UserData: userData }),
  );
  await waitFor(async () => {
    const r = await ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }));
    return r.containerInstanceArns?.length === 2;
  }, 10_000);
  await ecs.send(
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
  for (const c of [ecs, ec2, elb]) c?.destroy();
  await t?.plane.stop();
});

/** A target group whose health check expects 301 (the containers answer 200), behind a listener. */
async function misconfiguredTargetGroup(name: string, port: number): Promise<string> {
  const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs![0]!.VpcId!;
  const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets!.map((s) => s.SubnetId!);
  const tg = (
    await elb.send(
      new CreateTargetGroupCommand({
        Name: name,
        Protocol: 'HTTP',
        Port: 80,
        VpcId: vpcId,
        Matcher: { HttpCode: '301' },
        HealthCheckIntervalSeconds: 1,
        HealthCheckTimeoutSeconds: 1,
        UnhealthyThresholdCount: 2,
      }),
    )
  ).TargetGroups![0]!.TargetGroupArn!;
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: name, Subnets: subnets.slice(0, 2) })))
    .LoadBalancers![0]!;
  await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancerArn!,
      Protocol: 'HTTP',
      Port: port,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }],
    }),
  );
  return tg;
}

const service = async (name: string): Promise<Service> =>
  (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }))).services![0]!;

describe('unhealthy targets', () => {
  it('are stopped and replaced after the grace period, in ECS words', async () => {
    const tg = await misconfiguredTargetGroup('sick', 8181);
    await ecs.send(
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
        await ecs.send(
          new ListTasksCommand({ cluster: CLUSTER, serviceName: 'sick', desiredStatus: 'STOPPED' }),
        )
      ).taskArns;
      if (!arns?.length) return undefined;
      return (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks?.[0];
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

  it('are left alone during healthCheckGracePeriodSeconds', async () => {
    const tg = await misconfiguredTargetGroup('patient', 8182);
    await ecs.send(
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
    // The target is unhealthy (2 failed checks), and stays in service while the grace period lasts.
    await waitFor(async () => {
      const h = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }));
      return h.TargetHealthDescriptions?.[0]?.TargetHealth?.State === 'unhealthy';
    }, 10_000);
    await new Promise((r) => setTimeout(r, 1000));
    const x = await service('patient');
    expect(x.events?.some((e) => e.message?.includes('is unhealthy in'))).toBe(false);
    const stopped = await ecs.send(
      new ListTasksCommand({ cluster: CLUSTER, serviceName: 'patient', desiredStatus: 'STOPPED' }),
    );
    expect(stopped.taskArns).toEqual([]);
  });
});
