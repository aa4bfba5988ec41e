/**
 * The AWS wire endpoint: picks the service from `X-Amz-Target` or the SigV4 credential scope (and
 * the `Version` parameter, which tells ELB classic from v2), reads the request for that service's
 * protocol by its model, checks and normalises the input against the model (validate.ts), runs the
 * action, and writes the result (query/ec2: by the output shape) or the error in the protocol's own
 * shape. Also the in-process `ServiceCaller` used between services, which checks and normalises
 * input the same way, so a handler sees the same input whoever calls it.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { isKnownRegion } from '../common/regions';
import { dict, nestedDeeperThan, own } from '../common/safe-object';
import { AwsError, commonErrors, isAwsError } from './errors';
import { jsonBody } from './json-body';
import { CborFormatError, readCbor, writeCbor, writeCborError } from './model/cbor';
import { paramTree, readQuery } from './model/query-reader';
import { checkInput } from './model/validate';
import { coralValidation } from './model/validation-styles';
import { ec2Error, queryError, writeXmlResponse } from './model/xml-writer';
import type {
  ActionHandler,
  CallContext,
  CallOptions,
  ServiceCaller,
  ServiceDefinition,
  ServiceId,
} from './types';

const defaultStyle = coralValidation('ValidationError');

export interface EndpointOptions {
  accountId: string;
  defaultRegion: string;
  /** Called for unexpected (non-AWS) errors; they are answered as InternalFailure 500. */
  onInternalError?: (err: unknown, ctx: Partial<CallContext>) => void;
}

export interface AwsResponse {
  status: number;
  /**
   * Made for this answer alone, never shared between answers: the HTTP writer (`send`) adds the
   * content-length to it rather than copying it.
   */
  headers: Record<string, string>;
  /** Text, or bytes (smithy-rpc-v2-cbor). */
  body: string | Buffer;
  /**
   * The same body in pieces, when it was assembled from kept JSON (json-body.ts): the HTTP writer
   * sends them one after the other (`body` joins them on first read).
   */
  parts?: readonly Buffer[];
}

/**
 * A 200 answer in pieces of bytes, joined only when someone reads `body`. A class, not an object
 * literal with a getter: V8 makes such a literal by defining the accessor at run time and migrating
 * the object's map, ~0.3 us an answer (issue 14: every StopTask, RunTask and DescribeTasks).
 */
class PartsResponse implements AwsResponse {
  readonly status = 200;
  private joined: Buffer | undefined = undefined;

  constructor(
    readonly headers: Record<string, string>,
    readonly parts: readonly Buffer[],
  ) {}

  get body(): Buffer {
    return (this.joined ??= Buffer.concat(this.parts));
  }
}

/** A 200 answer whose body is text, or pieces of bytes (joined only when someone reads `body`). */
function okResponse(headers: Record<string, string>, body: string | readonly Buffer[]): AwsResponse {
  if (typeof body === 'string') return { status: 200, headers, body };
  return new PartsResponse(headers, body);
}

const MAX_BODY = 8 * 1024 * 1024;
const gunzipAsync = promisify(gunzip);
/**
 * Deepest JSON body accepted (arrays and objects): the nesting limit of the JSON parser AWS's Java
 * services use (Jackson's default, 1000). No ECS or Logs input shape is more than ~10 deep.
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * `Credential=AKID/20260101/us-east-1/ecs/aws4_request` -> access key, region and service. Read by
 * scanning, not a regular expression: the header is the caller's and may be built to make a
 * backtracking match slow.
 */
export function credentialScope(
  authorization: string | undefined,
): { accessKeyId: string; region: string; service: string } | null {
  if (!authorization) return null;
  const at = authorization.indexOf('Credential=');
  if (at < 0) return null;
  const start = at + 'Credential='.length;
  // The scope ends at the first comma, space, tab, CR or LF; it is five parts joined by '/'.
  let end = start;
  const slashes = [0, 0, 0, 0];
  let count = 0;
  for (; end < authorization.length; end++) {
    const c = authorization.charCodeAt(end);
    if (c === 0x2c || c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) break;
    if (c === 0x2f) {
      if (count === 4) return null; // more than five parts
      slashes[count++] = end;
    }
  }
  if (count !== 4) return null;
  const [s1, s2, s3, s4] = slashes as [number, number, number, number];
  // The date: eight digits.
  if (s2 - s1 !== 9) return null;
  for (let i = s1 + 1; i < s2; i++) {
    const c = authorization.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
  }
  if (end - s4 !== 13 || !authorization.startsWith('aws4_request', s4 + 1)) return null;
  if (s1 === start || s3 === s2 + 1 || s4 === s3 + 1) return null;
  return {
    accessKeyId: authorization.slice(start, s1),
    region: authorization.slice(s2 + 1, s3),
    service: authorization.slice(s3 + 1, s4),
  };
}

const protocolOf = (s: ServiceDefinition) => s.model.metadata.protocol;
/** How a service's query requests are read and answered (awsQuery, or EC2's variant). */
const queryProtocolOf = (s: ServiceDefinition) => (protocolOf(s) === 'ec2' ? 'ec2' : 'query');
const speaks = (s: ServiceDefinition, protocol: string) =>
  protocolOf(s) === protocol || (s.model.metadata.protocols ?? []).some((p) => p === protocol);
/** smithy-rpc-v2-cbor: `POST /service/<service shape name>/operation/<operation>`. */
const CBOR_HEADER = 'rpc-v2-cbor';

export class AwsEndpoint implements ServiceCaller {
  private readonly byTarget = new Map<string, ServiceDefinition>();
  /** smithy-rpc-v2-cbor services by the service name in their path (CloudWatch's target prefix). */
  private readonly byCborName = new Map<string, ServiceDefinition>();
  private readonly byId = new Map<ServiceId, ServiceDefinition>();
  /** Query services by SigV4 signing name; several share one (ELB classic and v2) and differ by API version. */
  private readonly bySigningName = new Map<string, ServiceDefinition[]>();

  constructor(
    services: ServiceDefinition[],
    private readonly options: EndpointOptions,
  ) {
    for (const s of services) this.register(s);
  }

  register(service: ServiceDefinition): void {
    this.byId.set(service.id, service);
    const meta = service.model.metadata;
    if (meta.targetPrefix && speaks(service, 'json')) this.byTarget.set(meta.targetPrefix, service);
    if (meta.targetPrefix && speaks(service, 'smithy-rpc-v2-cbor'))
      this.byCborName.set(meta.targetPrefix, service);
    if (speaks(service, 'query') || speaks(service, 'ec2')) {
      const same = (this.bySigningName.get(meta.signingName) ?? []).filter((s) => s.id !== service.id);
      this.bySigningName.set(meta.signingName, [...same, service]);
    }
  }

  /** A registered service's definition (tests wrap it to probe what reaches a handler). */
  service(id: ServiceId): ServiceDefinition | undefined {
    return this.byId.get(id);
  }

  /** The query service a request is for: by signing name, then by the `Version` parameter. */
  private queryService(signingName: string, version: string): ServiceDefinition | undefined {
    const candidates = this.bySigningName.get(signingName);
    if (!candidates) return undefined;
    return candidates.find((s) => s.model.metadata.apiVersion === version) ?? candidates[0];
  }

  /** In-process call between services, with the same validation as over the wire. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async call<T = any>(service: ServiceId, action: string, input: unknown, ctx: CallOptions = {}): Promise<T> {
    const def = this.byId.get(service);
    const handler = own(def?.actions, action);
    if (!def || !handler) throw commonErrors.unknownOperation(`${service}:${action}`);
    const full: CallContext = {
      service,
      action,
      region: ctx.region ?? this.options.defaultRegion,
      accountId: ctx.accountId ?? this.options.accountId,
      requestId: ctx.requestId ?? randomUUID(),
      internal: true,
    };
    // The same checks and normalisation as over the wire; an unknown member is a caller's bug.
    const typed = checkInput(def.model, action, input, def.validation ?? defaultStyle, {
      strictMembers: true,
      coerce: ctx.coerce,
    });
    const out = await handler(typed, full);
    return (out === undefined ? {} : JSON.parse(JSON.stringify(out))) as T;
  }

  /** Handles one HTTP request. `body` may be passed when the caller already read it. */
  handle(req: IncomingMessage, res: ServerResponse, body?: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => this.serve(req, res, resolve, reject, body));
  }

  /**
   * `handle` without a promise: calls `sent` once the answer is written, or `failed` with what went
   * wrong, once (nothing written then, unless the write itself threw part-way: the caller closes
   * the connection). For a server's request listener, which has no use for the promise (issue 14:
   * a promise and its reactions per request).
   */
  serve(
    req: IncomingMessage,
    res: ServerResponse,
    sent: () => void,
    failed: (e: unknown) => void,
    body?: Buffer,
  ): void {
    if (body) return this.respond(req, res, body, sent, failed);
    readBodyThen(req, MAX_BODY, (err, raw) => {
      if (raw) return this.respond(req, res, raw, sent, failed);
      try {
        const e = isAwsError(err) ? err : commonErrors.serialization('Could not read the request body');
        send(res, this.errorFor(requestHeaders(req.headers), e, randomUUID()));
      } catch (e) {
        return failed(e);
      }
      sent();
    });
  }

  /** Answers a request whose body has been read, then calls `sent` or `failed` (see `serve`). */
  private respond(
    req: IncomingMessage,
    res: ServerResponse,
    raw: Buffer,
    sent: () => void,
    failed: (e: unknown) => void,
  ): void {
    let r: AwsResponse | Promise<AwsResponse>;
    try {
      r = this.answer(req, raw);
      if (isResponse(r)) send(res, r);
    } catch (e) {
      return failed(e);
    }
    if (isResponse(r)) return sent();
    r.then((out) => {
      try {
        send(res, out);
      } catch (e) {
        return failed(e);
      }
      sent();
    }, failed);
  }

  /** The answer to a request whose body has been read: at once when its handler answers at once. */
  private answer(req: IncomingMessage, raw: Buffer): AwsResponse | Promise<AwsResponse> {
    const headers = requestHeaders(req.headers);
    // Request compression (the SDKs gzip large PutMetricData bodies): inflate, bounded like any body.
    const encoding = headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase().trim() === 'gzip')
      return this.inflated(req, headers, raw);
    return this.route(req.method ?? 'GET', req.url ?? '/', headers, raw);
  }

  private async inflated(
    req: IncomingMessage,
    headers: RequestHeaders,
    gzipped: Buffer,
  ): Promise<AwsResponse> {
    let raw: Buffer;
    try {
      raw = await gunzipAsync(gzipped, { maxOutputLength: MAX_BODY });
    } catch (e) {
      const tooLarge = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      const err = tooLarge
        ? new AwsError('RequestEntityTooLargeException', `Request body exceeds ${MAX_BODY} bytes`, 413)
        : commonErrors.serialization('Could not read the request body: it is not valid gzip');
      return this.errorFor(headers, err, randomUUID());
    }
    return this.route(req.method ?? 'GET', req.url ?? '/', headers, raw);
  }

  /** Transport-independent dispatch (used by `handle` and by tests). */
  async dispatch(
    method: string,
    url: string,
    headers: Record<string, string | undefined>,
    raw: Buffer,
  ): Promise<AwsResponse> {
    return this.route(method, url, headers, raw);
  }

  /** `dispatch`, answering at once when the handler does (no promise to wait for). */
  private route(
    method: string,
    url: string,
    headers: Record<string, string | undefined>,
    raw: Buffer,
  ): AwsResponse | Promise<AwsResponse> {
    const requestId = randomUUID();
    const target = headers['x-amz-target'];
    const scope = credentialScope(headers['authorization']);
    const region = scope?.region ?? this.options.defaultRegion;

    if (headers['smithy-protocol'] === CBOR_HEADER) {
      const [path] = url.split('?');
      const parts = (path ?? '').split('/');
      const name =
        parts.length === 5 && parts[1] === 'service' && parts[3] === 'operation' ? parts[2] : undefined;
      const service = name === undefined ? undefined : this.byCborName.get(name);
      const action = parts[4] ?? '';
      if (method !== 'POST' || !service)
        return cborError(undefined, commonErrors.unknownOperation(`${method} ${path ?? ''}`, 404), requestId);
      if (!scope) return cborError(service, commonErrors.missingAuth(), requestId);
      if (!isKnownRegion(region))
        return cborError(service, commonErrors.invalidRegion(region, 'json'), requestId);
      return this.runCbor(service, action, raw, region, requestId);
    }

    if (target) {
      const dot = target.lastIndexOf('.');
      const service = this.byTarget.get(target.slice(0, dot));
      const action = target.slice(dot + 1);
      // awsJson operations are bound to POST; any other method names no operation.
      if (method !== 'POST')
        return jsonError(commonErrors.unknownOperation(`${method} ${target}`, 404), requestId);
      if (!scope) return jsonError(commonErrors.missingAuth(), requestId);
      if (!isKnownRegion(region)) return jsonError(commonErrors.invalidRegion(region, 'json'), requestId);
      if (!service) return jsonError(commonErrors.unknownOperation(target), requestId);
      return this.runJson(service, action, raw, region, requestId);
    }

    const params = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
    const contentType = headers['content-type'] ?? '';
    if (method === 'POST' && contentType.includes('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) params.append(k, v);
    }
    const action = params.get('Action');
    const version = params.get('Version') ?? '';
    if (!scope) {
      return {
        status: 403,
        headers: { 'content-type': 'text/xml' },
        body: queryError(
          '',
          'MissingAuthenticationToken',
          'Request is missing Authentication Token',
          true,
          requestId,
        ),
      };
    }
    const service = this.queryService(scope.service, version);
    if (!service) {
      return {
        status: 400,
        headers: { 'content-type': 'text/xml' },
        body: queryError('', 'InvalidAction', `Unknown service ${scope.service}`, true, requestId),
      };
    }
    if (!isKnownRegion(region))
      return xmlError(service, commonErrors.invalidRegion(region, 'query'), requestId);
    if (!action) {
      return xmlError(service, new AwsError('MissingAction', 'Missing Action parameter', 400), requestId);
    }
    const handler = own(service.actions, action);
    if (!handler) return xmlError(service, commonErrors.invalidAction(action), requestId);
    const ctx: CallContext = {
      service: service.id,
      action,
      region,
      accountId: this.options.accountId,
      requestId,
    };
    return this.runQuery(service, action, handler, params, ctx);
  }

  private async runQuery(
    service: ServiceDefinition,
    action: string,
    handler: ActionHandler,
    params: URLSearchParams,
    ctx: CallContext,
  ): Promise<AwsResponse> {
    const { requestId } = ctx;
    const { model } = service;
    const protocol = queryProtocolOf(service);
    try {
      const style = service.validation ?? defaultStyle;
      const read = readQuery(model, protocol, action, paramTree(params));
      if (read.violations.length) throw style(read.violations);
      const input = checkInput(model, action, read.input, style);
      const result = await handler(input, ctx);
      const xml = writeXmlResponse(model, protocol, action, result, requestId);
      return {
        status: 200,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: xml,
      };
    } catch (e) {
      return xmlError(service, this.asAwsError(e, ctx), requestId);
    }
  }

  private runJson(
    service: ServiceDefinition,
    action: string,
    raw: Buffer,
    region: string,
    requestId: string,
  ): AwsResponse | Promise<AwsResponse> {
    const handler = own(service.actions, action);
    if (!handler) return serviceJsonError(service, commonErrors.unknownOperation(action), requestId);
    let input: unknown;
    try {
      const text = raw.toString('utf8');
      input = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      return serviceJsonError(service, notAStructure(), requestId);
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input))
      return serviceJsonError(service, notAStructure(), requestId);
    // Nesting deeper than the limit takes two bytes a level ('[' and ']'): a shorter body cannot.
    if (raw.length > 2 * MAX_JSON_DEPTH && nestedDeeperThan(input, MAX_JSON_DEPTH)) {
      return serviceJsonError(
        service,
        commonErrors.serialization(`The request nests more than ${MAX_JSON_DEPTH} levels of JSON.`),
        requestId,
      );
    }
    const ctx: CallContext = {
      service: service.id,
      action,
      region,
      accountId: this.options.accountId,
      requestId,
    };
    let result: unknown;
    try {
      const typed = checkInput(service.model, action, input, service.validation ?? defaultStyle);
      result = handler(typed, ctx);
    } catch (e) {
      return serviceJsonError(service, this.asAwsError(e, ctx), requestId);
    }
    if (!isPromiseLike(result)) return this.jsonAnswer(service, result, ctx);
    return Promise.resolve(result).then(
      (out) => this.jsonAnswer(service, out, ctx),
      (e: unknown) => serviceJsonError(service, this.asAwsError(e, ctx), requestId),
    );
  }

  /** A handler's answer, as awsJson writes it (`undefined` is `{}`); one it cannot write is an InternalFailure. */
  private jsonAnswer(service: ServiceDefinition, result: unknown, ctx: CallContext): AwsResponse {
    try {
      return okResponse(
        { 'content-type': jsonContentType(service), 'x-amzn-requestid': ctx.requestId },
        jsonBody(result ?? {}),
      );
    } catch (e) {
      return serviceJsonError(service, this.asAwsError(e, ctx), ctx.requestId);
    }
  }

  /**
   * smithy-rpc-v2-cbor: the body is one CBOR map (at most MAX_JSON_DEPTH deep, epoch-time tags only),
   * read into the same input as the other protocols; the answer is CBOR by the output shape.
   */
  private async runCbor(
    service: ServiceDefinition,
    action: string,
    raw: Buffer,
    region: string,
    requestId: string,
  ): Promise<AwsResponse> {
    const handler = own(service.actions, action);
    const operation = own(service.model.operations, action);
    if (!handler || !operation)
      return cborError(service, commonErrors.unknownOperation(action, 404), requestId);
    let input: unknown;
    try {
      input = readCbor(raw, MAX_JSON_DEPTH);
    } catch (e) {
      const why = e instanceof CborFormatError ? e.message : 'the body is not valid CBOR';
      return cborError(service, commonErrors.serialization(`Could not read the request: ${why}.`), requestId);
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input) || input instanceof Date)
      return cborError(
        service,
        commonErrors.serialization('Start of structure or map found where not expected.'),
        requestId,
      );
    const ctx: CallContext = {
      service: service.id,
      action,
      region,
      accountId: this.options.accountId,
      requestId,
    };
    try {
      const typed = checkInput(service.model, action, input, service.validation ?? defaultStyle);
      const result = (await handler(typed, ctx)) ?? {};
      return {
        status: 200,
        headers: {
          'content-type': 'application/cbor',
          'smithy-protocol': CBOR_HEADER,
          'x-amzn-requestid': requestId,
        },
        body: writeCbor(service.model, operation.output, result),
      };
    } catch (e) {
      return cborError(service, this.asAwsError(e, ctx), requestId);
    }
  }

  /** The protocol a request's headers name (awsJson by X-Amz-Target, else its signing service's). */
  private requestProtocol(headers: IncomingHttpHeaders | Record<string, string | undefined>) {
    const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
    if (one(headers['smithy-protocol']) === CBOR_HEADER) return { protocol: 'smithy-rpc-v2-cbor' as const };
    if (one(headers['x-amz-target'])) return { protocol: 'json' as const };
    const scope = credentialScope(one(headers['authorization']));
    const service = scope ? this.bySigningName.get(scope.service)?.[0] : undefined;
    return service ? { protocol: protocolOf(service), service } : { protocol: 'query' as const };
  }

  /** An error before the request was parsed, in the shape of the protocol its headers name. */
  errorFor(
    headers: IncomingHttpHeaders | Record<string, string | undefined>,
    err: AwsError,
    requestId: string = randomUUID(),
  ): AwsResponse {
    const { protocol, service } = this.requestProtocol(headers);
    if (protocol === 'smithy-rpc-v2-cbor') return cborError(undefined, err, requestId);
    if (protocol === 'json') return jsonError(err, requestId);
    if (service) return xmlError(service, err, requestId);
    return {
      status: err.status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: queryError('', err.code, err.message, err.sender, requestId),
    };
  }

  /** What AWS answers an access key it does not know, in the protocol's own words. */
  invalidTokenError(headers: IncomingHttpHeaders | Record<string, string | undefined>): AwsError {
    const message = 'The security token included in the request is invalid.';
    switch (this.requestProtocol(headers).protocol) {
      case 'json':
      case 'smithy-rpc-v2-cbor':
        return new AwsError('UnrecognizedClientException', message, 403);
      case 'ec2':
        return new AwsError(
          'AuthFailure',
          'AWS was not able to validate the provided access credentials',
          401,
        );
      default:
        return new AwsError('InvalidClientTokenId', message, 403);
    }
  }

  private asAwsError(e: unknown, ctx: Partial<CallContext>): AwsError {
    if (isAwsError(e)) return e;
    this.options.onInternalError?.(e, ctx);
    return new AwsError(
      'InternalFailure',
      'The request processing has failed because of an unknown error.',
      500,
      false,
    );
  }
}

const notAStructure = () => commonErrors.serialization('Start of structure or map found where not expected.');

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

function isResponse(r: AwsResponse | Promise<AwsResponse>): r is AwsResponse {
  return !(r instanceof Promise);
}

function jsonError(err: AwsError, requestId: string): AwsResponse {
  return {
    status: err.status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-errortype': err.code,
      'x-amzn-requestid': requestId,
    },
    body: JSON.stringify({ __type: err.code, message: err.message }),
  };
}

/** awsJson 1.0 or 1.1, as the service's model says. */
const jsonContentType = (service: ServiceDefinition) =>
  service.model.metadata.jsonVersion === '1.0' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';

/**
 * An awsQueryCompatible service's error (CloudWatch) names its error shape in the body and gives the
 * query code and fault in `x-amzn-query-error`, which the SDKs and the AWS CLI read as the code.
 */
function queryCompat(service: ServiceDefinition | undefined, err: AwsError) {
  const shapes = service?.model.metadata.errorShapes;
  if (!shapes) return { type: err.code, headers: dict<string>() };
  const shape = own(shapes, err.code) ?? err.code;
  return {
    type: `com.amazonaws.${service.model.metadata.signingName === 'monitoring' ? 'cloudwatch' : service.model.metadata.signingName}#${shape}`,
    headers: { 'x-amzn-query-error': `${err.code};${err.sender ? 'Sender' : 'Receiver'}` } as Record<
      string,
      string
    >,
  };
}

function serviceJsonError(service: ServiceDefinition, err: AwsError, requestId: string): AwsResponse {
  const compat = queryCompat(service, err);
  return {
    status: err.status,
    headers: {
      'content-type': jsonContentType(service),
      'x-amzn-errortype': err.code,
      'x-amzn-requestid': requestId,
      ...compat.headers,
    },
    body: JSON.stringify({ __type: compat.type, message: err.message }),
  };
}

function cborError(service: ServiceDefinition | undefined, err: AwsError, requestId: string): AwsResponse {
  const compat = queryCompat(service, err);
  return {
    status: err.status,
    headers: {
      'content-type': 'application/cbor',
      'smithy-protocol': CBOR_HEADER,
      'x-amzn-requestid': requestId,
      ...compat.headers,
    },
    body: writeCborError(compat.type, err.message),
  };
}

function xmlError(service: ServiceDefinition, err: AwsError, requestId: string): AwsResponse {
  const body =
    protocolOf(service) === 'ec2'
      ? ec2Error(err.code, err.message, requestId)
      : queryError(service.model.metadata.xmlNamespace ?? '', err.code, err.message, err.sender, requestId);
  return { status: err.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

/** The request headers the endpoint reads (`dispatch`, `errorFor`), each as one text. */
export interface RequestHeaders extends Record<string, string | undefined> {
  'x-amz-target': string | undefined;
  authorization: string | undefined;
  'smithy-protocol': string | undefined;
  'content-type': string | undefined;
  'content-encoding': string | undefined;
}

const joined = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(',') : v);

/**
 * The headers the endpoint reads out of Node's (repeated values as Node joins them); no other is
 * copied. Fixed names: no header a caller sends becomes a property name.
 */
export function requestHeaders(all: IncomingHttpHeaders): RequestHeaders {
  return {
    'x-amz-target': joined(all['x-amz-target']),
    authorization: joined(all.authorization),
    'smithy-protocol': joined(all['smithy-protocol']),
    'content-type': joined(all['content-type']),
    'content-encoding': joined(all['content-encoding']),
  };
}

/** Writes `r`: its headers object (made for this answer alone) gets the content-length, not copied. */
function send(res: ServerResponse, r: AwsResponse): void {
  const headers = r.headers as Record<string, string | number>;
  if (r.parts) {
    let length = 0;
    for (const part of r.parts) length += part.length;
    headers['content-length'] = length;
    res.writeHead(r.status, headers);
    // Corked: the pieces leave in one write (writev), copied by the kernel, never joined here.
    res.cork();
    for (const part of r.parts) res.write(part);
    res.end();
    return;
  }
  const body = r.body;
  // Text is written as text: Node puts it after the head and encodes both at once in the write.
  headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.writeHead(r.status, headers);
  res.end(body);
}

export function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    readBodyThen(req, limit, (err, body) => (body ? resolve(body) : reject(err))),
  );
}

/** Reads `req`'s body, then calls `done` once: with the body, or with why it could not be read. */
function readBodyThen(
  req: IncomingMessage,
  limit: number,
  done: (err: unknown, body: Buffer | undefined) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let called = false;
  req.on('data', (c: Buffer) => {
    size += c.length;
    // Past the limit keep draining (so the 413 can be written) but stop keeping the bytes.
    if (size <= limit) chunks.push(c);
  });
  req.on('end', () => {
    if (called) return;
    called = true;
    if (size > limit)
      done(
        new AwsError('RequestEntityTooLargeException', `Request body exceeds ${limit} bytes`, 413),
        undefined,
      );
    // A small body arrives in one chunk: kept as it is, not copied.
    else done(undefined, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
  });
  req.on('error', (e) => {
    if (called) return;
    called = true;
    done(e, undefined);
  });
}
