/**
 * Issue 11: the console for every day after the first, in one journey on the embedded control plane.
 * Create a cluster (EC2, through the Auto Scaling stack), register a task definition with the form,
 * create a service with the form, force a deployment that gets stuck, follow the hint to the update form
 * until the deployment completes, run one-off tasks, stop two at once, tag the service, delete the service
 * and the cluster. Every request the console sends to ECS is compared with the JSON the form showed.
 * Each new page gets an axe scan; forms are shot at 390 px and in dark mode too.
 */
import { RegisterTaskDefinitionCommand, ListClustersCommand } from '@aws-sdk/client-ecs';
import type { Page } from '@playwright/test';
import { expect, screenshot, seriousA11yViolations, test } from './fixtures';
import { ApiPreviewPanel, EcsRequests, FormPage, dialog } from './pages/operate-pages';
import { DashboardService } from './pages/dashboard-service';

async function scan(page: Page, name: string): Promise<void> {
  await page.screenshot(screenshot(`operate-${name}`));
  expect(await seriousA11yViolations(page), `axe on ${name}`).toEqual([]);
}

/** The page at 390 px wide and in dark mode: shots, no horizontal overflow, and axe again in dark. */
async function narrowAndDark(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot(screenshot(`operate-${name}-390-dark`));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
  expect(await seriousA11yViolations(page), `axe on ${name} (dark, 390 px)`).toEqual([]);
  await page.emulateMedia({ colorScheme: 'light' });
  if (size) await page.setViewportSize(size);
}

test('operate: cluster, task definition, service, stuck deployment fixed, tasks, tags, delete', async ({
  page,
  api,
}) => {
  test.setTimeout(240_000);
  const suffix = Date.now().toString(36);
  const cluster = `ops-${suffix}`;
  const family = `ops-web-${suffix}`;
  const ecs = new EcsRequests(page);
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text());
  });
  const form = new FormPage(page);

  // 1. Create a cluster with two EC2 instances (an Auto Scaling group through a CloudFormation stack).
  await page.goto('/clusters');
  await page.getByRole('link', { name: 'Create cluster' }).first().click();
  await expect(page).toHaveURL(/\/create-cluster$/);
  await form.fill('Cluster name', cluster);
  await form.fill('Number of instances', '2');
  await expect(form.preview.inputs('CreateStack')).toHaveCount(1);
  // A key pair made on the spot: its private key is downloaded once, and the field takes its name.
  await page.getByRole('button', { name: 'Create key pair' }).click();
  const keyDialog = dialog(page, 'Create a key pair');
  await keyDialog.getByLabel('Key pair name').fill(`ops-key-${suffix}`);
  await expect(keyDialog.getByTestId('api-input')).toContainText('"KeyName"');
  await scan(page, 'key-pair-dialog');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    keyDialog.getByRole('button', { name: 'Create and download the private key' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`ops-key-${suffix}.pem`);
  await expect(keyDialog.getByTestId('key-pair-created')).toContainText(
    'never returns the private key again',
  );
  await keyDialog.getByRole('button', { name: 'Done' }).click();
  await expect(form.field('Key pair')).toHaveValue(`ops-key-${suffix}`);
  await scan(page, 'create-cluster');
  await narrowAndDark(page, 'create-cluster');
  const shownCluster = await form.preview.shown('CreateCluster');
  expect(shownCluster).toEqual([{ clusterName: cluster }]);
  const cli = await form.preview.showCli();
  await expect(cli).toContainText(`aws ecs create-cluster --cli-input-json`);
  await expect(cli).toContainText('aws cloudformation create-stack');
  await form.submit('Create cluster');
  await expect(page).toHaveURL(new RegExp(`/clusters/${cluster}$`));
  expect(await ecs.waitFor('CreateCluster')).toEqual(shownCluster);
  await expect(page.getByTestId('notice').filter({ hasText: `Cluster ${cluster} created` })).toBeVisible();
  await page.getByRole('tab', { name: 'ECS Instances' }).click();
  await expect(page.getByRole('button', { name: /^Drain i-/ })).toHaveCount(2, { timeout: 60_000 });

  // 2. Register a task definition with the form: one container on fixed host port 80.
  await page.goto('/task-definitions');
  await page.getByRole('link', { name: 'Create task definition' }).first().click();
  await form.fill('Family (task definition name)', family);
  await form.fill('Memory hard limit (MiB)', '300');
  await form.fill('Host port (1)', '80');
  await scan(page, 'create-task-definition');
  await narrowAndDark(page, 'create-task-definition');
  const shownTd = await form.preview.shown('RegisterTaskDefinition');
  expect(shownTd[0]).toMatchObject({
    family,
    containerDefinitions: [
      {
        name: 'web',
        memory: 300,
        portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': `/ecs/${family}` } },
      },
    ],
  });
  await form.submit('Register task definition');
  await expect(page).toHaveURL(new RegExp(`/task-definitions/${family}/1$`));
  expect(await ecs.waitFor('RegisterTaskDefinition')).toEqual(shownTd);
  await expect(page.getByRole('textbox')).toHaveCount(0); // no editor left open

  // 3. Create a service with the form: two tasks, 100 % / 200 %, no circuit breaker.
  await page.goto(`/clusters/${cluster}?tab=services`);
  await expect(page.getByText('No services in this cluster')).toBeVisible();
  await page.getByRole('link', { name: 'Create service' }).first().click();
  await form.fill('Service name', 'web');
  await form.select('Task definition family', family);
  await form.fill('Desired tasks', '2');
  await form.select('Deployment circuit breaker', 'off');
  await scan(page, 'create-service');
  await narrowAndDark(page, 'create-service');
  const shownService = await form.preview.shown('CreateService');
  expect(shownService[0]).toMatchObject({
    cluster,
    serviceName: 'web',
    taskDefinition: family,
    desiredCount: 2,
  });
  await form.submit('Create service');
  await expect(page).toHaveURL(new RegExp(`/clusters/${cluster}/services/web$`));
  expect(await ecs.waitFor('CreateService')).toEqual(shownService);
  const service = new DashboardService(page);
  await expect(service.count('running')).toHaveText('2', { timeout: 60_000 });
  await expect(service.deployments.first()).toContainText('COMPLETED', { timeout: 30_000 });

  // 4. Force a new deployment: each instance already uses port 80 and 100 % keeps both old tasks: stuck.
  await service.forceNewDeployment();
  const hint = page.getByTestId('stuck-hint');
  await expect(hint).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('stuck-summary')).toContainText(
    'each of the 2 instances already uses host port 80 and the minimum healthy percent is 100 %',
  );
  await scan(page, 'stuck-hint');
  await hint.getByRole('link', { name: 'Lower the minimum healthy percent to 50 %' }).click();
  await expect(page).toHaveURL(/\/services\/web\/update\?minimumHealthyPercent=50$/);
  await expect(page.getByTestId('service-changes')).toContainText('deploymentConfiguration');
  await scan(page, 'update-service');
  const shownUpdate = await form.preview.shown('UpdateService');
  expect(shownUpdate).toEqual([
    {
      cluster,
      service: 'web',
      deploymentConfiguration: {
        minimumHealthyPercent: 50,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: false, rollback: false },
      },
    },
  ]);
  await form.submit('Update service');
  await expect(page).toHaveURL(new RegExp(`/clusters/${cluster}/services/web$`));
  expect((await ecs.waitFor('UpdateService', 2)).at(-1)).toEqual(shownUpdate[0]);
  await expect(service.deployments).toHaveCount(1, { timeout: 60_000 });
  await expect(service.deployments.first()).toContainText('COMPLETED', { timeout: 30_000 });
  await expect(hint).toHaveCount(0);

  // 5. Run two one-off tasks (a dynamic-port revision registered through the API), with an override.
  const batch = `ops-batch-${suffix}`;
  await api.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: batch,
      containerDefinitions: [
        { name: 'job', image: 'busybox', memory: 64, essential: true, command: ['sleep', '600'] },
      ],
    }),
  );
  await page.goto(`/clusters/${cluster}`);
  await page.getByRole('link', { name: 'Run task' }).click();
  await form.select('Task definition family', batch);
  await form.fill('Number of tasks', '2');
  await page.getByRole('button', { name: 'Add container override' }).click();
  await form.fill('Container (override 1)', 'job');
  await form.fill('Environment', 'MODE=once');
  await scan(page, 'run-task');
  await narrowAndDark(page, 'run-task');
  const shownRun = await form.preview.shown('RunTask');
  await form.submit('Run task');
  await expect(page).toHaveURL(new RegExp(`/clusters/${cluster}\\?tab=tasks$`));
  expect(await ecs.waitFor('RunTask')).toEqual(shownRun);

  // 6. Stop both at once: filter by property, select all shown, confirm with a reason.
  await page.getByLabel('Filter tasks').fill(`taskDefinition:${batch}`);
  const rows = page.getByTestId('task-row');
  await expect(rows).toHaveCount(2, { timeout: 30_000 });
  await expect(rows.first()).toContainText(/i-[0-9a-f]+/); // the EC2 instance id, not the container instance
  await page.getByRole('checkbox', { name: 'Select all tasks shown' }).check();
  await page.getByRole('button', { name: 'Stop selected (2)' }).click();
  const stopDialog = dialog(page, 'Stop 2 tasks');
  await stopDialog.getByText(/The 2 requests this sends/).click();
  const shownStops = await new ApiPreviewPanel(stopDialog).shown('StopTask');
  expect(shownStops).toHaveLength(2);
  await scan(page, 'stop-tasks-dialog');
  await stopDialog.getByRole('button', { name: 'Stop tasks' }).click();
  expect(await ecs.waitFor('StopTask', 2)).toEqual(shownStops);
  await page.getByLabel('Desired status').selectOption('STOPPED');
  await expect(rows.filter({ hasText: 'Stopped from the ECS console' })).toHaveCount(2, { timeout: 30_000 });
  await narrowAndDark(page, 'cluster-tasks');

  // 7. Tag the service.
  await page.goto(`/clusters/${cluster}/services/web`);
  await page.getByRole('button', { name: 'Edit tags' }).click();
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByLabel('Tag 1 key').fill('team');
  await page.getByLabel('Tag 1 value').fill('ops');
  const tagForm = page.getByRole('form', { name: 'Tags of service web' });
  const shownTags = await new ApiPreviewPanel(tagForm).shown('TagResource');
  await tagForm.getByRole('button', { name: 'Save tags' }).click();
  await expect(page.getByRole('list', { name: 'Tags of service web' })).toContainText('team = ops');
  expect(await ecs.waitFor('TagResource')).toEqual(shownTags);

  // 8. Delete the service, then the cluster (its stack and instances with it).
  await page.getByRole('button', { name: 'Delete service' }).click();
  const deleteService = dialog(page, 'Delete service web');
  await deleteService.getByLabel('Service name').fill('web');
  await deleteService.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${cluster}\\?tab=services$`));
  expect(await ecs.waitFor('DeleteService')).toEqual([{ cluster, service: 'web', force: true }]);
  await page.getByRole('button', { name: 'Delete cluster' }).click();
  const deleteCluster = dialog(page, `Delete cluster ${cluster}`);
  await expect(deleteCluster.getByTestId('delete-cluster-plan')).toContainText(
    `EC2ContainerService-${cluster}`,
  );
  await scan(page, 'delete-cluster-dialog');
  await deleteCluster.getByLabel('Cluster name').fill(cluster);
  await deleteCluster.getByRole('button', { name: 'Delete cluster' }).click();
  await expect(page).toHaveURL(/\/clusters$/, { timeout: 120_000 });
  expect(ecs.of('DeleteCluster')).toEqual([{ cluster }]);
  const left = (await api.ecs.send(new ListClustersCommand({}))).clusterArns ?? [];
  expect(left.filter((a) => a.endsWith(`/${cluster}`))).toEqual([]);

  expect(warnings.filter((w) => /HydrateFallback/.test(w))).toEqual([]);
});

test('liveness: a lost backend is said and the data marked stale; it recovers by itself', async ({
  page,
}) => {
  await page.goto('/clusters');
  await expect(page.getByTestId('live-status')).toContainText(/updated \d+ s ago/);
  await page.route('**/aws/**', (route) => route.abort('connectionrefused'));
  await page.getByRole('button', { name: 'Pause live updates' }).click();
  await page.getByRole('button', { name: 'Resume live updates' }).click();
  await page.reload();
  await expect(page.getByTestId('backend-unreachable')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('[data-stale]')).toHaveCount(1);
  await expect(page.getByTestId('backend-badge')).toContainText('unreachable');
  await page.unroute('**/aws/**');
  await expect(page.getByTestId('backend-unreachable')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.locator('[data-stale]')).toHaveCount(0);

  // Assets are sent compressed to a browser that accepts it.
  const html = await (await page.request.get('/')).text();
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '';
  const res = await page.request.get(asset, { headers: { 'accept-encoding': 'br, gzip' } });
  expect(res.headers()['content-encoding']).toBe('br');
});
