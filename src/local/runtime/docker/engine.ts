/**
 * A small client for the Docker Engine HTTP API, over its Unix socket (or `tcp://` without TLS), as
 * `DOCKER_HOST` names it: JSON requests, newline-delimited JSON streams (events, pull progress) and
 * the multiplexed log stream. Only what the Docker runtime uses; every call is bounded in time
 * except the streams, which the caller ends.
 */
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';

/** Highest API version this client speaks (Docker Engine 20.10); newer engines accept it. */
const API_VERSION = '1.41';
const DEFAULT_SOCKET = '/var/run/docker.sock';

export class EngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** The engine does not answer at all (no socket, refused, timed out). */
export class EngineUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineUnreachableError';
  }
}

interface Endpoint {
  socketPath?: string;
  host?: string;
  port?: number;
  /** How the user would name it (for messages). */
  display: string;
}

/** Where the engine listens, from DOCKER_HOST (unix:// or tcp://) or the default socket. */
export function engineEndpoint(dockerHost: string | undefined = process.env.DOCKER_HOST): Endpoint {
  const value = dockerHost?.trim();
  if (!value) return { socketPath: DEFAULT_SOCKET, display: `unix://${DEFAULT_SOCKET}` };
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length) || DEFAULT_SOCKET;
    return { socketPath, display: `unix://${socketPath}` };
  }
  if (value.startsWith('tcp://') || value.startsWith('http://')) {
    if (process.env.DOCKER_TLS_VERIFY) {
      throw new EngineUnreachableError(
        `DOCKER_HOST=${value} with DOCKER_TLS_VERIFY: TLS to the engine is not supported; use its Unix socket`,
      );
    }
    const url = new URL(value.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375), display: value };
  }
  throw new EngineUnreachableError(
    `DOCKER_HOST=${value}: only unix:// and tcp:// (without TLS) engines are supported`,
  );
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Ms before the request is abandoned (default 30 s). */
  timeoutMs?: number;
  /** Statuses that are not errors (besides 2xx), e.g. 304 for "already stopped". */
  accept?: number[];
}

export interface EngineVersion {
  Version: string;
  ApiVersion: string;
  Os?: string;
  Arch?: string;
}

export class DockerEngine {
  readonly endpoint: Endpoint;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });
  private version = API_VERSION;

  constructor(dockerHost?: string) {
    this.endpoint = engineEndpoint(dockerHost);
  }

  get display(): string {
    return this.endpoint.display;
  }

  /** Pings the engine and settles the API version to speak. Throws EngineUnreachableError when it does not answer. */
  async connect(timeoutMs = 3000): Promise<EngineVersion> {
    let v: EngineVersion;
    try {
      v = await this.json<EngineVersion>('GET', '/version', { timeoutMs }, false);
    } catch (err) {
      if (err instanceof EngineError) throw err;
      throw new EngineUnreachableError(
        `no Docker Engine answers at ${this.display} (${(err as Error).message})`,
      );
    }
    if (compareVersions(v.ApiVersion, API_VERSION) < 0) this.version = v.ApiVersion;
    return v;
  }

  /** A JSON request; resolves with the parsed body (undefined when empty). */
  json<T>(method: string, path: string, options: RequestOptions = {}, versioned = true): Promise<T> {
    return this.send(method, path, options, versioned).then(async (res) => {
      const text = await readAll(res, 64 * 1024 * 1024);
      return (text ? JSON.parse(text) : undefined) as T;
    });
  }

  /**
   * A streaming request (events, logs, pull): resolves with the response once the engine answered
   * 2xx; the caller reads and ends it. No timeout once the headers came.
   */
  stream(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    return this.send(method, path, { ...options, timeoutMs: options.timeoutMs ?? 30_000 }, true, true);
  }

  close(): void {
    this.agent.destroy();
  }

  private send(
    method: string,
    path: string,
    options: RequestOptions,
    versioned: boolean,
    streaming = false,
  ): Promise<IncomingMessage> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) query.set(k, String(v));
    const qs = query.toString();
    const fullPath = `${versioned ? `/v${this.version}` : ''}${path}${qs ? `?${qs}` : ''}`;
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          ...(this.endpoint.socketPath
            ? { socketPath: this.endpoint.socketPath }
            : { host: this.endpoint.host, port: this.endpoint.port }),
          method,
          path: fullPath,
          // Streams hold their socket for as long as they run: never take one from the pool.
          agent: streaming ? false : this.agent,
          headers: {
            host: 'docker',
            ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if ((status >= 200 && status < 300) || options.accept?.includes(status)) {
            if (streaming) req.setTimeout(0);
            resolve(res);
            return;
          }
          readAll(res, 1024 * 1024)
            .then((text) => reject(new EngineError(status, engineMessage(text, status))))
            .catch(reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}

function engineMessage(text: string, status: number): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON
  }
  return text.trim() || `HTTP ${status}`;
}

function readAll(res: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        res.destroy(new Error(`engine answer larger than ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('engine answer aborted')));
  });
}

/** Calls `onValue` for each JSON value of a newline-delimited stream; resolves when it ends. */
export function readJsonLines(res: IncomingMessage, onValue: (value: unknown) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let rest = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      rest += chunk;
      if (rest.length > 4 * 1024 * 1024) {
        res.destroy(new Error('engine stream line too long'));
        return;
      }
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl).trim();
        rest = rest.slice(nl + 1);
        if (!line) continue;
        try {
          onValue(JSON.parse(line));
        } catch {
          // a line that is not JSON is skipped
        }
      }
    });
    res.on('end', () => {
      const line = rest.trim();
      if (line) {
        try {
          onValue(JSON.parse(line));
        } catch {
          // ignored
        }
      }
      resolve();
    });
    res.on('close', () => resolve());
    res.on('error', reject);
  });
}

/**
 * Splits the engine's multiplexed stdout/stderr stream (containers without a TTY: 8-byte frame
 * headers) into frames. Returns a function to feed chunks; frames go to `onFrame`.
 */
export function demultiplexer(onFrame: (stream: 'stdout' | 'stderr', data: Buffer) => void) {
  let buffer: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    while (buffer.length >= 8) {
      const size = buffer.readUInt32BE(4);
      if (buffer.length < 8 + size) break;
      const kind = buffer[0] === 2 ? 'stderr' : 'stdout';
      onFrame(kind, buffer.subarray(8, 8 + size));
      buffer = buffer.subarray(8 + size);
    }
  };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
