import { expect, type Locator, type Page } from '@playwright/test';

export type WizardStep = 'task-definition' | 'service' | 'cluster' | 'review';

/** The first-run wizard: fields by label, Next, and the error shown beside a field. */
export class WizardPage {
  constructor(readonly page: Page) {}

  async goto(step: WizardStep = 'task-definition'): Promise<void> {
    await this.page.goto(`/get-started/${step}`);
    await this.expectStep(step);
  }

  async expectStep(step: WizardStep): Promise<void> {
    await expect(this.page).toHaveURL(new RegExp(`/get-started/${step}(\\?|#|$)`));
    await expect(this.page.locator('[aria-current="step"]')).toBeVisible();
  }

  field(label: string | RegExp): Locator {
    return this.page.getByLabel(label, { exact: typeof label === 'string' });
  }

  async fill(label: string | RegExp, value: string): Promise<void> {
    await this.field(label).fill(value);
  }

  /** Fills each field, in order. */
  async fillAll(values: Array<[label: string, value: string]>): Promise<void> {
    for (const [label, value] of values) await this.fill(label, value);
  }

  /** Each field shows, beside it, an error containing its text. */
  async expectErrors(errors: Array<[label: string, text: string]>): Promise<void> {
    for (const [label, text] of errors) expect(await this.errorBeside(label)).toContain(text);
  }

  async next(): Promise<void> {
    await this.page.getByRole('button', { name: /^Next:/ }).click();
  }

  async back(): Promise<void> {
    await this.page.getByRole('link', { name: 'Back', exact: true }).click();
  }

  /** The field is marked invalid and the text of its error (the element aria-describedby points to first). */
  async errorBeside(label: string | RegExp): Promise<string> {
    const field = this.field(label);
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
    expect(errorId, `aria-describedby of ${String(label)} names an error`).toBeTruthy();
    const error = this.page.locator(`[id="${errorId}"]`);
    await expect(error).toBeVisible();
    // Beside: the error follows its field inside the same field wrapper.
    const sameWrapper = await field.evaluate(
      (el, id) => el.parentElement?.querySelector(`[id="${id}"]`) !== null,
      errorId ?? '',
    );
    expect(sameWrapper, `error of ${String(label)} sits beside the field`).toBe(true);
    return (await error.textContent()) ?? '';
  }

  async launch(): Promise<void> {
    await this.page.getByRole('button', { name: 'Launch instance & run service' }).click();
  }

  tab(name: string): Locator {
    return this.page.getByRole('tab', { name });
  }

  get tabPanel(): Locator {
    return this.page.getByRole('tabpanel');
  }
}
