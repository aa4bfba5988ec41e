/**
 * Composition root of the embedded control plane: the only file that wires the parts together.
 * Everything else receives `LocalDeps` and talks to other services through `deps.services`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GuessLimiter, sameSecret, tokenRefusal } from './common/access-token';
import { claimAddressBlock, type AddressBlockClaim } from './common/addresses';
import { isKnownRegion } from './common/regions';
import { Bus } from './common/bus';
import { systemClock, type Clock } from './common/clock';
import { createCapacityController } from './scheduler/capacity';
import { defaultConfig, type LocalConfig, type LocalDeps, type Runnable } from './deps';
import { answerClientError } from './protocol/client-error';
import { AwsEndpoint, credentialScope } from './protocol/endpoint';
import { AwsError } from './protocol/errors';
import type { ServiceDefinition } from './protocol/types';
import { Db } from './store/db';
import { createEcsService } from './ecs/provider';
import { createServiceScheduler } from './scheduler/worker';
import { createAgentHost, type AgentHost } from './agent/host';
import { createEc2Service } from './ec2/provider';
import { createAutoScalingService } from './autoscaling/provider';
import { createElbV2Service, createElbClassicService } from './elb/provider';
import { createIamService } from './iam/provider';
import { createCloudFormationService } from './cloudformation/provider';
import { createLogsService } from './logs/provider';
import { createCloudWatchService } from './cloudwatch/provider';
import { createApplicationAutoScalingService } from './application-autoscaling/provider';
import { hexId } from './common/ids';
import { DockerEngine } from './runtime/docker/engine';
import type { TaskRuntime } from './runtime/types';

export type { LocalConfig } from './deps';
export { defaultConfig } from './deps';
export { AwsEndpoint, credentialScope, requestHeaders } from './protocol/endpoint';
export { answerClientError } from './protocol/client-error';
export { PROTOTYPE_NAMES } from './common/safe-object';
export { convergeSeedInstances, SEED_TAG, type SeedInstances } from './seed-instances';
export {
  GuessLimiter,
  isLoopback,
  MIN_TOKEN_LENGTH,
  sameSecret,
  tokenRefusal,
  type GuessLimiterOptions,
} from './common/access-token';
export { isKnownRegion, knownRegions } from './common/regions';
export { EngineUnreachableError } from './runtime/docker/engine';

/** Which runtime runs the tasks, and whether a Docker Engine answers (for the console's hint). */
export interface RuntimeInfo {
  kind: 'simulated' | 'docker';
  /** The engine's version when one answers (always, with the docker runtime). */
  dockerEngine?: string;
}

export interface LocalOptions extends Partial<LocalConfig> {
  /** SQLite file; null keeps state in memory. */
  statePath: string | null;
  allowReset?: boolean;
  /**
   * Access token: every request must carry it as its SigV4 access key id (`AWS_ACCESS_KEY_ID=<token>`),
   * as `Authorization: Bearer <token>` or as `x-ecs-console-token`. Wrong tokens are rate-limited per
   * client address. Required to listen beyond loopback.
   */
  token?: string;
  /** Tests: the rate limit of wrong tokens (default 10 at once, then one per second). */
  guessLimiter?: GuessLimiter;
  clock?: Clock;
  log?: LocalDeps['log'];
}

export class LocalControlPlane {
  readonly deps: LocalDeps;
  readonly endpoint: AwsEndpoint;
  private readonly parts: Runnable[] = [];
  private server: Server | null = null;
  private started = false;
  private addressClaim: AddressBlockClaim | null = null;
  private agentHost: AgentHost | null = null;
  /** This plane's id (labels its Docker containers); kept in the state so a restart finds its own. */
  private planeId: string | null = null;

  private readonly guesses: GuessLimiter;

  constructor(private readonly options: LocalOptions) {
    if (options.token !== undefined) {
      const refusal = tokenRefusal(options.token);
      if (refusal) throw new Error(refusal);
    }
    this.guesses = options.guessLimiter ?? new GuessLimiter();
    const config: LocalConfig = { ...defaultConfig, ...stripUndefined(options) };
    if (!isKnownRegion(config.defaultRegion)) throw new Error(`unknown region ${config.defaultRegion}`);
    const db = new Db(options.statePath);
    const bus = new Bus();
    const log = options.log ?? (() => {});
    const endpoint = new AwsEndpoint([], {
      accountId: config.accountId,
      defaultRegion: config.defaultRegion,
      onInternalError: (err, ctx) =>
        log('internal error', { err: String((err as Error)?.stack ?? err), ...ctx }),
    });
    this.endpoint = endpoint;
    this.deps = { db, bus, clock: options.clock ?? systemClock, services: endpoint, config, log };

    const services: ServiceDefinition[] = [
      createEcsService(this.deps),
      createEc2Service(this.deps),
      createAutoScalingService(this.deps),
      createElbV2Service(this.deps),
      createElbClassicService(this.deps),
      createIamService(this.deps),
      createCloudFormationService(this.deps),
      createLogsService(this.deps),
      createCloudWatchService(this.deps),
      createApplicationAutoScalingService(this.deps),
    ];
    for (const s of services) endpoint.register(s);
    this.services = services;
  }

  private readonly services: ServiceDefinition[];

  /** Starts background work: recovery of in-flight work, agents, schedulers, proxies. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.claimAddresses();
    const docker =
      this.deps.config.runtime === 'docker'
        ? { planeId: this.ensurePlaneId(), keepContainersOnShutdown: this.options.statePath !== null }
        : undefined;
    this.agentHost = createAgentHost(this.deps, {
      stoppedTaskRetentionMs: this.deps.config.stoppedTaskRetentionMs,
      ...(docker ? { docker } : {}),
    });
    this.parts.push(this.agentHost, createServiceScheduler(this.deps), createCapacityController(this.deps));
    for (const s of this.services) if (s.background) this.parts.push(s.background);
    try {
      for (const p of this.parts) await p.start();
    } catch (err) {
      // E.g. --runtime docker without an engine: undo what started, so the caller can stop cleanly.
      for (const p of [...this.parts].reverse()) await Promise.resolve(p.stop()).catch(() => {});
      this.parts.length = 0;
      this.started = false;
      throw err;
    }
  }

  /** The id this plane's containers are labelled with: from the state, or new (and stored). */
  private ensurePlaneId(): string {
    const { db } = this.deps;
    const id = db.getMeta('plane-id') ?? this.planeId ?? hexId(8);
    this.planeId = id;
    if (db.getMeta('plane-id') === undefined) db.setMeta('plane-id', id);
    return id;
  }

  /** What runs the tasks while the plane is started (e.g. for the engine's CPU and memory figures). */
  get taskRuntime(): TaskRuntime | null {
    return this.started ? (this.agentHost?.runtime ?? null) : null;
  }

  /** Which runtime runs the tasks; with the simulated one, whether a Docker Engine answers anyway. */
  async runtimeInfo(): Promise<RuntimeInfo> {
    const kind = this.deps.config.runtime ?? 'simulated';
    try {
      const engine = new DockerEngine();
      try {
        const v = await engine.connect(kind === 'docker' ? 3000 : 1000);
        return { kind, dockerEngine: v.Version };
      } finally {
        engine.close();
      }
    } catch {
      return { kind };
    }
  }

  /**
   * Resolves once no background loop has anything due now. A test moves a `ManualClock`, then waits
   * for this instead of sleeping: every loop has then looked at what the new time made due. Loops
   * hand work to each other (the agent's steps wake the scheduler), so it goes round until a round
   * finds them all quiet.
   */
  async idle(): Promise<void> {
    for (;;) {
      for (const p of this.parts) await p.idle?.();
      await new Promise((r) => setImmediate(r));
      if (!this.parts.some((p) => p.busy?.())) return;
    }
  }

  /**
   * Claims this plane's address block before anything is addressed: the one its state was built
   * with when that is free, so instances and load balancers keep their addresses across restarts.
   */
  private async claimAddresses(): Promise<void> {
    const { db, config, log } = this.deps;
    if (!this.addressClaim) {
      const stored = db.getMeta('address-block');
      const preferred = this.options.addressBlock ?? (stored === undefined ? 0 : Number(stored));
      const claim = await claimAddressBlock(preferred, config.perInstanceAddresses);
      if (!claim.claimed && config.perInstanceAddresses) {
        log('every loopback address block is in use by other control planes; addresses may collide', {
          block: claim.block,
        });
      } else if (stored !== undefined && claim.block !== Number(stored)) {
        log("this state's address block is in use by another control plane; new hosts use another block", {
          stored: Number(stored),
          block: claim.block,
        });
      }
      this.addressClaim = claim;
      config.addressBlock = claim.block;
    }
    if (db.getMeta('address-block') === undefined) db.setMeta('address-block', String(config.addressBlock));
  }

  /** Handles one HTTP request: the AWS wire protocols, plus the reset hook when enabled. */
  handle = (req: IncomingMessage, res: ServerResponse, body?: Buffer): Promise<void> =>
    new Promise<void>((resolve, reject) => this.serve(req, res, resolve, reject, body));

  /**
   * `handle` without a promise, for the server's request listener: calls `sent` once the request is
   * answered, or `failed` with what went wrong, once (issue 14: no promise and no async function's
   * steps per request).
   */
  private serve(
    req: IncomingMessage,
    res: ServerResponse,
    sent: () => void,
    failed: (e: unknown) => void,
    body?: Buffer,
  ): void {
    const reset = req.method === 'POST' && req.url === '/_ecs-console/reset';
    const token = this.options.token;
    try {
      if (token !== undefined && !this.tokenAccepted(req, res, token, reset)) return sent();
    } catch (e) {
      return failed(e);
    }
    if (reset) this.resetRequest(req, res).then(sent, failed);
    else this.endpoint.serve(req, res, sent, failed, body);
  }

  /** `POST /_ecs-console/reset`: wipes the state when enabled (`--allow-reset`) and asked with the custom header. */
  private async resetRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.options.allowReset) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('reset is disabled (start with --allow-reset)');
      return;
    }
    // A custom header, as every other write has (SigV4): a web page cannot send it cross-origin.
    if (req.headers['x-ecs-console'] !== '1') {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('reset needs the x-ecs-console: 1 header\n');
      return;
    }
    await this.reset();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"reset":true}');
  }

  /**
   * Whether `req` carries the token; otherwise answers it (403, or 429 while its address guesses
   * too fast) in the shape of the protocol it speaks.
   */
  private tokenAccepted(
    req: IncomingMessage,
    res: ServerResponse,
    token: string,
    required: boolean,
  ): boolean {
    const client = req.socket.remoteAddress ?? '';
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const auth = header('authorization');
    const offered = [
      auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined,
      header('x-ecs-console-token'),
      credentialScope(auth)?.accessKeyId,
    ].filter((c): c is string => c !== undefined);
    // No credentials at all: the endpoint answers MissingAuthenticationToken (the reset has no such answer).
    if (offered.length === 0 && !auth && !required) return true;
    if (!this.guesses.allowed(client)) {
      const wait = this.guesses.retryAfterMs(client);
      const r = this.endpoint.errorFor(
        req.headers,
        new AwsError('ThrottlingException', `Rate exceeded: too many wrong tokens; retry in ${wait} ms`, 429),
      );
      res.writeHead(r.status, { ...r.headers, 'retry-after': String(Math.ceil(wait / 1000)) }).end(r.body);
      return false;
    }
    if (offered.some((c) => sameSecret(c, token))) return true;
    this.guesses.failed(client);
    const r = this.endpoint.errorFor(req.headers, this.endpoint.invalidTokenError(req.headers));
    res.writeHead(r.status, r.headers).end(r.body);
    return false;
  }

  /** Wipes all state (tests). Background parts are restarted on an empty store. */
  async reset(): Promise<void> {
    for (const p of [...this.parts].reverse()) await p.stop();
    this.parts.length = 0;
    this.started = false;
    this.deps.db.wipe();
    await this.start();
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await this.start();
    const server = createServer((req, res) =>
      this.serve(req, res, answered, (err) => {
        this.deps.log('request failed', { err: String(err) });
        // Nothing written: a 400. Part of an answer written (a throw inside the write): the client
        // could not tell it from a whole one, so the connection is closed instead of left waiting.
        if (!res.headersSent) res.writeHead(400).end();
        else res.destroy();
      }),
    );
    server.on('clientError', answerClientError);
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
    this.deps.config.endpoint = url;
    return url;
  }

  async stop(): Promise<void> {
    for (const p of [...this.parts].reverse()) await p.stop();
    this.parts.length = 0;
    this.started = false;
    if (this.server) {
      const s = this.server;
      this.server = null;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
    await this.addressClaim?.release();
    this.addressClaim = null;
    this.deps.db.close();
  }
}

/** A request answered: nothing more to do. */
const answered = (): void => undefined;

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
