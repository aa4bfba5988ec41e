/**
 * Long lists page with the API's own token: 250 tasks started with RunTask (ListTasks answers 100 at a
 * time) and 105 task definition families (ListTaskDefinitionFamilies, 100 at a time), on the embedded
 * control plane. The first page shows, the table says how many are loaded, "Load more" (with the keyboard)
 * and scrolling to the end read the next pages with nextToken; every ListTasks the console sent is checked.
 * Once loaded, the list stays live without reading every page again: a task stopped elsewhere changes its
 * row in view, and a task started elsewhere joins the list. A cluster of 105 instances: the capacity
 * picture shows the first 100 (one List and one Describe call a poll) and says so.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import type { Request } from '@playwright/test';
import { expect, screenshot, seriousA11yViolations, test } from './fixtures';
import { addInstances, consoleUrl, waitFor } from './pages/dashboard-world';
import { DashboardClusters } from './pages/dashboard-clusters';
import { PagedTable } from './pages/paged-table';

const clientOptions = () => ({
  region: 'us-east-1',
  endpoint: consoleUrl(),
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

type Ecs = Parameters<Parameters<typeof test>[2]>[0]['api']['ecs'];

/** A cluster of two roomy instances and `runs` × 10 tiny tasks started with RunTask: its name and family. */
async function clusterWithTasks(ecs: Ecs, prefix: string, runs: number) {
  const ec2 = new EC2Client(clientOptions());
  const cluster = `${prefix}-${Date.now().toString(36)}`;
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await addInstances(ec2, ecs, cluster, 2, 4000);
  ec2.destroy();
  const family = `${cluster}-tiny`;
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [{ name: 'tiny', image: 'busybox', essential: true, cpu: 4, memory: 8 }],
    }),
  );
  for (let i = 0; i < runs; i++)
    await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family, count: 10 }));
  return { cluster, family };
}

/** The ListTasks inputs the page sends (JSON 1.1 bodies to the console's AWS endpoint). */
function listTasksInputs(requests: Request[]): Array<Record<string, unknown>> {
  return requests
    .filter((r) => r.headers()['x-amz-target'] === 'AmazonEC2ContainerServiceV20141113.ListTasks')
    .map((r) => JSON.parse(r.postData() ?? '{}') as Record<string, unknown>);
}

test('250 tasks: the first 100, then "Load more" and scrolling read the next pages with nextToken', async ({
  page,
  api,
}) => {
  test.setTimeout(240_000);
  const ecs = api.ecs;
  const { cluster, family } = await clusterWithTasks(ecs, 'paging', 25);
  // The control plane answers ListTasks 100 at a time.
  const first = await ecs.send(new ListTasksCommand({ cluster }));
  expect(first.taskArns).toHaveLength(100);
  expect(first.nextToken).toBeTruthy();
  await waitFor(
    '250 tasks listed',
    async () => {
      let n = 0;
      let nextToken: string | undefined;
      do {
        const page = await ecs.send(new ListTasksCommand({ cluster, nextToken }));
        n += page.taskArns?.length ?? 0;
        nextToken = page.nextToken;
      } while (nextToken);
      return n;
    },
    (n) => n === 250,
  );

  const requests: Request[] = [];
  page.on('request', (r) => requests.push(r));
  const clusters = new DashboardClusters(page);
  await clusters.gotoCluster(cluster, 'tasks');
  const tasks = new PagedTable(page, 'Load 100 more tasks', 'tasks-count');
  await expect(tasks.count).toHaveText('100 tasks loaded, more to load');
  await expect(tasks.loadMore).toBeVisible();
  await page.screenshot(screenshot('paging-tasks-100'));
  expect(await seriousA11yViolations(page), 'axe on the paged tasks tab').toEqual([]);
  expect(listTasksInputs(requests)[0]).toEqual({ cluster, maxResults: 100, desiredStatus: 'RUNNING' });

  // "Load more" with the keyboard: the next page, asked for with the token of the first.
  await tasks.loadMoreWithKeyboard();
  await expect(tasks.count).toHaveText('200 tasks loaded, more to load');
  const second = listTasksInputs(requests).find((input) => input['nextToken'] !== undefined);
  expect(second).toEqual({ cluster, maxResults: 100, desiredStatus: 'RUNNING', nextToken: first.nextToken });

  // Scrolling to the end of the virtual rows reads the last page; then there is nothing more to load.
  await tasks.scrollToEnd('tasks-scroll');
  await expect(tasks.count).toHaveText('250 tasks');
  await expect(tasks.loadMore).toHaveCount(0);
  // The filter applies to every row loaded.
  await page.getByLabel('Filter tasks').fill(`taskDefinition:${family}:1`);
  await expect(tasks.count).toHaveText('250 tasks');
  await page.getByLabel('Filter tasks').fill('no-such-task');
  await expect(tasks.count).toHaveText('0 shown of 250 tasks');

  // Live: the poll reads the rows in view again, so a task stopped elsewhere leaves the running list
  // (it shows each status while it stops), and is listed with the stopped ones.
  await page.getByLabel('Filter tasks').fill('');
  await expect(tasks.count).toHaveText('250 tasks');
  const shownId = (await page.getByTestId('task-row').first().getByRole('link').first().textContent()) ?? '';
  expect(shownId).toMatch(/^[0-9a-f]{32}$/);
  await expect(tasks.row('task-row', shownId)).toHaveCount(1);
  await ecs.send(new StopTaskCommand({ cluster, task: shownId, reason: 'Stopped elsewhere' }));
  await expect(tasks.row('task-row', shownId)).toHaveCount(0, { timeout: 30_000 });
  await expect(tasks.count).toHaveText('249 tasks');
  await page.getByLabel('Desired status').selectOption('STOPPED');
  await expect(tasks.row('task-row', shownId)).toContainText('Stopped elsewhere');
  await page.getByLabel('Desired status').selectOption('RUNNING');
  await expect(tasks.count).toHaveText(/^(100|249) tasks/);
  // And a task started elsewhere joins the list (its page is listed again within a few polls).
  const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family, count: 1 }));
  const newId = run.tasks?.[0]?.taskArn?.split('/').pop() ?? '';
  expect(newId).not.toBe('');
  await page.getByLabel('Filter tasks').fill(newId);
  await expect(tasks.row('task-row', newId)).toBeVisible({ timeout: 30_000 });
  await expect(tasks.count).toHaveText(/^1 shown of \d+ tasks/);
});

test('a scroll to the end while a poll is on its way reads the next page at once, and the poll is not thrown away', async ({
  page,
  api,
}) => {
  test.setTimeout(120_000);
  const ecs = api.ecs;
  const { cluster } = await clusterWithTasks(ecs, 'paging-poll', 15);
  const first = await ecs.send(new ListTasksCommand({ cluster }));
  expect(first.nextToken).toBeTruthy();

  const clusters = new DashboardClusters(page);
  await clusters.gotoCluster(cluster, 'tasks');
  const tasks = new PagedTable(page, 'Load 100 more tasks', 'tasks-count');
  await expect(tasks.count).toHaveText('100 tasks loaded, more to load');

  // Hold the next poll's first-page ListTasks (the list's refresh) until released.
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let held: Request | undefined;
  await page.route('**/aws/**', async (route) => {
    const input = route.request().postData() ?? '';
    const listTasks = route.request().headers()['x-amz-target']?.endsWith('.ListTasks');
    if (!held && listTasks && !input.includes('nextToken')) {
      held = route.request();
      await released;
    }
    await route.continue().catch(() => undefined); // the request may have been aborted meanwhile
  });
  const failed: string[] = [];
  page.on('requestfailed', (r) => {
    if (r === held) failed.push(r.failure()?.errorText ?? 'failed');
  });
  const requests: Request[] = [];
  page.on('request', (r) => requests.push(r));
  await expect.poll(() => held !== undefined, { timeout: 30_000 }).toBe(true);

  // The operator scrolls to the end: the second page is asked for at once, beside the poll.
  await tasks.scrollToEnd('tasks-scroll');
  const secondPage = () =>
    listTasksInputs(requests).filter((input) => input['nextToken'] === first.nextToken).length;
  await expect.poll(secondPage, { timeout: 10_000 }).toBeGreaterThan(0);
  await page.waitForTimeout(500);
  // The poll is still on its way: not cancelled (its request aborted), and the page was read once.
  expect(failed).toEqual([]);
  expect(secondPage()).toBe(1);
  await expect(tasks.count).toHaveText('100 tasks loaded, more to load');

  // Once the poll is in, the page read beside it joins the list.
  const finished = page.waitForEvent('requestfinished', { predicate: (r) => r === held, timeout: 10_000 });
  release();
  await finished;
  await expect(tasks.count).toHaveText('150 tasks');
  expect(failed).toEqual([]);
  await page.unroute('**/aws/**');
});

test('105 task definition families: ECS searches the prefix, the table pages, sorts and filters', async ({
  page,
  api,
}) => {
  const prefix = `pg${Date.now().toString(36)}-`;
  for (let i = 0; i < 105; i++)
    await api.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `${prefix}${String(i).padStart(3, '0')}`,
        containerDefinitions: [{ name: 'c', image: 'busybox', memory: 8 }],
      }),
    );
  await page.goto('/task-definitions');
  await page.getByLabel('Family name starts with').fill(prefix);
  await page.getByLabel('Family name starts with').press('Enter');
  await expect(page).toHaveURL(new RegExp(`prefix=${prefix}`));
  const families = new PagedTable(page, 'Load 100 more families');
  await expect(page.getByText('100 families loaded, more to load')).toBeVisible();
  await expect(page.getByRole('link', { name: `${prefix}000`, exact: true })).toBeVisible();
  // The latest revision of each family shown, read as its row appears.
  await expect(page.getByRole('link', { name: `${prefix}000:1`, exact: true })).toBeVisible();
  expect(await seriousA11yViolations(page), 'axe on the families table').toEqual([]);
  await families.loadMoreWithKeyboard();
  await expect(page.getByText('105 families', { exact: true })).toBeVisible();
  await expect(families.loadMore).toHaveCount(0);
  // Sorted by family (ascending by default), then descending: the last one first.
  await page.getByRole('button', { name: /^Family/ }).click();
  await expect(page).toHaveURL(/sort=family%3Adesc|sort=family:desc/);
  await expect(page.getByRole('row').nth(1)).toContainText(`${prefix}104`);
  await page.getByLabel('Filter families').fill('103');
  await expect(page.getByText('1 shown of 105 families')).toBeVisible();
});

test('105 container instances: the capacity picture shows the first 100 and says how many there are', async ({
  page,
  api,
}) => {
  const ecs = api.ecs;
  const cluster = `pictured-${Date.now().toString(36)}`;
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  for (let i = 0; i < 105; i++)
    await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster,
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 2048 },
        ],
      }),
    );
  const requests: Request[] = [];
  page.on('request', (r) => requests.push(r));
  await new DashboardClusters(page).gotoCluster(cluster, 'services');
  const capacity = page.getByTestId('cluster-capacity');
  await expect(capacity.getByTestId('capacity-partial')).toHaveText(
    'The first 100 container instances of 105, in the order ListContainerInstances gives them; the Instances tab lists them all.',
  );
  await expect(capacity.getByTestId('capacity-cpu-instance')).toHaveCount(100);
  // A hundred bars name no instance under them; their figures are behind a disclosure.
  await capacity.getByText('Figures for each of the 100 instances').first().click();
  await expect(capacity.getByTestId('capacity-cpu-instance').first()).toBeVisible();
  await expect(capacity.getByTestId('capacity-cpu-instance').first()).toContainText(
    '0 of 1024 CPU units reserved',
  );
  // One page read for the picture, never the whole cluster: no ListContainerInstances with a token.
  const listed = requests
    .filter(
      (r) => r.headers()['x-amz-target'] === 'AmazonEC2ContainerServiceV20141113.ListContainerInstances',
    )
    .map((r) => JSON.parse(r.postData() ?? '{}') as Record<string, unknown>);
  expect(listed.length).toBeGreaterThan(0);
  expect(listed.every((input) => input['nextToken'] === undefined)).toBe(true);
});
