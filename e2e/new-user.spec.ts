/**
 * A new user's first walk, keyboard only: Tab to each section of the navigation and press Enter; every
 * page takes the focus, names itself in the browser tab, and passes axe. Empty lists say what is missing
 * and offer the next step, counts read "1 service", and the shortcut help reads "g then c".
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import type { Locator, Page } from '@playwright/test';
import { expect, seriousA11yViolations, test } from './fixtures';
import { Shell } from './pages/shell';

/** Presses Tab until `target` has the focus (at most `limit` presses), as a keyboard user would. */
async function tabTo(page: Page, target: Locator, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`${String(target)} not reached with ${limit} Tab presses`);
}

/**
 * The page's heading, the browser tab's title, axe, and after an in-app navigation the focus inside
 * <main> (a full load leaves it at the document's start, as browsers do).
 */
async function checkPage(page: Page, heading: string | RegExp, navigated = true): Promise<void> {
  const h1 = page.getByRole('heading', { level: 1 });
  await expect(h1).toHaveText(heading);
  const text = ((await h1.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  await expect(page).toHaveTitle(`${text} · ECS Console`);
  if (navigated) {
    const inMain = await page.evaluate(() =>
      document.querySelector('main')?.contains(document.activeElement),
    );
    expect(inMain, `focus in <main> on ${text}`).toBe(true);
  }
  expect(await seriousA11yViolations(page), `axe on ${text}`).toEqual([]);
}

test('a new user walks every section from the navigation with the keyboard only', async ({ page, api }) => {
  test.setTimeout(120_000);
  const suffix = Date.now().toString(36);
  const cluster = `walk-${suffix}`;
  await api.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await api.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: `walk-${suffix}`,
      containerDefinitions: [{ name: 'web', image: 'httpd:2.4', memory: 64, essential: true }],
    }),
  );
  await api.ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: 'web',
      taskDefinition: `walk-${suffix}`,
      desiredCount: 0,
    }),
  );

  const shell = new Shell(page);
  await page.goto('/');
  await checkPage(page, 'Configure the task definition');
  for (const [section, url, heading] of [
    ['Clusters', /\/clusters$/, 'Clusters'],
    ['Task definitions', /\/task-definitions$/, 'Task definitions'],
    ['Stacks', /\/stacks$/, 'Stacks'],
    ['Account settings', /\/account-settings$/, 'Account settings'],
    ['Get started', /\/get-started\/task-definition$/, 'Configure the task definition'],
  ] as const) {
    await tabTo(page, shell.nav(section));
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(url);
    await expect(shell.nav(section)).toHaveAttribute('aria-current', 'page');
    await checkPage(page, heading);
  }

  // A cluster: its services count reads "1 service"; the Tasks tab, reached with the arrow keys, says
  // which tasks it has none of and offers Run task and the stopped tasks.
  await page.goto(`/clusters/${cluster}`);
  await checkPage(page, `${cluster} ACTIVE`, false);
  await expect(page.getByText('1 service', { exact: true })).toBeVisible();
  await tabTo(page, page.getByRole('tab', { name: 'Services' }));
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Tasks' })).toHaveAttribute('aria-selected', 'true');
  const panel = page.getByRole('tabpanel', { name: 'Tasks' });
  await expect(panel.getByText(`No running tasks in cluster ${cluster}`)).toBeVisible();
  await expect(panel.getByRole('link', { name: 'Run task' })).toHaveAttribute(
    'href',
    `/clusters/${cluster}/run-task`,
  );
  await tabTo(page, panel.getByRole('button', { name: 'Show stopped tasks' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/desired=STOPPED/);
  await expect(panel.getByText(`No stopped tasks in cluster ${cluster}`)).toBeVisible();
  expect(await seriousA11yViolations(page), 'axe on the empty tasks tab').toEqual([]);

  // The shortcut help reads its key sequences with words between the keys.
  const help = await shell.openShortcutHelp();
  await expect(help.getByRole('row', { name: 'g then c Go to Clusters' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
});
