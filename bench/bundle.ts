/**
 * Issue 4 figure: the SPA's first-load JavaScript (the entry script and the chunks index.html
 * preloads), gzip-compressed. Builds the SPA first when dist/console is missing.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fmt, root } from './lib';

const dist = join(root, 'dist/console');

export function firstLoadJs(): {
  files: { file: string; raw: number; gzip: number }[];
  totalGzip: number;
  allGzip: number;
} {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
  const files = [...new Set(refs)].map((file) => {
    const buf = readFileSync(join(dist, file));
    return { file, raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  });
  const allGzip = readdirSync(join(dist, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .reduce((sum, f) => sum + gzipSync(readFileSync(join(dist, 'assets', f)), { level: 9 }).length, 0);
  return { files, totalGzip: files.reduce((s, f) => s + f.gzip, 0), allGzip };
}

export async function benchBundle(): Promise<void> {
  console.log('\n== SPA first-load JavaScript ==');
  if (!existsSync(join(dist, 'index.html'))) {
    const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('vite build failed');
  }
  const { files, totalGzip, allGzip } = firstLoadJs();
  for (const f of files)
    console.log(`  ${f.file}: ${fmt(f.raw / 1024)} KB raw, ${fmt(f.gzip / 1024)} KB gzip`);
  console.log(
    `  first load: ${fmt(totalGzip / 1024)} KB gzip (target <= 250 KB: ${totalGzip <= 250 * 1024 ? 'met' : 'MISSED'}); ` +
      `all chunks: ${fmt(allGzip / 1024)} KB gzip`,
  );
}
