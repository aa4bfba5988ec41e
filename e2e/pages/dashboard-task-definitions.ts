import type { Locator, Page } from '@playwright/test';

/** /task-definitions, /task-definitions/:family (diff) and /task-definitions/:family/:revision (editor). */
export class DashboardTaskDefinitions {
  constructor(readonly page: Page) {}

  async gotoDiff(family: string, a: number, b: number): Promise<void> {
    await this.page.goto(`/task-definitions/${encodeURIComponent(family)}?a=${a}&b=${b}`);
  }

  get diffTable(): Locator {
    return this.page.getByTestId('diff-table');
  }

  async gotoRevision(family: string, revision: number): Promise<void> {
    await this.page.goto(`/task-definitions/${encodeURIComponent(family)}/${revision}`);
  }

  async openEditor(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Register a new revision' }).click();
    return this.page.getByLabel(/Task definition JSON/);
  }

  async register(): Promise<void> {
    await this.page.getByRole('button', { name: 'Register new revision' }).click();
  }

  /** The read-only JSON of the revision shown. */
  get jsonView(): Locator {
    return this.page.locator('pre[aria-label$="as JSON"]');
  }

  get jsonErrors(): Locator {
    return this.page.getByTestId('json-errors');
  }
}
