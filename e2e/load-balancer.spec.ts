/**
 * Journey (e): the wizard with an Application Load Balancer and the deployment circuit breaker; the
 * external link goes through the load balancer's DNS name, and the service carries the breaker.
 */
import type { BrowserContext, Locator } from '@playwright/test';
import { expect, screenshot, test } from './fixtures';
import { LaunchPage } from './pages/launch-page';
import { WizardPage } from './pages/wizard-page';

/** The external link opens the sample container's page through the load balancer (in a new tab). */
async function expectContainerThrough(context: BrowserContext, link: Locator): Promise<void> {
  const href = (await link.getAttribute('href')) ?? '';
  const container = await context.newPage();
  await expect
    .poll(
      async () => {
        const res = await container.goto(href).catch(() => null);
        return res?.ok() ? await container.locator('body').innerText() : '';
      },
      { timeout: 30_000 },
    )
    .toContain('simple-app');
  await container.close();
}

test('launch behind a load balancer: the link opens the container through it', async ({ page, context }) => {
  const wizard = new WizardPage(page);
  const launch = new LaunchPage(page);
  await wizard.goto('service');
  await page.getByLabel('Use an Application Load Balancer').check();
  await expect(wizard.field('Container to load balance')).toHaveValue('simple-app:80');
  await wizard.fill('Health check path', '/');
  await wizard.field('Deployment circuit breaker').selectOption('rollback');
  await wizard.next();
  await wizard.fill('Cluster name', 'balanced');
  await wizard.next();
  await wizard.expectStep('review');
  await wizard.tab('Service').click();
  await expect(wizard.tabPanel).toContainText('"containerName": "simple-app"');
  await expect(wizard.tabPanel).toContainText('"deploymentCircuitBreaker"');
  await wizard.launch();

  await launch.waitForStep('stack', 'done', 150_000);
  await launch.waitForStep('steady', 'done', 120_000);
  await launch.expectNoFailure();
  const link = launch.externalLinks.first();
  await expect(link).toContainText('through the load balancer');
  await page.screenshot(screenshot('lb-01-steady'));
  await expectContainerThrough(context, link);

  await launch.viewServiceButton.click();
  await expect(page.getByTestId('deployment-settings')).toHaveText(
    'Minimum healthy 100 % · maximum 200 % · circuit breaker on, with rollback',
  );
});

test('Fargate behind a load balancer: two subnets, an ip target group, the link reaches the tasks', async ({
  page,
  context,
}) => {
  const wizard = new WizardPage(page);
  const launch = new LaunchPage(page);
  await wizard.goto('service');
  await wizard.fill('Service name', 'fargate-balanced');
  await page.getByLabel('Use an Application Load Balancer').check();
  await wizard.fill('Health check path', '/');
  await wizard.next();
  await wizard.fill('Cluster name', 'fargate-balanced');
  await page.getByRole('radio', { name: /Fargate \(no instances to manage\)/ }).check();
  const subnets = page.getByRole('list', { name: 'Subnets to choose from' });
  await subnets.getByRole('checkbox').first().check();
  // One subnet is one Availability Zone: the load balancer needs two, said beside the subnets.
  await wizard.next();
  await wizard.expectStep('cluster');
  await expect(
    page.locator('[data-field-error]', {
      hasText:
        'The load balancer needs subnets in at least two Availability Zones: choose 2 or more subnets, or turn the load balancer off in step 2.',
    }),
  ).toBeVisible();
  await subnets.getByRole('checkbox').nth(1).check();
  await wizard.next();
  await wizard.expectStep('review');
  await wizard.tab('CloudFormation template').click();
  await expect(wizard.tabPanel).toContainText('AWS::ElasticLoadBalancingV2::LoadBalancer');
  await expect(wizard.tabPanel).toContainText('"TargetType": "ip"');
  await expect(wizard.tabPanel).toContainText('"LaunchType": "FARGATE"');
  await expect(wizard.tabPanel).toContainText(/"Default": "vpc-[0-9a-f]+"/);
  await wizard.launch();

  await launch.waitForStep('stack', 'done', 150_000);
  await launch.waitForStep('steady', 'done', 120_000);
  await launch.expectNoFailure();
  const link = launch.externalLinks.first();
  await expect(link).toContainText('through the load balancer');
  await page.screenshot(screenshot('lb-02-fargate-steady'));
  await expectContainerThrough(context, link);
});
