/**
 * Raw AWS wire requests for tests that must send what no SDK would (hostile keys, wrong methods,
 * odd regions, huge or deeply nested bodies), and checks that an answer is AWS-shaped for its
 * protocol. The Authorization header is SigV4-shaped; the local plane reads only its scope.
 */
import { XMLParser } from 'fast-xml-parser';

export const ECS_TARGET = 'AmazonEC2ContainerServiceV20141113';
export const LOGS_TARGET = 'Logs_20140328';

export const sigv4 = (service: string, region = 'us-east-1', accessKeyId = 'test'): string =>
  `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`;

export interface WireResponse {
  status: number;
  contentType: string;
  text: string;
}

export interface WireOptions {
  method?: string;
  region?: string;
  /** Path (and query) after the base URL; default `/`. */
  path?: string;
  headers?: Record<string, string>;
  /** Default true: send the SigV4-shaped Authorization header. */
  auth?: boolean;
}

async function send(url: string, init: RequestInit, path = '/'): Promise<WireResponse> {
  const res = await fetch(url.replace(/\/$/, '') + path, init);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** An awsJson1_1 call: `target` is `Prefix.Action`; `body` is sent as is. */
export function awsJson(
  url: string,
  target: string,
  body: string,
  o: WireOptions = {},
): Promise<WireResponse> {
  const method = o.method ?? 'POST';
  const service = target.startsWith(LOGS_TARGET) ? 'logs' : 'ecs';
  return send(
    url,
    {
      method,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': target,
        ...(o.auth === false ? {} : { authorization: sigv4(service, o.region) }),
        ...o.headers,
      },
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
    },
    o.path,
  );
}

/** An awsQuery / ec2Query call: `params` form-encoded in the body (POST) or the URL (any other method). */
export function awsQuery(
  url: string,
  service: string,
  params: [string, string][] | string,
  o: WireOptions = {},
): Promise<WireResponse> {
  const method = o.method ?? 'POST';
  const encoded = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  const inBody = method === 'POST';
  return send(
    url,
    {
      method,
      headers: {
        ...(inBody ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } : {}),
        ...(o.auth === false ? {} : { authorization: sigv4(service, o.region) }),
        ...o.headers,
      },
      body: inBody ? encoded : undefined,
    },
    inBody ? o.path : `${o.path ?? '/'}?${encoded}`,
  );
}

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false });

/** The error of an answer, if it is one in the protocol's shape: `{code, message}`; else a reason it is not. */
export function wireError(
  r: WireResponse,
  protocol: 'json' | 'query' | 'ec2',
): { code: string; message: string } | { malformed: string } {
  if (protocol === 'json') {
    if (!/^application\/x-amz-json-1\.[01]/.test(r.contentType))
      return { malformed: `content-type ${r.contentType}` };
    try {
      const body = JSON.parse(r.text) as { __type?: unknown; message?: unknown };
      if (typeof body.__type !== 'string' || typeof body.message !== 'string')
        return { malformed: 'no __type and message' };
      return { code: body.__type, message: body.message };
    } catch {
      return { malformed: 'not JSON' };
    }
  }
  if (!r.contentType.startsWith('text/xml')) return { malformed: `content-type ${r.contentType}` };
  let doc: Record<string, unknown>;
  try {
    doc = xml.parse(r.text) as Record<string, unknown>;
  } catch {
    return { malformed: 'not XML' };
  }
  const error =
    protocol === 'ec2'
      ? (doc.Response as { Errors?: { Error?: unknown } } | undefined)?.Errors?.Error
      : (doc.ErrorResponse as { Error?: unknown } | undefined)?.Error;
  const e = error as { Code?: unknown; Message?: unknown } | undefined;
  if (typeof e?.Code !== 'string' || typeof e.Message !== 'string')
    return { malformed: `no ${protocol === 'ec2' ? 'Response/Errors/Error' : 'ErrorResponse/Error'}` };
  return { code: e.Code, message: e.Message };
}

/** `wireError` that fails the test (with the answer in the message) when the error is not AWS-shaped. */
export function expectWireError(
  r: WireResponse,
  protocol: 'json' | 'query' | 'ec2',
): { code: string; message: string } {
  const e = wireError(r, protocol);
  if ('malformed' in e)
    throw new Error(`not an AWS ${protocol} error (${e.malformed}): ${r.status} ${r.text.slice(0, 300)}`);
  return e;
}
