/**
 * "Fake AWS" for the AWS-mode journey: a front HTTP server on 127.0.0.1 that does what an AWS endpoint
 * does with a request before it reaches the service. It checks every SigV4 signature against the
 * credentials it knows (recomputed with @smithy/signature-v4 over what arrived, the body included),
 * answers STS GetCallerIdentity itself, throttles ECS calls on demand, and forwards everything else
 * unchanged to an embedded control plane (which takes the region from the signature's scope).
 */
import { request, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { startFakeUpstream, type RecordedRequest } from '../src/server/testing';

export interface FakeAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface FakeAws {
  url: string;
  /** Requests whose signature did not verify (answered 403 SignatureDoesNotMatch). */
  badSignatures: string[];
  /** Every access key id seen in a Credential scope, good or bad. */
  accessKeyIds: Set<string>;
  /** Requests that verified, by `service:action`. */
  verified: string[];
  /** The ECS actions answered with a ThrottlingException so far, in order. */
  throttled: string[];
  /** Answers the next `n` ECS requests with a ThrottlingException. */
  throttleNextEcs(n: number): void;
  /** Forgets what was recorded (signature self-checks happen before the journey). */
  resetRecords(): void;
  close(): Promise<void>;
}

const ecsTargetPrefix = 'AmazonEC2ContainerServiceV20141113.';

type Received = RecordedRequest;

/** `20260101T120000Z` -> Date. */
function parseAmzDate(v: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (!m) return null;
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * AWS's check: recompute the signature of what arrived with the secret of the scope's access key.
 * `x-amz-content-sha256` is left out of the recomputation so the signer hashes the received body itself:
 * a body changed in transit cannot pass. Returns null when it verifies, else why not.
 */
async function signatureProblem(
  r: Received,
  known: FakeAwsCredentials,
  scope: { accessKeyId: string; region: string; service: string },
): Promise<string | null> {
  const auth = header(r.headers, 'authorization') ?? '';
  if (scope.accessKeyId !== known.accessKeyId) return `unknown access key ${scope.accessKeyId}`;
  const signedHeaders = /SignedHeaders=([^,\s]+)/.exec(auth)?.[1]?.split(';') ?? [];
  for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256'])
    if (!signedHeaders.includes(required)) return `${required} is not signed`;
  if (known.sessionToken !== undefined) {
    if (!signedHeaders.includes('x-amz-security-token')) return 'x-amz-security-token is not signed';
    if (header(r.headers, 'x-amz-security-token') !== known.sessionToken) return 'wrong security token';
  }
  const signingDate = parseAmzDate(header(r.headers, 'x-amz-date') ?? '');
  if (!signingDate) return 'no valid X-Amz-Date';
  if (Math.abs(Date.now() - signingDate.getTime()) > 5 * 60_000) return 'X-Amz-Date is off by over 5 min';
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const v = header(r.headers, name);
    if (v === undefined) return `signed header ${name} is missing`;
    if (name !== 'x-amz-content-sha256') headers[name] = v;
  }
  const [path = '/', query = ''] = r.url.split('?');
  const queryParams: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const prev = queryParams[k];
    queryParams[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({
    credentials: known,
    region: scope.region,
    service: scope.service,
    sha256: Sha256,
  });
  const expected = await signer.sign(
    new HttpRequest({
      method: r.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      path,
      query: queryParams,
      headers,
      body: r.body,
    }),
    { signingDate },
  );
  if (expected.headers['x-amz-content-sha256'] !== header(r.headers, 'x-amz-content-sha256'))
    return 'x-amz-content-sha256 does not match the body';
  return expected.headers['authorization'] === auth ? null : 'signature does not match';
}

function awsError(
  r: Received,
  status: number,
  code: string,
  message: string,
): { status: number; headers: Record<string, string>; body: string } {
  if (header(r.headers, 'x-amz-target')) {
    return {
      status,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code },
      body: JSON.stringify({ __type: code, message }),
    };
  }
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error></ErrorResponse>`,
  };
}

/** Starts the front on 127.0.0.1, forwarding verified requests to `planeUrl`. */
export async function startFakeAws(options: {
  planeUrl: string;
  credentials: FakeAwsCredentials;
  accountId: string;
}): Promise<FakeAws> {
  const plane = new URL(options.planeUrl);
  let throttleBudget = 0;
  const fake: FakeAws = {
    url: '',
    badSignatures: [],
    accessKeyIds: new Set(),
    verified: [],
    throttled: [],
    throttleNextEcs(n) {
      throttleBudget = n;
    },
    resetRecords() {
      fake.badSignatures.length = 0;
      fake.accessKeyIds.clear();
      fake.verified.length = 0;
      fake.throttled.length = 0;
    },
    close: () => Promise.resolve(),
  };

  const forward = (r: Received, res: ServerResponse) => {
    const upstream = request(
      {
        hostname: plane.hostname,
        port: plane.port,
        method: r.method,
        path: r.url,
        headers: r.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fake AWS could not reach the plane: ${e.message}`);
    });
    upstream.end(r.body);
  };

  const handle = async (r: Received, res: ServerResponse) => {
    const send = (a: { status: number; headers: Record<string, string>; body: string }) => {
      res.writeHead(a.status, a.headers);
      res.end(a.body);
    };
    const auth = header(r.headers, 'authorization') ?? '';
    const m = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/.exec(
      auth,
    );
    if (!m) {
      fake.badSignatures.push(`${r.method} ${r.url}: no SigV4 Authorization`);
      return send(awsError(r, 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token'));
    }
    const scope = { accessKeyId: m[1] as string, region: m[2] as string, service: m[3] as string };
    fake.accessKeyIds.add(scope.accessKeyId);
    const target = header(r.headers, 'x-amz-target');
    const action =
      target?.slice(target.lastIndexOf('.') + 1) ??
      new URLSearchParams(r.body.toString('utf8')).get('Action') ??
      '?';
    const problem = await signatureProblem(r, options.credentials, scope);
    if (problem) {
      fake.badSignatures.push(`${scope.service}:${action} ${scope.region}: ${problem}`);
      return send(
        awsError(
          r,
          403,
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided.',
        ),
      );
    }
    fake.verified.push(`${scope.service}:${action}`);
    if (scope.service === 'sts') {
      if (action !== 'GetCallerIdentity')
        return send(awsError(r, 400, 'InvalidAction', `No STS ${action} here`));
      return send({
        status: 200,
        headers: { 'content-type': 'text/xml' },
        body:
          '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          `<Arn>arn:aws:iam::${options.accountId}:user/e2e</Arn><UserId>AIDAE2E</UserId>` +
          `<Account>${options.accountId}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
      });
    }
    if (target?.startsWith(ecsTargetPrefix) && throttleBudget > 0) {
      throttleBudget -= 1;
      fake.throttled.push(action);
      // What ECS answers when the account's request rate is exceeded.
      return send({
        status: 400,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype':
            'ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/',
        },
        body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
      });
    }
    forward(r, res);
  };

  const front = await startFakeUpstream((r, res) => {
    handle(r, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake AWS failed: ${String(e)}`);
    });
  });
  fake.url = front.url;
  fake.close = front.close;
  return fake;
}
