/**
 * Request guards, in the order they run before any routing: security headers, Host check (DNS
 * rebinding), access token, then same-origin + custom header for state-changing API calls.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { hostname as osHostname, networkInterfaces } from 'node:os';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sigv4Scope } from './endpoints';

export const securityHeaders: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export const tokenCookie = 'ecs_console_token';

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

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
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
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
const isApiPath = (path: string) => path.startsWith('/aws/') || path === '/aws' || path.startsWith('/api/');

/** The `onRequest` hook implementing every guard. */
export function createGuard(options: GuardOptions) {
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
      if (req.method === 'GET' && path === '/') {
        const offered = new URLSearchParams(req.url.slice(path.length)).get('token');
        if (offered !== null && sameSecret(offered, token)) {
          return reply
            .header(
              'set-cookie',
              `${tokenCookie}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`,
            )
            .header('cache-control', 'no-store')
            .redirect('/', 302);
        }
      }
      if (!hasToken(req, token)) {
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
      if (isApiPath(path) && header(req, 'x-ecs-console') !== '1') {
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
function hasToken(req: FastifyRequest, token: string): boolean {
  const auth = header(req, 'authorization');
  const candidates = [
    auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined,
    cookie(header(req, 'cookie'), tokenCookie),
    header(req, 'x-ecs-console-token'),
    sigv4Scope(auth)?.accessKeyId,
  ];
  return candidates.some((c) => c !== undefined && sameSecret(c, token));
}
