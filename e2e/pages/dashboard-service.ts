import type { Locator, Page } from '@playwright/test';

/** /clusters/:cluster/services/:service and its actions. */
export class DashboardService {
  constructor(readonly page: Page) {}

  async goto(cluster: string, service: string): Promise<void> {
    await this.page.goto(`/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}`);
  }

  count(label: 'desired' | 'running' | 'pending'): Locator {
    return this.page.getByTestId(`service-${label}`);
  }

  async scale(n: number): Promise<void> {
    await this.page.getByLabel('Desired tasks').fill(String(n));
    await this.page.getByRole('button', { name: 'Update desired count' }).click();
  }

  async updateRevision(label: string): Promise<void> {
    await this.page.getByLabel('Task definition revision').selectOption({ label });
    await this.page.getByRole('button', { name: 'Update revision' }).click();
  }

  /** Force new deployment, confirmed in its dialog. */
  async forceNewDeployment(): Promise<void> {
    await this.page.getByRole('button', { name: 'Force new deployment' }).click();
    await this.page
      .getByRole('dialog', { name: /^Force a new deployment/ })
      .getByRole('button', { name: 'Force new deployment' })
      .click();
  }

  get deployments(): Locator {
    return this.page.getByRole('table', { name: /Deployments of/ }).locator('tbody tr');
  }

  get events(): Locator {
    return this.page.getByTestId('events-timeline').getByRole('listitem');
  }

  get taskLinks(): Locator {
    // The task id links (the instance column links to the EC2 instance, i-...).
    return this.page.getByTestId('task-row').getByRole('link', { name: /^[0-9a-f]+$/ });
  }
}
