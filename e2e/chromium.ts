import { existsSync } from 'node:fs';

/** Debian's Chromium when it is there (CI installs it); otherwise Playwright's own download. */
const systemChromium = '/usr/bin/chromium';

/** How every browser here is launched: headless, and quiet on a machine with no network. */
export const chromiumLaunchOptions = {
  executablePath: existsSync(systemChromium) ? systemChromium : undefined,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
