/**
 * Journey (a): a fresh start, the wizard with its defaults, the launch to a steady service, and the
 * container's external link opening the container's page. Screenshots of each step go to
 * test-results/screenshots/.
 */
import { expect, screenshot, seriousA11yViolations, test } from './fixtures';
import { LaunchPage } from './pages/launch-page';
import { Shell } from './pages/shell';
import { WizardPage } from './pages/wizard-page';

test('first run: defaults -> launch -> steady state -> the container answers', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const shell = new Shell(page);
  const wizard = new WizardPage(page);
  const launch = new LaunchPage(page);

  await page.goto('/');
  await wizard.expectStep('task-definition');
  await expect(shell.backendBadge).toContainText('Local control plane');
  await expect(wizard.field('Task definition name')).toHaveValue('console-sample-app-static');
  await expect(wizard.field('Container name')).toHaveValue('simple-app');
  await expect(wizard.field('Image')).toHaveValue('httpd:2.4');
  await page.screenshot(screenshot('01-task-definition'));

  await wizard.next();
  await wizard.expectStep('service');
  await expect(wizard.field('Service name')).toHaveValue('sample-webapp');
  await page.screenshot(screenshot('02-service'));

  await wizard.next();
  await wizard.expectStep('cluster');
  await expect(wizard.field('Cluster name')).toHaveValue('default');
  await expect(wizard.field('Key pair')).toBeVisible();
  await page.screenshot(screenshot('03-cluster'));

  // Reload keeps the step and the answers; Back and Forward move between steps.
  await page.reload();
  await wizard.expectStep('cluster');
  await page.goBack();
  await wizard.expectStep('service');
  await page.goForward();
  await wizard.expectStep('cluster');

  await wizard.next();
  await wizard.expectStep('review');
  await expect(wizard.tabPanel).toContainText('"family": "console-sample-app-static"');
  await page.screenshot(screenshot('04-review'));

  // Each artifact: copy (with a visible confirmation) and download.
  await wizard.tab('CloudFormation template').click();
  await expect(wizard.tabPanel).toContainText('AWSTemplateFormatVersion');
  await page.getByRole('button', { name: 'YAML' }).click();
  await expect(wizard.tabPanel).toContainText('AWSTemplateFormatVersion:');
  await page.getByRole('button', { name: /^Copy / }).click();
  await expect(wizard.tabPanel.getByText('Copied', { exact: true })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain('AWSTemplateFormatVersion:');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /^Download / }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('EC2ContainerService-default.yaml');
  await wizard.tab('AWS CLI script').click();
  await expect(wizard.tabPanel).toContainText('ecs register-task-definition');
  await page.screenshot(screenshot('05-review-cli'));

  await wizard.launch();
  await expect(page).toHaveURL(/\/launch$/);
  await launch.waitForStep('cluster', 'done');
  await launch.waitForStep('taskDefinition', 'done');
  await expect(launch.step('taskDefinition')).toContainText(/console-sample-app-static:\d+/);
  await expect(launch.stackProgress).toBeVisible();
  await page.screenshot(screenshot('06-launch-stack'));
  // A reload resumes the launch: nothing is registered or created twice.
  const revision = await launch.step('taskDefinition').getByTestId('task-definition-revision').innerText();
  await page.reload();
  await launch.waitForStep('taskDefinition', 'done');
  await expect(launch.step('taskDefinition').getByTestId('task-definition-revision')).toHaveText(revision);

  await launch.waitForStep('stack', 'done', 150_000);
  await expect(launch.step('stack')).toContainText('CREATE_COMPLETE');
  const max = await launch.stackProgress.getAttribute('aria-valuemax');
  await expect(launch.stackProgress).toHaveAttribute('aria-valuenow', max ?? '');
  await launch.waitForStep('service', 'done');
  await launch.waitForStep('steady', 'done', 120_000);
  await launch.expectNoFailure();
  await expect(launch.viewServiceButton).toHaveAttribute('href', '/clusters/default/services/sample-webapp');
  await expect(launch.externalLinks.first()).toBeVisible({ timeout: 30_000 });
  await page.screenshot(screenshot('07-launch-steady'));
  expect(await seriousA11yViolations(page)).toEqual([]);

  const href = await launch.externalLinks.first().getAttribute('href');
  expect(href).toMatch(/^http:\/\/127\.\d+\.\d+\.\d+:80\/$/);
  const container = await context.newPage();
  const response = await container.goto(href ?? '');
  expect(response?.ok()).toBe(true);
  await expect(container.locator('body')).toContainText('simple-app');
  await container.screenshot(screenshot('08-container-page'));
  await container.close();
});
