import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// `npm run dev`: Vite's hot reload for the SPA; /aws and the AWS endpoint are proxied to a running
// `ecs-console serve` (ECS_CONSOLE_URL, default http://127.0.0.1:8080).
const target = process.env.ECS_CONSOLE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), tailwindcss()],
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
