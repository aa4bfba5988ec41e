/**
 * Composition root of the embedded control plane: the only file that wires the parts together.
 * Everything else receives `LocalDeps` and talks to other services through `deps.services`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { claimAddressBlock, type AddressBlockClaim } from './common/addresses';
import { Bus } from './common/bus';
import { systemClock, type Clock } from './common/clock';
import { defaultConfig, type LocalConfig, type LocalDeps, type Runnable } from './deps';
import { AwsEndpoint } from './protocol/endpoint';
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
import { hexId } from './common/ids';
import { DockerEngine } from './runtime/docker/engine';
import type { TaskRuntime } from './runtime/types';

export type { LocalConfig } from './deps';
export { defaultConfig } from './deps';
export { AwsEndpoint } from './protocol/endpoint';

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

  constructor(private readonly options: LocalOptions) {
    const config: LocalConfig = { ...defaultConfig, ...stripUndefined(options) };
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
    this.parts.push(this.agentHost, createServiceScheduler(this.deps));
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
  handle = async (req: IncomingMessage, res: ServerResponse, body?: Buffer): Promise<void> => {
    if (req.method === 'POST' && req.url === '/_ecs-console/reset') {
      if (!this.options.allowReset) {
        res
          .writeHead(404, { 'content-type': 'text/plain' })
          .end('reset is disabled (start with --allow-reset)');
        return;
      }
      await this.reset();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"reset":true}');
      return;
    }
    await this.endpoint.handle(req, res, body);
  };

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
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        this.deps.log('request failed', { err: String(err) });
        if (!res.headersSent) res.writeHead(400).end();
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    return `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
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

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
