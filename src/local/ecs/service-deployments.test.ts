/**
 * Service deployment history over HTTP with the SDK (and the AWS CLI): deployments recorded when a
 * service is created and updated, advanced as the scheduler rolls them out, kept after they leave
 * the service's `deployments`, the circuit breaker's verdict and rollbacks, StopServiceDeployment.
 */
import {
  ContinueServiceDeploymentCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestPlane, waitFor, type TestPlane } from '../../testing/plane';
import { awsCli, requireTool } from '../../testing/tools';

let t: TestPlane;
let ecs: ECSClient;
const CLUSTER = 'history';
const ARN = 'arn:aws:ecs:us-east-1:000000000000';

beforeAll(async () => {
  t = await startTestPlane({ resyncMs: 200 });
  ecs = new ECSClient(t.client);
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  for (let i = 0; i < 2; i++) {
    await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: CLUSTER,
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 2048 },
        ],
      }),
    );
  }
});

afterAll(async () => {
  ecs?.destroy();
  await t?.plane.stop();
});

const register = async (family: string, opts: { command?: string[]; memory?: number } = {}) =>
  (
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          {
            name: 'app',
            image: 'public.ecr.aws/docker/library/busybox:latest',
            memory: opts.memory ?? 128,
            essential: true,
            ...(opts.command ? { command: opts.command } : {}),
          },
        ],
      }),
    )
  ).taskDefinition!.taskDefinitionArn!;

const list = async (service: string) =>
  (await ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service }))).serviceDeployments ?? [];

const describe1 = async (arn: string): Promise<ServiceDeployment> =>
  (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))
    .serviceDeployments![0]!;

/** Waits until the service's newest service deployment has `status`. */
const newestWith = (service: string, status: string) =>
  waitFor(
    async () => {
      const [newest] = await list(service);
      return newest?.status === status ? describe1(newest.serviceDeploymentArn!) : undefined;
    },
    15_000,
    25,
    `${service} deployment ${status}`,
  );

describe('service deployment history', () => {
  it('records the creation and a circuit-breaker rollback, and keeps both', async () => {
    const good = await register('hist-web');
    const created = await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: good,
        desiredCount: 2,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    expect(created.service?.currentServiceDeployment).toMatch(
      new RegExp(`^${ARN}:service-deployment/${CLUSTER}/web/[A-Za-z0-9]{20}$`),
    );
    const first = await newestWith('web', 'SUCCESSFUL');
    const firstId = created.service!.deployments![0]!.id!.slice('ecs-svc/'.length);
    expect(first).toMatchObject({
      serviceDeploymentArn: created.service?.currentServiceDeployment,
      serviceArn: `${ARN}:service/${CLUSTER}/web`,
      clusterArn: `${ARN}:cluster/${CLUSTER}`,
      status: 'SUCCESSFUL',
      sourceServiceRevisions: [],
      targetServiceRevision: {
        arn: `${ARN}:service-revision/${CLUSTER}/web/${firstId}`,
        requestedTaskCount: 2,
        runningTaskCount: 2,
        pendingTaskCount: 0,
      },
      deploymentCircuitBreaker: { status: 'MONITORING_COMPLETE', failureCount: 0, threshold: 3 },
      alarms: { status: 'DISABLED' },
    });
    expect(first.startedAt!.getTime()).toBeLessThanOrEqual(first.finishedAt!.getTime());

    const revisions = await ecs.send(
      new DescribeServiceRevisionsCommand({
        serviceRevisionArns: [first.targetServiceRevision!.arn!, `${ARN}:service-revision/${CLUSTER}/web/1`],
      }),
    );
    expect(revisions.serviceRevisions?.[0]).toMatchObject({
      serviceRevisionArn: first.targetServiceRevision?.arn,
      taskDefinition: good,
      launchType: 'EC2',
      containerImages: [{ containerName: 'app', image: 'public.ecr.aws/docker/library/busybox:latest' }],
    });
    expect(revisions.failures).toEqual([
      { arn: `${ARN}:service-revision/${CLUSTER}/web/1`, reason: 'MISSING' },
    ]);
    const described = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }));
    expect(described.services?.[0]?.currentServiceRevisions).toEqual([
      {
        arn: first.targetServiceRevision?.arn,
        requestedTaskCount: 2,
        runningTaskCount: 2,
        pendingTaskCount: 0,
      },
    ]);

    const bad = await register('hist-web', { command: ['sh', '-c', 'exit 1'] });
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: bad }));
    const second = await newestWith('web', 'ROLLBACK_SUCCESSFUL');
    expect(second).toMatchObject({
      statusReason: 'ECS deployment circuit breaker: tasks failed to start.',
      sourceServiceRevisions: [{ arn: first.targetServiceRevision?.arn }],
      rollback: { serviceRevisionArn: first.targetServiceRevision?.arn },
      deploymentCircuitBreaker: { status: 'TRIGGERED', threshold: 3 },
    });
    expect(second.deploymentCircuitBreaker!.failureCount).toBeGreaterThanOrEqual(3);
    expect(second.targetServiceRevision?.arn).not.toBe(first.targetServiceRevision?.arn);
    // The first one is kept, unchanged, though its deployment left the service and came back.
    const all = await list('web');
    expect(all.map((d) => d.status)).toEqual(['ROLLBACK_SUCCESSFUL', 'SUCCESSFUL']);
    expect(all[1]?.targetServiceRevisionArn).toBe(first.targetServiceRevision?.arn);
    const filtered = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web', status: ['SUCCESSFUL'] }),
    );
    expect(filtered.serviceDeployments?.map((d) => d.serviceDeploymentArn)).toEqual([
      first.serviceDeploymentArn,
    ]);
    const page1 = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web', maxResults: 1 }),
    );
    const page2 = await ecs.send(
      new ListServiceDeploymentsCommand({
        cluster: CLUSTER,
        service: 'web',
        maxResults: 1,
        nextToken: page1.nextToken,
      }),
    );
    expect([...page1.serviceDeployments!, ...page2.serviceDeployments!]).toEqual(all);
    expect(page2.nextToken).toBeUndefined();
    const before = await ecs.send(
      new ListServiceDeploymentsCommand({
        cluster: CLUSTER,
        service: 'web',
        createdAt: { before: new Date(first.createdAt!.getTime() + 1) },
      }),
    );
    expect(before.serviceDeployments?.map((d) => d.status)).toEqual(['SUCCESSFUL']);
  });

  it('StopServiceDeployment rolls a deployment in progress back to the previous revision', async () => {
    const good = await register('hist-api');
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'api',
        taskDefinition: good,
        desiredCount: 1,
      }),
    );
    const first = await newestWith('api', 'SUCCESSFUL');
    // More memory than any instance has: the deployment stays IN_PROGRESS.
    const huge = await register('hist-api', { memory: 4096 });
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'api', taskDefinition: huge }));
    const stuck = await newestWith('api', 'IN_PROGRESS');
    expect(stuck.sourceServiceRevisions).toEqual([
      {
        arn: first.targetServiceRevision?.arn,
        requestedTaskCount: 1,
        runningTaskCount: 1,
        pendingTaskCount: 0,
      },
    ]);
    const stop = await ecs.send(
      new StopServiceDeploymentCommand({
        serviceDeploymentArn: stuck.serviceDeploymentArn,
        stopType: 'ROLLBACK',
      }),
    );
    expect(stop.serviceDeploymentArn).toBe(stuck.serviceDeploymentArn);
    const rolled = await newestWith('api', 'ROLLBACK_SUCCESSFUL');
    expect(rolled.rollback).toMatchObject({
      reason: 'Service deployment rolled back because of a stop request.',
      serviceRevisionArn: first.targetServiceRevision?.arn,
    });
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['api'] })))
      .services![0]!;
    expect(svc.taskDefinition).toBe(good);
    expect(svc.deployments?.map((d) => [d.status, d.rolloutState])).toEqual([['PRIMARY', 'COMPLETED']]);
    expect(svc.runningCount).toBe(1);

    // Finished: a second stop is a conflict. A repeated stop of a rollback under way is accepted.
    const again = await errorOf(
      ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: stuck.serviceDeploymentArn })),
    );
    expect(again).toMatchObject({ name: 'ConflictException', status: 400 });
  });

  it('answers bad requests with ECS errors and changes nothing', async () => {
    const huge = await register('hist-stuck', { memory: 4096 });
    const created = await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'stuck',
        taskDefinition: huge,
        desiredCount: 1,
      }),
    );
    const arn = created.service!.currentServiceDeployment!;
    await newestWith('stuck', 'IN_PROGRESS');
    // The first deployment of a service has nothing to roll back to.
    expect(
      await errorOf(ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn }))),
    ).toMatchObject({
      name: 'ConflictException',
      status: 400,
    });
    expect(
      await errorOf(
        ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ABORT' })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(
      await errorOf(
        ecs.send(
          new StopServiceDeploymentCommand({
            serviceDeploymentArn: `${ARN}:service-deployment/${CLUSTER}/stuck/AAAAAAAAAAAAAAAAAAAA`,
          }),
        ),
      ),
    ).toMatchObject({ name: 'ServiceDeploymentNotFoundException', status: 400 });
    expect(
      await errorOf(
        ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: 'hook-1' })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(
      await errorOf(ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'nope' }))),
    ).toMatchObject({ name: 'ServiceNotFoundException', status: 400 });
    expect(
      await errorOf(ecs.send(new ListServiceDeploymentsCommand({ cluster: 'nope', service: 'stuck' }))),
    ).toMatchObject({ name: 'ClusterNotFoundException', status: 400 });
    expect(
      await errorOf(
        ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'stuck', maxResults: 101 })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(
      await errorOf(
        ecs.send(
          new DescribeServiceDeploymentsCommand({
            serviceDeploymentArns: Array.from({ length: 21 }, () => arn),
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(
      await errorOf(ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [] }))),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    const odd = await ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: ['not-an-arn', arn] }),
    );
    expect(odd.failures).toEqual([{ arn: 'not-an-arn', reason: 'MISSING' }]);
    expect(odd.serviceDeployments?.map((d) => d.status)).toEqual(['IN_PROGRESS']);
  });
});

const hasAws = requireTool('aws', 'service deployments with the AWS CLI');

describe.skipIf(!hasAws)('service deployments with the AWS CLI', () => {
  it('list-service-deployments and stop-service-deployment', async () => {
    const listed = await awsCli(t.url, [
      'ecs',
      'list-service-deployments',
      '--cluster',
      CLUSTER,
      '--service',
      'web',
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    const out = JSON.parse(listed.stdout) as {
      serviceDeployments: { serviceDeploymentArn: string; status: string }[];
    };
    expect(out.serviceDeployments.map((d) => d.status)).toEqual(['ROLLBACK_SUCCESSFUL', 'SUCCESSFUL']);
    const stop = await awsCli(t.url, [
      'ecs',
      'stop-service-deployment',
      '--service-deployment-arn',
      out.serviceDeployments[1]!.serviceDeploymentArn,
      '--stop-type',
      'ROLLBACK',
    ]);
    expect(stop.code).not.toBe(0);
    expect(stop.stderr).toContain('ConflictException');
  });
});
