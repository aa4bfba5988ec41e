/**
 * Journey (b): bad values in every step each show an error beside their field, Next does not advance,
 * and nothing is created (ECS ListClusters / ListTaskDefinitionFamilies are unchanged).
 */
import { expect, screenshot, test } from './fixtures';
import { WizardPage } from './pages/wizard-page';

test('bad values are refused beside their fields, and nothing is created', async ({ page, api }) => {
  const before = await api.inventory();
  const wizard = new WizardPage(page);
  await wizard.goto('task-definition');

  // Step 1: task definition.
  await wizard.fill('Task definition name', 'bad name!');
  await wizard.fill('Container name', '');
  await wizard.fill('Image', 'httpd 2.4');
  await wizard.fill('Memory hard limit (MiB)', '100');
  await wizard.fill('Memory soft limit (MiB)', '200');
  await wizard.fill('CPU units', '99999');
  await wizard.fill('Host port (mapping 1)', '22');
  await wizard.fill('Container port (mapping 1)', '70000');
  await wizard.next();
  await wizard.expectStep('task-definition');
  expect(await wizard.errorBeside('Task definition name')).toContain(
    'letters, numbers, hyphens and underscores',
  );
  expect(await wizard.errorBeside('Container name')).toContain('Enter a container name');
  expect(await wizard.errorBeside('Image')).toContain('The image can contain only');
  expect(await wizard.errorBeside('Memory hard limit (MiB)')).toContain(
    'must be greater than the soft limit',
  );
  expect(await wizard.errorBeside('CPU units')).toContain('at most 10240');
  expect(await wizard.errorBeside('Host port (mapping 1)')).toContain('reserved');
  expect(await wizard.errorBeside('Container port (mapping 1)')).toContain('at most 65535');
  await expect(page.getByTestId('error-summary')).toBeVisible();
  // Advanced: an environment variable with a bad name, and a link to a container that does not exist.
  await page.getByRole('button', { name: 'Advanced container configuration' }).click();
  await page.getByRole('button', { name: 'Add environment variable' }).click();
  await wizard.fill('Variable 1 name', '1BAD');
  await wizard.fill('Links', 'nobody');
  expect(await wizard.errorBeside('Variable 1 name')).toContain('starts with a letter or underscore');
  expect(await wizard.errorBeside('Links')).toContain('no container named nobody');
  await page.screenshot(screenshot('bad-01-task-definition'));

  // Fix step 1.
  await wizard.fill('Task definition name', 'console-sample-app-static');
  await wizard.fill('Container name', 'simple-app');
  await wizard.fill('Image', 'httpd:2.4');
  await wizard.fill('Memory soft limit (MiB)', '');
  await wizard.fill('Memory hard limit (MiB)', '300');
  await wizard.fill('CPU units', '10');
  await wizard.fill('Host port (mapping 1)', '80');
  await wizard.fill('Container port (mapping 1)', '80');
  await page.getByRole('button', { name: 'Remove variable 1' }).click();
  await wizard.fill('Links', '');
  await wizard.next();
  await wizard.expectStep('service');

  // Step 2: service.
  await wizard.fill('Service name', '');
  await wizard.fill('Desired number of tasks', '-1');
  await wizard.fill('Minimum healthy percent', '150');
  await wizard.fill('Maximum percent', '300');
  await page.getByLabel('Use an Application Load Balancer').check();
  await wizard.fill('Listener port', '0');
  await wizard.fill('Health check path', 'health');
  await wizard.next();
  await wizard.expectStep('service');
  expect(await wizard.errorBeside('Service name')).toContain('Enter a service name');
  expect(await wizard.errorBeside('Desired number of tasks')).toContain('at least 0');
  expect(await wizard.errorBeside('Minimum healthy percent')).toContain('at most 100');
  expect(await wizard.errorBeside('Maximum percent')).toContain('at most 200');
  expect(await wizard.errorBeside('Listener port')).toContain('at least 1');
  expect(await wizard.errorBeside('Health check path')).toContain('starts with /');
  await page.screenshot(screenshot('bad-02-service'));

  // Fix step 2, but ask for 3 tasks on a fixed host port (checked against the instances on step 3).
  await wizard.fill('Service name', 'sample-webapp');
  await wizard.fill('Desired number of tasks', '3');
  await wizard.fill('Minimum healthy percent', '100');
  await wizard.fill('Maximum percent', '200');
  await page.getByLabel('Use an Application Load Balancer').uncheck();
  await wizard.next();
  await wizard.expectStep('cluster');

  // Step 3: cluster.
  await wizard.fill('Cluster name', 'my cluster');
  await wizard.fill('Number of instances', '1');
  await wizard.fill('Port (rule 1)', '70000');
  await wizard.fill('Source CIDR (rule 1)', '0.0.0.0');
  await wizard.next();
  await wizard.expectStep('cluster');
  expect(await wizard.errorBeside('Cluster name')).toContain('letters, numbers, hyphens and underscores');
  expect(await wizard.errorBeside('Number of instances')).toContain('at least that many instances');
  expect(await wizard.errorBeside('Port (rule 1)')).toContain('at most 65535');
  expect(await wizard.errorBeside('Source CIDR (rule 1)')).toContain('CIDR');
  await wizard.fill('Number of instances', '0');
  expect(await wizard.errorBeside('Number of instances')).toContain('at least 1');
  await page.screenshot(screenshot('bad-03-cluster'));

  // Reaching the review directly with bad answers: Launch stays disabled, the problems link to their step.
  await page.goto('/get-started/review');
  await expect(page.getByTestId('error-summary')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Launch instance & run service' })).toBeDisabled();
  await page.getByTestId('error-summary').getByRole('link', { name: 'Cluster name' }).click();
  await wizard.expectStep('cluster');
  await expect(wizard.field('Cluster name')).toBeFocused();
  expect(await wizard.errorBeside('Cluster name')).toContain('letters, numbers, hyphens and underscores');

  expect(await api.inventory()).toEqual(before);
  await expect(page).not.toHaveURL(/\/launch/);
});
