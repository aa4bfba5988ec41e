/**
 * Issue 10: the service's deployment history and a rollback, and the account settings, in the console.
 * A service runs revision 1; the console moves it to revision 2 (the history shows the deployment
 * finish SUCCESSFUL with its target revision), then to revision 3, which asks for more memory than
 * any instance has, so its deployment stays IN_PROGRESS. "Roll back" opens a dialog showing the
 * StopServiceDeployment input and CLI command; the console sends exactly that input, the deployment
 * ends ROLLBACK_SUCCESSFUL and the service is back on revision 2. With the circuit breaker on, a
 * revision whose container exits trips it and the history gives the verdict. The Account settings page, linked
 * from the navigation, shows a setting put through the API.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteAccountSettingCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DescribeClustersCommand,
  DeregisterContainerInstanceCommand,
  DescribeServicesCommand,
  ListContainerInstancesCommand,
  PutAccountSettingCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { Page } from '@playwright/test';
import { expect, screenshot, seriousA11yViolations, test } from './fixtures';
import { DashboardService } from './pages/dashboard-service';
import { addInstances, consoleUrl, waitFor } from './pages/dashboard-world';
import { ApiPreviewPanel, EcsRequests, dialog } from './pages/operate-pages';

async function scan(page: Page, name: string): Promise<void> {
  await page.screenshot(screenshot(`deployments-${name}`));
  expect(await seriousA11yViolations(page), `axe on ${name}`).toEqual([]);
}

test('deployments: history of an update, rollback of a stuck deployment; account settings', async ({
  page,
  api,
}) => {
  test.setTimeout(180_000);
  const { ecs } = api;
  const ec2 = new EC2Client({
    region: 'us-east-1',
    endpoint: consoleUrl(),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const suffix = Date.now().toString(36);
  const cluster = `dep-${suffix}`;
  const family = `dep-web-${suffix}`;
  const service = 'web';
  const requests = new EcsRequests(page);

  // Two instances of 1900 MiB; revisions 1 and 2 fit (256 MiB), revision 3 (4000 MiB) fits nowhere,
  // revision 4's container exits at once.
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await addInstances(ec2, ecs, cluster, 2, 1900);
  const revisions = [
    { memory: 256 },
    { memory: 256 },
    { memory: 4000 },
    { memory: 256, command: ['sh', '-c', 'exit 1'] },
  ];
  for (const { memory, command } of revisions) {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          {
            name: 'web',
            image: 'public.ecr.aws/nginx/nginx:1.27',
            essential: true,
            memory,
            ...(command ? { command } : {}),
            portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
          },
        ],
      }),
    );
  }
  await ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: service,
      taskDefinition: `${family}:1`,
      desiredCount: 2,
    }),
  );
  const describe = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0];
  await waitFor(
    'service web running 2',
    describe,
    (s) => s?.runningCount === 2 && s.deployments?.length === 1,
  );

  // 1. The service page: the creation is the one deployment in the history, SUCCESSFUL.
  const svc = new DashboardService(page);
  await svc.goto(cluster, service);
  const history = page.getByRole('table', { name: `Deployment history of ${service}` });
  const rows = history.locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('SUCCESSFUL');
  await expect(rows.first()).toContainText(`${family}:1`);
  await expect(rows.first()).toContainText('Off');

  // 2. Update the service to revision 2: a second deployment, which finishes SUCCESSFUL.
  await svc.updateRevision(`${family}:2`);
  await expect(rows).toHaveCount(2, { timeout: 15_000 });
  await expect(rows.first()).toContainText(`${family}:2`);
  await expect(rows.first()).toContainText('SUCCESSFUL', { timeout: 30_000 });
  await expect(rows.first()).toContainText('2 / 2 / 0');
  await expect(rows.first().getByRole('button', { name: /^Roll back/ })).toHaveCount(0);

  // 3. Revision 3 cannot be placed: its deployment stays IN_PROGRESS and offers a rollback.
  await svc.updateRevision(`${family}:3`);
  await expect(rows).toHaveCount(3, { timeout: 15_000 });
  const stuck = rows.first();
  await expect(stuck).toContainText(`${family}:3`);
  await expect(stuck).toContainText('IN_PROGRESS');
  const rollBack = stuck.getByRole('button', { name: /^Roll back deployment/ });
  await expect(rollBack).toBeVisible();
  await scan(page, 'service-history');
  const deploymentId = (await stuck.locator('td').first().textContent())?.trim() ?? '';
  expect(deploymentId).toMatch(/^[A-Za-z0-9]+$/);

  // 4. Roll back: the dialog shows the exact StopServiceDeployment input and its CLI command.
  await rollBack.click();
  const confirm = dialog(page, `Roll back deployment ${deploymentId}`);
  await confirm.getByText('The request this sends').click();
  const preview = new ApiPreviewPanel(confirm);
  const shown = await preview.shown('StopServiceDeployment');
  expect(shown).toEqual([
    {
      serviceDeploymentArn: expect.stringMatching(
        new RegExp(`:service-deployment/${cluster}/${service}/${deploymentId}$`),
      ),
      stopType: 'ROLLBACK',
    },
  ]);
  await scan(page, 'rollback-dialog');
  const cli = await preview.showCli();
  await expect(cli).toContainText('aws ecs stop-service-deployment --cli-input-json');
  await expect(cli).toContainText('"stopType": "ROLLBACK"');
  await confirm.getByRole('button', { name: 'Roll back', exact: true }).click();
  await expect(confirm).toBeHidden();
  expect(await requests.waitFor('StopServiceDeployment')).toEqual(shown);

  // 5. The deployment ends ROLLBACK_SUCCESSFUL and the service runs revision 2 again.
  await expect(stuck).toContainText('ROLLBACK_SUCCESSFUL', { timeout: 30_000 });
  await expect(stuck).toContainText('Rolled back to revision');
  await expect(stuck.getByRole('button', { name: /^Roll back/ })).toHaveCount(0);
  const after = await waitFor('service back on revision 2', describe, (s) => s?.deployments?.length === 1);
  expect(after?.taskDefinition).toMatch(new RegExp(`:task-definition/${family}:2$`));
  expect(after?.runningCount).toBe(2);
  await scan(page, 'service-rolled-back');

  // 6. With the circuit breaker on, revision 4's failing tasks trip it: ECS rolls back by itself, and
  // the history gives the breaker's verdict.
  await ecs.send(
    new UpdateServiceCommand({
      cluster,
      service,
      taskDefinition: `${family}:4`,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    }),
  );
  // Made outside the console: the settled service poll (15 s) sees it first, then the history (2 s).
  await expect(rows).toHaveCount(4, { timeout: 45_000 });
  await expect(rows.first()).toContainText(`${family}:4`);
  await expect(rows.first()).toContainText('ROLLBACK_SUCCESSFUL', { timeout: 60_000 });
  await expect(rows.first()).toContainText(/Triggered \(\d+ of \d+ failed tasks\)/);
  await scan(page, 'circuit-breaker');

  // 7. Account settings, from the navigation: a setting put through the API shows as effective.
  await ecs.send(new PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'enabled' }));
  try {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Account settings' })
      .click();
    await expect(page).toHaveURL(/\/account-settings$/);
    const settings = page.getByRole('table', { name: 'ECS account settings' });
    await expect(settings.getByTestId('setting-awsvpcTrunking')).toHaveText('enabled');
    await expect(settings.getByTestId('setting-containerInsights')).toBeVisible();
    await expect(settings.getByTestId('setting-guardDutyActivate')).toBeVisible();
    expect(requests.of('ListAccountSettings')).toContainEqual({ effectiveSettings: true });
    await scan(page, 'account-settings');
  } finally {
    await ecs.send(new DeleteAccountSettingCommand({ name: 'awsvpcTrunking' }));
  }

  // Clean up what the journey made: the service, then (its tasks stopped) the instances and the cluster.
  await ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
  await waitFor(
    'the service drained',
    async () => (await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }))).clusters?.[0],
    (c) => (c?.runningTasksCount ?? 0) + (c?.pendingTasksCount ?? 0) === 0 && c?.activeServicesCount === 0,
  );
  const instances =
    (await ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns ?? [];
  for (const containerInstance of instances)
    await ecs.send(new DeregisterContainerInstanceCommand({ cluster, containerInstance, force: true }));
  // The last tasks finish stopping (DEPROVISIONING, STOPPED) a moment after the counts reach 0.
  await waitFor(
    'the cluster deleted',
    () =>
      ecs.send(new DeleteClusterCommand({ cluster })).then(
        () => true,
        (e: Error) => {
          // As on AWS: the deleted service stays DRAINING until its scheduler's next pass after the
          // last task stopped (passes for hints coalesce per service), and DeleteCluster waits for it.
          if (e.name === 'ClusterContainsTasksException' || e.name === 'ClusterContainsServicesException')
            return false;
          throw e;
        },
      ),
    (deleted) => deleted,
  );
  ec2.destroy();
});
