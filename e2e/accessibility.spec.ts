/**
 * Journey (c): an axe scan of every page of the shell, the wizard and the launch (light and dark); no serious
 * or critical violation. The launch, failed and finished, is scanned by the launch journeys; the
 * dashboards (clusters, services, stacks...) belong to their own suite.
 */
import { expect, seriousA11yViolations, test } from './fixtures';
import { Shell } from './pages/shell';
import { WizardPage } from './pages/wizard-page';

const pages = [
  { name: 'wizard: task definition', path: '/get-started/task-definition', ready: 'Task definition name' },
  { name: 'wizard: service', path: '/get-started/service', ready: 'Service name' },
  { name: 'wizard: cluster', path: '/get-started/cluster', ready: 'Cluster name' },
  { name: 'wizard: review', path: '/get-started/review?tab=cloudformation', ready: null },
  { name: 'launch (nothing launched)', path: '/launch', ready: null },
  { name: 'not found', path: '/no-such-page', ready: null },
];

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test.use({ colorScheme: theme });
    for (const p of pages) {
      test(`axe: ${p.name}`, async ({ page }) => {
        await page.goto(p.path);
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        if (p.ready) await expect(page.getByLabel(p.ready, { exact: true })).toBeVisible();
        await expect(page.getByRole('status').filter({ hasText: 'Loading' })).toHaveCount(0);
        expect(await seriousA11yViolations(page)).toEqual([]);
      });
    }
  });
}

test('axe: shortcuts dialog, and the keyboard works', async ({ page }) => {
  const shell = new Shell(page);
  const wizard = new WizardPage(page);
  await wizard.goto('task-definition');
  // Skip link first in the tab order.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await shell.openShortcutHelp();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await page.locator('body').press('g');
  await page.locator('body').press('c');
  await expect(page).toHaveURL(/\/clusters$/);
  await page.locator('body').press('g');
  await page.locator('body').press('w');
  await wizard.expectStep('task-definition');
});
