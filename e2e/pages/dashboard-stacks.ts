import type { Locator, Page } from '@playwright/test';

/** /stacks and /stacks/:stack with its tabs. */
export class DashboardStacks {
  constructor(readonly page: Page) {}

  async gotoList(): Promise<void> {
    await this.page.goto('/stacks');
  }

  async gotoStack(stack: string, tab?: string): Promise<void> {
    await this.page.goto(`/stacks/${encodeURIComponent(stack)}${tab ? `?tab=${tab}` : ''}`);
  }

  tab(name: 'Resources' | 'Events' | 'Outputs' | 'Template' | 'Parameters'): Locator {
    return this.page.getByRole('tab', { name });
  }

  get panel(): Locator {
    return this.page.getByRole('tabpanel');
  }

  async delete(stack: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Delete stack' }).click();
    const dialog = this.page.getByRole('dialog', { name: `Delete stack ${stack}` });
    await dialog.getByLabel('Stack name').fill(stack);
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  }
}
