/**
 * Issue 13's journey: the first-run wizard launching a busybox image (built locally) on a console
 * whose control plane runs real containers (`ecs-console serve --runtime docker`, a second server
 * started here). The header says so, the External Link opens the page the container's httpd serves,
 * and the task page's Logs panel shows that httpd's own access lines. Stopping the server (its state
 * is in memory) removes the containers.
 */
import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import {
  ensureTestImage,
  inspectContainer,
  planeContainers,
  PLANE_LABEL,
  requireDocker,
  TEST_IMAGE,
  TEST_PAGE,
} from '../src/testing/docker';
import { REPO, BIN, startProcess, type RunningProcess } from '../src/testing/process';
import { expect, screenshot, test } from './fixtures';
import { LaunchPage } from './pages/launch-page';
import { WizardPage } from './pages/wizard-page';

const GROUP = '/ecs/docker-journey';

test.describe('the wizard with the Docker runtime', () => {
  test.describe.configure({ mode: 'serial' });
  const enabled = requireDocker('the wizard with the Docker runtime');
  test.skip(!enabled, 'no Docker Engine');

  let server: RunningProcess | null = null;

  test.beforeAll(async () => {
    ensureTestImage();
    server = await startProcess(
      process.execPath,
      [
        BIN,
        'serve',
        '--port',
        '0',
        '--ephemeral',
        '--runtime',
        'docker',
        '--task-step-ms',
        '100',
        '--skip-build',
      ],
      { url: /ecs-console console: (http:\/\/\S+?)\/?\s/, spawn: { cwd: REPO }, timeoutMs: 120_000 },
    );
  });

  test.afterAll(async () => {
    await server?.stop('SIGTERM');
  });

  test('launches the busybox image as real containers; the link opens its page, the Logs panel its access lines', async ({
    page,
    context,
  }) => {
    const url = server?.url ?? '';
    const wizard = new WizardPage(page);
    const launch = new LaunchPage(page);
    await page.goto(`${url}/`);
    await wizard.expectStep('task-definition');
    await expect(page.getByTestId('backend-runtime')).toHaveText(/Docker containers/);

    await wizard.fill('Image', TEST_IMAGE);
    await page.getByRole('button', { name: 'Advanced container configuration' }).click();
    await page.getByLabel('Configure logging').check();
    await page.getByLabel('Log driver').selectOption('awslogs');
    await page
      .getByLabel('Log options')
      .fill(
        `awslogs-group=${GROUP}\nawslogs-region=us-east-1\nawslogs-stream-prefix=ecs\nawslogs-create-group=true`,
      );
    await wizard.next();
    await wizard.expectStep('service');
    await wizard.next();
    await wizard.expectStep('cluster');
    await wizard.next();
    await wizard.expectStep('review');
    await expect(wizard.tabPanel).toContainText(`"image": "${TEST_IMAGE}"`);
    await expect(wizard.tabPanel).toContainText('"logDriver": "awslogs"');
    await wizard.launch();
    await launch.waitForStep('stack', 'done', 150_000);
    await launch.waitForStep('steady', 'done', 120_000);
    await launch.expectNoFailure();
    await expect(launch.externalLinks.first()).toBeVisible({ timeout: 30_000 });
    await page.screenshot(screenshot('docker-01-launch-steady'));

    // The External Link opens what the container's httpd serves (not the simulated page).
    const href = (await launch.externalLinks.first().getAttribute('href')) ?? '';
    expect(href).toMatch(/^http:\/\/127\.\d+\.\d+\.\d+:80\/$/);
    const container = await context.newPage();
    const response = await container.goto(`${href}from-e2e`);
    expect(response?.status()).toBe(404);
    await container.goto(href);
    await expect(container.locator('h1')).toHaveText('ecs-console busybox test page');
    expect(await container.content()).toContain(TEST_PAGE);
    await container.screenshot(screenshot('docker-02-container-page'));
    await container.close();

    // The task behind the link is a real container of this server's plane.
    const ecs = new ECSClient({
      region: 'us-east-1',
      endpoint: url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const arns = (await ecs.send(new ListTasksCommand({ cluster: 'default' }))).taskArns ?? [];
    const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: 'default', tasks: arns }))).tasks ?? [];
    ecs.destroy();
    const served = tasks.find((t) =>
      t.containers?.some((c) => c.networkBindings?.some((b) => href.endsWith(`:${b.hostPort}/`))),
    );
    const runtimeId = served?.containers?.[0]?.runtimeId ?? '';
    const info = inspectContainer(runtimeId) as unknown as { Config: { Labels: Record<string, string> } };
    expect(info.Config.Labels['com.amazonaws.ecs.container-name']).toBe('simple-app');
    const planeId = info.Config.Labels[PLANE_LABEL] ?? '';

    // Its Logs panel: busybox httpd's own lines for the requests above.
    const taskId = served?.taskArn?.split('/').pop() ?? '';
    await page.goto(`${url}/clusters/default/tasks/${taskId}`);
    const logs = page.locator('[data-testid="container-logs"][data-container="simple-app"]');
    await expect(logs.getByTestId('log-stream')).toHaveText(`ecs/simple-app/${taskId}`);
    await logs.getByRole('switch', { name: 'Follow' }).check();
    await expect(logs.getByTestId('log-lines')).toContainText('url:/from-e2e', { timeout: 20_000 });
    await expect(logs.getByTestId('log-lines')).toContainText('response:404');
    await page.screenshot(screenshot('docker-03-task-logs'));

    // The server keeps its state in memory: stopping it removes its containers.
    expect(planeContainers(planeId).length).toBeGreaterThan(0);
    await server?.stop('SIGTERM');
    server = null;
    expect(planeContainers(planeId)).toEqual([]);
  });
});
