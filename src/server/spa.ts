/**
 * The built SPA: static files from dist/console with long-lived caching for hashed assets, the
 * history fallback to index.html, and the build-when-stale step that `npm start` runs first.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { spawn } from 'node:child_process';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Paths the SPA never owns: the API, the AWS proxy and the control plane hooks. */
const reserved = ['/aws', '/api', '/_ecs-console'];
const isReserved = (path: string) => reserved.some((r) => path === r || path.startsWith(`${r}/`));

/** Serves `dir` (a Vite build) or, when it has no index.html, a page explaining why there is no console. */
export async function registerSpa(app: FastifyInstance, dir: string, missingReason: string): Promise<void> {
  const built = existsSync(join(dir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: dir,
      // Files are looked up per request, so a rebuild while the server runs is served at once.
      wildcard: true,
      index: false,
      // The build writes .br and .gz beside each asset (vite.config.ts): sent to browsers that accept them.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (res, filePath) => {
        const rel = relative(dir, filePath).split(sep).join('/');
        res.setHeader(
          'cache-control',
          rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  const sendIndex = (reply: FastifyReply) =>
    built
      ? reply.header('cache-control', 'no-cache').sendFile('index.html')
      : reply
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(placeholder(missingReason));

  app.decorate('sendSpaIndex', sendIndex);
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const last = path.slice(path.lastIndexOf('/') + 1);
    if ((req.method === 'GET' || req.method === 'HEAD') && !isReserved(path) && !last.includes('.')) {
      return sendIndex(reply);
    }
    return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    sendSpaIndex: (reply: FastifyReply) => FastifyReply;
  }
}

const escapeHtml = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);

function placeholder(reason: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ecs-console</title></head>
<body><main><h1>ecs-console</h1><p>${escapeHtml(reason)}</p>
<p>The AWS endpoint on this address works already: <code>aws --endpoint-url ${'<this URL>'} ecs list-clusters</code>.</p>
</main></body></html>
`;
}

/** Inputs of the SPA build, relative to the project root. */
export const spaSources = ['src/console', 'src/blueprint', 'index.html', 'public', 'vite.config.ts'];

/** Newest modification time (ms) of the files under `paths`; 0 when none exist. */
export function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== 'node_modules') visit(join(p, e));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}

export type SpaState =
  { kind: 'fresh' } | { kind: 'stale'; reason: string } | { kind: 'no-sources'; reason: string };

/** Whether dist/console must be (re)built from the sources in `root`. */
export function spaState(root: string, outDir: string): SpaState {
  if (!existsSync(join(root, 'index.html')) || !existsSync(join(root, 'src/console'))) {
    return {
      kind: 'no-sources',
      reason: 'The console (src/console, index.html) has not been written yet, so there is nothing to build.',
    };
  }
  const index = join(outDir, 'index.html');
  if (!existsSync(index)) return { kind: 'stale', reason: `${relative(root, outDir)} is missing` };
  const sourcesTime = newestMtime(spaSources.map((s) => join(root, s)));
  if (sourcesTime > statSync(index).mtimeMs)
    return { kind: 'stale', reason: 'the SPA sources changed since the last build' };
  return { kind: 'fresh' };
}

/** Runs `npx vite build` in `root`, streaming its output with a prefix. Resolves to the exit code. */
export function buildSpa(root: string, print: (line: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const env = process.stdout.isTTY ? process.env : { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
    const child = spawn('npx', ['vite', 'build'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) print(`  [vite] ${line}`);
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', (e) => {
      print(`  [vite] could not run: ${e.message}`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}
