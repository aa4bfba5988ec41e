import { expect, type Locator, type Page } from '@playwright/test';

export type LaunchStepId = 'cluster' | 'taskDefinition' | 'stack' | 'service' | 'steady';

/** The launch status page: its ordered steps and the final links. */
export class LaunchPage {
  constructor(readonly page: Page) {}

  step(id: LaunchStepId): Locator {
    return this.page.getByTestId(`launch-step-${id}`);
  }

  /** Waits for a step's state; stops at once (with the error shown) if another step fails. */
  async waitForStep(
    id: LaunchStepId,
    state: 'done' | 'failed' | 'running',
    timeout = 120_000,
  ): Promise<void> {
    const deadline = Date.now() + timeout;
    const failed = this.page.locator('[data-testid^="launch-step-"][data-state="failed"]');
    for (;;) {
      if ((await this.step(id).getAttribute('data-state')) === state) return;
      if (state !== 'failed' && (await failed.count()) > 0) {
        throw new Error(`the launch failed while waiting for ${id}: ${await failed.first().innerText()}`);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `step ${id} not ${state} after ${timeout} ms: ${await this.page.getByRole('list', { name: 'Launch steps' }).innerText()}`,
        );
      }
      await this.page.waitForTimeout(250);
    }
  }

  async expectNoFailure(): Promise<void> {
    await expect(this.page.locator('[data-state="failed"]')).toHaveCount(0);
  }

  get viewServiceButton(): Locator {
    return this.page.getByRole('link', { name: 'View service' });
  }

  get externalLinks(): Locator {
    return this.page.getByTestId('external-link');
  }

  get stackProgress(): Locator {
    return this.step('stack').getByRole('progressbar');
  }
}
