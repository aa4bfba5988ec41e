/** What every part of the control plane is built from. Created once, in index.ts. */
import type { Bus } from './common/bus';
import type { Clock } from './common/clock';
import type { ServiceCaller } from './protocol/types';
import type { Db } from './store/db';

export interface LocalConfig {
  accountId: string;
  defaultRegion: string;
  /** Delay between two task lifecycle steps (ms). Tests use small values. */
  taskStepMs: number;
  /** Delay for an EC2 instance to go from pending to running (ms). */
  instanceBootMs: number;
  /** How long STOPPED tasks stay visible before they are deleted (ECS keeps them at least an hour). */
  stoppedTaskRetentionMs: number;
  /** How often the service scheduler resyncs every service even without events (ms). */
  resyncMs: number;
  /** Host that serves container ports and load balancers when per-instance loopback addresses are not available. */
  fallbackAddress: string;
  /** Whether 127.0.x.y addresses other than 127.0.0.1 can be bound (true on Linux). */
  perInstanceAddresses: boolean;
  /** Which address block this plane hands out addresses from (set when it starts; see common/addresses.ts). */
  addressBlock: number;
  /** What runs the tasks: simulated containers (sockets; the default) or real ones on a Docker Engine. */
  runtime?: 'simulated' | 'docker';
  /** The URL the control plane listens on (set by `listen`; agents poll it: DiscoverPollEndpoint). */
  endpoint?: string;
  /**
   * How often the plane publishes its metrics (AWS/ECS, AWS/ApplicationELB, ...) and the unit its
   * alarms count periods in (ms). AWS: a minute. Below a minute (the local knob, for tests and demos)
   * metrics are published at high resolution and alarms and policies accept periods of any whole
   * number of seconds: docs/local-runtime.md.
   */
  metricsIntervalMs: number;
  /**
   * FARGATE_SPOT: interrupt each Spot task this long after it started (ms), as AWS reclaims Spot
   * capacity (stop code SpotInterruption). Unset: Spot tasks are never interrupted.
   */
  fargateSpotInterruptAfterMs?: number;
  /**
   * Managed scaling: how long the CapacityProviderReservation must stay below the target before
   * the Auto Scaling group is scaled in (ms; AWS waits about 15 minutes).
   */
  capacityScaleInDelayMs: number;
}

export interface LocalDeps {
  db: Db;
  bus: Bus;
  clock: Clock;
  /** Calls into any service's actions in process (how services use each other). */
  services: ServiceCaller;
  config: LocalConfig;
  log: (message: string, detail?: Record<string, unknown>) => void;
}

/** A background part with a lifecycle (scheduler, agents, proxies). */
export interface Runnable {
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
  /** Loops on a work queue: resolves once nothing is due now (tests drive a ManualClock, then wait). */
  idle?(): Promise<void>;
  /** Loops on a work queue: whether something is due now or being handled. */
  busy?(): boolean;
}

/** Defaults for `LocalConfig` (the CLI's flags override them). */
export const defaultConfig: LocalConfig = {
  accountId: '000000000000',
  defaultRegion: 'us-east-1',
  taskStepMs: 200,
  instanceBootMs: 300,
  resyncMs: 5000,
  stoppedTaskRetentionMs: 3_600_000,
  fallbackAddress: '127.0.0.1',
  perInstanceAddresses: process.platform === 'linux',
  addressBlock: 0,
  runtime: 'simulated',
  metricsIntervalMs: 60_000,
  capacityScaleInDelayMs: 5000,
};
