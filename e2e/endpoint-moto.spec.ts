/**
 * Issue 5: the console in endpoint mode against a real third-party implementation (moto). Sets up a
 * task definition, a cluster and a service through the console server's AWS endpoint, scales the
 * service in the browser, reads everything back through the console, and checks that pages which
 * need what moto lacks degrade with a message instead of crashing.
 */
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import {
  ECSClient,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/testing/process';
import { requireTool } from '../src/testing/tools';

const root = fileURLToPath(new URL('..', import.meta.url));
const shots = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}:\n${out}`)));
  });
}

const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** No route error page, no uncaught exception: a page that needs what moto lacks says so in place. */
async function expectNoCrash(page: Page, errors: string[]): Promise<void> {
  await expect(page.getByRole('main')).toBeVisible();
  await expect(page.getByText(/unexpected application error|something went wrong/i)).toHaveCount(0);
  expect(errors, 'uncaught page errors').toEqual([]);
}

test.describe('endpoint mode against moto', () => {
  test.describe.configure({ mode: 'serial' });
  test.skip(!requireTool('moto_server', 'endpoint-mode journey'), 'moto_server not installed');

  let moto: ChildProcess | undefined;
  let serve: ChildProcess | undefined;
  let consoleUrl = '';
  let motoUrl = '';
  let ecs: ECSClient;

  test.beforeAll(async () => {
    const port = await freePort();
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    motoUrl = await waitForLine(moto, /Running on (http:\/\/127\.0\.0\.1:\d+)/, 'moto_server');
    serve = spawn(
      process.execPath,
      ['bin/ecs-console.mjs', 'serve', '--port', '0', '--endpoint', motoUrl, '--skip-build'],
      { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    consoleUrl = (
      await waitForLine(serve, /^ecs-console console: (http:\/\/\S+?)\/?$/m, 'ecs-console serve')
    ).replace(/\/$/, '');
    ecs = new ECSClient({
      region: 'us-east-1',
      endpoint: consoleUrl,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    for (const image of ['httpd:2.4', 'httpd:2.4-alpine']) {
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'moto-web',
          containerDefinitions: [
            {
              name: 'web',
              image,
              memory: 128,
              essential: true,
              portMappings: [{ containerPort: 80, hostPort: 80 }],
            },
          ],
        }),
      );
    }
    await ecs.send(new CreateClusterCommand({ clusterName: 'moto-cluster' }));
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'moto-cluster',
        serviceName: 'moto-svc',
        taskDefinition: 'moto-web:1',
        desiredCount: 1,
      }),
    );
  });

  test.afterAll(async () => {
    ecs?.destroy();
    for (const child of [serve, moto]) {
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });

  test('reads moto back through the console, scales the service, and degrades cleanly', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));

    await page.goto(`${consoleUrl}/clusters`);
    await expect(page.getByText(`Endpoint ${motoUrl}`)).toBeVisible();
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: 'moto-cluster', exact: true }) });
    await expect(row).toBeVisible();
    await page.screenshot({ path: `${shots}endpoint-moto-clusters.png`, fullPage: true });

    await page.goto(`${consoleUrl}/clusters/moto-cluster?tab=services`);
    await expect(page.getByRole('tabpanel').getByRole('link', { name: 'moto-svc' })).toBeVisible();

    await page.goto(`${consoleUrl}/clusters/moto-cluster/services/moto-svc`);
    await expect(page.getByTestId('service-desired')).toHaveText('1');
    await page.getByLabel('Desired tasks').fill('3');
    await page.getByRole('button', { name: 'Update desired count' }).click();
    await expect(page.getByTestId('service-desired')).toHaveText('3');
    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: 'moto-cluster', services: ['moto-svc'] }),
    );
    expect(described.services?.[0]?.desiredCount).toBe(3);
    await page.screenshot({ path: `${shots}endpoint-moto-service.png`, fullPage: true });
    await expectNoCrash(page, errors);

    await page.goto(`${consoleUrl}/task-definitions/moto-web`);
    await expect(page.getByRole('link', { name: /moto-web:2|^2$/ }).first()).toBeVisible();

    // Pages that lean on what moto implements partly or not at all: they must answer, not crash.
    for (const path of [
      '/clusters/moto-cluster?tab=tasks',
      '/clusters/moto-cluster?tab=instances',
      '/clusters/moto-cluster?tab=events',
      '/stacks',
      '/task-definitions',
      '/get-started/cluster',
    ]) {
      await page.goto(`${consoleUrl}${path}`);
      await page.waitForLoadState('networkidle');
      await expectNoCrash(page, errors);
    }

    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  });
});
