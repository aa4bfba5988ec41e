/** Shared fixtures: the console's URL as baseURL, and AWS SDK clients on the same server's AWS endpoint. */
import { ECSClient, ListClustersCommand, ListTaskDefinitionFamiliesCommand } from '@aws-sdk/client-ecs';
import { test as base, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';

const screenshotDir = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));

/** Where a journey's screenshot goes: test-results/screenshots/<name>.png at the repository root. */
export function screenshot(name: string): { path: string; fullPage: true } {
  return { path: `${screenshotDir}${name}.png`, fullPage: true };
}

function consoleUrl(): string {
  const url = process.env['ECS_CONSOLE_E2E_URL'];
  if (!url)
    throw new Error(
      'ECS_CONSOLE_E2E_URL is not set: run through e2e/playwright.config.ts (its global setup).',
    );
  return url;
}

export interface AwsApi {
  ecs: ECSClient;
  /** Cluster ARNs and task definition families: what "nothing created" is checked against. */
  inventory(): Promise<{ clusters: string[]; families: string[] }>;
}

/* eslint-disable no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; `{}` = none */
export const test = base.extend<{ api: AwsApi }>({
  baseURL: async ({}, provide) => {
    await provide(consoleUrl());
  },
  api: async ({}, provide) => {
    const ecs = new ECSClient({
      region: 'us-east-1',
      endpoint: consoleUrl(),
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await provide({
      ecs,
      async inventory() {
        const clusters = (await ecs.send(new ListClustersCommand({}))).clusterArns ?? [];
        const families = (await ecs.send(new ListTaskDefinitionFamiliesCommand({}))).families ?? [];
        return { clusters: [...clusters].sort(), families: [...families].sort() };
      },
    });
    ecs.destroy();
  },
});
/* eslint-enable no-empty-pattern */

export { expect };

/** Axe (WCAG 2 A/AA rules): the serious and critical violations on the page, as readable lines. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
