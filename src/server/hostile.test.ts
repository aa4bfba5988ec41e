/**
 * Guards that must hold whatever the spelling (issue 8): `serve` judges the route its router matched
 * (percent-encoded and trailing-slash paths get the same guards), the reset hook needs what every
 * write needs, oversize bodies and headers get AWS-shaped answers instead of Fastify's JSON or a reset
 * connection, tokens are long enough and guessing them is rate-limited (serve and local alike).
 */
import { request } from 'node:http';
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuessLimiter, LocalControlPlane } from '../local/index';
import { startTestPlane } from '../testing/plane';
import { BIN, REPO, startProcess } from '../testing/process';
import { ECS_TARGET, awsJson, awsQuery, expectWireError, sigv4 } from '../testing/wire';
import { localCommand } from '../commands/local';
import { serveCommand } from '../commands/serve';
import { ServeUsageError, startConsoleServer, type ConsoleServer } from './index';
import { rawRequest, fakeSpaDir } from './testing';

const listClusters = {
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `${ECS_TARGET}.ListClusters`,
  authorization: sigv4('ecs'),
};
const createCluster = (name: string) => ({
  headers: { ...listClusters, 'x-amz-target': `${ECS_TARGET}.CreateCluster` },
  body: JSON.stringify({ clusterName: name }),
});

/** A raw request whose headers may be huge and whose body is sent after them; resolves to the answer or the socket error. */
function rawHuge(
  url: string,
  headerBytes: number,
  bodyBytes: number,
): Promise<{ status?: number; body?: string; error?: string }> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: 'POST',
        path: '/',
        headers: { host: u.host, 'x-padding': 'a'.repeat(headerBytes), 'content-length': String(bodyBytes) },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode, body: text }));
      },
    );
    req.on('error', (e) => resolve({ error: e.message }));
    req.end('x'.repeat(bodyBytes));
  });
}

describe('serve: guards judge the route the router matched', () => {
  let server: ConsoleServer;
  beforeAll(async () => {
    server = await startConsoleServer({
      target: { mode: 'local', statePath: null, allowReset: true },
      port: 0,
      spaDir: fakeSpaDir(),
      log: () => {},
    });
  });
  afterAll(() => server.close());

  const clusters = async () => {
    const out = await server.plane?.endpoint.call<{ clusterArns: string[] }>('ecs', 'ListClusters', {});
    return (out?.clusterArns ?? []).map((arn) => ({ clusterName: arn.split('/').pop() }));
  };

  it('refuses a write without x-ecs-console: 1 however the path is spelled', async () => {
    for (const path of [
      '/aws/ecs',
      '/%61ws/ecs',
      '/aws/%65cs',
      '/%61%77%73/%65%63%73',
      '/aws/ecs/',
      '/aws/ecs?x=1',
    ]) {
      const name = `spelled-${Buffer.from(path).toString('hex')}`;
      const refused = await rawRequest(server.url, { method: 'POST', path, ...createCluster(name) });
      expect(refused.status, path).toBe(403);
      expect(refused.body).toContain('x-ecs-console');
      expect(
        (await clusters()).some((c) => c.clusterName === name),
        path,
      ).toBe(false);
      const { headers, body } = createCluster(name);
      const allowed = await rawRequest(server.url, {
        method: 'POST',
        path,
        headers: { ...headers, 'x-ecs-console': '1' },
        body,
      });
      expect(allowed.status, `${path} ${allowed.body}`).toBe(200);
    }
  });

  it('the reset hook needs x-ecs-console: 1 too, not only a same-origin Origin', async () => {
    await rawRequest(server.url, {
      method: 'POST',
      path: '/aws/ecs',
      ...withConsole(createCluster('survivor')),
    });
    for (const path of ['/_ecs-console/reset', '/_ecs-console/%72eset', '/%5Fecs-console/reset']) {
      const r = await rawRequest(server.url, {
        method: 'POST',
        path,
        headers: { origin: new URL(server.url).origin },
      });
      expect(r.status, path).toBe(403);
      expect(
        (await clusters()).some((c) => c.clusterName === 'survivor'),
        path,
      ).toBe(true);
    }
    const ok = await rawRequest(server.url, {
      method: 'POST',
      path: '/_ecs-console/reset',
      headers: { 'x-ecs-console': '1' },
    });
    expect(ok.status).toBe(200);
    expect(await clusters()).toEqual([]);
  });

  it("answers an oversize body with an AWS error in the call's protocol, not Fastify's JSON", async () => {
    const big = 'x'.repeat(9 * 1024 * 1024);
    const json = await awsJson(server.url, `${ECS_TARGET}.ListClusters`, JSON.stringify({ pad: big }), {
      path: '/aws/ecs',
      headers: { 'x-ecs-console': '1' },
    });
    expect(json.status).toBe(413);
    expect(expectWireError(json, 'json').code).toBe('RequestEntityTooLargeException');
    const query = await awsQuery(server.url, 'cloudformation', `Action=ListStacks&Pad=${big}`, {
      path: '/aws/cloudformation',
      headers: { 'x-ecs-console': '1' },
    });
    expect(query.status).toBe(413);
    expect(expectWireError(query, 'query').code).toBe('RequestEntityTooLargeException');
    const ec2 = await awsQuery(server.url, 'ec2', `Action=DescribeVpcs&Pad=${big}`, {
      headers: { 'x-ecs-console': '1' },
    });
    expect(ec2.status).toBe(413);
    expect(expectWireError(ec2, 'ec2').code).toBe('RequestEntityTooLargeException');
  });

  it('a malformed percent-encoding in the path or the token cookie is a 4xx, never a 500', async () => {
    const r = await rawRequest(server.url, {
      method: 'POST',
      path: '/aws/%E0%A4%A',
      headers: { ...listClusters, 'x-ecs-console': '1' },
      body: '{}',
    });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
  });
});

const withConsole = (r: { headers: Record<string, string>; body: string }) => ({
  ...r,
  headers: { ...r.headers, 'x-ecs-console': '1' },
});

describe('oversize headers are answered, not reset', () => {
  it('serve and local answer 431 to a 100 KB header, even with a body behind it', async () => {
    const server = await startConsoleServer({
      target: { mode: 'local', statePath: null },
      port: 0,
      log: () => {},
    });
    const t = await startTestPlane();
    try {
      for (const url of [server.url, t.url]) {
        for (const body of [0, 5_000_000]) {
          const r = await rawHuge(url, 100_000, body);
          expect(r.error, `${url} body ${body}`).toBeUndefined();
          expect(r.status).toBe(431);
          expect(JSON.parse(r.body as string)).toMatchObject({ __type: 'RequestHeaderFieldsTooLarge' });
        }
        // The server is still there.
        expect((await awsJson(url, `${ECS_TARGET}.ListClusters`, '{}')).status).toBeLessThan(500);
      }
    } finally {
      await server.close();
      await t.plane.stop();
    }
  });
});

describe('tokens', () => {
  const token = 'right-token-0123456789';

  it('serve and local refuse a token shorter than 16 characters, local a non-loopback bind without one', async () => {
    await expect(
      startConsoleServer({
        target: { mode: 'local', statePath: null },
        port: 0,
        token: 'short',
        log: () => {},
      }),
    ).rejects.toBeInstanceOf(ServeUsageError);
    expect(() => new LocalControlPlane({ statePath: null, token: 'short' })).toThrow(
      /at least 16 characters/,
    );
    const saved = process.env.ECS_CONSOLE_TOKEN;
    delete process.env.ECS_CONSOLE_TOKEN;
    const errors: string[] = [];
    const error = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      expect(await serveCommand(['--token', 'short', '--skip-build', '--ephemeral'])).toBe(2);
      for (const args of [
        ['--host', '0.0.0.0'],
        ['--host', '::'],
        ['--host', '192.168.1.20'],
        ['--token', 'short'],
      ]) {
        expect(await localCommand(['--ephemeral', '--port', '0', ...args]), args.join(' ')).toBe(2);
      }
    } finally {
      console.error = error;
      if (saved !== undefined) process.env.ECS_CONSOLE_TOKEN = saved;
    }
    expect(errors.filter((e) => /at least 16 characters/.test(e))).toHaveLength(2);
    expect(errors.filter((e) => /refusing to bind .* without --token/.test(e))).toHaveLength(3);
  });

  it('local --host 0.0.0.0 --token T serves only requests that carry T', async () => {
    const child = await startProcess(
      process.execPath,
      [BIN, 'local', '--ephemeral', '--port', '0', '--host', '0.0.0.0', '--token', token],
      { url: /listening on (http:\/\/[^\s]+)/, spawn: { cwd: REPO } },
    );
    try {
      const url = child.url.replace('0.0.0.0', '127.0.0.1');
      const ok = new ECSClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: { accessKeyId: token, secretAccessKey: 'x' },
        maxAttempts: 1,
      });
      await ok.send(new CreateClusterCommand({ clusterName: 'with-token' }));
      const wrong = new ECSClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      await expect(wrong.send(new ListClustersCommand({}))).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
        $metadata: { httpStatusCode: 403 },
      });
      const ec2 = await awsQuery(url, 'ec2', [['Action', 'DescribeVpcs']]);
      expect(ec2.status).toBe(401);
      expect(expectWireError(ec2, 'ec2').code).toBe('AuthFailure');
      ok.destroy();
      wrong.destroy();
    } finally {
      await child.stop();
    }
  });
});

describe('token guesses are rate-limited per client address', () => {
  const token = 'right-token-0123456789';
  class ManualClock {
    constructor(private t: number) {}
    now = () => this.t;
    advance(ms: number) {
      this.t += ms;
    }
  }

  /** 10 wrong tokens are answered as wrong, the 11th (and the right one) 429 until the bucket refills. */
  async function exercise(
    clock: ManualClock,
    send: (key: string) => Promise<{ status: number; contentType: string; text: string }>,
    wrongStatus: number,
  ): Promise<void> {
    for (let i = 0; i < 10; i++) expect((await send(`guess-${i}-0123456789`)).status).toBe(wrongStatus);
    const throttled = await send('guess-10-0123456789');
    expect(throttled.status).toBe(429);
    expect(expectWireError(throttled, 'json').code).toBe('ThrottlingException');
    expect((await send(token)).status, 'the right token waits too').toBe(429);
    clock.advance(1000);
    expect((await send(token)).status, 'after one refill step the right token works').toBe(200);
    expect((await send('guess-11-0123456789')).status).toBe(wrongStatus);
    expect((await send('guess-12-0123456789')).status).toBe(429);
    clock.advance(60_000);
    expect((await send(token)).status).toBe(200);
  }

  it('serve: 401 for a wrong token, 429 (AWS-shaped) once an address has guessed too often', async () => {
    const clock = new ManualClock(0);
    const server = await startConsoleServer({
      target: { mode: 'local', statePath: null },
      port: 0,
      token,
      guesses: new GuessLimiter({ now: clock.now }),
      log: () => {},
    });
    try {
      await exercise(
        clock,
        (key) =>
          awsJson(server.url, `${ECS_TARGET}.ListClusters`, '{}', {
            path: '/aws/ecs',
            headers: { 'x-ecs-console': '1', 'x-ecs-console-token': key },
          }),
        401,
      );
    } finally {
      await server.close();
    }
  });

  it('local: UnrecognizedClientException for a wrong token, 429 once an address has guessed too often', async () => {
    const clock = new ManualClock(0);
    const plane = new LocalControlPlane({
      statePath: null,
      token,
      guessLimiter: new GuessLimiter({ now: clock.now }),
    });
    const url = await plane.listen(0);
    try {
      await exercise(
        clock,
        (key) =>
          fetch(url, {
            method: 'POST',
            headers: { ...listClusters, authorization: sigv4('ecs', 'us-east-1', key) },
            body: '{}',
          }).then(async (r) => ({
            status: r.status,
            contentType: r.headers.get('content-type') ?? '',
            text: await r.text(),
          })),
        403,
      );
    } finally {
      await plane.stop();
    }
  });
});
