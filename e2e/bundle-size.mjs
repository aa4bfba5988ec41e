// The SPA's first-load JS, gzip: the entry chunk and every chunk it imports statically, plus (for the
// first page, the wizard) the lazily loaded wizard route chunk and its static imports.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const TARGET_KB = 250;

function staticImports(code) {
  const out = new Set();
  for (const m of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w${},*\s]+from\s*)?["']\.\/([^"']+\.js)["']/g))
    out.add(m[1]);
  for (const m of code.matchAll(/from\s*["']\.\/([^"']+\.js)["']/g)) out.add(m[1]);
  return out;
}

function closure(assets, start) {
  const seen = new Set();
  const stack = [...start];
  while (stack.length) {
    const f = stack.pop();
    if (seen.has(f)) continue;
    seen.add(f);
    for (const dep of staticImports(readFileSync(join(assets, f), 'utf8'))) stack.push(dep);
  }
  return seen;
}

export function firstLoad(outDir) {
  const assets = join(outDir, 'assets');
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/src="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]);
  const wizard = readdirSync(assets).filter((f) => /^wizard-page-.*\.js$/.test(f));
  const files = closure(assets, [...entry, ...wizard]);
  const css = [...html.matchAll(/href="\/assets\/([^"]+\.css)"/g)].map((m) => m[1]);
  const gz = (f) => gzipSync(readFileSync(join(assets, f))).length;
  const jsGzip = [...files].reduce((sum, f) => sum + gz(f), 0);
  const cssGzip = css.reduce((sum, f) => sum + gz(f), 0);
  return { files: [...files].sort(), jsGzip, cssGzip };
}

/**
 * Each page's own JS, gzip: its route chunk and every chunk it imports statically, less what the shell
 * (the entry scripts' closure) already loaded. The bytes a page costs when navigated to.
 */
export function pageLoads(outDir) {
  const assets = join(outDir, 'assets');
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/src="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]);
  const shell = closure(assets, entry);
  const gz = (f) => gzipSync(readFileSync(join(assets, f))).length;
  return readdirSync(assets)
    .filter((f) => /^[a-z-]+-page-[\w-]+\.js$/.test(f))
    .map((f) => {
      const own = [...closure(assets, [f])].filter((x) => !shell.has(x));
      return {
        page: f.replace(/-page-[\w-]+\.js$/, ''),
        files: own.length,
        jsGzip: own.reduce((n, x) => n + gz(x), 0),
      };
    })
    .sort((a, b) => a.page.localeCompare(b.page));
}

export function firstLoadReport(outDir) {
  const r = firstLoad(outDir);
  const kb = (n) => (n / 1024).toFixed(1);
  const verdict = r.jsGzip / 1024 <= TARGET_KB ? 'within' : 'OVER';
  return `SPA first-load JS (shell + wizard route): ${kb(r.jsGzip)} KB gzip in ${r.files.length} chunks (${verdict} the ${TARGET_KB} KB target); CSS ${kb(r.cssGzip)} KB gzip`;
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(firstLoadReport(process.argv[2] ?? 'dist/console'));
