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
