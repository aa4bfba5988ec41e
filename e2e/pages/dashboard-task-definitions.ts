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

  /** "Create new revision", then the form's JSON view: the editor holding the RegisterTaskDefinition input. */
  async openEditor(): Promise<Locator> {
    await this.page.getByRole('link', { name: 'Create new revision' }).click();
    await this.page.getByRole('button', { name: 'JSON', exact: true }).click();
    return this.page.getByLabel('RegisterTaskDefinition input (JSON)');
  }

  async register(): Promise<void> {
    await this.page.getByRole('button', { name: 'Register task definition' }).click();
  }

  /** The read-only JSON of the revision shown. */
  get jsonView(): Locator {
    return this.page.locator('pre[aria-label$="as JSON"]');
  }

  get jsonErrors(): Locator {
    return this.page.getByTestId('json-errors');
  }
}
