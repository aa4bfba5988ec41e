import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium';

// The SDK versions this package pins support Node 20; its notice about future versions is noise here.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 15_000 },
  outputDir: '../test-results/playwright',
  globalSetup: './global-setup.ts',
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    // Traces on demand: `npm run e2e -- --trace on`.
    trace: 'off',
    launchOptions: chromiumLaunchOptions,
  },
});
