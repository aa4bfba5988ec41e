import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * Writes `.br` and `.gz` beside every text asset of the build: the console server sends them to browsers
 * that accept them (@fastify/static `preCompressed`), so nothing is compressed per request.
 */
function precompress(outDir: string) {
  return {
    name: 'ecs-console-precompress',
    apply: 'build' as const,
    closeBundle() {
      const visit = (dir: string) => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) visit(path);
          else if (/\.(js|css|html|svg|json)$/.test(name) && statSync(path).size >= 1024) {
            const body = readFileSync(path);
            writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
            writeFileSync(
              `${path}.br`,
              brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 10 } }),
            );
          }
        }
      };
      visit(outDir);
    },
  };
}

/**
 * `src/console/preload.ts` as its own entry script, put in index.html before the shell's: a few hundred
 * bytes that start loading the code of the page the URL names (`src/console/app/pages.ts`) as soon as
 * they arrive. Vite would otherwise fold every script of index.html into the one entry chunk, which runs
 * only once the shell's ~250 KB have downloaded and compiled. Build only: `npm run dev` needs no preload.
 */
function preloadEntry(entry: string) {
  let base = '/';
  return {
    name: 'ecs-console-preload-entry',
    apply: 'build' as const,
    configResolved(config: { base: string }) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post' as const,
      handler(
        _html: string,
        ctx: {
          bundle?: Record<string, { type: string; facadeModuleId?: string | null; imports?: string[] }>;
        },
      ) {
        const chunk = Object.entries(ctx.bundle ?? {}).find(
          ([, c]) => c.type === 'chunk' && c.facadeModuleId?.endsWith(entry),
        );
        if (!chunk) throw new Error(`no chunk for ${entry}`);
        return [chunk[0], ...(chunk[1].imports ?? [])].map((file, i) => ({
          tag: i === 0 ? 'script' : 'link',
          attrs:
            i === 0
              ? { type: 'module', async: true, crossorigin: true, src: `${base}${file}` }
              : { rel: 'modulepreload', crossorigin: true, href: `${base}${file}` },
          injectTo: 'head-prepend' as const,
        }));
      },
    },
  };
}

/**
 * Fewer, larger chunks for the pages (a page's code came in ~55 files of a few KB, over HTTP/1.1's six
 * connections: most of a first load's wait). Modules the entry scripts import statically (the shell)
 * stay where rolldown puts them: a group that took one of them would make the shell import the group's
 * whole chunk. The rest is grouped: the SDK's shared code; each SDK client whole (its commands in one
 * file, not one per page's choice of commands), the EC2 client (~1 MB) kept to the pages that use it; the
 * form, table and query libraries (what the shell does not use); and the console's own code shared by two or more pages, but for what needs
 * the EC2 client.
 */
function chunkGroups() {
  /** Modules the entry scripts import statically, and those whose static imports reach the EC2 client. */
  const shell = new Set<string>();
  const needsEc2 = new Set<string>();
  /** Modules whose static imports reach the form libraries or the wizard's answers (forms, edits). */
  const needsForms = new Set<string>();
  /**
   * Modules whose static imports reach the SDK clients a cluster's page does not use (load balancers,
   * scaling, metrics): the service pages and the forms use them.
   */
  const needsMoreClients = new Set<string>();
  /**
   * Modules whose static imports reach any SDK client or table library. Kept out of the groups of modules that do not:
   * a group's chunk imports what any of its modules imports, so one such module in the console's
   * shared chunk made the wizard, which calls no AWS API until launch, load the SDK (~70 KB gzip).
   */
  const needsData = new Set<string>();
  const grouped = (test: RegExp) => (id: string) => !shell.has(id) && test.test(id);
  const plugin = {
    name: 'ecs-console-shell-modules',
    apply: 'build' as const,
    buildEnd(this: {
      getModuleIds(): IterableIterator<string>;
      getModuleInfo(id: string): { isEntry: boolean; importedIds: readonly string[] } | null;
    }) {
      const imports = (id: string) => this.getModuleInfo(id)?.importedIds ?? [];
      const visit = (id: string) => {
        if (shell.has(id)) return;
        shell.add(id);
        for (const next of imports(id)) visit(next);
      };
      const ids = [...this.getModuleIds()];
      for (const id of ids) if (this.getModuleInfo(id)?.isEntry) visit(id);
      // Iterated to a fixed point, not recursed: the graph has cycles and thousands of modules.
      const reaching = (set: Set<string>, root: RegExp) => {
        for (const id of ids) if (root.test(id)) set.add(id);
        for (let grew = true; grew;) {
          grew = false;
          for (const id of ids)
            if (!set.has(id) && imports(id).some((i) => set.has(i))) grew = set.add(id) !== undefined;
        }
      };
      reaching(needsEc2, /[\\/]@aws-sdk[\\/]client-ec2[\\/]/);
      reaching(
        needsMoreClients,
        /[\\/]@aws-sdk[\\/]client-(elastic-load-balancing-v2|application-auto-scaling|cloudwatch|auto-scaling)[\\/]/,
      );
      // ... or the table libraries (the wizard shows no table either).
      reaching(needsData, /[\\/]@aws-sdk[\\/]client-|[\\/]@tanstack[\\/](react-table|react-virtual)[\\/]/);
      reaching(
        needsForms,
        /[\\/]node_modules[\\/](zod|react-hook-form|@hookform)[\\/]|[\\/]src[\\/]blueprint[\\/]answers\.ts$/,
      );
    },
  };
  const clientName = (id: string) => /[\\/]@aws-sdk[\\/](client-[a-z0-9-]+)[\\/]/.exec(id)?.[1] ?? null;
  const groups = [
    // The preload entry's code in one file: it is the first request of every page.
    {
      name: 'preload',
      test: /[\\/]src[\\/]console[\\/](preload\.ts|app[\\/]pages\.ts|aws[\\/]backend-info\.ts)$|vite[\\/]preload-helper/,
      priority: 10,
      includeDependenciesRecursively: false,
    },
    {
      name: 'aws-sdk',
      test: grouped(
        /[\\/]node_modules[\\/](?!@aws-sdk[\\/]client-)(@aws-sdk|@smithy|@aws-crypto|tslib|fast-xml-parser|strnum|bowser)[\\/]/,
      ),
      priority: 5,
      includeDependenciesRecursively: false,
    },
    {
      name: clientName,
      test: grouped(/[\\/]@aws-sdk[\\/]client-/),
      priority: 4,
      includeDependenciesRecursively: false,
    },
    {
      name: 'forms',
      test: grouped(/[\\/]node_modules[\\/](zod|react-hook-form|@hookform)[\\/]/),
      priority: 3,
      includeDependenciesRecursively: false,
    },
    {
      // Tables apart from queries: the wizard queries (key pairs, defaults) but shows no table.
      name: 'table',
      test: grouped(
        /[\\/]node_modules[\\/]@tanstack[\\/](table-core|react-table|virtual-core|react-virtual)[\\/]/,
      ),
      priority: 3,
      includeDependenciesRecursively: false,
    },
    {
      name: 'query',
      test: grouped(/[\\/]node_modules[\\/]@tanstack[\\/](query-core|react-query)[\\/]/),
      priority: 3,
      includeDependenciesRecursively: false,
    },
    {
      // The console's shared code that calls no AWS API (layout, fields, drafts): the wizard's.
      name: 'console',
      test: (id: string) =>
        !needsData.has(id) && !needsForms.has(id) && grouped(/[\\/]src[\\/]console[\\/]/)(id),
      minShareCount: 2,
      priority: 1,
      includeDependenciesRecursively: false,
    },
    {
      // ... and the shared code that does (queries, tables of AWS resources, actions).
      name: 'console-data',
      test: (id: string) =>
        !needsEc2.has(id) &&
        !needsForms.has(id) &&
        !needsMoreClients.has(id) &&
        needsData.has(id) &&
        grouped(/[\\/]src[\\/]console[\\/]/)(id),
      minShareCount: 2,
      priority: 1,
      includeDependenciesRecursively: false,
    },
    {
      // The console's shared code for forms and edits: a page that only shows things (a cluster, a
      // task) does not load it, nor zod, react-hook-form and the wizard's answers behind it. Split
      // as above by whether it reaches an SDK client (the wizard's fields do not).
      name: 'console-forms',
      test: (id: string) =>
        !needsData.has(id) && needsForms.has(id) && grouped(/[\\/]src[\\/]console[\\/]/)(id),
      minShareCount: 2,
      priority: 1,
      includeDependenciesRecursively: false,
    },
    {
      name: 'console-forms-data',
      test: (id: string) =>
        !needsEc2.has(id) &&
        needsData.has(id) &&
        needsForms.has(id) &&
        grouped(/[\\/]src[\\/]console[\\/]/)(id),
      minShareCount: 2,
      priority: 1,
      includeDependenciesRecursively: false,
    },
    {
      // The console's shared code for load balancers, scaling and metrics (the service pages).
      name: 'console-aws',
      test: (id: string) =>
        !needsEc2.has(id) &&
        !needsForms.has(id) &&
        needsMoreClients.has(id) &&
        grouped(/[\\/]src[\\/]console[\\/]/)(id),
      minShareCount: 2,
      priority: 1,
      includeDependenciesRecursively: false,
    },
  ];
  return { plugin, groups };
}
const chunking = chunkGroups();

// `npm run dev`: Vite's hot reload for the SPA; /aws and the AWS endpoint are proxied to a running
// `ecs-console serve` (ECS_CONSOLE_URL, default http://127.0.0.1:8080).
const target = process.env.ECS_CONSOLE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [
    react(),
    tailwindcss(),
    chunking.plugin,
    preloadEntry('src/console/preload.ts'),
    precompress('dist/console'),
  ],
  // The EC2 client alone is ~1 MB minified; it loads only on the pages that need it.
  build: {
    outDir: 'dist/console',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      input: { index: 'index.html', preload: 'src/console/preload.ts' },
      output: { codeSplitting: { groups: chunking.groups } },
    },
  },
  server: {
    // The server refuses cross-origin writes: present the dev server's requests as same-origin.
    proxy: {
      '/aws': { target, changeOrigin: true, headers: { origin: target } },
      '/api': { target, changeOrigin: true, headers: { origin: target } },
    },
  },
});
