import type { Locator, Page } from '@playwright/test';

/** /clusters and /clusters/:cluster with its tabs. */
export class DashboardClusters {
  constructor(readonly page: Page) {}

  async gotoList(): Promise<void> {
    await this.page.goto('/clusters');
  }

  listRow(cluster: string): Locator {
    return this.page
      .getByRole('row')
      .filter({ has: this.page.getByRole('link', { name: cluster, exact: true }) });
  }

  async gotoCluster(cluster: string, tab?: 'services' | 'tasks' | 'instances' | 'events'): Promise<void> {
    await this.page.goto(`/clusters/${encodeURIComponent(cluster)}${tab ? `?tab=${tab}` : ''}`);
  }

  tab(name: 'Services' | 'Tasks' | 'ECS Instances' | 'Events'): Locator {
    return this.page.getByRole('tab', { name });
  }

  get panel(): Locator {
    return this.page.getByRole('tabpanel');
  }

  get taskRows(): Locator {
    return this.page.getByTestId('task-row');
  }

  instanceTasks(ec2InstanceId: string): Locator {
    return this.page.getByTestId(`instance-tasks-${ec2InstanceId}`);
  }

  async drain(ec2InstanceId: string): Promise<void> {
    await this.page.getByRole('button', { name: `Drain ${ec2InstanceId}` }).click();
    await this.page
      .getByRole('dialog', { name: `Drain ${ec2InstanceId}` })
      .getByRole('button', { name: 'Drain', exact: true })
      .click();
  }

  get events(): Locator {
    return this.page.getByTestId('events-timeline').getByRole('listitem');
  }
}
