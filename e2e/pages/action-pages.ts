import type { Locator, Page } from '@playwright/test';

/** The service page's "Load balancer" section: one line per target group, with the DNS name as a link. */
export class ServiceLoadBalancerSection {
  constructor(readonly page: Page) {}

  get region(): Locator {
    return this.page.getByRole('region', { name: 'Load balancer' });
  }

  link(dnsName: string): Locator {
    return this.region.getByRole('link', { name: dnsName });
  }
}

/** One row of the cluster's ECS Instances tab, found by its EC2 instance id. */
export class InstanceRow {
  constructor(
    readonly page: Page,
    readonly ec2InstanceId: string,
  ) {}

  get row(): Locator {
    return this.page
      .getByRole('table', { name: /^Container instances in cluster/ })
      .getByRole('row')
      .filter({ hasText: this.ec2InstanceId });
  }

  /** The Status column (the second cell). */
  get status(): Locator {
    return this.row.getByRole('cell').nth(1);
  }

  get tasks(): Locator {
    return this.page.getByTestId(`instance-tasks-${this.ec2InstanceId}`);
  }

  get drainButton(): Locator {
    return this.page.getByRole('button', { name: `Drain ${this.ec2InstanceId}` });
  }

  get activateButton(): Locator {
    return this.page.getByRole('button', { name: `Activate ${this.ec2InstanceId}` });
  }

  /** Drain, confirmed in its dialog. */
  async drain(): Promise<void> {
    await this.drainButton.click();
    await this.page
      .getByRole('dialog', { name: `Drain ${this.ec2InstanceId}` })
      .getByRole('button', { name: 'Drain', exact: true })
      .click();
  }

  /** Activate, confirmed in its dialog. */
  async activate(): Promise<void> {
    await this.activateButton.click();
    await this.page
      .getByRole('dialog', { name: `Activate ${this.ec2InstanceId}` })
      .getByRole('button', { name: 'Activate', exact: true })
      .click();
  }
}

/** A stack's Resources or Events table, in the selected tab: the rows of one logical id. */
export function stackRows(page: Page, logicalId: string): Locator {
  return page
    .getByRole('tabpanel')
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: logicalId, exact: true }) });
}
