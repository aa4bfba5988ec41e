/**
 * Issue 10 in the browser: a Fargate task's page shows its launch type, capacity provider, network
 * interface and addresses, and its External link answers; a cluster's page lists its capacity
 * providers and follows managed scaling as it grows the cluster from 0 instances until 6 tasks run,
 * then shrinks it back to 0 after the service is scaled to 0. The AWS side is set up with the SDK.
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { expect, screenshot, seriousA11yViolations, test } from './fixtures';

const settings = (endpoint: string) => ({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

test('a Fargate task page shows its network interface and its External link answers', async ({
  page,
  api,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const suffix = Date.now().toString(36);
  const cluster = `fg-${suffix}`;
  const ec2 = new EC2Client(settings(baseURL ?? ''));
  const subnets = (
    await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))
  ).Subnets?.map((s) => s.SubnetId ?? '');
  const group = (
    await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }),
    )
  ).SecurityGroups?.[0]?.GroupId;
  ec2.destroy();
  await api.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await api.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: `fg-web-${suffix}`,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'web', image: 'httpd:2.4', portMappings: [{ containerPort: 80 }] }],
    }),
  );
  const run = await api.ecs.send(
    new RunTaskCommand({
      cluster,
      taskDefinition: `fg-web-${suffix}`,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets, securityGroups: group ? [group] : [], assignPublicIp: 'ENABLED' },
      },
    }),
  );
  const taskId = run.tasks?.[0]?.taskArn?.split('/').pop() ?? '';
  await page.goto(`/clusters/${cluster}/tasks/${taskId}`);
  await expect(page.getByTestId('launch-type')).toContainText('FARGATE (platform 1.4.0)');
  await expect(page.getByTestId('task-eni')).toHaveText(/^eni-/, { timeout: 30_000 });
  await expect(page.getByTestId('task-private-ip')).toHaveText(/^\d+\.\d+\.\d+\.\d+$/);
  await expect(page.getByTestId('task-public-ip')).toHaveText(/^\d+\.\d+\.\d+\.\d+$/);
  const link = page.getByRole('link', { name: /External link: open web on http/ });
  await expect(link).toBeVisible({ timeout: 30_000 });
  const href = (await link.getAttribute('href')) ?? '';
  const answer = await page.request.get(href);
  expect(answer.status()).toBeLessThan(500);
  await page.screenshot(screenshot('fargate-task'));
  expect(await seriousA11yViolations(page)).toEqual([]);
});

test('a capacity provider grows a cluster from 0 instances until 6 tasks run, and shrinks it back', async ({
  page,
  api,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const suffix = Date.now().toString(36);
  const cluster = `grow-${suffix}`;
  const asg = new AutoScalingClient(settings(baseURL ?? ''));
  const userData = Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config`).toString(
    'base64',
  );
  await api.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await asg.send(
    new CreateLaunchConfigurationCommand({
      LaunchConfigurationName: cluster,
      ImageId: 'ami-0a7a1e5e0c5c0ffee',
      InstanceType: 't2.micro',
      UserData: userData,
    }),
  );
  await asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: cluster,
      LaunchConfigurationName: cluster,
      MinSize: 0,
      MaxSize: 4,
      DesiredCapacity: 0,
      AvailabilityZones: ['us-east-1a'],
      NewInstancesProtectedFromScaleIn: true,
    }),
  );
  asg.destroy();
  await api.ecs.send(
    new CreateCapacityProviderCommand({
      name: `cp-${suffix}`,
      autoScalingGroupProvider: {
        autoScalingGroupArn: cluster,
        managedScaling: { status: 'ENABLED', targetCapacity: 100 },
        managedTerminationProtection: 'ENABLED',
      },
    }),
  );
  await api.ecs.send(
    new PutClusterCapacityProvidersCommand({
      cluster,
      capacityProviders: [`cp-${suffix}`, 'FARGATE'],
      defaultCapacityProviderStrategy: [{ capacityProvider: `cp-${suffix}`, weight: 1 }],
    }),
  );
  await api.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: cluster,
      containerDefinitions: [
        { name: 'web', image: 'httpd:2.4', memory: 300, portMappings: [{ containerPort: 80, hostPort: 0 }] },
      ],
    }),
  );

  await page.goto(`/clusters/${cluster}`);
  const providers = page.getByRole('table', { name: `Capacity providers of cluster ${cluster}` });
  await expect(providers.getByRole('row', { name: new RegExp(`cp-${suffix}`) })).toContainText(
    'Enabled, target 100%',
  );
  await expect(providers.getByRole('row', { name: /FARGATE/ })).toContainText('Fargate');
  await expect(page.getByTestId('cluster-instances')).toHaveText('0');
  const groupCapacity = page.getByTestId('group-capacity');
  await expect(groupCapacity).toHaveText('desired 0 · 0 instances (0 protected) · min 0, max 4');

  await api.ecs.send(
    new CreateServiceCommand({ cluster, serviceName: 'web', taskDefinition: cluster, desiredCount: 6 }),
  );
  await expect(page.getByTestId('cluster-running-tasks')).toHaveText('6', { timeout: 60_000 });
  await expect(page.getByTestId('cluster-instances')).toHaveText('2');
  await expect(groupCapacity).toHaveText('desired 2 · 2 instances (2 protected) · min 0, max 4');
  await page.screenshot(screenshot('capacity-grown'));
  expect(await seriousA11yViolations(page)).toEqual([]);

  await api.ecs.send(new UpdateServiceCommand({ cluster, service: 'web', desiredCount: 0 }));
  await expect(page.getByTestId('cluster-running-tasks')).toHaveText('0', { timeout: 60_000 });
  // Managed scaling waits out its scale-in delay, then the empty instances go.
  await expect(page.getByTestId('cluster-instances')).toHaveText('0', { timeout: 90_000 });
  await expect(groupCapacity).toHaveText('desired 0 · 0 instances (0 protected) · min 0, max 4');
});
