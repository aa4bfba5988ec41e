/**
 * What the task driver (agent/driver.ts) needs of a container runtime, whichever runs the tasks:
 *   - `simulated` (runtime.ts): every mapped host port is a socket answering with a page about the
 *     container; exits come from the commands read as little scripts (agent/exit.ts);
 *   - `docker` (docker/runtime.ts): real containers on a Docker Engine; exits, OOM kills and health
 *     come from the engine.
 * The driver walks the lifecycle and writes ECS state; the runtime only does what each step asks and
 * reports what happened to the containers.
 */
import type { WireTask, WireTaskDefinition } from '../ecs/model';

export type RuntimeKind = 'simulated' | 'docker';

export interface PortRequest {
  containerName: string;
  containerPort: number;
  /** The host port booked on the instance. */
  hostPort: number;
  protocol: 'tcp' | 'udp';
  /** A port this binding was served on before (after a restart it is tried first). */
  previousPort?: number;
  previousAddress?: string;
}

export interface TaskToServe {
  taskArn: string;
  taskDefinitionArn: string;
  clusterArn: string;
  containerInstanceArn: string;
  ec2InstanceId?: string;
  /** The container instance's address (its private and public IP). */
  address: string;
  /** Image per container name. */
  images: Map<string, string>;
  ports: PortRequest[];
}

/** A task to start: what the simulated runtime serves, plus what real containers are made of. */
export interface TaskToRun extends TaskToServe {
  /** The task as stored (containers, overrides). */
  task: WireTask;
  /** Its task definition (absent when it was deleted from the store). */
  definition?: WireTaskDefinition;
  /** True after a restart: the task was RUNNING; adopt what runs rather than start anew. */
  resume: boolean;
}

export interface ServedPort extends PortRequest {
  /** Where the port really listens. */
  servedAddress: string;
  servedPort: number;
  /** Why it is not exactly address:hostPort, when it is not. */
  note?: string;
}

export interface StartedTask {
  ports: ServedPort[];
  /** Container id per container name (the driver makes up ids when absent). */
  runtimeIds?: Map<string, string>;
}

/** How a container ended. */
export interface ContainerExit {
  containerName: string;
  exitCode?: number;
  /** E.g. "OutOfMemoryError: Container killed due to memory usage". */
  reason?: string;
}

export type HealthStatus = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

/** Told by the runtime, as it happens, about containers of tasks it runs. */
export type RuntimeEvent =
  | ({ kind: 'exited'; taskArn: string; essential: boolean } & ContainerExit)
  | { kind: 'health'; taskArn: string; containerName: string; healthStatus: HealthStatus };

export type RuntimeListener = (event: RuntimeEvent) => void;

/** One container's resource use, from the engine (for metrics). */
export interface ContainerStats {
  containerName: string;
  runtimeId: string;
  /** CPU used since the previous sample, in CPU units (1024 = one vCPU). */
  cpuUnits: number;
  /** Share of one host CPU, 0..100 × CPUs. */
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes?: number;
  at: number;
}

/** Base of the errors that keep a task from starting; the message is what ECS shows. */
export class TaskStartError extends Error {
  constructor(
    readonly containerName: string,
    message: string,
  ) {
    super(message);
    this.name = 'TaskStartError';
  }
}

export class CannotStartContainerError extends TaskStartError {
  constructor(containerName: string, message: string) {
    super(containerName, message);
    this.name = 'CannotStartContainerError';
  }
}

export class CannotPullContainerError extends TaskStartError {
  constructor(containerName: string, message: string) {
    super(containerName, message);
    this.name = 'CannotPullContainerError';
  }
}

export interface TaskRuntime {
  readonly kind: RuntimeKind;
  /** Real containers: every task is started and stopped by the runtime, ports or not. */
  readonly realContainers: boolean;
  /** Whether container exits are read from commands (agent/exit.ts) rather than reported. */
  readonly simulatesExits: boolean;
  /** Before the driver runs: connect, adopt or clean up what an earlier run left. Throws when unusable. */
  ready(): Promise<void>;
  /** PENDING: what must happen before the containers can start (pull the images). */
  prepare(task: TaskToRun): Promise<void>;
  /** ACTIVATING -> RUNNING: start (or, with `resume`, adopt) the containers and serve their ports. */
  start(task: TaskToRun): Promise<StartedTask>;
  /**
   * Stops the task's containers and frees what they held: `graceful` as StopTask (SIGTERM, the
   * container's stopTimeout, SIGKILL), `kill` at once (the host is gone). Resolves with how each
   * container ended, when known.
   */
  stop(taskArn: string, how: 'graceful' | 'kill'): Promise<ContainerExit[]>;
  isServing(taskArn: string): boolean;
  /** The plane is stopping: stop serving; real containers are left running when state is kept. */
  shutdown(): Promise<void>;
  subscribe(listener: RuntimeListener): () => void;
  /** CPU and memory of the task's containers now (empty when the runtime has no real containers). */
  stats(taskArn: string): Promise<ContainerStats[]>;
}
