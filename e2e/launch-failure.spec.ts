/**
 * Journey (d): a launch step fails -> its AWS error code and message show on that step, with Retry and
 * Delete; Retry continues from the failed step; Delete removes the service and the stack.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateKeyPairCommand, DeleteKeyPairCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { expect, screenshot, seriousA11yViolations, test } from './fixtures';
import { LaunchPage } from './pages/launch-page';
import { WizardPage } from './pages/wizard-page';

const cluster = 'busy';

test('a failed step shows its AWS error; Retry resumes it; Delete removes stack and service', async ({
  page,
  api,
  baseURL,
}) => {
  // A service of the same name already exists in the cluster, so the launch's CreateService fails.
  await api.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await api.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'blocker',
      containerDefinitions: [{ name: 'blocker', image: 'busybox', memory: 32, essential: true }],
    }),
  );
  await api.ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: 'sample-webapp',
      taskDefinition: 'blocker',
      desiredCount: 0,
    }),
  );

  const wizard = new WizardPage(page);
  const launch = new LaunchPage(page);
  await wizard.goto('cluster');
  await wizard.fill('Cluster name', cluster);
  await wizard.next();
  await wizard.expectStep('review');
  await wizard.launch();

  await launch.waitForStep('service', 'failed', 150_000);
  const failedStep = launch.step('service');
  await expect(failedStep.getByTestId('aws-error-code')).toHaveText(/Exception$/);
  await expect(failedStep.getByTestId('aws-error-message')).not.toBeEmpty();
  await expect(failedStep.getByRole('button', { name: 'Retry' })).toBeVisible();
  await expect(failedStep.getByRole('button', { name: 'Delete stack and service' })).toBeVisible();
  await expect(launch.step('stack')).toHaveAttribute('data-state', 'done');
  await page.screenshot(screenshot('failure-01-service'));
  expect(await seriousA11yViolations(page)).toEqual([]);

  // Remove the obstacle, then Retry: the launch goes on from CreateService.
  await api.ecs.send(new DeleteServiceCommand({ cluster, service: 'sample-webapp', force: true }));
  await failedStep.getByRole('button', { name: 'Retry' }).click();
  await launch.waitForStep('service', 'done');
  await launch.waitForStep('steady', 'done', 120_000);
  await expect(launch.step('taskDefinition')).toContainText(/console-sample-app-static:\d+/);

  // Delete: confirm, then the service and the stack are gone.
  await page.getByRole('button', { name: 'Delete stack and service' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Delete the stack and the service?' });
  // The shared delete dialog: the service's name typed to confirm, the calls it makes shown.
  await expect(dialog.getByRole('button', { name: 'Delete', exact: true })).toBeDisabled();
  await dialog.getByLabel('Service name').fill('sample-webapp');
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByTestId('deleted')).toBeVisible({ timeout: 120_000 });
  await page.screenshot(screenshot('failure-02-deleted'));

  const services = await api.ecs.send(new DescribeServicesCommand({ cluster, services: ['sample-webapp'] }));
  expect(services.services?.filter((s) => s.status === 'ACTIVE') ?? []).toEqual([]);
  const cfn = new CloudFormationClient({
    region: 'us-east-1',
    endpoint: baseURL,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const stacks = await cfn
    .send(new DescribeStacksCommand({ StackName: `EC2ContainerService-${cluster}` }))
    .then((r) => r.Stacks ?? [])
    .catch(() => []);
  expect(stacks.filter((s) => s.StackStatus !== 'DELETE_COMPLETE')).toEqual([]);
  cfn.destroy();
});

test('a refused CreateStack shows the CloudFormation error; Retry creates the stack', async ({
  page,
  baseURL,
}) => {
  const ec2 = new EC2Client({
    region: 'us-east-1',
    endpoint: baseURL,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await ec2.send(new CreateKeyPairCommand({ KeyName: 'launch-key' }));

  const wizard = new WizardPage(page);
  const launch = new LaunchPage(page);
  await wizard.goto('cluster');
  await wizard.fill('Cluster name', 'keyed');
  // The key pair list comes from EC2 DescribeKeyPairs.
  await wizard.field('Key pair').selectOption('launch-key');
  await wizard.next();
  await wizard.expectStep('review');
  await expect(page.getByText('launch-key')).toBeVisible();

  // The key pair disappears before the launch: CloudFormation refuses the KeyName parameter.
  await ec2.send(new DeleteKeyPairCommand({ KeyName: 'launch-key' }));
  await wizard.launch();
  await launch.waitForStep('stack', 'failed', 120_000);
  const failedStep = launch.step('stack');
  await expect(failedStep.getByTestId('aws-error-code')).toHaveText('ValidationError');
  await expect(failedStep.getByTestId('aws-error-message')).toContainText('launch-key');
  await page.screenshot(screenshot('failure-03-stack'));

  await ec2.send(new CreateKeyPairCommand({ KeyName: 'launch-key' }));
  await failedStep.getByRole('button', { name: /^Retry/ }).click();
  await launch.waitForStep('stack', 'done', 150_000);
  await launch.waitForStep('steady', 'done', 120_000);
  await launch.expectNoFailure();

  await page.getByRole('button', { name: 'Delete stack and service' }).first().click();
  const again = page.getByRole('dialog', { name: 'Delete the stack and the service?' });
  await again.getByLabel('Service name').fill('sample-webapp');
  await again.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByTestId('deleted')).toBeVisible({ timeout: 120_000 });
  ec2.destroy();
});
