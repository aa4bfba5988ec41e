/**
 * Container logs on the task page: a task definition with awslogs, a task on an instance, its startup
 * lines, Follow picking up the access-log line of a request made from the test, and the filter.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { expect, screenshot, seriousA11yViolations, test } from './fixtures';
import { addInstances, consoleUrl, waitFor } from './pages/dashboard-world';
import { DashboardTask } from './pages/dashboard-task';

test('the task page shows a container’s awslogs lines, follows new ones and filters them', async ({
  page,
  api,
}) => {
  const options = {
    region: 'us-east-1',
    endpoint: consoleUrl(),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const ec2 = new EC2Client(options);
  const logs = new CloudWatchLogsClient(options);
  const suffix = Date.now().toString(36);
  const cluster = `logs-${suffix}`;
  const group = `/ecs/logs-${suffix}`;
  try {
    await api.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await addInstances(ec2, api.ecs, cluster, 1, 1900);
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await api.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `logs-${suffix}`,
        containerDefinitions: [
          {
            name: 'web',
            image: 'httpd:2.4',
            memory: 128,
            portMappings: [{ containerPort: 80, hostPort: 0 }],
            logConfiguration: {
              logDriver: 'awslogs',
              options: {
                'awslogs-group': group,
                'awslogs-region': 'us-east-1',
                'awslogs-stream-prefix': 'ecs',
              },
            },
          },
          { name: 'sidecar', image: 'busybox', memory: 32, essential: false },
          {
            name: 'agent',
            image: 'busybox',
            memory: 32,
            essential: false,
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': `${group}-missing`, 'awslogs-stream-prefix': 'ecs' },
            },
          },
        ],
      }),
    );
    const run = await api.ecs.send(new RunTaskCommand({ cluster, taskDefinition: `logs-${suffix}` }));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    await waitFor(
      'task RUNNING',
      async () => (await api.ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))).tasks?.[0],
      (t) => t?.lastStatus === 'RUNNING',
    );
    const taskId = taskArn.split('/').pop() ?? '';

    await page.goto(`/clusters/${cluster}/tasks/${taskId}`);
    const web = page.locator('[data-testid="container-logs"][data-container="web"]');
    await expect(web.getByTestId('log-stream')).toHaveText(`ecs/web/${taskId}`);
    await expect(web.getByTestId('log-lines')).toContainText('resuming normal operations');
    await expect(web.getByTestId('log-lines')).toContainText('AH00558');
    await expect(page.locator('[data-container="sidecar"]')).toContainText(
      'This container has no awslogs log configuration',
    );

    const agent = page.locator('[data-testid="container-logs"][data-container="agent"]');
    await expect(agent.getByTestId('aws-error-code')).toHaveText('ResourceNotFoundException');
    await expect(agent.getByTestId('aws-error-message')).toHaveText(
      'The specified log group does not exist.',
    );

    await web.getByRole('switch', { name: 'Follow' }).check();
    const href = await new DashboardTask(page).bindingLinks.first().getAttribute('href');
    expect(href).toMatch(/^http:\/\//);
    const res = await fetch(new URL('/from-e2e', href ?? ''));
    expect(res.status).toBe(200);
    await res.text();
    await expect(web.getByTestId('log-lines')).toContainText('"GET /from-e2e HTTP/1.1" 200', {
      timeout: 10_000,
    });
    await page.screenshot(screenshot('task-logs-following'));
    expect(await seriousA11yViolations(page)).toEqual([]);

    await web.getByLabel('Filter log events').fill('from-e2e');
    const filtered = web.getByTestId('log-lines');
    await expect(filtered).toHaveAttribute('aria-label', /matching from-e2e/);
    await expect(filtered.locator('li')).toHaveCount(1);
    await expect(filtered).toContainText('GET /from-e2e');
    await web.getByLabel('Filter log events').fill('no-such-line');
    await expect(web.getByTestId('log-empty')).toHaveText('No log events match the filter');
  } finally {
    ec2.destroy();
    logs.destroy();
  }
});
