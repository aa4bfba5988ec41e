/**
 * Issue 4 figure: the SPA's first-load JavaScript, gzip (computed by e2e/bundle-size.mjs, which the
 * e2e run prints too). Builds the SPA first when dist/console is missing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { root } from './lib';

export async function benchBundle(): Promise<void> {
  console.log('\n== SPA first-load JavaScript ==');
  if (!existsSync(join(root, 'dist/console/index.html'))) {
    const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('vite build failed');
  }
  const r = spawnSync(process.execPath, ['e2e/bundle-size.mjs', 'dist/console'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bundle-size failed: ${r.stderr}`);
  console.log(`  ${r.stdout.trim()}`);
  const pages = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { pageLoads } from './e2e/bundle-size.mjs'; console.log(JSON.stringify(pageLoads('dist/console')));`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (pages.status !== 0) throw new Error(`page sizes failed: ${pages.stderr}`);
  const rows = JSON.parse(pages.stdout) as { page: string; files: number; jsGzip: number }[];
  console.log('  each page on navigation (its chunks the shell has not loaded), JS gzip:');
  for (const p of rows)
    console.log(
      `    ${p.page.padEnd(24)} ${(p.jsGzip / 1024).toFixed(1).padStart(6)} KB in ${p.files} files`,
    );
}
