import { expect, type Locator, type Page, type Request } from '@playwright/test';

/**
 * Every ECS request the console sends (POST /aws/ecs), with its operation and parsed JSON body: what a
 * journey compares with the JSON the form showed.
 */
export class EcsRequests {
  readonly sent: Array<{ operation: string; body: unknown }> = [];
  constructor(page: Page) {
    page.on('request', (r: Request) => {
      if (r.method() !== 'POST' || !new URL(r.url()).pathname.startsWith('/aws/ecs')) return;
      const target = r.headers()['x-amz-target'] ?? '';
      this.sent.push({
        operation: target.split('.').pop() ?? target,
        body: JSON.parse(r.postData() ?? '{}'),
      });
    });
  }
  /** The bodies sent for an operation, oldest first. */
  of(operation: string): unknown[] {
    return this.sent.filter((s) => s.operation === operation).map((s) => s.body);
  }
  async waitFor(operation: string, count = 1): Promise<unknown[]> {
    await expect.poll(() => this.of(operation).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(count);
    return this.of(operation);
  }
}

/** The "What this sends" panel of a form or dialog: each call's JSON, parsed. */
export class ApiPreviewPanel {
  constructor(readonly scope: Page | Locator) {}
  inputs(operation: string): Locator {
    return this.scope.locator(`[data-operation="${operation}"] [data-testid="api-input"]`);
  }
  async shown(operation: string): Promise<unknown[]> {
    const texts = await this.inputs(operation).allTextContents();
    return texts.map((t) => JSON.parse(t));
  }
  async showCli(): Promise<Locator> {
    await this.scope.getByRole('button', { name: 'AWS CLI' }).first().click();
    return this.scope.getByTestId('api-cli').first();
  }
  async showJson(): Promise<void> {
    await this.scope.getByRole('button', { name: 'API input (JSON)' }).first().click();
  }
}

/** A form page (create cluster, task definition, service, run task): fields by label, submit. */
export class FormPage {
  constructor(readonly page: Page) {}
  field(label: string | RegExp): Locator {
    return this.page.getByLabel(label, { exact: typeof label === 'string' });
  }
  async fill(label: string | RegExp, value: string): Promise<void> {
    await this.field(label).fill(value);
  }
  async select(label: string | RegExp, value: string): Promise<void> {
    await this.field(label).selectOption(value);
  }
  async submit(name: string): Promise<void> {
    await this.page.getByRole('button', { name, exact: true }).click();
  }
  get preview(): ApiPreviewPanel {
    return new ApiPreviewPanel(this.page.getByTestId('api-preview').first());
  }
}

/** A confirmation dialog by its title. */
export function dialog(page: Page, title: string | RegExp): Locator {
  return page.getByRole('dialog', { name: title });
}
