/**
 * Issue 5: the console in AWS mode (`ecs-console serve --aws`), as close to real AWS as this machine
 * allows. "AWS" is the embedded control plane (multi-region: the region comes from each request's
 * SigV4 scope) behind a front (e2e/fake-aws.ts) that verifies every signature against the server's
 * credentials, answers STS GetCallerIdentity and throttles ECS on demand. The console server runs in
 * AWS mode with its fixed endpoint table pointed at that front; Chromium drives the built SPA.
 */
import { test, expect, type Page } from '@playwright/test';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { startConsoleServer, type ConsoleServer } from '../src/server/index';
import type { EndpointTable } from '../src/server/endpoints';
import { startTestPlane, waitFor, type TestPlane } from '../src/testing/plane';
import { startFakeAws, type FakeAws } from './fake-aws';
import { screenshot, seriousA11yViolations } from './fixtures';

const serverCredentials = {
  accessKeyId: 'AKIAE2ESERVERKEY00001',
  secretAccessKey: 'e2e-server-secret-key-never-in-the-browser',
  sessionToken: 'e2e-server-session-token-never-in-the-browser',
};
const accountId = '123456789012';

test.describe('AWS mode against a signature-checking fake AWS', () => {
  test.describe.configure({ mode: 'serial' });

  let plane: TestPlane;
  let front: FakeAws;
  let server: ConsoleServer;
  const serverLines: string[] = [];
  const pageErrors: string[] = [];
  /** Responses to the browser that carried a server secret (must stay empty). */
  const leaks: string[] = [];

  test.beforeAll(async () => {
    plane = await startTestPlane({ accountId });
    front = await startFakeAws({ planeUrl: plane.url, credentials: serverCredentials, accountId });

    // The front has teeth: a wrong secret is refused and counted; the right one passes.
    const signedWith = (secretAccessKey: string) =>
      new ECSClient({
        endpoint: front.url,
        region: 'eu-west-1',
        credentials: { ...serverCredentials, secretAccessKey },
        maxAttempts: 1,
      });
    const wrong = signedWith('not-the-secret');
    await expect(wrong.send(new ListClustersCommand({}))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    });
    wrong.destroy();
    expect(front.badSignatures).toEqual(['ecs:ListClusters eu-west-1: signature does not match']);
    const right = signedWith(serverCredentials.secretAccessKey);
    await right.send(new ListClustersCommand({}));
    right.destroy();
    front.resetRecords();

    await seed(plane.url);

    const table: EndpointTable = (service, region) => ({
      url: `${front.url}/`,
      signingRegion: service === 'iam' ? 'us-east-1' : region,
    });
    server = await startConsoleServer({
      target: {
        mode: 'aws',
        region: 'eu-west-1',
        credentials: async () => serverCredentials,
        endpointTable: table,
      },
      port: 0,
      retryBaseMs: 10,
      verbose: true,
      log: (line) => serverLines.push(line),
    });
  });

  test.afterAll(async () => {
    await server?.close();
    await front?.close();
    await plane?.plane.stop();
  });

  test.beforeEach(({ page }) => {
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('response', async (response) => {
      if (!/\/(aws|api)\//.test(new URL(response.url()).pathname)) return;
      const text = JSON.stringify(await response.allHeaders()) + (await response.text().catch(() => ''));
      for (const secret of [serverCredentials.secretAccessKey, serverCredentials.sessionToken])
        if (text.includes(secret)) leaks.push(`${response.url()} carries ${secret.slice(0, 12)}...`);
    });
  });

  test('the server knows the account from STS and reports AWS mode', async () => {
    expect(server.notes).toEqual([]);
    expect(server.info).toMatchObject({ mode: 'aws', region: 'eu-west-1', accountId });
    expect(front.verified).toContain('sts:GetCallerIdentity');
  });

  test('the badge shows AWS, the account and the region; the region switcher changes the data', async ({
    page,
    browser,
  }) => {
    await page.goto(`${server.url}/clusters`);
    const badge = page.getByTestId('backend-badge');
    await expect(badge).toContainText(`AWS ${accountId}`);
    const region = badge.getByLabel('Region');
    await expect(region).toHaveValue('eu-west-1');
    await expect(clusterRow(page, 'prod-eu').getByRole('cell')).toHaveText([
      'prod-eu',
      'ACTIVE',
      '1',
      '1',
      '1',
      '0',
    ]);
    await expect(clusterLink(page, 'prod-us2')).toHaveCount(0);
    await page.screenshot(screenshot('aws-mode-clusters-eu-west-1'));
    expect(await seriousA11yViolations(page), 'axe on the AWS-mode clusters page').toEqual([]);

    await region.selectOption('us-east-2');
    await expect(clusterLink(page, 'prod-us2')).toBeVisible();
    await expect(clusterLink(page, 'prod-eu')).toHaveCount(0);
    await expect(badge).toContainText(`AWS ${accountId}`);

    // The choice is in the URL (and kept for the tab in sessionStorage): it survives a reload.
    await page.reload();
    await expect(page.getByTestId('backend-badge').getByLabel('Region')).toHaveValue('us-east-2');
    await expect(clusterLink(page, 'prod-us2')).toBeVisible();
    await expect(clusterLink(page, 'prod-eu')).toHaveCount(0);
    await page.screenshot(screenshot('aws-mode-clusters-us-east-2'));

    // Every URL names its region, as in the AWS console: a deep link opens in its region in a fresh tab
    // (no session), and a switch on a resource page goes to the list of the new region; Back returns.
    expect(new URL(page.url()).searchParams.get('region')).toBe('us-east-2');
    const fresh = await browser.newContext();
    try {
      const tab = await fresh.newPage();
      await tab.goto(`${server.url}/clusters/prod-us2?region=us-east-2`);
      await expect(tab.getByRole('heading', { name: 'prod-us2', level: 1 })).toBeVisible();
      await expect(tab.getByTestId('backend-badge').getByLabel('Region')).toHaveValue('us-east-2');
      await expect(tab.getByRole('main')).not.toContainText('ClusterNotFoundException');
      await tab.getByTestId('backend-badge').getByLabel('Region').selectOption('eu-west-1');
      await expect(tab).toHaveURL(/\/clusters\?region=eu-west-1$/);
      await expect(clusterLink(tab, 'prod-eu')).toBeVisible();
      await tab.goBack();
      await expect(tab).toHaveURL(/\/clusters\/prod-us2\?region=us-east-2$/);
      await expect(tab.getByTestId('backend-badge').getByLabel('Region')).toHaveValue('us-east-2');
    } finally {
      await fresh.close();
    }

    // ECS calls went upstream for exactly the regions the switcher chose (the front verified each
    // signature for its own scope's region).
    const regions = new Set(serverLines.map((l) => / ecs:\w+ (\S+) ->/.exec(l)?.[1]).filter((r) => r));
    expect([...regions].sort()).toEqual(['eu-west-1', 'us-east-2']);
  });

  test('cluster and service pages, then throttling: retried by the server, shown by the console', async ({
    page,
  }) => {
    await page.goto(`${server.url}/clusters`);
    await expect(clusterLink(page, 'prod-eu')).toBeVisible();
    await clusterLink(page, 'prod-eu').click();
    await expect(page.getByRole('tabpanel').getByRole('link', { name: 'web', exact: true })).toBeVisible();
    await expect(page.getByTestId('service-counts-web')).toHaveText('1 / 1 / 0');
    await page.getByRole('tabpanel').getByRole('link', { name: 'web', exact: true }).click();
    await expect(page.getByTestId('service-running')).toHaveText('1');
    await expect(page.getByTestId('throttle-notice')).toHaveCount(0);

    const serviceUrl = page.url();

    // Throttling starts while no page polls, so the next two ECS requests are the page's first read.
    await page.goto('about:blank');
    front.throttleNextEcs(2);
    await page.goto(serviceUrl);
    const notice = page.getByTestId('throttle-notice');
    await expect(notice).toContainText('AWS throttled DescribeServices; the console server retried 2 times.');
    // The page still loads its data: the retries absorbed the throttling.
    await expect(page.getByTestId('service-desired')).toHaveText('1');
    await expect(page.getByTestId('service-running')).toHaveText('1');
    await expect(page.getByTestId('task-row')).toHaveCount(1);
    await page.screenshot(screenshot('aws-mode-service-throttled'));
    expect(front.throttled).toEqual(['DescribeServices', 'DescribeServices']);
    expect(
      serverLines.some((l) =>
        /ecs:DescribeServices eu-west-1 -> 200 \d+ ms after 2 throttling retries/.test(l),
      ),
    ).toBe(true);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);
  });

  test('sustained throttling: one bounded round of retries, the error shown in place, then Try again', async ({
    page,
  }) => {
    const before = front.throttled.length;
    front.throttleNextEcs(1000);
    await page.goto(`${server.url}/clusters/prod-eu/services/web`);
    const error = page.getByRole('main').getByText('ThrottlingException');
    await expect(error).toBeVisible();
    await expect(page.getByRole('main')).toContainText('Rate exceeded');
    await expect(page.getByTestId('throttle-notice')).toContainText('the console server retried 3 times');
    // One failed read costs the console's 3 attempts times the server's 1 + 3, and nothing stacked on top
    // (the browser's SDK used to retry too: 36 upstream calls). The page reads nothing else before it.
    expect(front.throttled.slice(before)).toEqual(Array<string>(12).fill('DescribeServices'));
    await page.screenshot(screenshot('aws-mode-service-throttling-error'));

    front.throttleNextEcs(0);
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByTestId('service-running')).toHaveText('1');
    await expect(error).toHaveCount(0);
  });

  test('upstream saw only good signatures made with the server key; the browser saw no secret', () => {
    expect(front.badSignatures).toEqual([]);
    expect([...front.accessKeyIds]).toEqual([serverCredentials.accessKeyId]);
    expect(front.verified.filter((v) => v.startsWith('ecs:')).length).toBeGreaterThan(10);
    // No call failed upstream but the ones the front throttled on purpose.
    const failed = serverLines.filter((l) => !/ -> 200 /.test(l));
    expect(
      failed.filter((l) => !/ecs:DescribeServices eu-west-1 -> 400 .* after 3 throttling retries/.test(l)),
    ).toEqual([]);
    expect(leaks).toEqual([]);
    expect(pageErrors, 'uncaught page errors').toEqual([]);
  });
});

function clusterLink(page: Page, name: string) {
  return page.getByRole('main').getByRole('link', { name, exact: true });
}

function clusterRow(page: Page, name: string) {
  return page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
}

/**
 * Straight on the plane (no front): prod-eu in eu-west-1 with one EC2 container instance (its agent
 * registers from the UserData) and a service of one running task; prod-us2, empty, in us-east-2.
 */
async function seed(planeUrl: string): Promise<void> {
  const settings = (region: string) => ({
    endpoint: planeUrl,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const eu = new ECSClient(settings('eu-west-1'));
  const ec2 = new EC2Client(settings('eu-west-1'));
  const us2 = new ECSClient(settings('us-east-2'));
  try {
    await eu.send(new CreateClusterCommand({ clusterName: 'prod-eu' }));
    await us2.send(new CreateClusterCommand({ clusterName: 'prod-us2' }));
    await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-0123456789abcdef0',
        InstanceType: 't3.small',
        MinCount: 1,
        MaxCount: 1,
        UserData: Buffer.from('#!/bin/bash\necho ECS_CLUSTER=prod-eu >> /etc/ecs/ecs.config\n').toString(
          'base64',
        ),
      }),
    );
    await waitFor(
      async () =>
        (await eu.send(new ListContainerInstancesCommand({ cluster: 'prod-eu' }))).containerInstanceArns
          ?.length === 1,
      20_000,
      50,
      'the EC2 instance registered in prod-eu',
    );
    await eu.send(
      new RegisterTaskDefinitionCommand({
        family: 'prod-web',
        containerDefinitions: [
          {
            name: 'web',
            image: 'public.ecr.aws/nginx/nginx:1.27',
            essential: true,
            cpu: 256,
            memory: 256,
            portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
          },
        ],
      }),
    );
    await eu.send(
      new CreateServiceCommand({
        cluster: 'prod-eu',
        serviceName: 'web',
        taskDefinition: 'prod-web:1',
        desiredCount: 1,
      }),
    );
    await waitFor(
      async () => {
        const s = (await eu.send(new DescribeServicesCommand({ cluster: 'prod-eu', services: ['web'] })))
          .services?.[0];
        return s?.runningCount === 1 && s.pendingCount === 0;
      },
      20_000,
      50,
      'prod-eu/web running 1 task',
    );
    // The plane keeps regions apart: each cluster lives only in its own region.
    const names = async (c: ECSClient) =>
      ((await c.send(new ListClustersCommand({}))).clusterArns ?? []).map((a) => a.split('/').pop());
    expect(await names(eu)).toEqual(['prod-eu']);
    expect(await names(us2)).toEqual(['prod-us2']);
  } finally {
    eu.destroy();
    ec2.destroy();
    us2.destroy();
  }
}
