import type { Locator, Page } from '@playwright/test';

/** /clusters/:cluster/tasks/:task. */
export class DashboardTask {
  constructor(readonly page: Page) {}

  lifecycleStep(id: string): Locator {
    return this.page.getByTestId('task-lifecycle').locator(`[data-step="${id}"]`);
  }

  get bindingLinks(): Locator {
    return this.page.getByRole('link', { name: /^Open .* on http/ });
  }

  /** Stop task, then the reason and the confirmation in its dialog. */
  async stop(reason: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Stop task' }).click();
    const dialog = this.page.getByRole('dialog', { name: /^Stop task/ });
    await dialog.getByLabel('Stop reason').fill(reason);
    await dialog.getByRole('button', { name: 'Stop task' }).click();
  }

  get stoppedReason(): Locator {
    return this.page.getByTestId('stopped-reason');
  }
}
