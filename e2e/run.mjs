#!/usr/bin/env node
// `npm run e2e`: builds the SPA when dist/console is missing or older than its sources, prints the
// first-load JS size, then runs the Playwright journeys (their global setup starts `ecs-console serve`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstLoadReport } from './bundle-size.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'dist/console');
const sources = ['src/console', 'src/blueprint', 'index.html', 'public', 'vite.config.ts'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const index = join(outDir, 'index.html');
if (!existsSync(index) || sources.some((s) => newest(join(root, s)) > statSync(index).mtimeMs)) {
  console.log('e2e: building the SPA (npx vite build)');
  const status = run('npx', ['vite', 'build']);
  if (status !== 0) process.exit(status);
}

console.log(firstLoadReport(outDir));
// The servers the journeys start compare every task text they assemble from pieces with
// JSON.stringify's (src/local/store/collection.ts `checkTexts`), as the unit tests do.
process.env.ECS_CONSOLE_CHECK_TEXTS ??= '1';
process.exit(run('npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts', ...process.argv.slice(2)]));
