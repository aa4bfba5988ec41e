/**
 * The console's actions end to end on the embedded control plane (issue 5): force a new deployment (and
 * the service's load balancer section and link), reactivate a drained instance, a crash-looping revision
 * that the deployment circuit breaker rolls back, and a stack that fails and rolls back. Each journey seeds its own uniquely named cluster or stack through the AWS API and
 * never resets the shared server.
 */
import { CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import type { Page } from '@playwright/test';
import { expect, screenshot, seriousA11yViolations, test } from './fixtures';
import { createActionWorld, type ActionWorld } from './pages/action-world';
import { InstanceRow, ServiceLoadBalancerSection, stackRows } from './pages/action-pages';
import { DashboardClusters } from './pages/dashboard-clusters';
import { DashboardService } from './pages/dashboard-service';
import { DashboardStacks } from './pages/dashboard-stacks';

let world: ActionWorld;

test.beforeAll(() => {
  world = createActionWorld();
});

test.afterAll(() => world?.destroy());

async function scan(page: Page, name: string): Promise<void> {
  await page.screenshot(screenshot(`actions-${name}`));
  expect(await seriousA11yViolations(page), `axe on ${name}`).toEqual([]);
}

/** Task ids named by the pages a load balancer returns for `requests` requests to `url`. */
async function taskIdsBehind(url: string, requests: number, known: string[]): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < requests; i++) {
    const res = await fetch(url).catch(() => undefined);
    const body = res?.ok ? await res.text() : '';
    seen.push(known.find((id) => body.includes(id)) ?? `unknown: ${res?.status ?? 'no answer'}`);
  }
  return seen;
}

interface Sample {
  running: number;
  pending: number;
}

/** Reads the service every ~25 ms until stopped: what the rollout's bounds are checked against. */
function sampleService(cluster: string, service: string): { stop: () => Promise<Sample[]> } {
  const samples: Sample[] = [];
  let sampling = true;
  const loop = (async () => {
    while (sampling) {
      const s = await world.describeService(cluster, service);
      if (s) {
        samples.push({ running: s.runningCount ?? 0, pending: s.pendingCount ?? 0 });
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return {
    stop: async () => {
      sampling = false;
      await loop;
      return samples;
    },
  };
}

test('force a new deployment behind a load balancer: every task is replaced within the bounds', async ({
  page,
}) => {
  const cluster = await world.createCluster('act-deploy');
  await world.addInstance(cluster);
  const family = `act-deploy-${world.suffix}`;
  await world.registerFamily(family);
  // A listener on a port other than 80: the service page's link must carry it.
  const lb = await world.createLoadBalancer(`act-${world.suffix}`, 8081);
  await world.ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: 'web',
      taskDefinition: family,
      desiredCount: 2,
      loadBalancers: [{ targetGroupArn: lb.targetGroupArn, containerName: 'web', containerPort: 80 }],
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
    }),
  );
  await world.waitSteady(cluster, 'web', 2);

  const service = new DashboardService(page);
  await service.goto(cluster, 'web');
  await expect(service.count('running')).toHaveText('2');
  await expect(service.taskLinks).toHaveCount(2);
  const before = await service.taskLinks.allTextContents();

  // The load balancer section names the target group, the container and the load balancer, and links
  // to the listener: the page behind it is served by one of the service's tasks.
  const lbSection = new ServiceLoadBalancerSection(page);
  await expect(lbSection.region).toContainText(
    `Target group ${lb.targetGroupName} → web:80 · load balancer ${lb.loadBalancerName}`,
  );
  const link = lbSection.link(lb.dnsName);
  await expect(link).toHaveAttribute('href', `http://${lb.dnsName}:8081/`);
  const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
  await expect
    .poll(async () => {
      await popup.reload();
      const body = await popup.locator('body').innerText();
      return before.some((id) => body.includes(id));
    })
    .toBe(true);
  await popup.close();

  // The only instance holds two tasks and minimumHealthyPercent is 100: the new PRIMARY deployment
  // cannot place anything until there is room, and the old one keeps both tasks running.
  const sampler = sampleService(cluster, 'web');
  await service.forceNewDeployment();
  await expect(service.deployments).toHaveCount(2);
  await expect(service.deployments.nth(0)).toContainText('PRIMARY');
  await expect(service.deployments.nth(0)).toContainText('IN_PROGRESS');
  await expect(service.deployments.nth(0)).toContainText('2 / 0 / 0 / 0');
  await expect(service.deployments.nth(1)).toContainText('ACTIVE');
  await expect(service.deployments.nth(1)).toContainText('2 / 2 / 0 / 0');
  await expect(service.events.first()).toHaveAttribute('data-kind', 'unable-to-place');
  await expect(service.events.first()).toContainText('has insufficient memory available');
  await scan(page, 'deployment-blocked');

  // Room for two more tasks: the new deployment starts its tasks, then the old one drains.
  await world.addInstance(cluster);
  await expect(service.deployments).toHaveCount(1, { timeout: 30_000 });
  await expect(service.deployments.first()).toContainText('PRIMARY');
  await expect(service.deployments.first()).toContainText('COMPLETED');
  await expect(service.events.first()).toHaveAttribute('data-kind', 'steady', { timeout: 30_000 });
  await expect(service.count('running')).toHaveText('2');
  await expect(service.taskLinks).toHaveCount(2);
  await expect(async () => {
    const after = await service.taskLinks.allTextContents();
    expect(after).toHaveLength(2);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
    // Within two fast polls of the steady state: the page keeps watching the tasks closely for a moment
    // after the rollout ends, rather than showing the stopped ones until the slow poll (6 s).
  }).toPass({ timeout: 5_000 });
  const after = await service.taskLinks.allTextContents();

  const samples = await sampler.stop();
  // Never fewer than 2 RUNNING (100 %), never more than 4 RUNNING or PENDING (200 %), in any sample.
  expect(samples.length).toBeGreaterThan(10);
  expect(Math.min(...samples.map((s) => s.running))).toBeGreaterThanOrEqual(2);
  expect(Math.max(...samples.map((s) => s.running + s.pending))).toBeLessThanOrEqual(4);
  // The same from the tasks' own timestamps (which no sampling can miss): both new tasks were RUNNING
  // before the scheduler began stopping an old one, and it stopped them for the new deployment.
  const primaryId = (await world.describeService(cluster, 'web'))?.deployments?.[0]?.id ?? '';
  const tasks =
    (await world.ecs.send(new DescribeTasksCommand({ cluster, tasks: [...before, ...after] }))).tasks ?? [];
  const newStarted = tasks.filter((t) => after.some((id) => t.taskArn?.endsWith(id)));
  const oldStopped = tasks.filter((t) => before.some((id) => t.taskArn?.endsWith(id)));
  expect(newStarted.map((t) => t.lastStatus)).toEqual(['RUNNING', 'RUNNING']);
  expect(oldStopped.map((t) => t.lastStatus)).toEqual(['STOPPED', 'STOPPED']);
  const lastStart = Math.max(...newStarted.map((t) => t.startedAt?.getTime() ?? Infinity));
  for (const t of oldStopped) {
    expect(t.stoppingAt?.getTime()).toBeGreaterThanOrEqual(lastStart);
    expect(t.stopCode).toBe('ServiceSchedulerInitiated');
    expect(t.stoppedReason).toBe(`Scaling activity initiated by (deployment ${primaryId})`);
  }

  // The load balancer now sends requests to the new tasks only, round robin: both of them, in turn.
  const lbUrl = `http://${lb.dnsName}:8081/`;
  await expect
    .poll(async () => [...new Set(await taskIdsBehind(lbUrl, 4, [...before, ...after]))].sort(), {
      timeout: 15_000,
    })
    .toEqual([...after].sort());

  await world.ecs.send(new DeleteServiceCommand({ cluster, service: 'web', force: true }));
});

test('reactivate a drained instance: it is ACTIVE again and new tasks are placed on it', async ({ page }) => {
  const cluster = await world.createCluster('act-drain');
  const a = new InstanceRow(page, await world.addInstance(cluster));
  const family = `act-drain-${world.suffix}`;
  await world.registerFamily(family);
  await world.ecs.send(
    new CreateServiceCommand({ cluster, serviceName: 'web', taskDefinition: family, desiredCount: 2 }),
  );
  // Both tasks on the first instance (the only one), then an empty second instance.
  await world.waitSteady(cluster, 'web', 2);
  const b = new InstanceRow(page, await world.addInstance(cluster));

  const clusters = new DashboardClusters(page);
  await clusters.gotoCluster(cluster, 'instances');
  await expect(a.tasks).toHaveText('2 / 0');
  await expect(b.tasks).toHaveText('0 / 0');

  await a.drain();
  await expect(a.status).toHaveText('DRAINING');
  await expect(a.activateButton).toBeVisible();
  await expect(a.tasks).toHaveText('0 / 0', { timeout: 30_000 });
  await expect(b.tasks).toHaveText('2 / 0', { timeout: 30_000 });
  await scan(page, 'instance-draining');

  await a.activate();
  await expect(a.status).toHaveText('ACTIVE');
  await expect(a.drainButton).toBeVisible();
  await expect(a.activateButton).toHaveCount(0);
  const arns = (await world.ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns;
  const described = await world.ecs.send(
    new DescribeContainerInstancesCommand({ cluster, containerInstances: arns }),
  );
  expect(described.containerInstances?.map((i) => i.status)).toEqual(['ACTIVE', 'ACTIVE']);

  // Scale to 4 in the console: the second instance is full, so the two new tasks can only go to the
  // reactivated one. Back on the ECS Instances tab (a few seconds later) the counts are read again.
  await clusters.tab('Services').click();
  await page.getByRole('link', { name: 'web', exact: true }).click();
  const service = new DashboardService(page);
  await expect(service.count('running')).toHaveText('2');
  await service.scale(4);
  await expect(service.count('running')).toHaveText('4', { timeout: 30_000 });
  await page.getByRole('link', { name: cluster, exact: true }).first().click();
  await clusters.tab('ECS Instances').click();
  // Read again on opening, not left as cached before the scaling until the slow poll (15 s).
  await expect(a.tasks).toHaveText('2 / 0', { timeout: 5_000 });
  await expect(b.tasks).toHaveText('2 / 0');

  await world.ecs.send(new DeleteServiceCommand({ cluster, service: 'web', force: true }));
});

test('a crash-looping revision: the circuit breaker fails its deployment and rolls back', async ({
  page,
}) => {
  const cluster = await world.createCluster('act-crash');
  await world.addInstance(cluster);
  await world.addInstance(cluster);
  const family = `act-crash-${world.suffix}`;
  await world.registerFamily(family);
  // Revision 2 is the same container whose process exits at once (see docs/local-runtime.md).
  await world.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [
        {
          name: 'web',
          image: 'public.ecr.aws/nginx/nginx:1.27',
          essential: true,
          memory: 128,
          command: ['sh', '-c', 'exit 1'],
          portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
        },
      ],
    }),
  );
  await world.ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: 'web',
      taskDefinition: `${family}:1`,
      desiredCount: 2,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    }),
  );
  const before = await world.waitSteady(cluster, 'web', 2);
  const good = before?.deployments?.[0]?.id ?? '';

  const service = new DashboardService(page);
  await service.goto(cluster, 'web');
  await expect(service.count('running')).toHaveText('2');
  await expect(page.getByTestId('deployment-settings')).toHaveText(
    'Minimum healthy 100 % · maximum 200 % · circuit breaker on, with rollback',
  );
  await service.updateRevision(`${family}:2`);

  // The failure and the rollback, in ECS's words and coloured as failures; revision 1 is PRIMARY again.
  const failures = page.locator('[data-testid="events-timeline"] li[data-kind="deployment-failed"]');
  await expect(failures).toHaveCount(2, { timeout: 30_000 });
  await expect(failures.filter({ hasText: 'deployment failed: tasks failed to start.' })).toHaveCount(1);
  await expect(failures.filter({ hasText: `rolling back to deployment ${good}.` })).toHaveCount(1);
  await expect(service.deployments).toHaveCount(1, { timeout: 30_000 });
  await expect(service.deployments.first()).toContainText(`${family}:1`);
  await expect(service.deployments.first()).toContainText('COMPLETED', { timeout: 30_000 });
  await expect(service.count('running')).toHaveText('2');
  await scan(page, 'circuit-breaker');

  // Only revision 2's tasks stopped (the old ones served throughout, minimumHealthyPercent 100). Each
  // either crashed, saying why, or was still starting when the rollback stopped it.
  const stopped =
    (await world.ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'STOPPED' }))).taskArns ?? [];
  const tasks = (await world.ecs.send(new DescribeTasksCommand({ cluster, tasks: stopped }))).tasks ?? [];
  for (const t of tasks) expect(t.taskDefinitionArn).toMatch(new RegExp(`/${family}:2$`));
  const crashed = tasks.filter((t) => t.stopCode === 'EssentialContainerExited');
  expect(crashed.length).toBeGreaterThanOrEqual(3);
  for (const t of crashed) {
    expect(t.stoppedReason).toBe('Essential container in task exited');
    expect(t.containers?.[0]?.exitCode).toBe(1);
  }
  for (const t of tasks.filter((x) => x.stopCode !== 'EssentialContainerExited')) {
    expect(t).toMatchObject({
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: `Scaling activity initiated by (deployment ${good})`,
    });
  }

  await world.ecs.send(new DeleteServiceCommand({ cluster, service: 'web', force: true }));
});

test('a stack that fails rolls back: the failed resource and its reason, then delete it', async ({
  page,
}) => {
  const stackName = `act-rollback-${world.suffix}`;
  const family = `act-rollback-${world.suffix}`;
  await world.cfn.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: JSON.stringify({
        Description: 'Two resources that can be created, then a service on a cluster that does not exist.',
        Resources: {
          Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: `/ecs/${stackName}` } },
          TaskDef: {
            Type: 'AWS::ECS::TaskDefinition',
            Properties: {
              Family: family,
              ContainerDefinitions: [{ Name: 'web', Image: 'public.ecr.aws/nginx/nginx:1.27', Memory: 128 }],
            },
          },
          OrphanService: {
            Type: 'AWS::ECS::Service',
            DependsOn: ['Logs'],
            Properties: {
              Cluster: `missing-${world.suffix}`,
              TaskDefinition: { Ref: 'TaskDef' },
              DesiredCount: 1,
            },
          },
        },
      }),
    }),
  );

  const stacks = new DashboardStacks(page);
  await stacks.gotoList();
  const listRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: stackName }) });
  await expect(listRow).toContainText('ROLLBACK_COMPLETE', { timeout: 30_000 });
  await listRow.getByRole('link', { name: stackName }).click();
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toContainText('ROLLBACK_COMPLETE');

  // Resources: as on AWS, the rollback deletes all three, the one that failed included.
  for (const id of ['Logs', 'TaskDef', 'OrphanService']) {
    await expect(stackRows(page, id)).toContainText('DELETE_COMPLETE');
  }
  await expect(stackRows(page, 'OrphanService')).toContainText('AWS::ECS::Service');
  await scan(page, 'stack-rolled-back');

  // Events: the failure, the rollback starting with CloudFormation's reason, and its end.
  await stacks.tab('Events').click();
  await expect(page).toHaveURL(/tab=events/);
  const failed = stackRows(page, 'OrphanService').filter({ hasText: 'CREATE_FAILED' });
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('Cluster not found.');
  await expect(failed).toContainText('ClusterNotFoundException');
  const stackEvents = stackRows(page, stackName);
  await expect(stackEvents.filter({ hasText: 'ROLLBACK_IN_PROGRESS' })).toContainText(
    'The following resource(s) failed to create: [OrphanService]',
  );
  await expect(stackEvents.filter({ hasText: 'ROLLBACK_COMPLETE' })).toHaveCount(1);
  await expect(stackRows(page, 'TaskDef').filter({ hasText: 'DELETE_COMPLETE' })).toHaveCount(1);
  await scan(page, 'stack-rollback-events');
  // The rollback really removed what it had made: no ACTIVE revision of the family is left.
  const revisions = await world.ecs.send(
    new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' }),
  );
  expect(revisions.taskDefinitionArns).toEqual([]);

  // Delete, with confirmation: the button stays disabled until the exact name is typed.
  await page.getByRole('button', { name: 'Delete stack' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete stack ${stackName}` });
  const confirm = dialog.getByRole('button', { name: 'Delete', exact: true });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('Stack name').fill(`${stackName}-typo`);
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('Stack name').fill(stackName);
  await confirm.click();
  await expect(dialog).toBeHidden();
  await expect(heading).toContainText('DELETE_COMPLETE', { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Delete stack' })).toHaveCount(0);
  const stackId = (
    await world.cfn.send(new DescribeStacksCommand({ StackName: stackName })).catch(() => null)
  )?.Stacks?.[0]?.StackId;
  expect(stackId, 'a deleted stack is no longer found by name').toBeUndefined();

  await page.getByRole('link', { name: 'Stacks', exact: true }).first().click();
  await expect(page.getByRole('link', { name: stackName })).toHaveCount(0);
});
