/**
 * The signing proxy (aws and endpoint modes): takes a request the SPA (or the AWS CLI) signed with
 * dummy credentials, keeps only what AWS needs, re-signs it with the server's credentials for the
 * upstream from the fixed table, retries throttling with backoff, and returns a sanitised response.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomUUID } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { signingNames, type ConsoleService, type EndpointTable } from './endpoints';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type CredentialProvider = () => Promise<Credentials>;

export interface ProxyResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  retries: number;
}

export interface ProxyOptions {
  endpoints: EndpointTable;
  credentials: CredentialProvider;
  userAgent: string;
  /** First backoff step (ms); doubles per retry, with full jitter. */
  retryBaseMs?: number;
  maxRetries?: number;
  timeoutMs?: number;
}

/**
 * Request headers that carry meaning for the AWS protocols we proxy; everything else is dropped.
 * `smithy-protocol` names Smithy RPC v2 CBOR (a request without it is not that protocol), and
 * `content-encoding` says a body is compressed (the SDK gzips large CloudWatch PutMetricData bodies):
 * dropping either would make the upstream misread the body.
 */
const forwardedRequestHeaders = [
  'content-type',
  'content-encoding',
  'x-amz-target',
  'smithy-protocol',
  'accept',
];
/** Response headers the SDK uses; everything else (cookies, hop-by-hop, server details) is dropped. */
const forwardedResponseHeaders = [
  'content-type',
  'x-amzn-requestid',
  'x-amz-request-id',
  'x-amzn-errortype',
  'date',
];
const throttlingCodes = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);
const throttlingStatuses = new Set([400, 429, 503]);

export class SigningProxy {
  private readonly retryBaseMs: number;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: ProxyOptions) {
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.maxRetries = options.maxRetries ?? 3;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Forwards one call. `query` is the incoming query string (without `?`), `region` already validated. */
  async forward(
    service: ConsoleService | 'sts',
    region: string,
    method: string,
    query: string,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
  ): Promise<ProxyResponse> {
    const upstream = this.options.endpoints(service, region);
    const url = new URL(upstream.url);
    const signer = new SignatureV4({
      credentials: this.options.credentials,
      region: upstream.signingRegion,
      service: signingNames[service],
      sha256: Sha256,
    });
    const outHeaders: Record<string, string> = { host: url.host, 'user-agent': this.options.userAgent };
    for (const name of forwardedRequestHeaders) {
      const v = headers[name];
      if (typeof v === 'string') outHeaders[name] = v;
    }
    if (body.length > 0 || method !== 'GET') outHeaders['content-length'] = String(body.length);

    let retries = 0;
    for (;;) {
      let signed: HttpRequest;
      try {
        signed = (await signer.sign(
          new HttpRequest({
            method,
            protocol: url.protocol,
            hostname: url.hostname,
            port: url.port ? Number(url.port) : undefined,
            path: url.pathname,
            query: parseQuery(query),
            headers: { ...outHeaders },
            body,
          }),
        )) as HttpRequest;
      } catch (e) {
        return localError(
          service,
          headers,
          403,
          'CredentialsError',
          `ecs-console has no usable AWS credentials: ${errMessage(e)}`,
        );
      }
      let response: ProxyResponse;
      try {
        response = await this.send(url, method, query, signed.headers, body);
      } catch (e) {
        return localError(
          service,
          headers,
          502,
          'UpstreamUnreachable',
          `Could not reach ${url.origin}: ${errMessage(e)}`,
        );
      }
      if (retries >= this.maxRetries || !isThrottling(response)) return { ...response, retries };
      retries += 1;
      const cap = this.retryBaseMs * 2 ** (retries - 1);
      await new Promise((r) => setTimeout(r, cap / 2 + Math.random() * (cap / 2)));
    }
  }

  private send(
    url: URL,
    method: string,
    query: string,
    headers: Record<string, string>,
    body: Buffer,
  ): Promise<ProxyResponse> {
    const requestFn = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = requestFn(
        {
          method,
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port || undefined,
          path: url.pathname + (query ? `?${query}` : ''),
          headers,
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 502,
              headers: pickResponseHeaders(res.headers),
              body: Buffer.concat(chunks),
              retries: 0,
            }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}

function pickResponseHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of forwardedResponseHeaders) {
    const v = h[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

function parseQuery(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** The AWS error code of a response: `x-amzn-errortype`, JSON `__type` or XML `<Code>`. */
export function errorCode(r: { headers: Record<string, string>; body: Buffer }): string | null {
  const header = r.headers['x-amzn-errortype'];
  if (header) return stripNamespace(header.split(':')[0] as string);
  const text = r.body.toString('utf8', 0, Math.min(r.body.length, 4096));
  const json = /"__type"\s*:\s*"([^"]+)"/.exec(text) ?? /"code"\s*:\s*"([^"]+)"/i.exec(text);
  if (json) return stripNamespace(json[1] as string);
  const xml = /<Code>([^<]+)<\/Code>/.exec(text);
  return xml ? (xml[1] as string) : null;
}

const stripNamespace = (code: string) => code.slice(code.lastIndexOf('#') + 1);

function isThrottling(r: ProxyResponse): boolean {
  if (!throttlingStatuses.has(r.status)) return false;
  const code = errorCode(r);
  return code !== null && throttlingCodes.has(code);
}

/** An error made here (not by AWS), in the shape the calling protocol expects. */
export function localError(
  service: ConsoleService | 'sts',
  headers: Record<string, string | string[] | undefined>,
  status: number,
  code: string,
  message: string,
): ProxyResponse {
  const requestId = randomUUID();
  if (typeof headers['x-amz-target'] === 'string') {
    return {
      status,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': code,
        'x-amzn-requestid': requestId,
      },
      body: Buffer.from(JSON.stringify({ __type: code, message })),
      retries: 0,
    };
  }
  const xml =
    service === 'ec2'
      ? `<Response><Errors><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error></Errors>` +
        `<RequestID>${requestId}</RequestID></Response>`
      : `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>` +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`;
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: Buffer.from(xml),
    retries: 0,
  };
}

const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );

const errMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));
