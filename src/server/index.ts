/**
 * The console server: one port serving the SPA, `/api/info`, the `/aws/<service>` proxy the SPA's
 * SDK clients call, and the AWS wire protocols on `/` for the AWS CLI. The target is the embedded
 * control plane (local), real AWS re-signed with the server's credentials (aws), or any
 * AWS-compatible endpoint (endpoint).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { ECSClient } from '@aws-sdk/client-ecs';
import {
  answerClientError,
  LocalControlPlane,
  requestHeaders,
  tokenRefusal,
  type GuessLimiter,
  type RuntimeInfo,
} from '../local/index';
import {
  awsEndpointTable,
  isConsoleService,
  isKnownRegion,
  knownRegions,
  serviceForSigningName,
  sigv4Scope,
  singleEndpointTable,
  type ConsoleService,
  type EndpointTable,
} from './endpoints';
import { localError, SigningProxy, type CredentialProvider, type ProxyResponse } from './proxy';
import { loadRefusal, runLoad } from './load-generator';
import { allowedHosts, createGuard, isLoopback } from './security';
import { registerSpa } from './spa';

export type TargetOptions =
  | {
      mode: 'local';
      /** SQLite file; null keeps state in memory. */
      statePath: string | null;
      allowReset?: boolean;
      taskStepMs?: number;
      /** How often metrics are published and alarms count periods (default a minute; docs/local-runtime.md). */
      metricsIntervalMs?: number;
      region?: string;
      accountId?: string;
      /** What runs the tasks (default simulated). */
      runtime?: 'simulated' | 'docker';
    }
  | {
      mode: 'aws';
      profile?: string;
      region?: string;
      /** Defaults to the standard chain (`fromNodeProviderChain`). */
      credentials?: CredentialProvider;
      /** Tests only: where each service lives (defaults to the real AWS endpoints). */
      endpointTable?: EndpointTable;
    }
  | { mode: 'endpoint'; url: string; region?: string; profile?: string; credentials?: CredentialProvider };

export interface ConsoleServerOptions {
  target: TargetOptions;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Any non-loopback address needs `token`. */
  host?: string;
  token?: string;
  /** Print one line per AWS call. */
  verbose?: boolean;
  /** The built SPA (default dist/console of this package). */
  spaDir?: string;
  /** Shown instead of the console when `spaDir` has no index.html. */
  spaMissingReason?: string;
  /** First throttling backoff step in ms (tests use small values). */
  retryBaseMs?: number;
  /** Where verbose and diagnostic lines go (default stderr). */
  log?: (line: string) => void;
  /** Tests: the rate limit of wrong tokens (default 10 at once, then one per second per address). */
  guesses?: GuessLimiter;
}

export interface ConsoleInfo {
  mode: 'local' | 'aws' | 'endpoint';
  region: string;
  accountId?: string;
  endpoint?: string;
  regions: string[];
  version: string;
  /** Local mode: which runtime runs the tasks, and the Docker Engine's version when one answers. */
  runtime?: RuntimeInfo;
}

export interface ConsoleServer {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  info: ConsoleInfo;
  /** Things the operator should know (e.g. why the account id is unknown). */
  notes: string[];
  /** The embedded control plane in local mode. */
  plane: LocalControlPlane | null;
  close(): Promise<void>;
}

/** A start-up refusal caused by the options (the command exits 2). */
export class ServeUsageError extends Error {}

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const BODY_LIMIT = 8 * 1024 * 1024;
export const defaultSpaDir = `${packageRoot}dist/console`;
export const version = (JSON.parse(readFileSync(`${packageRoot}package.json`, 'utf8')) as { version: string })
  .version;

interface Backend {
  info: ConsoleInfo;
  notes: string[];
  plane: LocalControlPlane | null;
  /** One AWS call; `service` is null for the endpoint on `/` (the service comes from the signature). */
  call(
    service: ConsoleService | null,
    req: FastifyRequest,
    body: Buffer,
  ): Promise<ProxyResponse | LocalResponse>;
  close(): Promise<void>;
}

interface LocalResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const host = options.host ?? '127.0.0.1';
  const refusal =
    bindRefusal(host, options.token) ?? (options.token === undefined ? null : tokenRefusal(options.token));
  if (refusal) throw new ServeUsageError(refusal);
  const log = options.log ?? ((line: string) => console.error(line));
  const backend = await createBackend(options, log);
  try {
    return await serve(options, host, log, backend);
  } catch (e) {
    await backend.close();
    throw e;
  }
}

async function serve(
  options: ConsoleServerOptions,
  host: string,
  log: (line: string) => void,
  backend: Backend,
): Promise<ConsoleServer> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    // The SDK posts to `${endpoint}/`, i.e. /aws/ecs/.
    routerOptions: { ignoreTrailingSlash: true },
    // Oversize headers and malformed requests: an AWS-shaped answer, not a reset connection.
    clientErrorHandler: answerClientError,
  });
  // Errors Fastify raises itself (a body over bodyLimit, a malformed URL) answer as AWS would, in the
  // protocol of the call.
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) log(`[serve] ${req.method} ${req.url.split('?')[0]} failed: ${firstLine(err)}`);
    const [code, message] =
      status === 413
        ? ['RequestEntityTooLargeException', `Request body exceeds ${BODY_LIMIT} bytes`]
        : status === 500
          ? ['InternalFailure', 'The request processing has failed because of an unknown error.']
          : ['MalformedHttpRequestException', firstLine(err)];
    const param = (req.params as { service?: unknown } | undefined)?.service;
    const scope = sigv4Scope(
      typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined,
    );
    const service =
      (typeof param === 'string' && isConsoleService(param) ? param : null) ??
      (scope ? serviceForSigningName(scope.service) : null) ??
      'ecs';
    const r = localError(service, req.headers, status, code, message);
    return reply.code(r.status).headers(r.headers).send(r.body);
  });
  // Every body is kept raw: the AWS protocols are parsed (or signed) byte for byte downstream.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  let allowed = new Set<string>();
  app.addHook(
    'onRequest',
    createGuard({ allowed: () => allowed, token: options.token, guesses: options.guesses }),
  );

  await registerSpa(
    app,
    options.spaDir ?? defaultSpaDir,
    options.spaMissingReason ?? 'The console has not been built (dist/console is missing). Run "npm start".',
  );

  const awsCall = async (service: ConsoleService | null, req: FastifyRequest, reply: FastifyReply) => {
    const started = Date.now();
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const r = await backend.call(service, req, body);
    if (options.verbose)
      log(describeCall(req, body, service, r.status, Date.now() - started, 'retries' in r ? r.retries : 0));
    reply.code(r.status).headers(r.headers);
    if ('retries' in r) reply.header('x-ecs-console-retries', String(r.retries));
    return reply.send(r.body);
  };

  app.get('/api/info', async () => backend.info);

  // Every method reaches the AWS layer, which answers as AWS does (awsJson takes POST only).
  const awsMethods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
  app.route({
    method: awsMethods,
    url: '/aws/:service',
    handler: async (req, reply) => {
      const { service } = req.params as { service: string };
      if (!isConsoleService(service))
        return reply.code(404).type('text/plain').send(`Unknown service ${service}\n`);
      return awsCall(service, req, reply);
    },
  });

  app.route({
    method: awsMethods,
    url: '/',
    handler: async (req, reply) => {
      if ((req.method === 'GET' || req.method === 'HEAD') && !req.headers.authorization)
        return app.sendSpaIndex(reply);
      return awsCall(null, req, reply);
    },
  });

  let loadsRunning = 0;
  // Test traffic ("send test traffic" on a service page): bounded, to loopback only (load-generator.ts).
  app.post('/api/load', async (req, reply) => {
    if (!backend.plane)
      return reply.code(404).type('text/plain').send('test traffic only exists in local mode\n');
    const body = loadBody(req.body);
    const refusal = body ? await loadRefusal(body) : 'expected JSON {url, rps, durationS}';
    if (refusal || !body) return reply.code(400).send({ message: refusal });
    if (loadsRunning >= MAX_LOADS)
      return reply.code(429).send({ message: `at most ${MAX_LOADS} test traffic runs at once` });
    const total = Math.round(body.rps * body.durationS);
    loadsRunning++;
    runLoad(body)
      .catch((e) => log(`[serve] test traffic failed: ${firstLine(e)}`))
      .finally(() => loadsRunning--);
    return reply.code(202).send({ url: body.url, rps: body.rps, durationS: body.durationS, total });
  });

  app.post('/_ecs-console/reset', async (req, reply) => {
    const plane = backend.plane;
    if (!plane) return reply.code(404).type('text/plain').send('reset only exists in local mode\n');
    reply.hijack();
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      await plane.handle(req.raw, reply.raw, body);
    } catch (e) {
      log(`[serve] reset failed: ${firstLine(e)}`);
      if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'text/plain' });
      reply.raw.end('reset failed\n');
    }
  });

  try {
    await app.listen({ port: options.port ?? 8080, host });
  } catch (e) {
    await app.close();
    throw e;
  }
  const port = (app.server.address() as AddressInfo).port;
  allowed = allowedHosts(host, port);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closed = false;
  return {
    url,
    info: backend.info,
    notes: backend.notes,
    plane: backend.plane,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await backend.close();
    },
  };
}

/** Why binding `host` is refused (a non-loopback address without a token), or null. */
export function bindRefusal(host: string, token: string | undefined): string | null {
  if (isLoopback(host) || token) return null;
  return (
    `refusing to bind ${host} without --token: anyone who can reach that address could drive the console ` +
    `and its AWS credentials. Add --token <secret> (or env ECS_CONSOLE_TOKEN), or bind 127.0.0.1.`
  );
}

async function createBackend(options: ConsoleServerOptions, log: (line: string) => void): Promise<Backend> {
  const target = options.target;
  if (target.mode === 'local') {
    const plane = new LocalControlPlane({
      statePath: target.statePath,
      allowReset: target.allowReset,
      taskStepMs: target.taskStepMs,
      metricsIntervalMs: target.metricsIntervalMs,
      runtime: target.runtime,
      defaultRegion: target.region,
      accountId: target.accountId,
      log: (message, detail) => {
        if (options.verbose || message === 'internal error') {
          log(`[local] ${message}${detail ? ` ${JSON.stringify(detail)}` : ''}`);
        }
      },
    });
    try {
      await plane.start();
    } catch (e) {
      await plane.stop();
      throw e;
    }
    const config = plane.deps.config;
    return {
      info: {
        mode: 'local',
        region: config.defaultRegion,
        accountId: config.accountId,
        regions: [...knownRegions],
        version,
        runtime: await plane.runtimeInfo(),
      },
      notes: [],
      plane,
      call: (_service, req, body) => {
        // The local endpoint routes by X-Amz-Target or the SigV4 scope, as AWS does; it answers on `/`.
        const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
        return plane.endpoint.dispatch(req.method, `/${query}`, flatHeaders(req), body);
      },
      close: () => plane.stop(),
    };
  }

  const notes: string[] = [];
  const credentials =
    target.credentials ??
    (target.mode === 'aws'
      ? fromNodeProviderChain({ profile: target.profile })
      : await chainOrDummy(target.profile, notes));
  const region = target.region ?? (await defaultRegion(target.mode === 'aws' ? target.profile : undefined));
  if (!isKnownRegion(region)) throw new ServeUsageError(`unknown region ${region}`);
  const endpoints =
    target.mode === 'aws'
      ? (target.endpointTable ?? awsEndpointTable)
      : singleEndpointTable(normaliseEndpoint(target.url));
  const proxy = new SigningProxy({
    endpoints,
    credentials,
    userAgent: `ecs-console/${version}`,
    retryBaseMs: options.retryBaseMs,
  });
  const accountId = await callerAccount(proxy, region, notes);
  const info: ConsoleInfo = {
    mode: target.mode,
    region,
    ...(accountId ? { accountId } : {}),
    ...(target.mode === 'endpoint' ? { endpoint: normaliseEndpoint(target.url) } : {}),
    regions: [...knownRegions],
    version,
  };
  return {
    info,
    notes,
    plane: null,
    call: async (pathService, req, body) => {
      const headers = flatHeaders(req);
      const scope = sigv4Scope(headers.authorization);
      const service = pathService ?? (scope ? serviceForSigningName(scope.service) : null);
      const errorService = service ?? 'ecs';
      if (!scope)
        return localError(
          errorService,
          headers,
          403,
          'MissingAuthenticationToken',
          'Request is missing Authentication Token',
        );
      if (!service)
        return localError(errorService, headers, 400, 'InvalidAction', `Unknown service ${scope.service}`);
      if (!isKnownRegion(scope.region)) {
        return localError(
          service,
          headers,
          400,
          'InvalidRegion',
          `${scope.region} is not a known AWS region`,
        );
      }
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
      return proxy.forward(service, scope.region, req.method, query, headers, body);
    },
    close: async () => {},
  };
}

/** `{url, rps, durationS}` from a JSON body (Fastify parsed it, or the raw bytes), else undefined. */
const MAX_LOADS = 4;

function loadBody(raw: unknown): { url: string; rps: number; durationS: number } | undefined {
  let v: unknown = raw;
  if (Buffer.isBuffer(raw)) {
    try {
      v = JSON.parse(raw.toString('utf8'));
    } catch {
      return undefined;
    }
  }
  if (!v || typeof v !== 'object') return undefined;
  const { url, rps, durationS } = v as Record<string, unknown>;
  if (typeof url !== 'string' || typeof rps !== 'number' || typeof durationS !== 'number') return undefined;
  return { url, rps, durationS };
}

/**
 * The request headers the console reads or forwards, each as one text: the local endpoint's five
 * (`requestHeaders`) and `accept` (proxy.ts forwards it). Fixed names: no other header is copied.
 */
function flatHeaders(req: FastifyRequest): Record<string, string | undefined> {
  const accept = req.headers.accept;
  return { ...requestHeaders(req.headers), accept: Array.isArray(accept) ? accept.join(',') : accept };
}

function normaliseEndpoint(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ServeUsageError(`--endpoint must be http(s), got ${url}`);
  return u.toString();
}

/** Endpoint mode signs with the chain's credentials when there are any, else with dummy ones. */
async function chainOrDummy(profile: string | undefined, notes: string[]): Promise<CredentialProvider> {
  const chain = fromNodeProviderChain({ profile });
  try {
    await withTimeout(chain(), 5000);
    return chain;
  } catch (e) {
    notes.push(`no AWS credentials found (${firstLine(e)}); signing with dummy credentials "test"/"test"`);
    return async () => ({ accessKeyId: 'test', secretAccessKey: 'test' });
  }
}

async function defaultRegion(profile: string | undefined): Promise<string> {
  const env = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (env) return env;
  const client = new ECSClient({ profile });
  try {
    return await client.config.region();
  } catch {
    return 'us-east-1';
  } finally {
    client.destroy();
  }
}

/** The account behind the credentials (STS GetCallerIdentity), or a note saying why it is unknown. */
async function callerAccount(
  proxy: SigningProxy,
  region: string,
  notes: string[],
): Promise<string | undefined> {
  const reason = (why: string) => {
    notes.push(`account id unknown: ${why}`);
    return undefined;
  };
  try {
    const r = await withTimeout(
      proxy.forward(
        'sts',
        region,
        'POST',
        '',
        { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        Buffer.from('Action=GetCallerIdentity&Version=2011-06-15'),
      ),
      10_000,
    );
    const text = r.body.toString('utf8');
    const account = /<Account>(\d{12})<\/Account>/.exec(text)?.[1];
    if (account) return account;
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
    return reason(`STS GetCallerIdentity answered ${r.status}${message ? `: ${message}` : ''}`);
  } catch (e) {
    return reason(`STS GetCallerIdentity failed: ${firstLine(e)}`);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';

/** `POST /aws/ecs ecs:ListClusters us-east-1 -> 200 12 ms`. */
function describeCall(
  req: FastifyRequest,
  body: Buffer,
  service: ConsoleService | null,
  status: number,
  ms: number,
  retries: number,
): string {
  const auth = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
  const scope = sigv4Scope(auth);
  const target = req.headers['x-amz-target'];
  const action =
    typeof target === 'string'
      ? target.slice(target.lastIndexOf('.') + 1)
      : (new URLSearchParams(body.toString('utf8', 0, Math.min(body.length, 2048))).get('Action') ?? '?');
  const path = (req.url.split('?')[0] ?? '/').replace(/(.)\/+$/, '$1');
  const retried = retries > 0 ? ` after ${retries} throttling retr${retries === 1 ? 'y' : 'ies'}` : '';
  return `[serve] ${req.method} ${path} ${service ?? scope?.service ?? '?'}:${action} ${scope?.region ?? '-'} -> ${status} ${ms} ms${retried}`;
}
