import type { Locator, Page } from '@playwright/test';

/** The bar on every dashboard page: live status and pause/resume. */
export class LiveBar {
  constructor(readonly page: Page) {}
  get status(): Locator {
    return this.page.getByTestId('live-status');
  }
  get toggle(): Locator {
    return this.page.getByRole('button', { name: /live updates/ });
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/dashboards-${name}.png`, fullPage: true });
}
