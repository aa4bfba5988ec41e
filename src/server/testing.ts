/** Test support for the server's tests: a recording fake upstream, SDK clients, and raw HTTP. */
import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface FakeUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** How to answer; replaceable per test. */
  respond: (r: RecordedRequest, res: ServerResponse) => void;
  close(): Promise<void>;
}

/** A tiny HTTP server on 127.0.0.1 that records every request and answers with `respond`. */
export async function startFakeUpstream(respond: FakeUpstream['respond']): Promise<FakeUpstream> {
  const fake: FakeUpstream = {
    url: '',
    port: 0,
    requests: [],
    respond,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      fake.requests.push(recorded);
      fake.respond(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.port = (server.address() as AddressInfo).port;
  fake.url = `http://127.0.0.1:${fake.port}`;
  const close = fake.close;
  fake.close = () => {
    server.closeAllConnections();
    return close();
  };
  return fake;
}

export const dummyCredentials = { accessKeyId: 'ecs-console', secretAccessKey: 'ecs-console' };

/** Adds `x-ecs-console: 1` (and any extra headers) to every request of an SDK client, as the SPA does. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- every SDK client has a middleware stack of its own types
export function withConsoleHeaders<C extends { middlewareStack: { add: (...a: any[]) => void } }>(
  client: C,
  extra: Record<string, string> = {},
): C {
  client.middlewareStack.add(
    (next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
      const req = args.request as { headers: Record<string, string> };
      Object.assign(req.headers, { 'x-ecs-console': '1', ...extra });
      return next(args);
    },
    { step: 'build', name: 'ecsConsoleHeaders' },
  );
  return client;
}

/** An SDK client as the SPA builds it: dummy credentials, endpoint `${url}/aws/${service}`, no SDK retries. */
export function consoleClient<C extends { middlewareStack: { add: (...a: never[]) => void } }>(
  Client: new (config: {
    endpoint: string;
    region: string;
    credentials: typeof dummyCredentials;
    maxAttempts: number;
  }) => C,
  service: string,
  url: string,
  region = 'us-east-1',
  extra: Record<string, string> = {},
): C {
  const client = new Client({
    endpoint: `${url}/aws/${service}`,
    region,
    credentials: dummyCredentials,
    maxAttempts: 1,
  });
  return withConsoleHeaders(client as never, extra) as C;
}

/** The ECS client of `consoleClient`. */
export function consoleEcsClient(
  url: string,
  region = 'us-east-1',
  extra: Record<string, string> = {},
): ECSClient {
  return consoleClient(ECSClient, 'ecs', url, region, extra);
}

/**
 * Headers of an ECS ListClusters call through /aws/ecs as the console sends it, with a SigV4-shaped
 * Authorization scoped to `region` and `service` (its signature is not checked by the proxy).
 */
export function ecsListClustersHeaders(region = 'us-east-1', service = 'ecs'): Record<string, string> {
  return {
    'x-ecs-console': '1',
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
    authorization: `AWS4-HMAC-SHA256 Credential=ecs-console/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=00`,
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request with full control of every header, Host included (fetch does not allow that). */
export function rawRequest(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: u.hostname,
        port: u.port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: { host: u.host, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A fake Vite build: index.html, a hashed asset and a public file. */
export function fakeSpaDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-console-spa-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd34.js"></script></head>' +
      '<body><div id="root">fake console</div></body></html>',
  );
  writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), 'console.log("fake console");\n');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}
