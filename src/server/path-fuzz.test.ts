/**
 * Fuzzing `serve`'s paths (issue 8): `/aws/<service>` and `/` spelled every way a router may accept
 * (percent-encoding, case, trailing and doubled slashes, query strings, prototype names as services),
 * every HTTP method, with and without the console's header. Checked for every request: no 5xx; a
 * write without `x-ecs-console: 1` never reaches the AWS layer (except the SigV4 endpoint on `/`);
 * every answer of the AWS layer is AWS-shaped for its protocol, and every other answer is the
 * server's own (403/404 text, or the SPA); and the console's ECS calls keep working.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOTYPE_NAMES } from '../local/index';
import { ECS_TARGET, sigv4, wireError } from '../testing/wire';
import { startConsoleServer, type ConsoleServer } from './index';
import { fakeSpaDir, rawRequest } from './testing';

const REQUESTS = Number(process.env.FUZZ_REQUESTS_SERVE ?? 1000);

let server: ConsoleServer;
beforeAll(async () => {
  server = await startConsoleServer({
    target: { mode: 'local', statePath: null },
    port: 0,
    spaDir: fakeSpaDir(),
    log: () => {},
  });
});
afterAll(() => server.close());

const SERVICES = ['ecs', 'logs', 'cloudformation', 'ec2', 'iam', 'autoscaling', 'elasticloadbalancing'];

/** Percent-encodes some characters of `s` (upper or lower hex). */
const spell = (s: string, mask: number, lower: boolean) =>
  [...s]
    .map((c, i) => {
      if (c === '/' || !((mask >> (i % 30)) & 1)) return c;
      const hex = c.charCodeAt(0).toString(16).padStart(2, '0');
      return `%${lower ? hex : hex.toUpperCase()}`;
    })
    .join('');

const path = fc
  .record({
    base: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...SERVICES).map((s) => `/aws/${s}`) },
      { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES).map((s) => `/aws/${s}`) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('/', '/_ecs-console/reset', '/api/info', '/aws', '/AWS/ecs', '/aws/s3'),
      },
    ),
    mask: fc.nat(),
    lower: fc.boolean(),
    suffix: fc.constantFrom('', '', '', '/', '//', '?x=1', '?Action=ListStacks', '/..', '/%2e%2e/'),
    // Before the path: nothing, another slash (`//aws/ecs`) or a dot segment (`/./aws/ecs`).
    prefix: fc.constantFrom('', '', '', '/', '/.'),
  })
  .map((p) => `${p.prefix}${spell(p.base, p.mask, p.lower)}${p.suffix}`);

const request = fc.record({
  path,
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  consoleHeader: fc.constantFrom(true, true, true, false),
  protocol: fc.constantFrom('json', 'query'),
  action: fc.oneof(
    fc.constantFrom('ListClusters', 'CreateCluster', 'ListStacks', 'DescribeVpcs'),
    fc.constantFrom(...PROTOTYPE_NAMES),
  ),
  signingService: fc.constantFrom(...SERVICES),
});

const awsAnswer = (contentType: string) =>
  contentType.startsWith('application/x-amz-json-1.1') || contentType.startsWith('text/xml');

describe('serve path fuzz', () => {
  it(
    `answers ${REQUESTS} requests on every spelling of its paths without a 5xx or a guard bypass`,
    { timeout: 180_000 },
    async () => {
      const statuses = new Map<number, number>();
      let reachedAws = 0;
      await fc.assert(
        fc.asyncProperty(request, async (q) => {
          const headers: Record<string, string> = {
            authorization: sigv4(q.signingService),
            ...(q.consoleHeader ? { 'x-ecs-console': '1' } : {}),
          };
          let body: string | undefined;
          if (q.protocol === 'json') {
            headers['content-type'] = 'application/x-amz-json-1.1';
            headers['x-amz-target'] = `${ECS_TARGET}.${q.action}`;
            body = JSON.stringify({ clusterName: 'served' });
          } else {
            headers['content-type'] = 'application/x-www-form-urlencoded';
            body = `Action=${q.action}&Version=2010-05-15`;
          }
          const bodyless = q.method === 'GET' || q.method === 'HEAD';
          const r = await rawRequest(server.url, {
            method: q.method,
            path: q.path,
            headers,
            body: bodyless ? undefined : body,
          });
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          const where = `${q.method} ${q.path} ${JSON.stringify(q)} -> ${r.status} ${r.body.slice(0, 200)}`;
          expect(r.status, where).toBeLessThan(500);
          const contentType = String(r.headers['content-type'] ?? '');
          const write = !['GET', 'HEAD', 'OPTIONS'].includes(q.method);
          if (awsAnswer(contentType)) {
            reachedAws++;
            // Only the SigV4 endpoint on `/` takes writes without the console's header.
            if (write && !q.consoleHeader)
              expect(q.path.split('?')[0], `guard bypassed: ${where}`).toMatch(/^\/+$/);
            if (r.status >= 400 && q.method !== 'HEAD') {
              const protocol = contentType.startsWith('text/xml')
                ? r.body.includes('<Response><Errors>')
                  ? 'ec2'
                  : 'query'
                : 'json';
              const e = wireError({ status: r.status, contentType, text: r.body }, protocol);
              expect('malformed' in e ? e.malformed : '', where).toBe('');
            }
          } else {
            expect([200, 302, 401, 403, 404], where).toContain(r.status);
            if (r.status === 200 || r.status === 302) expect(q.method, where).toMatch(/^(GET|HEAD)$/);
          }
          const ok = await rawRequest(server.url, {
            method: 'POST',
            path: '/aws/ecs',
            headers: {
              'x-ecs-console': '1',
              'content-type': 'application/x-amz-json-1.1',
              'x-amz-target': `${ECS_TARGET}.ListClusters`,
              authorization: sigv4('ecs'),
            },
            body: '{}',
          });
          expect(ok.status, `ECS after ${where}`).toBe(200);
        }),
        { numRuns: REQUESTS },
      );
      console.log(
        `serve path fuzz: ${REQUESTS} requests (+${REQUESTS} ECS health checks), ${reachedAws} answered by the AWS layer; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
      expect(reachedAws).toBeGreaterThan(REQUESTS / 4);
    },
  );
});
