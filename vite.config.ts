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

// `npm run dev`: Vite's hot reload for the SPA; /aws and the AWS endpoint are proxied to a running
// `ecs-console serve` (ECS_CONSOLE_URL, default http://127.0.0.1:8080).
const target = process.env.ECS_CONSOLE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), tailwindcss(), precompress('dist/console')],
  // The EC2 client alone is ~1 MB minified; it loads only on the pages that need it.
  build: { outDir: 'dist/console', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1200 },
  server: {
    // The server refuses cross-origin writes: present the dev server's requests as same-origin.
    proxy: {
      '/aws': { target, changeOrigin: true, headers: { origin: target } },
      '/api': { target, changeOrigin: true, headers: { origin: target } },
    },
  },
});
