/**
 * The live dashboards on the embedded control plane: state made through the AWS API, then read and
 * changed in the browser. Each page gets an axe scan and a screenshot (test-results/screenshots).
 */
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import type { Page } from '@playwright/test';
import { expect, seriousA11yViolations, test } from './fixtures';
import { DashboardClusters } from './pages/dashboard-clusters';
import { LiveBar, screenshot } from './pages/dashboard-pages';
import { DashboardService } from './pages/dashboard-service';
import { DashboardStacks } from './pages/dashboard-stacks';
import { DashboardTask } from './pages/dashboard-task';
import { DashboardTaskDefinitions } from './pages/dashboard-task-definitions';
import { Shell } from './pages/shell';
import { createDashboardWorld, waitFor, type DashboardWorld } from './pages/dashboard-world';

test.describe.configure({ mode: 'serial' });

let world: DashboardWorld;

test.beforeAll(async () => {
  world = await createDashboardWorld();
});

test.afterAll(() => world?.destroy());

async function scan(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await seriousA11yViolations(page), `axe on ${name}`).toEqual([]);
}

test('the clusters list shows instances, services and tasks; live updates can pause', async ({ page }) => {
  const clusters = new DashboardClusters(page);
  await clusters.gotoList();
  const row = clusters.listRow(world.cluster);
  // Container instances, active services, running, pending.
  await expect(row.getByRole('cell')).toHaveText([world.cluster, 'ACTIVE', '2', '1', '2', '0']);
  const live = new LiveBar(page);
  await expect(live.status).toContainText(/updated \d+ s ago/);
  await live.toggle.click();
  await expect(live.status).toContainText('paused');
  await live.toggle.click();
  await expect(live.status).not.toContainText('paused');
  await scan(page, 'clusters');
});

test("the cluster's tabs: services, tasks, instances, events", async ({ page }) => {
  const clusters = new DashboardClusters(page);
  await clusters.gotoCluster(world.cluster);
  await expect(page.getByTestId(`service-counts-${world.service}`)).toHaveText('2 / 2 / 0');
  await scan(page, 'cluster-services');

  await clusters.tab('Tasks').click();
  await expect(page).toHaveURL(/tab=tasks/);
  await expect(clusters.taskRows).toHaveCount(2);
  await scan(page, 'cluster-tasks');

  await clusters.tab('ECS Instances').click();
  for (const id of world.instances) await expect(clusters.instanceTasks(id)).toBeVisible();
  await expect(page.getByRole('progressbar', { name: /CPU used on/ })).toHaveCount(2);
  await scan(page, 'cluster-instances');

  const shell = new Shell(page);
  await shell.setTheme('dark');
  await expect(page.locator('html')).toHaveClass(/dark/);
  await scan(page, 'cluster-instances-dark');
  await shell.setTheme('light');

  await clusters.tab('Events').click();
  await expect(clusters.events.first()).toBeVisible();
  await expect(page.locator('[data-kind="steady"]').first()).toBeVisible();
  await page.getByLabel('Event type').selectOption('started');
  await expect(page).toHaveURL(/event=started/);
  await expect(page.locator('[data-testid="events-timeline"] li:not([data-kind="started"])')).toHaveCount(0);
  await scan(page, 'cluster-events');
});

test('the service page: scale to 3, then roll to revision 2', async ({ page }) => {
  const service = new DashboardService(page);
  await service.goto(world.cluster, world.service);
  await expect(service.count('running')).toHaveText('2');
  await service.scale(3);
  await expect(service.count('desired')).toHaveText('3');
  await expect(service.count('running')).toHaveText('3', { timeout: 30_000 });
  await expect(service.events.first()).toHaveAttribute('data-kind', 'steady', { timeout: 30_000 });
  await scan(page, 'service');

  await service.updateRevision(`${world.family}:2`);
  // The rolling deployment: a new PRIMARY deployment next to the old one, then only revision 2 left.
  await expect(service.deployments.first()).toContainText(`${world.family}:2`);
  await expect(service.deployments).toHaveCount(1, { timeout: 60_000 });
  await expect(service.deployments.first()).toContainText('COMPLETED', { timeout: 60_000 });
  await expect(service.count('running')).toHaveText('3');
  await expect(service.taskLinks).toHaveCount(3, { timeout: 30_000 });
});

test('a task: lifecycle timeline, the container link, stop with a reason', async ({ page }) => {
  const service = new DashboardService(page);
  await service.goto(world.cluster, world.service);
  await service.taskLinks.first().click();
  const task = new DashboardTask(page);
  await expect(task.lifecycleStep('startedAt')).toHaveAttribute('data-done', 'true');
  await expect(task.lifecycleStep('stoppedAt')).toHaveAttribute('data-done', 'false');
  await expect(task.bindingLinks).toHaveCount(1);
  await scan(page, 'task');

  const [popup] = await Promise.all([page.waitForEvent('popup'), task.bindingLinks.first().click()]);
  await popup.waitForLoadState();
  await expect(popup.locator('body')).toContainText('web');
  await popup.close();

  await task.stop('Stopped by the dashboards journey');
  await expect(task.stoppedReason).toHaveText('Stopped by the dashboards journey', { timeout: 30_000 });
  await expect(task.lifecycleStep('stoppedAt')).toHaveAttribute('data-done', 'true', { timeout: 30_000 });
});

test('drain an instance and watch its tasks move', async ({ page }) => {
  const { ecs, cluster, service } = world;
  await waitFor(
    'service back to 3 running',
    async () => (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0],
    (s) => s?.runningCount === 3 && s.pendingCount === 0,
  );
  const clusters = new DashboardClusters(page);
  await clusters.gotoCluster(cluster, 'instances');
  const [a, b] = world.instances as [string, string];
  await expect(clusters.instanceTasks(a)).toBeVisible();
  await clusters.drain(a);
  await expect(page.getByRole('button', { name: `Activate ${a}` })).toBeVisible();
  await expect(clusters.instanceTasks(a)).toHaveText('0 / 0', { timeout: 60_000 });
  await expect(clusters.instanceTasks(b)).toHaveText('3 / 0', { timeout: 60_000 });
  await scan(page, 'instances-drained');
  const running = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }));
  expect(running.taskArns).toHaveLength(3);

  // The tasks tab's filters, kept in the URL: the stopped tasks of service web, with their reasons.
  await clusters.tab('Tasks').click();
  await page.getByLabel('Desired status').selectOption('STOPPED');
  // Picked at once after the first: both filters stay in the URL.
  await page.getByRole('combobox', { name: /^Service/ }).selectOption(service);
  await expect(page).toHaveURL(/desired=STOPPED/);
  await expect(page).toHaveURL(new RegExp(`taskService=${service}`));
  await expect(clusters.taskRows.filter({ hasText: 'Stopped by the dashboards journey' })).toHaveCount(1);
  await expect(clusters.taskRows.filter({ hasText: 'RUNNING' })).toHaveCount(0);
});

test('task definitions: diff of revisions 1 and 2, register a revision from edited JSON', async ({
  page,
}) => {
  const tds = new DashboardTaskDefinitions(page);
  await page.goto('/task-definitions');
  await expect(page.getByRole('link', { name: world.family, exact: true })).toBeVisible();
  await scan(page, 'task-definitions');

  await tds.gotoDiff(world.family, 1, 2);
  await expect(tds.diffTable).toContainText('nginx:1.27');
  await expect(tds.diffTable).toContainText('nginx:1.28');
  await expect(page.getByTestId('diff-summary')).toContainText(/\d+ changed lines?/);
  await scan(page, 'task-definition-diff');

  await tds.gotoRevision(world.family, 2);
  const editor = await tds.openEditor();
  const original = await editor.inputValue();
  await editor.fill(original.replace('"family"', '"family" ,,'));
  await tds.register();
  await expect(tds.jsonErrors).toContainText('Invalid JSON');
  // Valid JSON the server refuses: its AWS error code is shown beside the editor.
  await editor.fill(original.replace(/"image": "[^"]*",?/, ''));
  await tds.register();
  await expect(page.getByTestId('aws-error-code')).toHaveText('ClientException');
  await editor.fill(original.replace('nginx:1.28', 'nginx:1.29'));
  await tds.register();
  await expect(page).toHaveURL(new RegExp(`/task-definitions/${world.family}/3$`));
  await expect(tds.jsonView).toContainText('nginx:1.29');
  await scan(page, 'task-definition-revision');
});

test('stacks: resources, events, outputs, then delete', async ({ page }) => {
  const stackName = `dash-logs-${Date.now().toString(36)}`;
  await world.cfn.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: JSON.stringify({
        Resources: {
          Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: `/ecs/${stackName}` } },
        },
        Outputs: { LogGroupName: { Value: { Ref: 'Logs' }, Description: 'The log group' } },
      }),
    }),
  );
  const stacks = new DashboardStacks(page);
  await stacks.gotoList();
  await page.getByRole('link', { name: stackName }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('CREATE_COMPLETE', { timeout: 30_000 });
  await expect(stacks.panel).toContainText('AWS::Logs::LogGroup');
  await scan(page, 'stack-resources');
  await stacks.tab('Events').click();
  await expect(stacks.panel).toContainText('CREATE_COMPLETE');
  await stacks.tab('Outputs').click();
  await expect(stacks.panel).toContainText(`/ecs/${stackName}`);
  await stacks.tab('Template').click();
  await expect(stacks.panel).toContainText('AWS::Logs::LogGroup');
  await scan(page, 'stack-template');
  await stacks.delete(stackName);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('DELETE_COMPLETE', { timeout: 30_000 });
});

test('an AWS error shows its code and message where it happened', async ({ page }) => {
  await page.goto('/clusters/no-such-cluster');
  await expect(page.getByRole('alert')).toContainText('Could not describe cluster no-such-cluster');
  await expect(page.getByTestId('aws-error-code')).toHaveText('ClusterNotFoundException');
  await page.goto(`/clusters/${world.cluster}/services/no-such-service`);
  await expect(page.getByTestId('aws-error-code')).toHaveText('ServiceNotFoundException');
  await scan(page, 'error');
});

test('deregister a revision, then delete the service with confirmation', async ({ page }) => {
  const tds = new DashboardTaskDefinitions(page);
  await tds.gotoRevision(world.family, 1);
  await page.getByRole('button', { name: 'Deregister' }).click();
  const deregister = page.getByRole('dialog', { name: `Deregister ${world.family}:1` });
  await expect(deregister.getByRole('button', { name: 'Deregister' })).toBeDisabled();
  await deregister.getByLabel('Revision').fill(`${world.family}:1`);
  await deregister.getByRole('button', { name: 'Deregister' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('INACTIVE');
  // An INACTIVE revision can be deleted, through the same dialog.
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const remove = page.getByRole('dialog', { name: `Delete ${world.family}:1` });
  await expect(remove.getByTestId('api-input')).toContainText('"taskDefinitions"');
  await remove.getByLabel('Revision').fill(`${world.family}:1`);
  await remove.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page).toHaveURL(/status=INACTIVE$/);
  await expect(page.getByText('deleted (DELETE_IN_PROGRESS)')).toBeVisible();

  const service = new DashboardService(page);
  await service.goto(world.cluster, world.service);
  await page.getByRole('button', { name: 'Delete service' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete service ${world.service}` });
  const confirm = dialog.getByRole('button', { name: 'Delete', exact: true });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('Service name').fill(world.service);
  await confirm.click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${world.cluster}\\?tab=services$`));
  await expect(page.getByText('No services in this cluster')).toBeVisible({ timeout: 30_000 });
});
