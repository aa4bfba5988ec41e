/**
 * Choosing the runtime: /api/info says which one runs the tasks (and, with the simulated one, that an
 * engine answers), and `--runtime docker` without an engine stops at start with a clear error.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startConsoleServer, type ConsoleServer } from './index';
import { hasDockerEngine, requireDocker } from '../testing/docker';
import { BIN, REPO } from '../testing/process';
import { EngineUnreachableError } from '../local/index';

let server: ConsoleServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const info = async (s: ConsoleServer) =>
  (await (await fetch(`${s.url}/api/info`)).json()) as { runtime?: { kind: string; dockerEngine?: string } };

describe('the runtime choice', () => {
  it('`--runtime docker` without an engine exits at start, naming the socket and the way out', () => {
    const r = spawnSync(
      process.execPath,
      [BIN, 'local', '--port', '0', '--ephemeral', '--runtime', 'docker'],
      {
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
        timeout: 60_000,
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'ecs-console local: --runtime docker: no Docker Engine answers at unix:///nonexistent/docker.sock',
    );
    expect(r.stderr).toContain('--runtime simulated');
    expect(r.stdout).not.toContain('listening on');
  });

  it('the console server refuses to start the docker runtime without an engine', async () => {
    const before = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    try {
      await expect(
        startConsoleServer({
          target: { mode: 'local', statePath: null, runtime: 'docker' },
          port: 0,
          log: () => {},
        }),
      ).rejects.toBeInstanceOf(EngineUnreachableError);
      server = await startConsoleServer({
        target: { mode: 'local', statePath: null },
        port: 0,
        log: () => {},
      });
      expect((await info(server)).runtime).toEqual({ kind: 'simulated' });
    } finally {
      if (before === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = before;
    }
  });

  it.skipIf(!hasDockerEngine() && !requireDocker('runtime info with an engine'))(
    '/api/info names the runtime, and the engine the simulated runtime could use',
    async () => {
      server = await startConsoleServer({
        target: { mode: 'local', statePath: null },
        port: 0,
        log: () => {},
      });
      const simulated = await info(server);
      expect(simulated.runtime?.kind).toBe('simulated');
      expect(simulated.runtime?.dockerEngine).toMatch(/^\d+\.\d+/);
      await server.close();
      server = await startConsoleServer({
        target: { mode: 'local', statePath: null, runtime: 'docker' },
        port: 0,
        log: () => {},
      });
      const docker = await info(server);
      expect(docker.runtime).toEqual({ kind: 'docker', dockerEngine: simulated.runtime?.dockerEngine });
    },
  );
});
