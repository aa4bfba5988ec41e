import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { ServeUsageError, startConsoleServer, type ConsoleServer } from './index';
import { securityHeaders } from './security';
import { BIN } from '../testing/process';
import {
  consoleEcsClient,
  fakeSpaDir,
  rawRequest,
  startFakeUpstream,
  type FakeUpstream,
  type RawResponse,
} from './testing';

const csp =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const ecsTarget = 'AmazonEC2ContainerServiceV20141113.ListClusters';
const sigv4 = (region = 'us-east-1', akid = 'ecs-console') =>
  `AWS4-HMAC-SHA256 Credential=${akid}/20260101/${region}/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;

function probeEcs(server: ConsoleServer) {
  const ecs = server.plane?.endpoint.service('ecs');
  if (!ecs) throw new Error('local mode has the ECS service');
  server.plane?.endpoint.register({
    ...ecs,
    actions: { ListClusters: () => ({ clusterArns: ['arn:aws:ecs:us-east-1:000000000000:cluster/probe'] }) },
  });
}

function expectHardened(r: RawResponse, what: string) {
  expect(r.headers['content-security-policy'], what).toBe(csp);
  expect(r.headers['x-content-type-options'], what).toBe('nosniff');
  expect(r.headers['referrer-policy'], what).toBe('no-referrer');
  expect(r.headers['x-frame-options'], what).toBe('DENY');
  expect(
    Object.keys(r.headers).filter((h) => h.startsWith('access-control-')),
    what,
  ).toEqual([]);
}

describe('binding', () => {
  it('binds loopback by default: other interfaces of this machine are refused', async () => {
    const server = await startConsoleServer({
      target: { mode: 'local', statePath: null },
      port: 0,
      log: () => {},
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const port = Number(new URL(server.url).port);
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((i) => i && i.family === 'IPv4' && !i.internal)
        .map((i) => i?.address as string);
      for (const address of others) {
        const refused = await new Promise<boolean>((resolve) => {
          const s = connect({ host: address, port }, () => {
            s.destroy();
            resolve(false);
          });
          s.on('error', () => resolve(true));
        });
        expect(refused, address).toBe(true);
      }
    } finally {
      await server.close();
    }
  });

  it('refuses a non-loopback address without a token', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
      await expect(
        startConsoleServer({ target: { mode: 'local', statePath: null }, host, port: 0, log: () => {} }),
      ).rejects.toBeInstanceOf(ServeUsageError);
    }
  });

  it('the command exits 2 with a message for --host 0.0.0.0 without --token', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'ECS_CONSOLE_TOKEN'));
    const run = promisify(execFile)(
      process.execPath,
      [BIN, 'serve', '--host', '0.0.0.0', '--ephemeral', '--port', '0'],
      {
        env,
      },
    );
    const err = (await run.then(
      () => null,
      (e: unknown) => e,
    )) as { code: number; stderr: string } | null;
    expect(err?.code).toBe(2);
    expect(err?.stderr).toMatch(/refusing to bind 0\.0\.0\.0 without --token/);
  });
});

describe('local mode guards', () => {
  let server: ConsoleServer;
  let host: string;
  const seen: RawResponse[] = [];
  const req = async (...args: Parameters<typeof rawRequest>) => {
    const r = await rawRequest(...args);
    seen.push(r);
    return r;
  };

  beforeAll(async () => {
    server = await startConsoleServer({
      target: { mode: 'local', statePath: null, allowReset: true },
      port: 0,
      spaDir: fakeSpaDir(),
      log: () => {},
    });
    probeEcs(server);
    host = new URL(server.url).host;
  });
  afterAll(() => server.close());

  it('answers 403 to any Host that is not its own, before routing (DNS rebinding)', async () => {
    const port = new URL(server.url).port;
    for (const bad of [
      `evil.example:${port}`,
      `evil.example`,
      `127.0.0.1:${Number(port) + 1}`,
      `127.0.0.1.nip.io:${port}`,
    ]) {
      for (const path of ['/', '/api/info', '/assets/index-Ab12Cd34.js', '/no/such/route', '/aws/ecs']) {
        const r = await req(server.url, { path, headers: { host: bad } });
        expect(r.status, `${bad} ${path}`).toBe(403);
        expect(r.body).not.toContain('fake console');
      }
      const post = await req(server.url, {
        method: 'POST',
        path: '/',
        headers: { host: bad, 'x-amz-target': ecsTarget, authorization: sigv4() },
        body: '{}',
      });
      expect(post.status).toBe(403);
      expect(post.body).not.toContain('clusterArns');
    }
    for (const good of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      const r = await req(server.url, { path: '/api/info', headers: { host: good } });
      expect(r.status, good).toBe(200);
    }
  });

  it('needs x-ecs-console: 1 and a same-origin Origin for state-changing /aws and /api calls', async () => {
    const call = (headers: Record<string, string>) =>
      req(server.url, {
        method: 'POST',
        path: '/aws/ecs',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': ecsTarget,
          authorization: sigv4(),
          ...headers,
        },
        body: '{}',
      });
    expect((await call({})).status).toBe(403);
    expect((await call({ 'x-ecs-console': '0' })).status).toBe(403);
    expect((await call({ 'x-ecs-console': '1', origin: 'http://evil.example' })).status).toBe(403);
    expect(
      (await call({ 'x-ecs-console': '1', origin: `http://${host.replace('127.0.0.1', 'localhost')}` }))
        .status,
    ).toBe(403);
    expect((await call({ 'x-ecs-console': '1', origin: 'null' })).status).toBe(403);
    const ok = await call({ 'x-ecs-console': '1', origin: `http://${host}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).clusterArns).toHaveLength(1);
    expect((await call({ 'x-ecs-console': '1' })).status).toBe(200);

    const api = await req(server.url, {
      method: 'POST',
      path: '/api/info',
      headers: { 'x-ecs-console': '0' },
    });
    expect(api.status).toBe(403);
    // Reads need neither.
    expect((await req(server.url, { path: '/api/info' })).status).toBe(200);
  });

  it('refuses cross-origin writes everywhere else too (the AWS endpoint on / and the reset hook)', async () => {
    const cross = { origin: 'http://evil.example' };
    const endpoint = await req(server.url, {
      method: 'POST',
      path: '/',
      headers: { ...cross, 'x-amz-target': ecsTarget, authorization: sigv4() },
      body: '{}',
    });
    expect(endpoint.status).toBe(403);
    const reset = await req(server.url, { method: 'POST', path: '/_ecs-console/reset', headers: cross });
    expect(reset.status).toBe(403);
  });

  it('sends no CORS headers, not even to a preflight', async () => {
    const preflight = await req(server.url, {
      method: 'OPTIONS',
      path: '/aws/ecs',
      headers: {
        origin: 'http://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-ecs-console, authorization, x-amz-target',
      },
    });
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('the AWS endpoint on / refuses what a web form can send: no SigV4 Authorization', async () => {
    const form = await req(server.url, {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateCluster&Version=2014-11-13&clusterName=forged',
    });
    expect(form.status).toBe(403);
    expect(form.body).toContain('MissingAuthenticationToken');
    const textPlain = await req(server.url, {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'text/plain' },
      body: '{"clusterName":"forged"}',
    });
    expect(textPlain.status).toBe(403);
    // The same call with a signature works (what the AWS CLI sends).
    const cli = await req(server.url, {
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': ecsTarget,
        authorization: sigv4(),
      },
      body: '{}',
    });
    expect(cli.status).toBe(200);
  });

  it('puts the strict CSP and the other security headers on every response', async () => {
    seen.push(await rawRequest(server.url, { path: '/' }));
    seen.push(await rawRequest(server.url, { path: '/clusters/default' }));
    seen.push(await rawRequest(server.url, { path: '/assets/index-Ab12Cd34.js' }));
    seen.push(await rawRequest(server.url, { path: '/assets/missing.js' }));
    seen.push(await rawRequest(server.url, { method: 'POST', path: '/_ecs-console/reset' }));
    expect(seen.length).toBeGreaterThan(40);
    seen.forEach((r, i) => expectHardened(r, `response ${i} (${r.status})`));
    expect(securityHeaders['content-security-policy']).toBe(csp);
  });
});

describe('token', () => {
  const token = 'tok-0123456789abcdef';
  let server: ConsoleServer;

  beforeAll(async () => {
    server = await startConsoleServer({
      target: { mode: 'local', statePath: null },
      port: 0,
      token,
      spaDir: fakeSpaDir(),
      log: () => {},
    });
    probeEcs(server);
  });
  afterAll(() => server.close());

  it('refuses every request without the token', async () => {
    for (const path of [
      '/',
      '/api/info',
      '/assets/index-Ab12Cd34.js',
      '/clusters',
      `/?token=wrong-${token}`,
    ]) {
      const r = await rawRequest(server.url, { path });
      expect(r.status, path).toBe(401);
      expect(r.body).not.toContain('fake console');
      expectHardened(r, path);
    }
    const bearer = await rawRequest(server.url, {
      path: '/api/info',
      headers: { authorization: 'Bearer nope' },
    });
    expect(bearer.status).toBe(401);
  });

  it('accepts Authorization: Bearer', async () => {
    const r = await rawRequest(server.url, {
      path: '/api/info',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(200);
  });

  it('visiting /?token=T once sets an HttpOnly SameSite cookie and redirects to /', async () => {
    const visit = await rawRequest(server.url, { path: `/?token=${token}` });
    expect(visit.status).toBe(302);
    expect(visit.headers.location).toBe('/');
    const cookie = String(visit.headers['set-cookie']);
    expect(cookie).toMatch(/^ecs_console_token=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    const jar = cookie.split(';')[0] as string;

    const page = await rawRequest(server.url, { path: '/', headers: { cookie: jar } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('fake console');

    // The SPA's SDK calls carry SigV4 in Authorization, so the cookie (or x-ecs-console-token) proves the token.
    const viaCookie = await consoleEcsClient(server.url, 'us-east-1', { cookie: jar }).send(
      new ListClustersCommand({}),
    );
    expect(viaCookie.clusterArns).toHaveLength(1);
    const viaHeader = await consoleEcsClient(server.url, 'us-east-1', { 'x-ecs-console-token': token }).send(
      new ListClustersCommand({}),
    );
    expect(viaHeader.clusterArns).toHaveLength(1);
    await expect(consoleEcsClient(server.url).send(new ListClustersCommand({}))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 401 },
    });
  });

  it('lets the AWS CLI in with the token as its access key id', async () => {
    const ok = new ECSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: token, secretAccessKey: 'anything' },
      maxAttempts: 1,
    });
    expect((await ok.send(new ListClustersCommand({}))).clusterArns).toHaveLength(1);
    const ko = new ECSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    await expect(ko.send(new ListClustersCommand({}))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 401 },
    });
  });
});

describe('aws mode: the secret key never reaches the browser', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
  const sessionToken = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN';
  let upstream: FakeUpstream;
  let server: ConsoleServer;

  beforeAll(async () => {
    let n = 0;
    upstream = await startFakeUpstream((r, res) => {
      n += 1;
      if (r.url.startsWith('/sts')) {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          '<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>',
        );
      } else if (n % 3 === 0) {
        // An upstream error that quotes the request, like SignatureDoesNotMatch does.
        res.writeHead(403, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': 'InvalidSignatureException',
        });
        res.end(
          JSON.stringify({
            __type: 'InvalidSignatureException',
            message: `signed: ${String(r.headers.authorization)}`,
          }),
        );
      } else if (n % 3 === 1) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
      } else {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ clusterArns: [] }));
      }
    });
    server = await startConsoleServer({
      target: {
        mode: 'aws',
        region: 'us-east-1',
        credentials: async () => ({
          accessKeyId: 'AKIAEXAMPLESERVER',
          secretAccessKey: secret,
          sessionToken,
        }),
        endpointTable: (service, region) => ({ url: `${upstream.url}/${service}/`, signingRegion: region }),
      },
      port: 0,
      retryBaseMs: 1,
      spaDir: fakeSpaDir(),
      log: () => {},
    });
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it('scans every response: headers and bodies', async () => {
    const responses: RawResponse[] = [];
    const ask = async (...args: Parameters<typeof rawRequest>) => responses.push(await rawRequest(...args));
    await ask(server.url, { path: '/api/info' });
    await ask(server.url, { path: '/' });
    await ask(server.url, { path: '/clusters' });
    await ask(server.url, { path: '/assets/index-Ab12Cd34.js' });
    for (let i = 0; i < 6; i++) {
      await ask(server.url, {
        method: 'POST',
        path: '/aws/ecs',
        headers: {
          'x-ecs-console': '1',
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': ecsTarget,
          authorization: sigv4(),
        },
        body: '{}',
      });
    }
    await ask(server.url, {
      method: 'POST',
      path: '/aws/ecs',
      headers: { 'x-ecs-console': '1' },
      body: '{}',
    });
    await ask(server.url, {
      method: 'POST',
      path: '/aws/ecs',
      headers: { 'x-ecs-console': '1', authorization: sigv4('xx-nowhere-1') },
      body: '{}',
    });
    await ask(server.url, {
      method: 'POST',
      path: '/',
      headers: { 'x-amz-target': ecsTarget, authorization: sigv4() },
      body: '{}',
    });
    await ask(server.url, { path: '/', headers: { host: 'evil.example' } });
    await ask(server.url, { method: 'POST', path: '/_ecs-console/reset', headers: { 'x-ecs-console': '1' } });

    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([200, 400, 403, 404]));
    expect(responses.some((r) => r.body.includes('AKIAEXAMPLESERVER'))).toBe(true); // the upstream's quote got through...
    for (const r of responses) {
      const text = JSON.stringify(r.headers) + r.body;
      expect(text).not.toContain(secret); // ...but never the secret
      expect(text).not.toContain(sessionToken);
      expectHardened(r, r.body.slice(0, 60));
    }
    expect(upstream.requests.filter((q) => q.url.startsWith('/ecs')).length).toBeGreaterThan(6);
  });
});
