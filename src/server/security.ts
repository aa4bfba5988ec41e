/**
 * Request guards, in the order they run once the router has matched the request: security headers,
 * Host check (DNS rebinding), access token (wrong ones rate-limited per address), then same-origin +
 * custom header for every state-changing call except the SigV4-signed AWS endpoint on `/`. The
 * guards judge the route the router matched, never the raw path, so no spelling of a path (percent-
 * encoding, a trailing slash) reaches a handler with fewer guards.
 */
import { hostname as osHostname, networkInterfaces } from 'node:os';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GuessLimiter, isLoopback, sameSecret } from '../local/index';
import { isConsoleService, serviceForSigningName, sigv4Scope } from './endpoints';
import { localError } from './proxy';

export const securityHeaders: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export const tokenCookie = 'ecs_console_token';

export { isLoopback };

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '[::]';

const hostPort = (host: string, port: number) =>
  `${host.includes(':') ? `[${host}]` : host}:${port}`.toLowerCase();

/**
 * The Host header values accepted for a server bound to `host:port`: the bound name, and the
 * loopback spellings of it. A wildcard bind also accepts this machine's addresses and name.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set<string>([host.replace(/^\[|\]$/g, '')]);
  if (isLoopback(host) || isWildcard(host)) for (const n of ['localhost', '127.0.0.1', '::1']) names.add(n);
  if (isWildcard(host)) {
    names.add(osHostname());
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.add(i.address);
  }
  const out = new Set<string>();
  for (const n of names) {
    out.add(hostPort(n, port));
    if (port === 80) out.add(n.includes(':') ? `[${n}]` : n.toLowerCase());
  }
  return out;
}

export interface GuardOptions {
  /** Filled once the server listens (the port may be chosen by the OS). */
  allowed: () => Set<string>;
  token?: string;
  /** Wrong tokens per client address (default: 10 at once, then one per second). */
  guesses?: GuessLimiter;
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw; // not percent-encoding: compared as sent (and so refused)
      }
    }
  }
  return undefined;
}

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const reject = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).type('text/plain; charset=utf-8').send(`${message}\n`);

const stateChanging = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);

/** The route the router matched (`/aws/:service`, `/`, ...); undefined when none did. */
const routeOf = (req: FastifyRequest): string | undefined => req.routeOptions.url;

/** The AWS service a request addresses, for answering it in that service's protocol. */
function serviceOf(req: FastifyRequest) {
  const param = (req.params as { service?: unknown } | undefined)?.service;
  if (typeof param === 'string' && isConsoleService(param)) return param;
  const scope = sigv4Scope(header(req, 'authorization'));
  return (scope && serviceForSigningName(scope.service)) ?? 'ecs';
}

/** The `onRequest` hook implementing every guard. */
export function createGuard(options: GuardOptions) {
  const guesses = options.guesses ?? new GuessLimiter();
  return async (req: FastifyRequest, reply: FastifyReply) => {
    // Set on the raw response so that hijacked replies (the reset pass-through) carry them too.
    for (const [k, v] of Object.entries(securityHeaders)) reply.raw.setHeader(k, v);

    const host = header(req, 'host')?.toLowerCase();
    if (!host || !options.allowed().has(host)) {
      return reject(
        reply,
        403,
        'Forbidden: unexpected Host header (ecs-console only answers to its own address).',
      );
    }
    const path = req.url.split('?')[0] ?? '/';

    if (options.token) {
      const token = options.token;
      const offered = offeredTokens(req);
      if (offered.length && !guesses.allowed(req.ip)) {
        const wait = guesses.retryAfterMs(req.ip);
        const r = localError(
          serviceOf(req),
          req.headers,
          429,
          'ThrottlingException',
          `Rate exceeded: too many wrong tokens from this address; retry in ${wait} ms`,
        );
        return reply
          .code(r.status)
          .headers({ ...r.headers, 'retry-after': String(Math.ceil(wait / 1000)) })
          .send(r.body);
      }
      if (req.method === 'GET' && path === '/') {
        const visit = new URLSearchParams(req.url.slice(path.length)).get('token');
        if (visit !== null && sameSecret(visit, token)) {
          return reply
            .header(
              'set-cookie',
              `${tokenCookie}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`,
            )
            .header('cache-control', 'no-store')
            .redirect('/', 302);
        }
      }
      if (!offered.some((c) => sameSecret(c, token))) {
        if (offered.length) guesses.failed(req.ip);
        return reject(
          reply,
          401,
          'Unauthorized: this ecs-console needs its access token. Open the URL with ?token=... that ' +
            '"ecs-console serve" printed, or send "Authorization: Bearer <token>".',
        );
      }
    }

    if (stateChanging(req.method)) {
      const origin = header(req, 'origin');
      if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
        return reject(reply, 403, 'Forbidden: cross-origin request.');
      }
      // Every write but the AWS endpoint on `/` (its SigV4 Authorization is a header no web form can
      // send) needs the console's custom header: /aws/*, /api/*, the reset hook, and any spelling of them.
      if (routeOf(req) !== '/' && header(req, 'x-ecs-console') !== '1') {
        return reject(reply, 403, 'Forbidden: missing the x-ecs-console: 1 header.');
      }
    }
  };
}

/**
 * The token may come as a Bearer header, the cookie set by `/?token=`, the x-ecs-console-token
 * header (for SigV4-signed calls whose Authorization is taken), or, for the AWS CLI, as the access
 * key id of the SigV4 signature (`AWS_ACCESS_KEY_ID=<token>`).
 */
function offeredTokens(req: FastifyRequest): string[] {
  const auth = header(req, 'authorization');
  const path = req.url.split('?')[0] ?? '/';
  const query = req.method === 'GET' && path === '/' ? new URLSearchParams(req.url.slice(path.length)) : null;
  return [
    auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined,
    cookie(header(req, 'cookie'), tokenCookie),
    header(req, 'x-ecs-console-token'),
    sigv4Scope(auth)?.accessKeyId,
    query?.get('token') ?? undefined,
  ].filter((c): c is string => c !== undefined);
}
