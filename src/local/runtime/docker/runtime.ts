/**
 * The Docker runtime: each task's containers run on a Docker Engine, as the ECS agent runs them on
 * an EC2 instance (spec.ts maps the task definition).
 *
 *   prepare  PENDING: pulls the images that are not on the engine (an image present is used as it
 *            is, as the agent's `prefer-cached` pull behaviour); a failed pull is ECS's
 *            "CannotPullContainerError: Error response from daemon: ...".
 *   start    ACTIVATING -> RUNNING: creates and starts the containers in dependency order (links,
 *            volumesFrom, dependsOn conditions), publishes the booked host ports on the instance's
 *            address, and follows the awslogs containers' output. With `resume` (after a restart)
 *            it adopts the containers already there instead.
 *   stop     SIGTERM, the container's stopTimeout, SIGKILL (the engine's stop), or a kill at once;
 *            then the exit codes (OOM kills with ECS's reason) and the containers are removed.
 *
 * The engine's event stream reports exits, OOM kills and health while a task runs. Every container
 * carries the labels the ECS agent sets plus this control plane's id: at start, and every minute,
 * containers (and task volumes) of this plane whose task is gone or STOPPED are removed; others are
 * left to the driver to adopt. Containers of other planes are never touched.
 */
import type { IncomingMessage } from 'node:http';
import { hexId } from '../../common/ids';
import type { LocalDeps } from '../../deps';
import { ecsCollections, type EcsCollections } from '../../ecs/model';
import {
  CannotPullContainerError,
  CannotStartContainerError,
  TaskStartError,
  type ContainerExit,
  type ContainerStats,
  type RuntimeEvent,
  type RuntimeListener,
  type ServedPort,
  type StartedTask,
  type TaskRuntime,
  type TaskToRun,
} from '../types';
import { demultiplexer, EngineError, readJsonLines, type DockerEngine } from './engine';
import {
  imageRef,
  LABELS,
  OOM_REASON,
  PlanError,
  planTask,
  type ContainerPlan,
  type TaskPlan,
  type VolumePlan,
} from './spec';

/** Lines a container wrote, for CloudWatch Logs. */
export interface ContainerOutput {
  taskArn: string;
  clusterArn: string;
  containerName: string;
  events: { timestamp: number; message: string }[];
}

export interface DockerRuntimeOptions {
  engine: DockerEngine;
  deps: LocalDeps;
  /** This control plane's id (label com.ecs-console.plane-id). */
  planeId: string;
  /** True when state is kept on disk: containers keep running across a shutdown and are adopted. */
  keepContainersOnShutdown: boolean;
  /** Output of containers whose log driver is awslogs; must return at once. */
  onOutput?: (output: ContainerOutput) => void;
  /** When the last line of a container's stream was written (ms), to resume without duplicates. */
  lastLogAt?: (taskArn: string, clusterArn: string, containerName: string) => Promise<number | undefined>;
  /** How often to look for containers whose task is gone (ms). */
  sweepMs?: number;
}

interface Tracked {
  name: string;
  id: string;
  essential: boolean;
  awslogs: boolean;
  tty: boolean;
  exited: boolean;
}

interface TrackedTask {
  taskArn: string;
  clusterArn: string;
  phase: 'starting' | 'running' | 'stopping';
  cancelled: boolean;
  containers: Map<string, Tracked>;
  starting?: Promise<unknown>;
  followers: Set<IncomingMessage>;
  followed: Promise<void>[];
}

interface ContainerSummary {
  Id: string;
  State: string;
  Labels?: Record<string, string>;
}

interface ContainerInspect {
  Id: string;
  State: {
    Status: string;
    Running: boolean;
    ExitCode: number;
    OOMKilled: boolean;
    StartedAt?: string;
    Health?: { Status: string };
  };
  Config?: { Labels?: Record<string, string>; Tty?: boolean };
  NetworkSettings?: { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> };
}

const NEVER_STARTED = '0001-01-01T00:00:00Z';
const sleep = (ms: number, unref = false) =>
  new Promise((r) => {
    const timer = setTimeout(r, ms);
    if (unref) timer.unref();
  });
const errMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class DockerRuntime implements TaskRuntime {
  readonly kind = 'docker';
  readonly realContainers = true;
  readonly simulatesExits = false;
  private readonly col: EcsCollections;
  private readonly tasks = new Map<string, TrackedTask>();
  private readonly listeners = new Set<RuntimeListener>();
  private readonly pulls = new Map<string, Promise<void>>();
  private events: IncomingMessage | null = null;
  private eventsSince = '';
  private watching = false;
  private watcher: Promise<void> | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private connected = false;

  constructor(private readonly options: DockerRuntimeOptions) {
    this.col = ecsCollections(options.deps.db);
  }

  private get engine(): DockerEngine {
    return this.options.engine;
  }

  private log(message: string, detail?: Record<string, unknown>): void {
    this.options.deps.log(`docker: ${message}`, detail);
  }

  private get planeLabel(): string {
    return `${LABELS.plane}=${this.options.planeId}`;
  }

  async ready(): Promise<void> {
    const version = await this.engine.connect();
    this.connected = true;
    this.log('connected', { engine: this.engine.display, version: version.Version });
    this.eventsSince = (Date.now() / 1000).toFixed(3);
    this.watching = true;
    const connected = new Promise<void>((resolve) => {
      this.watcher = this.watchEvents(resolve);
    });
    await connected;
    await this.sweep();
    const every = this.options.sweepMs ?? 60_000;
    this.sweepTimer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.log('sweep failed', { err: errMessage(err) }));
    }, every);
    this.sweepTimer.unref();
  }

  subscribe(listener: RuntimeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: RuntimeEvent): void {
    for (const l of this.listeners) l(event);
  }

  isServing(taskArn: string): boolean {
    return this.tasks.has(taskArn);
  }

  // -- PENDING: images -------------------------------------------------------------------------

  async prepare(task: TaskToRun): Promise<void> {
    const defs = task.definition?.containerDefinitions ?? [];
    const images = new Map<string, string>();
    for (const d of defs) if (d.image && !images.has(d.image)) images.set(d.image, d.name ?? '');
    await Promise.all([...images].map(([image, container]) => this.ensureImage(image, container)));
  }

  private ensureImage(image: string, container: string): Promise<void> {
    let p = this.pulls.get(image);
    if (!p) {
      p = this.pullIfMissing(image, container).finally(() => this.pulls.delete(image));
      this.pulls.set(image, p);
    }
    return p;
  }

  private async pullIfMissing(image: string, container: string): Promise<void> {
    try {
      await this.engine.json('GET', `/images/${encodePath(image)}/json`);
      return;
    } catch (err) {
      if (!(err instanceof EngineError && err.status === 404)) throw pullError(container, err);
    }
    const { repository, tag } = imageRef(image);
    this.log('pulling image', { image });
    let failure: string | undefined;
    let lastReport = 0;
    const layers = new Map<string, { current: number; total: number; done: boolean }>();
    try {
      const res = await this.engine.stream('POST', '/images/create', {
        query: { fromImage: repository, tag },
        timeoutMs: 60_000,
      });
      await readJsonLines(res, (v) => {
        const e = v as {
          id?: string;
          status?: string;
          error?: string;
          errorDetail?: { message?: string };
          progressDetail?: { current?: number; total?: number };
        };
        if (e.error || e.errorDetail?.message) failure = e.errorDetail?.message ?? e.error;
        if (e.id && e.status) {
          const layer = layers.get(e.id) ?? { current: 0, total: 0, done: false };
          if (e.progressDetail?.total) layer.total = e.progressDetail.total;
          if (e.progressDetail?.current) layer.current = e.progressDetail.current;
          if (/^(Pull complete|Already exists|Download complete)/.test(e.status)) layer.done = true;
          layers.set(e.id, layer);
        }
        const now = Date.now();
        if (now - lastReport > 2000 && layers.size > 0) {
          lastReport = now;
          const all = [...layers.values()];
          this.log('pull progress', {
            image,
            layers: `${all.filter((l) => l.done).length}/${all.length}`,
            bytes: `${all.reduce((n, l) => n + l.current, 0)}/${all.reduce((n, l) => n + l.total, 0)}`,
          });
        }
      });
    } catch (err) {
      throw pullError(container, err);
    }
    if (failure) throw pullError(container, new Error(failure));
    this.log('pulled image', { image });
  }

  // -- ACTIVATING -> RUNNING -------------------------------------------------------------------

  async start(task: TaskToRun): Promise<StartedTask> {
    const known = this.tasks.get(task.taskArn);
    if (known && known.phase !== 'stopping') {
      // Asked again (e.g. a second restart pass): drop what was there and begin again.
      this.tasks.delete(task.taskArn);
    }
    const track: TrackedTask = {
      taskArn: task.taskArn,
      clusterArn: task.clusterArn,
      phase: 'starting',
      cancelled: false,
      containers: new Map(),
      followers: new Set(),
      followed: [],
    };
    this.tasks.set(task.taskArn, track);
    const work = task.resume ? this.adopt(task, track) : this.create(task, track);
    track.starting = work;
    try {
      const started = await work;
      if (track.cancelled)
        throw new CannotStartContainerError('', 'CannotStartContainerError: the task stopped while starting');
      track.phase = 'running';
      return started;
    } catch (err) {
      if (!track.cancelled && this.tasks.get(task.taskArn) === track) {
        this.tasks.delete(task.taskArn);
        this.endFollowers(track);
        if (!task.resume) await this.removeTask(task.taskArn).catch(() => {});
      }
      throw startError(err);
    }
  }

  private async create(task: TaskToRun, track: TrackedTask): Promise<StartedTask> {
    const td = task.definition;
    if (!td)
      throw new CannotStartContainerError(
        '',
        'CannotStartContainerError: the task definition no longer exists',
      );
    // Left by a start the process did not finish (killed mid-way): begin from nothing.
    await this.removeTask(task.taskArn);
    const plan = planTask({
      task: task.task,
      definition: td,
      address: task.address,
      ports: task.ports,
      planeId: this.options.planeId,
      suffix: hexId(10),
    });
    for (const v of plan.volumes) await this.ensureVolume(v);
    const notes = new Map<string, string>();
    for (const c of plan.containers) {
      if (track.cancelled) break;
      await this.waitForDependencies(track, c, plan);
      await this.createAndStart(task, track, c, notes);
    }
    const ports = await this.servedPorts(task, track, notes);
    for (const c of plan.containers) if (c.awslogs) this.follow(track, c.name);
    return { ports, runtimeIds: new Map([...track.containers].map(([n, c]) => [n, c.id])) };
  }

  private async ensureVolume(v: VolumePlan): Promise<void> {
    if (v.kind !== 'volume' || !v.create) return;
    if (v.mustExist) {
      try {
        await this.engine.json('GET', `/volumes/${encodeURIComponent(v.source)}`);
        return;
      } catch (err) {
        throw new CannotStartContainerError(
          '',
          `CannotCreateContainerError: volume ${v.source} does not exist and autoprovision is not enabled (${errMessage(err)})`,
        );
      }
    }
    try {
      await this.engine.json('POST', '/volumes/create', { body: v.create });
    } catch (err) {
      throw new CannotStartContainerError(
        '',
        `CannotCreateContainerError: Error response from daemon: ${errMessage(err)}`,
      );
    }
  }

  /** Waits until each dependsOn condition holds (START, COMPLETE, SUCCESS, HEALTHY). */
  private async waitForDependencies(track: TrackedTask, c: ContainerPlan, plan: TaskPlan): Promise<void> {
    for (const dep of c.dependsOn) {
      if (dep.condition === 'START') continue;
      const target = track.containers.get(dep.containerName);
      if (!target || !plan.containers.some((x) => x.name === dep.containerName)) continue;
      const deadline = Date.now() + c.startTimeoutS * 1000;
      for (;;) {
        if (track.cancelled) return;
        const info = await this.inspect(target.id);
        const state = info?.State;
        const exited = state !== undefined && !state.Running && state.Status !== 'created';
        if (dep.condition === 'HEALTHY' && state?.Health?.Status === 'healthy') break;
        if (dep.condition === 'COMPLETE' && exited) break;
        if (dep.condition === 'SUCCESS' && exited) {
          if (state.ExitCode === 0) break;
          throw new CannotStartContainerError(
            c.name,
            `CannotStartContainerError: dependency ${dep.containerName} exited with code ${state.ExitCode} (condition SUCCESS)`,
          );
        }
        if (dep.condition === 'HEALTHY' && (exited || state?.Health?.Status === 'unhealthy')) {
          throw new CannotStartContainerError(
            c.name,
            `CannotStartContainerError: dependency ${dep.containerName} is not healthy (condition HEALTHY)`,
          );
        }
        if (Date.now() > deadline) {
          throw new CannotStartContainerError(
            c.name,
            `CannotStartContainerError: dependency ${dep.containerName} did not reach ${dep.condition} within ${c.startTimeoutS} s`,
          );
        }
        await sleep(250);
      }
    }
  }

  /** Creates and starts one container; a published port the host refuses is published elsewhere. */
  private async createAndStart(
    task: TaskToRun,
    track: TrackedTask,
    c: ContainerPlan,
    notes: Map<string, string>,
  ): Promise<void> {
    let body = c.body;
    for (let attempt = 0; ; attempt++) {
      let id: string;
      try {
        const created = await this.engine.json<{ Id: string }>('POST', '/containers/create', {
          query: { name: c.dockerName },
          body,
        });
        id = created.Id;
      } catch (err) {
        throw new CannotStartContainerError(
          c.name,
          `CannotCreateContainerError: Error response from daemon: ${errMessage(err)}`,
        );
      }
      track.containers.set(c.name, {
        name: c.name,
        id,
        essential: c.essential,
        awslogs: c.awslogs,
        tty: c.tty,
        exited: false,
      });
      try {
        await this.engine.json('POST', `/containers/${id}/start`, { timeoutMs: 60_000 });
        return;
      } catch (err) {
        const message = errMessage(err);
        const inUse = /address already in use|port is already allocated/.test(message);
        const noAddress = /cannot assign requested address/.test(message);
        if (attempt < 2 && (inUse || noAddress)) {
          await this.remove(id);
          track.containers.delete(c.name);
          body = republish(body, inUse ? undefined : this.options.deps.config.fallbackAddress);
          notes.set(
            c.name,
            inUse
              ? 'a booked host port is in use on this machine; published on a free port'
              : `address ${task.address} is not available to the engine; published on ${this.options.deps.config.fallbackAddress}`,
          );
          this.log('port published elsewhere', { taskArn: task.taskArn, container: c.name, err: message });
          continue;
        }
        throw new CannotStartContainerError(
          c.name,
          `CannotStartContainerError: Error response from daemon: ${message}`,
        );
      }
    }
  }

  /** Where each booked port is really published (read back from the engine). */
  private async servedPorts(
    task: TaskToRun,
    track: TrackedTask,
    notes: Map<string, string>,
  ): Promise<ServedPort[]> {
    const inspected = new Map<string, ContainerInspect | null>();
    for (const [name, c] of track.containers) inspected.set(name, await this.inspect(c.id));
    return task.ports.map((p) => {
      const published = inspected.get(p.containerName)?.NetworkSettings?.Ports?.[
        `${p.containerPort}/${p.protocol}`
      ];
      const wanted = String(p.hostPort);
      const hit = published?.find((b) => b.HostPort === wanted) ?? published?.[0];
      const served: ServedPort = {
        ...p,
        servedAddress: hit?.HostIp && hit.HostIp !== '0.0.0.0' ? hit.HostIp : task.address,
        servedPort: hit ? Number(hit.HostPort) : p.hostPort,
      };
      const note = notes.get(p.containerName);
      if (note && (served.servedPort !== p.hostPort || served.servedAddress !== task.address))
        served.note = note;
      return served;
    });
  }

  /** After a restart: the containers of a RUNNING task are there (same ids); follow them again. */
  private async adopt(task: TaskToRun, track: TrackedTask): Promise<StartedTask> {
    const found = await this.containersOf(task.taskArn);
    const byName = new Map(found.map((c) => [c.Labels?.[LABELS.containerName] ?? '', c]));
    const defs = task.definition?.containerDefinitions ?? [];
    const exited: Tracked[] = [];
    for (const def of defs) {
      const name = def.name ?? '';
      const info = byName.get(name);
      if (!info) {
        if (def.essential === false) continue;
        throw new CannotStartContainerError(
          name,
          `CannotStartContainerError: container ${name} is no longer on the Docker Engine`,
        );
      }
      const tracked: Tracked = {
        name,
        id: info.Id,
        essential: def.essential !== false,
        awslogs: def.logConfiguration?.logDriver === 'awslogs',
        tty: def.pseudoTerminal ?? false,
        exited: false,
      };
      track.containers.set(name, tracked);
      if (info.State !== 'running') exited.push(tracked);
    }
    const ports = await this.servedPorts(task, track, new Map());
    for (const c of track.containers.values()) if (c.awslogs) this.follow(track, c.name, true);
    // Exits while the process was down are reported once the driver has the task back.
    setImmediate(() => {
      for (const c of exited) void this.died(track, c);
    });
    return { ports, runtimeIds: new Map([...track.containers].map(([n, c]) => [n, c.id])) };
  }

  // -- Stop ------------------------------------------------------------------------------------

  async stop(taskArn: string, how: 'graceful' | 'kill'): Promise<ContainerExit[]> {
    const track = this.tasks.get(taskArn);
    if (track) {
      track.phase = 'stopping';
      track.cancelled = true;
      await track.starting?.catch(() => {});
    }
    const found = await this.containersOf(taskArn);
    await Promise.all(
      found
        .filter((c) => c.State === 'running' || c.State === 'restarting' || c.State === 'paused')
        .map((c) =>
          how === 'kill'
            ? this.engine.json('POST', `/containers/${c.Id}/kill`, { accept: [404, 409] }).catch(() => {})
            : // The engine sends SIGTERM, waits the container's StopTimeout, then SIGKILL.
              this.engine
                .json('POST', `/containers/${c.Id}/stop`, { accept: [304, 404], timeoutMs: 180_000 })
                .catch((err: unknown) => this.log('stop failed', { id: c.Id, err: errMessage(err) })),
        ),
    );
    if (track) {
      // The last lines reach CloudWatch Logs before the container goes.
      await Promise.race([Promise.allSettled(track.followed), sleep(3000, true)]);
      this.endFollowers(track);
    }
    const exits: ContainerExit[] = [];
    for (const c of found) {
      const info = await this.inspect(c.Id);
      const name = c.Labels?.[LABELS.containerName] ?? '';
      if (!info || !info.State.StartedAt || info.State.StartedAt.startsWith(NEVER_STARTED)) {
        exits.push({ containerName: name });
        continue;
      }
      exits.push({
        containerName: name,
        exitCode: info.State.ExitCode,
        ...(info.State.OOMKilled ? { reason: OOM_REASON } : {}),
      });
    }
    await this.removeTask(taskArn, found);
    if (this.tasks.get(taskArn) === track) this.tasks.delete(taskArn);
    return exits;
  }

  /** Removes the task's containers and its task-scoped volumes. */
  private async removeTask(taskArn: string, known?: ContainerSummary[]): Promise<void> {
    const found = known ?? (await this.containersOf(taskArn));
    await Promise.all(found.map((c) => this.remove(c.Id)));
    const volumes = await this.engine
      .json<{ Volumes?: { Name: string }[] | null }>('GET', '/volumes', {
        query: { filters: JSON.stringify({ label: [this.planeLabel, `${LABELS.taskArn}=${taskArn}`] }) },
      })
      .catch(() => ({ Volumes: [] }));
    for (const v of volumes.Volumes ?? []) {
      await this.engine
        .json('DELETE', `/volumes/${encodeURIComponent(v.Name)}`, { accept: [404, 409] })
        .catch(() => {});
    }
  }

  private async remove(id: string): Promise<void> {
    await this.engine
      .json('DELETE', `/containers/${id}`, { query: { force: true, v: true }, accept: [404, 409] })
      .catch((err: unknown) => this.log('remove failed', { id, err: errMessage(err) }));
  }

  async shutdown(): Promise<void> {
    this.watching = false;
    this.events?.destroy();
    this.events = null;
    await this.watcher?.catch(() => {});
    this.watcher = null;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    for (const t of this.tasks.values()) this.endFollowers(t);
    if (!this.connected) {
      this.engine.close();
      return;
    }
    this.connected = false;
    try {
      const mine = await this.listContainers([this.planeLabel]);
      if (this.options.keepContainersOnShutdown) {
        if (mine.length > 0)
          this.log('containers keep running; the next start adopts them', { containers: mine.length });
      } else {
        // State lives in memory only: nothing could adopt these containers later.
        const arns = new Set(mine.map((c) => c.Labels?.[LABELS.taskArn] ?? ''));
        await Promise.all(mine.map((c) => this.remove(c.Id)));
        for (const arn of arns) if (arn) await this.removeTask(arn, []);
      }
    } catch (err) {
      this.log('shutdown could not reach the engine', { err: errMessage(err) });
    }
    this.tasks.clear();
    this.engine.close();
  }

  /**
   * Removes this plane's containers whose task the plane no longer holds (gone from the store, or
   * STOPPED and not being stopped now). Containers of tasks still starting or running are kept: the
   * driver adopts or restarts them.
   */
  async sweep(): Promise<number> {
    const mine = await this.listContainers([this.planeLabel]);
    const byTask = new Map<string, ContainerSummary[]>();
    for (const c of mine) {
      const arn = c.Labels?.[LABELS.taskArn] ?? '';
      byTask.set(arn, [...(byTask.get(arn) ?? []), c]);
    }
    let removed = 0;
    for (const [arn, containers] of byTask) {
      if (this.tasks.has(arn)) continue;
      const rec = arn ? this.col.tasks.peek(arn) : undefined;
      if (rec && rec.task.lastStatus !== 'STOPPED') continue;
      await this.removeTask(arn, containers);
      removed += containers.length;
    }
    if (removed > 0) this.log('removed containers of tasks this plane no longer runs', { removed });
    return removed;
  }

  // -- Engine events ---------------------------------------------------------------------------

  private async watchEvents(connected: () => void): Promise<void> {
    let first = true;
    while (this.watching) {
      try {
        const res = await this.engine.stream('GET', '/events', {
          query: {
            since: this.eventsSince,
            filters: JSON.stringify({ type: ['container'], label: [this.planeLabel] }),
          },
        });
        this.events = res;
        if (first) connected();
        else this.reconcile();
        first = false;
        await readJsonLines(res, (v) => this.engineEvent(v));
      } catch (err) {
        if (first) connected();
        first = false;
        if (this.watching) this.log('event stream failed; reconnecting', { err: errMessage(err) });
      }
      this.events = null;
      if (this.watching) await sleep(1000);
    }
  }

  private engineEvent(value: unknown): void {
    const e = value as {
      Action?: string;
      id?: string;
      timeNano?: number;
      Actor?: { ID?: string; Attributes?: Record<string, string> };
    };
    if (typeof e.timeNano === 'number') this.eventsSince = (e.timeNano / 1e9).toFixed(6);
    const attrs = e.Actor?.Attributes ?? {};
    const track = this.tasks.get(attrs[LABELS.taskArn] ?? '');
    const c = track?.containers.get(attrs[LABELS.containerName] ?? '');
    if (!track || !c || c.id !== (e.Actor?.ID ?? e.id)) return;
    const action = e.Action ?? '';
    if (action === 'die') void this.died(track, c);
    else if (action.startsWith('health_status:')) {
      const status = action.slice('health_status:'.length).trim();
      if (track.phase === 'stopping' || c.exited) return;
      this.emit({
        kind: 'health',
        taskArn: track.taskArn,
        containerName: c.name,
        healthStatus: status === 'healthy' ? 'HEALTHY' : status === 'unhealthy' ? 'UNHEALTHY' : 'UNKNOWN',
      });
    }
  }

  /** A container of a task that runs (or starts) exited: its code, and OOM as ECS words it. */
  private async died(track: TrackedTask, c: Tracked): Promise<void> {
    const live = () => track.phase !== 'stopping' && this.tasks.get(track.taskArn) === track;
    if (c.exited || !live()) return;
    c.exited = true;
    const info = await this.inspect(c.id);
    if (!live()) return;
    this.emit({
      kind: 'exited',
      taskArn: track.taskArn,
      containerName: c.name,
      essential: c.essential,
      ...(info ? { exitCode: info.State.ExitCode } : {}),
      ...(info?.State.OOMKilled ? { reason: OOM_REASON } : {}),
    });
  }

  /** After the event stream was interrupted: exits it may have missed. */
  private reconcile(): void {
    for (const track of this.tasks.values()) {
      if (track.phase === 'stopping') continue;
      for (const c of track.containers.values()) {
        if (c.exited) continue;
        void this.inspect(c.id).then((info) => {
          if (!info || !info.State.Running) void this.died(track, c);
        });
      }
    }
  }

  // -- Logs ------------------------------------------------------------------------------------

  /** Follows a container's stdout and stderr into CloudWatch Logs (awslogs). */
  private follow(track: TrackedTask, name: string, resume = false): void {
    const onOutput = this.options.onOutput;
    const c = track.containers.get(name);
    if (!onOutput || !c) return;
    const run = async () => {
      let after: number | undefined;
      if (resume)
        after = await this.options.lastLogAt?.(track.taskArn, track.clusterArn, name).catch(() => undefined);
      if (track.cancelled) return;
      const res = await this.engine.stream('GET', `/containers/${c.id}/logs`, {
        query: {
          follow: 1,
          stdout: 1,
          stderr: 1,
          timestamps: 1,
          ...(after !== undefined ? { since: (after / 1000).toFixed(3) } : {}),
        },
      });
      track.followers.add(res);
      const partial = { stdout: '', stderr: '' };
      const emit = (kind: 'stdout' | 'stderr', data: Buffer, end = false) => {
        const text = partial[kind] + data.toString('utf8');
        const lines = text.split('\n');
        partial[kind] = end ? '' : (lines.pop() ?? '');
        const events: ContainerOutput['events'] = [];
        for (const line of lines) {
          if (!line) continue;
          const space = line.indexOf(' ');
          const stamp = space > 0 ? Date.parse(line.slice(0, space)) : NaN;
          const timestamp = Number.isFinite(stamp) ? stamp : Date.now();
          if (after !== undefined && timestamp <= after) continue;
          const message = (Number.isFinite(stamp) ? line.slice(space + 1) : line).replace(/\r$/, '');
          events.push({ timestamp, message: message.slice(0, 200_000) });
        }
        if (events.length > 0)
          onOutput({ taskArn: track.taskArn, clusterArn: track.clusterArn, containerName: name, events });
      };
      const feed = c.tty ? (chunk: Buffer) => emit('stdout', chunk) : demultiplexer(emit);
      await new Promise<void>((resolve) => {
        res.on('data', feed);
        res.on('end', resolve);
        res.on('close', resolve);
        res.on('error', () => resolve());
      });
      emit('stdout', Buffer.alloc(0), true);
      emit('stderr', Buffer.alloc(0), true);
      track.followers.delete(res);
    };
    track.followed.push(
      run().catch((err: unknown) =>
        this.log('cannot follow container output', { name, err: errMessage(err) }),
      ),
    );
  }

  private endFollowers(track: TrackedTask): void {
    for (const res of track.followers) res.destroy();
    track.followers.clear();
  }

  // -- Stats -----------------------------------------------------------------------------------

  async stats(taskArn: string): Promise<ContainerStats[]> {
    const track = this.tasks.get(taskArn);
    if (!track) return [];
    const out: ContainerStats[] = [];
    for (const c of track.containers.values()) {
      if (c.exited) continue;
      const s = await this.engine
        .json<DockerStats>('GET', `/containers/${c.id}/stats`, {
          query: { stream: false },
          timeoutMs: 10_000,
        })
        .catch(() => undefined);
      if (s) out.push(statsOf(c.name, c.id, s));
    }
    return out;
  }

  // -- Engine helpers --------------------------------------------------------------------------

  private containersOf(taskArn: string): Promise<ContainerSummary[]> {
    return this.listContainers([this.planeLabel, `${LABELS.taskArn}=${taskArn}`]);
  }

  private listContainers(labels: string[]): Promise<ContainerSummary[]> {
    return this.engine.json<ContainerSummary[]>('GET', '/containers/json', {
      query: { all: true, filters: JSON.stringify({ label: labels }) },
    });
  }

  private async inspect(id: string): Promise<ContainerInspect | null> {
    try {
      return await this.engine.json<ContainerInspect>('GET', `/containers/${id}/json`);
    } catch {
      return null;
    }
  }
}

interface DockerStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
}

/** CPU (as ECS counts it: 1024 units per vCPU) and memory (without the page cache) of one sample. */
export function statsOf(containerName: string, runtimeId: string, s: DockerStats): ContainerStats {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats?.online_cpus ?? 1;
  const cpuPercent = cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const m = s.memory_stats ?? {};
  const cache = m.stats?.['total_inactive_file'] ?? m.stats?.['inactive_file'] ?? m.stats?.['cache'] ?? 0;
  const at = s.read ? Date.parse(s.read) : NaN;
  return {
    containerName,
    runtimeId,
    cpuPercent,
    cpuUnits: (cpuPercent / 100) * 1024,
    memoryBytes: Math.max(0, (m.usage ?? 0) - cache),
    ...(m.limit ? { memoryLimitBytes: m.limit } : {}),
    at: Number.isFinite(at) ? at : Date.now(),
  };
}

/** The body with its published ports moved: to a free port (no address given) or to `address`. */
function republish(body: Record<string, unknown>, address: string | undefined): Record<string, unknown> {
  const host = body.HostConfig as { PortBindings?: Record<string, { HostIp: string; HostPort: string }[]> };
  const moved = Object.fromEntries(
    Object.entries(host.PortBindings ?? {}).map(([k, list]) => [
      k,
      list.map((b) => (address ? { ...b, HostIp: address } : { ...b, HostPort: '' })),
    ]),
  );
  return { ...body, HostConfig: { ...host, PortBindings: moved } };
}

/** `name:tag` as an engine path, keeping the slashes of the repository. */
function encodePath(image: string): string {
  return image.split('/').map(encodeURIComponent).join('/');
}

function pullError(container: string, err: unknown): CannotPullContainerError {
  return new CannotPullContainerError(
    container,
    `CannotPullContainerError: Error response from daemon: ${errMessage(err)}`,
  );
}

function startError(err: unknown): TaskStartError {
  if (err instanceof TaskStartError) return err;
  if (err instanceof PlanError) return new CannotStartContainerError(err.containerName, err.message);
  return new CannotStartContainerError('', `CannotStartContainerError: ${errMessage(err)}`);
}
