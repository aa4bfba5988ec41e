/**
 * Journey: the first-run wizard's modern path. Step 3 chooses Fargate (no instances to manage): a subnet
 * of the default VPC, a public IP and a task size checked against Fargate's sizes beside the field. The
 * review shows the FARGATE awsvpc task definition, the stack's AWS::ECS::Service (no Auto Scaling group)
 * with its auto scaling resources, and the CLI script; the launch reaches a steady state and the External Link of the awsvpc task answers.
 */
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { expect, screenshot, seriousA11yViolations, test } from './fixtures';
import { LaunchPage } from './pages/launch-page';
import { WizardPage } from './pages/wizard-page';

test('first run on Fargate: subnets, task size -> review -> launch -> steady -> the task answers', async ({
  page,
}) => {
  const wizard = new WizardPage(page);
  const launch = new LaunchPage(page);

  await wizard.goto('task-definition');
  await wizard.fill('Task definition name', 'fargate-sample-app');
  await wizard.next();
  await wizard.expectStep('service');
  await wizard.fill('Service name', 'fargate-webapp');
  // Auto scaling: a target-tracking policy on the service's average CPU.
  await page.getByRole('checkbox', { name: /keep the service's average CPU at a target/ }).check();
  await expect(wizard.field('Target CPU utilization (%)')).toHaveValue('50');
  await wizard.fill('Maximum tasks', '3');
  expect(await seriousA11yViolations(page)).toEqual([]);
  await wizard.next();
  await wizard.expectStep('cluster');
  await wizard.fill('Cluster name', 'fargate-first-run');

  // EC2 stays the default; Fargate replaces the instance fields with the network and the task size.
  const ec2 = page.getByRole('radio', { name: /EC2 instances \(the 2015 cluster\)/ });
  const fargate = page.getByRole('radio', { name: /Fargate \(no instances to manage\)/ });
  await expect(ec2).toBeChecked();
  await expect(wizard.field('EC2 instance type')).toBeVisible();
  await fargate.check();
  await expect(wizard.field('EC2 instance type')).toHaveCount(0);
  await expect(wizard.field('Task CPU (units)')).toHaveValue('256');
  await expect(wizard.field('Task memory (MiB)')).toHaveValue('512');

  // Nothing ticked and a size Fargate does not offer: the errors show beside their fields.
  await wizard.fill('Task memory (MiB)', '4096');
  await wizard.next();
  await wizard.expectStep('cluster');
  await wizard.expectErrors([
    ['Task memory (MiB)', 'With 256 CPU units a Fargate task has 512, 1024 or 2048 MiB of memory.'],
  ]);
  await expect(page.getByText('Choose at least 1 subnet.', { exact: true })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);

  await wizard.fill('Task memory (MiB)', '1024');
  const subnets = page.getByRole('list', { name: 'Subnets to choose from' });
  await subnets.getByRole('checkbox').first().check();
  const subnetId = (await page.getByRole('list', { name: 'Subnets chosen' }).innerText()).match(
    /subnet-[0-9a-f]+/,
  )?.[0];
  expect(subnetId).toBeTruthy();
  await wizard.field('Public IP').selectOption('ENABLED');
  await page.screenshot(screenshot('fargate-03-cluster'));
  expect(await seriousA11yViolations(page)).toEqual([]);

  await wizard.next();
  await wizard.expectStep('review');
  await expect(wizard.tabPanel).toContainText('"requiresCompatibilities": [');
  await expect(wizard.tabPanel).toContainText('"FARGATE"');
  await expect(wizard.tabPanel).toContainText('"networkMode": "awsvpc"');
  await expect(wizard.tabPanel).toContainText('"memory": "1024"');
  await wizard.tab('Service').click();
  await expect(wizard.tabPanel).toContainText('"Type": "AWS::ECS::Service"');
  await expect(wizard.tabPanel).toContainText('"LaunchType": "FARGATE"');
  await expect(wizard.tabPanel).toContainText('"AwsvpcConfiguration"');
  await expect(wizard.tabPanel).toContainText('"Type": "AWS::ApplicationAutoScaling::ScalableTarget"');
  await expect(wizard.tabPanel).toContainText('"PredefinedMetricType": "ECSServiceAverageCPUUtilization"');
  await wizard.tab('CloudFormation template').click();
  await expect(wizard.tabPanel).toContainText('AWS::ECS::Service');
  await expect(wizard.tabPanel).toContainText('AWS::ApplicationAutoScaling::ScalingPolicy');
  await expect(wizard.tabPanel).not.toContainText('AWS::AutoScaling::AutoScalingGroup');
  await expect(wizard.tabPanel).not.toContainText('LaunchConfiguration');
  await wizard.tab('AWS CLI script').click();
  await expect(wizard.tabPanel).toContainText('cloudformation create-stack');
  await expect(wizard.tabPanel).toContainText(subnetId ?? 'subnet-');
  await expect(wizard.tabPanel).not.toContainText('ecs create-service');
  await page.screenshot(screenshot('fargate-04-review'));

  await wizard.launch();
  await expect(page).toHaveURL(/\/launch$/);
  await launch.waitForStep('cluster', 'done');
  await launch.waitForStep('taskDefinition', 'done');
  await expect(launch.step('taskDefinition')).toContainText(/fargate-sample-app:\d+/);
  await launch.waitForStep('stack', 'done', 150_000);
  await expect(launch.step('service')).toContainText('AWS::ECS::Service');
  await launch.waitForStep('service', 'done');
  await launch.waitForStep('steady', 'done', 120_000);
  await launch.expectNoFailure();
  await expect(launch.viewServiceButton).toHaveAttribute(
    'href',
    '/clusters/fargate-first-run/services/fargate-webapp',
  );
  await expect(launch.externalLinks.first()).toBeVisible({ timeout: 30_000 });
  await page.screenshot(screenshot('fargate-05-launch-steady'));

  // The awsvpc task answers on its own address (127.4.x.y locally), at the container port.
  const href = await launch.externalLinks.first().getAttribute('href');
  expect(href).toMatch(/^http:\/\/127\.4\.\d+\.\d+:80\/$/);
  const response = await page.request.get(href ?? '');
  expect(response.ok()).toBe(true);
  expect(await response.text()).toContain('simple-app');

  // The stack created the scalable target and its policy.
  const aas = new ApplicationAutoScalingClient({
    region: 'us-east-1',
    endpoint: process.env['ECS_CONSOLE_E2E_URL'],
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const resourceId = 'service/fargate-first-run/fargate-webapp';
  const targets = await aas.send(
    new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId] }),
  );
  expect(targets.ScalableTargets?.map((t) => [t.MinCapacity, t.MaxCapacity])).toEqual([[1, 3]]);
  const policies = await aas.send(
    new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }),
  );
  expect(
    policies.ScalingPolicies?.map((p) => p.TargetTrackingScalingPolicyConfiguration?.TargetValue),
  ).toEqual([50]);
});
