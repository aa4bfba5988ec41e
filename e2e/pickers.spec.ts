/**
 * The service and run-task forms pick ids instead of asking for them: a VPC, its subnets and security
 * groups (DescribeSubnets/DescribeSecurityGroups filtered by the VPC, searchable, an id not listed typed
 * in), a target group (DescribeTargetGroups) and the container and port from the task definition's port
 * mappings. The service is created and the request sent equals the JSON the form showed.
 */
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Page } from '@playwright/test';
import { expect, screenshot, seriousA11yViolations, test } from './fixtures';
import { addInstances, consoleUrl } from './pages/dashboard-world';
import { EcsRequests, FormPage } from './pages/operate-pages';

const clientOptions = () => ({
  region: 'us-east-1',
  endpoint: consoleUrl(),
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

const tags = (name: string, type: 'vpc' | 'subnet' | 'security-group') => [
  { ResourceType: type, Tags: [{ Key: 'Name', Value: name }] },
];

/** At 390 px and in dark mode: no sideways scroll, and axe again. */
async function narrowAndDark(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot(screenshot(`pickers-${name}-390-dark`));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
  expect(await seriousA11yViolations(page), `axe on ${name} (dark, 390 px)`).toEqual([]);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('create service: subnets, security groups, target group and container port picked from lists', async ({
  page,
  api,
}) => {
  test.setTimeout(180_000);
  const suffix = Date.now().toString(36);
  const ec2 = new EC2Client(clientOptions());
  const elb = new ElasticLoadBalancingV2Client(clientOptions());
  const ecs = api.ecs;

  // A VPC of our own with three named subnets and two security groups.
  const vpcId =
    (
      await ec2.send(
        new CreateVpcCommand({ CidrBlock: '10.77.0.0/16', TagSpecifications: tags(`pick-${suffix}`, 'vpc') }),
      )
    ).Vpc?.VpcId ?? '';
  const subnet = async (i: number, zone: string) =>
    (
      await ec2.send(
        new CreateSubnetCommand({
          VpcId: vpcId,
          CidrBlock: `10.77.${i}.0/24`,
          AvailabilityZone: zone,
          TagSpecifications: tags(`app-${i}-${suffix}`, 'subnet'),
        }),
      )
    ).Subnet?.SubnetId ?? '';
  const subnets = [
    await subnet(1, 'us-east-1a'),
    await subnet(2, 'us-east-1b'),
    await subnet(3, 'us-east-1c'),
  ] as const;
  for (const id of subnets) expect(id).toMatch(/^subnet-/);
  const group = async (name: string) =>
    (
      await ec2.send(
        new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: `${name} tasks` }),
      )
    ).GroupId ?? '';
  const webGroup = await group(`web-${suffix}`);
  await group(`db-${suffix}`);

  // A target group on a load balancer in the default VPC, and a cluster with one instance.
  const defaultVpc =
    (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'isDefault', Values: ['true'] }] })))
      .Vpcs?.[0]?.VpcId ?? '';
  const defaultSubnets =
    (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [defaultVpc] }] })))
      .Subnets ?? [];
  const byZone = new Map(defaultSubnets.map((s) => [s.AvailabilityZone ?? '', s.SubnetId ?? '']));
  const lb = (
    await elb.send(
      new CreateLoadBalancerCommand({
        Name: `pick-${suffix}`,
        Type: 'application',
        Subnets: [...byZone.values()],
      }),
    )
  ).LoadBalancers?.[0];
  const tg = (
    await elb.send(
      new CreateTargetGroupCommand({
        Name: `pick-${suffix}`,
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: defaultVpc,
      }),
    )
  ).TargetGroups?.[0];
  await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb?.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tg?.TargetGroupArn }],
    }),
  );
  const cluster = `pick-${suffix}`;
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await addInstances(ec2, ecs, cluster, 1, 2000);
  const family = `pick-${suffix}`;
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [
        {
          name: 'web',
          image: 'busybox',
          essential: true,
          memory: 64,
          portMappings: [
            { containerPort: 8080, hostPort: 0, protocol: 'tcp' },
            { containerPort: 9090, hostPort: 0, protocol: 'tcp' },
          ],
        },
      ],
    }),
  );

  const requests = new EcsRequests(page);
  const form = new FormPage(page);
  await page.goto(`/clusters/${cluster}/create-service`);
  await form.fill('Service name', 'web');
  await form.select('Task definition family', family);

  // awsvpc: the VPC chosen, two subnets ticked (one found by searching its name), a group typed in.
  await form.field('Send an awsvpc network configuration').check();
  await form.select('VPC', vpcId);
  const subnetList = page.getByRole('list', { name: 'Subnets to choose from' });
  await expect(subnetList.getByRole('checkbox')).toHaveCount(3);
  await subnetList.getByRole('checkbox', { name: new RegExp(`app-1-${suffix}`) }).check();
  await page.getByLabel('Search the subnets loaded').fill(`app-3-${suffix}`);
  await expect(subnetList.getByRole('checkbox')).toHaveCount(1);
  // Keyboard only: focus the checkbox, Space ticks it.
  await subnetList.getByRole('checkbox').focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('list', { name: 'Subnets chosen' }).getByRole('listitem')).toHaveCount(2);
  const groupList = page.getByRole('list', { name: 'Security groups to choose from' });
  await expect(groupList.getByRole('checkbox')).toHaveCount(3); // the VPC's default group too
  const typed = page.getByLabel('A security group id not listed');
  await typed.fill('sg-12');
  await typed.press('Enter');
  await expect(page.getByText('Enter a security group id like sg-0123456789abcdef0.')).toBeVisible();
  await typed.fill(webGroup);
  await typed.press('Enter');
  await expect(page.getByRole('list', { name: 'Security groups chosen' })).toContainText(webGroup);
  await expect(groupList.getByRole('checkbox', { name: new RegExp(`web-${suffix}`) })).toBeChecked();
  expect((await form.preview.shown('CreateService'))[0]).toMatchObject({
    networkConfiguration: {
      awsvpcConfiguration: { subnets: [subnets[0], subnets[2]], securityGroups: [webGroup] },
    },
  });
  // The CLI command carries the same ids.
  const cli = await form.preview.showCli();
  await expect(cli).toContainText(subnets[0]);
  await expect(cli).toContainText(subnets[2]);
  await expect(cli).toContainText(webGroup);
  await form.preview.showJson();
  expect(await seriousA11yViolations(page), 'axe on the network pickers').toEqual([]);
  await page.screenshot(screenshot('pickers-network'));
  await narrowAndDark(page, 'network');
  // The chip's remove button takes an id out again.
  await page.getByRole('button', { name: `Remove ${subnets[2]}` }).click();
  await expect(page.getByRole('list', { name: 'Subnets chosen' }).getByRole('listitem')).toHaveCount(1);
  // This task definition is in bridge mode: no network configuration for it.
  await form.field('Send an awsvpc network configuration').uncheck();

  // Load balancing: the target group from the list, the container and port from the task definition.
  await page.getByRole('button', { name: 'Add target group' }).click();
  // Searched by name, then chosen from the keyboard.
  await page.getByLabel('Search target groups by name (1)').fill(`pick-${suffix}`);
  // The search answers first (on a loaded machine a key pressed before it moves nothing).
  await expect(
    form.field('Target group (1)').locator(`option[value="${tg?.TargetGroupArn ?? ''}"]`),
  ).toHaveCount(1);
  await form.field('Target group (1)').focus();
  await page.keyboard.press('ArrowDown');
  await expect(form.field('Target group (1)')).toHaveValue(tg?.TargetGroupArn ?? '');
  await expect(form.field('Target group ARN (1)')).toHaveValue(tg?.TargetGroupArn ?? '');
  await form.select(`Container and port of ${family}:1 (1)`, 'web:9090');
  await expect(form.field('Container (1)')).toHaveValue('web');
  await expect(form.field('Container port (1)')).toHaveValue('9090');
  expect(await seriousA11yViolations(page), 'axe on the target group picker').toEqual([]);
  await narrowAndDark(page, 'target-group');
  const shown = await form.preview.shown('CreateService');
  expect(shown[0]).toMatchObject({
    loadBalancers: [{ targetGroupArn: tg?.TargetGroupArn, containerName: 'web', containerPort: 9090 }],
  });
  expect(shown[0]).not.toHaveProperty('networkConfiguration');
  await form.submit('Create service');
  await expect(page).toHaveURL(new RegExp(`/clusters/${cluster}/services/web$`));
  expect(await requests.waitFor('CreateService')).toEqual(shown);

  // Run task has the same network pickers.
  await page.goto(`/clusters/${cluster}/run-task`);
  await form.field('Send an awsvpc network configuration').check();
  await form.select('VPC', vpcId);
  await page
    .getByRole('list', { name: 'Subnets to choose from' })
    .getByRole('checkbox', { name: new RegExp(`app-2-${suffix}`) })
    .check();
  expect((await form.preview.shown('RunTask'))[0]).toMatchObject({
    networkConfiguration: { awsvpcConfiguration: { subnets: [subnets[1]] } },
  });
  ec2.destroy();
  elb.destroy();
});
