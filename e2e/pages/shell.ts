import { expect, type Locator, type Page } from '@playwright/test';

/** The console shell: navigation, backend badge, theme, shortcuts help. */
export class Shell {
  constructor(readonly page: Page) {}

  nav(name: string): Locator {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  }

  get backendBadge(): Locator {
    return this.page.getByTestId('backend-badge');
  }

  async openShortcutHelp(): Promise<Locator> {
    await this.page.locator('body').press('?');
    const dialog = this.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(dialog).toBeVisible();
    return dialog;
  }

  async setTheme(theme: 'light' | 'dark'): Promise<void> {
    const toggle = this.page.getByRole('button', { name: /Switch theme/ });
    for (let i = 0; i < 3; i++) {
      if (((await toggle.getAttribute('aria-label')) ?? '').includes(`Theme: ${theme}`)) return;
      await toggle.click();
    }
    await expect(toggle).toHaveAttribute('aria-label', new RegExp(`Theme: ${theme}`));
  }
}
