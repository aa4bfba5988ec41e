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
  await wizard.fillAll([
    ['Task definition name', 'bad name!'],
    ['Container name', ''],
    ['Image', 'httpd 2.4'],
    ['Memory hard limit (MiB)', '100'],
    ['Memory soft limit (MiB)', '200'],
    ['CPU units', '99999'],
    ['Host port (mapping 1)', '22'],
    ['Container port (mapping 1)', '70000'],
  ]);
  await wizard.next();
  await wizard.expectStep('task-definition');
  await wizard.expectErrors([
    ['Task definition name', 'letters, numbers, hyphens and underscores'],
    ['Container name', 'Enter a container name'],
    ['Image', 'The image can contain only'],
    ['Memory hard limit (MiB)', 'must be greater than the soft limit'],
    ['CPU units', 'at most 10240'],
    ['Host port (mapping 1)', 'reserved'],
    ['Container port (mapping 1)', 'at most 65535'],
  ]);
  await expect(page.getByTestId('error-summary')).toBeVisible();
  // Advanced: an environment variable with a bad name, and a link to a container that does not exist.
  await page.getByRole('button', { name: 'Advanced container configuration' }).click();
  await page.getByRole('button', { name: 'Add environment variable' }).click();
  await wizard.fillAll([
    ['Variable 1 name', '1BAD'],
    ['Links', 'nobody'],
  ]);
  await wizard.expectErrors([
    ['Variable 1 name', 'starts with a letter or underscore'],
    ['Links', 'no container named nobody'],
  ]);
  await page.screenshot(screenshot('bad-01-task-definition'));

  // Fix step 1.
  await wizard.fillAll([
    ['Task definition name', 'console-sample-app-static'],
    ['Container name', 'simple-app'],
    ['Image', 'httpd:2.4'],
    ['Memory soft limit (MiB)', ''],
    ['Memory hard limit (MiB)', '300'],
    ['CPU units', '10'],
    ['Host port (mapping 1)', '80'],
    ['Container port (mapping 1)', '80'],
  ]);
  await page.getByRole('button', { name: 'Remove variable 1' }).click();
  await wizard.fill('Links', '');
  await wizard.next();
  await wizard.expectStep('service');

  // Step 2: service.
  await wizard.fillAll([
    ['Service name', ''],
    ['Desired number of tasks', '-1'],
    ['Minimum healthy percent', '150'],
    ['Maximum percent', '300'],
  ]);
  await page.getByLabel('Use an Application Load Balancer').check();
  await wizard.fillAll([
    ['Listener port', '0'],
    ['Health check path', 'health'],
  ]);
  await wizard.next();
  await wizard.expectStep('service');
  await wizard.expectErrors([
    ['Service name', 'Enter a service name'],
    ['Desired number of tasks', 'at least 0'],
    ['Minimum healthy percent', 'at most 100'],
    ['Maximum percent', 'at most 200'],
    ['Listener port', 'at least 1'],
    ['Health check path', 'starts with /'],
  ]);
  await page.screenshot(screenshot('bad-02-service'));
  // Back after a failed Next: the earlier step shows no errors until its own Next; the failed step does.
  await wizard.back();
  await wizard.expectStep('task-definition');
  await expect(page.getByTestId('error-summary')).toBeHidden();
  await expect(wizard.field('Task definition name')).not.toHaveAttribute('aria-invalid', 'true');
  await wizard.next();
  await wizard.expectStep('service');
  expect(await wizard.errorBeside('Service name')).toContain('Enter a service name');

  // Fix step 2, but ask for 3 tasks on a fixed host port (checked against the instances on step 3).
  await wizard.fillAll([
    ['Service name', 'sample-webapp'],
    ['Desired number of tasks', '3'],
    ['Minimum healthy percent', '100'],
    ['Maximum percent', '200'],
  ]);
  await page.getByLabel('Use an Application Load Balancer').uncheck();
  await wizard.next();
  await wizard.expectStep('cluster');

  // Step 3: cluster.
  await wizard.fillAll([
    ['Cluster name', 'my cluster'],
    ['Number of instances', '1'],
    ['Port (rule 1)', '70000'],
    ['Source CIDR (rule 1)', '0.0.0.0'],
  ]);
  await wizard.next();
  await wizard.expectStep('cluster');
  await wizard.expectErrors([
    ['Cluster name', 'letters, numbers, hyphens and underscores'],
    ['Number of instances', 'at least that many instances'],
    ['Port (rule 1)', 'at most 65535'],
    ['Source CIDR (rule 1)', 'CIDR'],
  ]);
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
