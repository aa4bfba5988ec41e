import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, startProcess } from '../testing/process';
import { newestMtime, spaState } from './spa';

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'ecs-console-root-'));
  for (const d of ['src/console/app', 'src/blueprint', 'public'])
    mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'src/console/app/main.tsx'), 'export {};');
  writeFileSync(join(root, 'src/blueprint/index.ts'), 'export {};');
  writeFileSync(join(root, 'public/favicon.svg'), '<svg/>');
  return root;
}

const setTime = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

describe('spa build staleness (what npm start checks)', () => {
  it('has nothing to build while the SPA sources do not exist', () => {
    const root = mkdtempSync(join(tmpdir(), 'ecs-console-empty-'));
    expect(spaState(root, join(root, 'dist/console')).kind).toBe('no-sources');
  });

  it('builds when dist/console is missing', () => {
    const root = project();
    expect(spaState(root, join(root, 'dist/console'))).toEqual({
      kind: 'stale',
      reason: 'dist/console is missing',
    });
  });

  it('is fresh when the build is newer than every source, stale when any source is newer', () => {
    const root = project();
    const out = join(root, 'dist/console');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'index.html'), 'built');
    const sources = [
      'index.html',
      'src/console/app/main.tsx',
      'src/blueprint/index.ts',
      'public/favicon.svg',
    ];
    for (const s of sources) setTime(join(root, s), 1_000);
    setTime(join(out, 'index.html'), 2_000);
    expect(spaState(root, out).kind).toBe('fresh');
    for (const s of sources) {
      setTime(join(root, s), 3_000);
      expect(spaState(root, out).kind, s).toBe('stale');
      setTime(join(root, s), 1_000);
    }
    expect(newestMtime(sources.map((s) => join(root, s)))).toBe(1_000_000);
  });
});

describe('ecs-console serve (the command)', () => {
  it('prints exactly one "ecs-console console: URL" line and serves /api/info there', async () => {
    const serve = await startProcess(
      process.execPath,
      [BIN, 'serve', '--ephemeral', '--port', '0', '--skip-build'],
      {
        url: /^ecs-console console: (http:\/\/127\.0\.0\.1:\d+\/)$/m,
        readyWhen: (out) => out.includes('stop with Ctrl-C'),
        timeoutMs: 30_000,
      },
    );
    try {
      expect(serve.stdout().match(/ecs-console console:/g)).toHaveLength(1);
      const info = await (await fetch(`${serve.url}api/info`)).json();
      expect(info.mode).toBe('local');
    } finally {
      await serve.stop('SIGTERM');
    }
  });
});

describe('compressed assets', () => {
  it('sends the pre-compressed .br or .gz of an asset to a browser that accepts it, else the file', async () => {
    const { default: Fastify } = await import('fastify');
    const { registerSpa } = await import('./spa');
    const { brotliCompressSync, brotliDecompressSync, gzipSync, gunzipSync } = await import('node:zlib');
    const dir = mkdtempSync(join(tmpdir(), 'ecs-console-dist-'));
    mkdirSync(join(dir, 'assets'));
    const js = `export const x = ${JSON.stringify('console '.repeat(400))};\n`;
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'assets/app-abc.js'), js);
    writeFileSync(join(dir, 'assets/app-abc.js.br'), brotliCompressSync(js));
    writeFileSync(join(dir, 'assets/app-abc.js.gz'), gzipSync(js));
    const app = Fastify();
    await registerSpa(app, dir, 'unused');
    try {
      const br = await app.inject({ url: '/assets/app-abc.js', headers: { 'accept-encoding': 'gzip, br' } });
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['cache-control']).toContain('immutable');
      expect(brotliDecompressSync(br.rawPayload).toString()).toBe(js);
      expect(br.rawPayload.length).toBeLessThan(js.length / 4);
      const gz = await app.inject({ url: '/assets/app-abc.js', headers: { 'accept-encoding': 'gzip' } });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.rawPayload).toString()).toBe(js);
      const plain = await app.inject({ url: '/assets/app-abc.js' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.payload).toBe(js);
    } finally {
      await app.close();
    }
  });
});
