/**
 * What the simulated containers write to CloudWatch Logs: for each container of a RUNNING task whose
 * log driver is `awslogs`, a few startup lines shaped after its image (httpd, nginx, or a generic
 * line), one access-log line per HTTP request its ports serve, and a stop line when the task stops.
 *
 * Lines are buffered and sent in batches (PutLogEvents through `deps.services`, in process) a short
 * while later, so serving a request never waits for a write. A failed write is logged and dropped.
 *
 * Stream names follow ECS: `<awslogs-stream-prefix>/<container name>/<task id>`, or without a prefix
 * the container's runtime id (the Docker container id on EC2). A group that does not exist is
 * created when `awslogs-create-group` is "true"; otherwise the lines are dropped and the plane's log
 * says so (on AWS the task would fail to start; here the task runs and its Logs view shows the
 * missing group).
 */
import type { LocalDeps } from '../deps';
import type * as ecs from '@aws-sdk/client-ecs';
import { isAwsError } from '../protocol/errors';
import { LOGS } from './model';

/** A task as ECS's DescribeTasks gives it on the wire, as far as its log lines need it. */
export interface LoggedTask extends Pick<ecs.Task, 'taskDefinitionArn' | 'stoppedReason'> {
  taskArn: string;
  startedAt?: number;
  containers?: Pick<ecs.Container, 'name' | 'runtimeId' | 'image' | 'networkBindings'>[];
}

/** How long lines wait before they are sent (ms). */
export const FLUSH_DELAY_MS = 200;
/** Most lines waiting for one stream; older ones are dropped past it. */
const MAX_PENDING_PER_STREAM = 5000;

interface Target {
  region: string;
  group: string;
  stream: string;
  createGroup: boolean;
  image: string;
}

interface Pending extends Omit<Target, 'image'> {
  events: { timestamp: number; message: string }[];
}

export interface ServedRequest {
  taskArn: string;
  clusterArn: string;
  containerName: string;
  remoteAddress: string;
  method: string;
  url: string;
  httpVersion: string;
  status: number;
  bytes: number;
  referer?: string;
  userAgent?: string;
}

export interface ContainerLines {
  taskArn: string;
  clusterArn: string;
  containerName: string;
  events: { timestamp: number; message: string }[];
}

export interface ContainerLogWriter {
  /** The task reached RUNNING (the task as written). */
  taskRunning(task: LoggedTask): void;
  /** The task reached STOPPED. */
  taskStopped(task: LoggedTask): void;
  /** One HTTP request served by one of the task's ports. */
  requestServed(r: ServedRequest): void;
  /** Lines a real container wrote (Docker runtime), each with its own time. */
  containerOutput(o: ContainerLines): void;
  /** The task is gone (real containers: their lines are all written); forgets what was kept for it. */
  forget(taskArn: string): void;
  /** Time (ms) of the last line in a container's stream, to resume following it without duplicates. */
  lastEventAt(taskArn: string, clusterArn: string, containerName: string): Promise<number | undefined>;
  /** Sends what is waiting now (tests, shutdown). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

type Kind = 'httpd' | 'nginx' | 'other';
const kindOf = (image: string): Kind => {
  const name = (image.split('/').pop() ?? '').split(/[:@]/)[0] ?? '';
  return name.includes('httpd') || name.includes('apache')
    ? 'httpd'
    : name.includes('nginx')
      ? 'nginx'
      : 'other';
};

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `[Wed Nov 25 11:28:10.123456 2026]` (httpd's error log). */
const httpdTime = (d: Date) =>
  `[${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000 ${d.getUTCFullYear()}]`;
/** `2026/11/25 11:28:10` (nginx's error log). */
const nginxTime = (d: Date) =>
  `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
/** `25/Nov/2026:11:28:10 +0000` (Common Log Format). */
const clfTime = (d: Date) =>
  `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;

export function startupLines(image: string, address: string, ports: number[], at: number): string[] {
  const d = new Date(at);
  switch (kindOf(image)) {
    case 'httpd': {
      const ah00558 = `AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${address}. Set the 'ServerName' directive globally to suppress this message`;
      return [
        ah00558,
        ah00558,
        `${httpdTime(d)} [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations`,
        `${httpdTime(d)} [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'`,
      ];
    }
    case 'nginx':
      return [
        '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
        '/docker-entrypoint.sh: Configuration complete; ready for start up',
        `${nginxTime(d)} [notice] 1#1: using the "epoll" event method`,
        `${nginxTime(d)} [notice] 1#1: nginx/1.27.3`,
        `${nginxTime(d)} [notice] 1#1: start worker processes`,
      ];
    default:
      return [
        `${image} started (simulated by ecs-console)${ports.length ? `, listening on ${ports.map((p) => `:${p}`).join(', ')}` : ''}`,
      ];
  }
}

export function stopLines(image: string, reason: string | undefined, at: number): string[] {
  const d = new Date(at);
  switch (kindOf(image)) {
    case 'httpd':
      return [`${httpdTime(d)} [mpm_event:notice] [pid 1:tid 1] AH00491: caught SIGTERM, shutting down`];
    case 'nginx':
      return [
        `${nginxTime(d)} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down`,
        `${nginxTime(d)} [notice] 1#1: exit`,
      ];
    default:
      return [`${image} stopped${reason ? `: ${reason}` : ''}`];
  }
}

/** Common Log Format; nginx writes the combined format (referer and user agent added). */
export function accessLine(image: string, r: ServedRequest, at: number): string {
  const line = `${r.remoteAddress} - - [${clfTime(new Date(at))}] "${r.method} ${r.url} HTTP/${r.httpVersion}" ${r.status} ${r.bytes}`;
  return kindOf(image) === 'nginx' ? `${line} "${r.referer ?? '-'}" "${r.userAgent ?? '-'}"` : line;
}

const taskIdOf = (arn: string) => arn.split('/').pop() ?? arn;
const regionOf = (arn: string) => arn.split(':')[3] ?? '';

interface AwslogsContainer {
  name: string;
  image?: string;
  options: Record<string, string>;
}

/** The containers of a task definition that log with awslogs (and have a group). */
async function awslogsContainers(deps: LocalDeps, arn: string, region: string): Promise<AwslogsContainer[]> {
  const { taskDefinition } = await deps.services.call<{
    taskDefinition?: {
      containerDefinitions?: {
        name?: string;
        image?: string;
        logConfiguration?: { logDriver?: string; options?: Record<string, string> };
      }[];
    };
  }>('ecs', 'DescribeTaskDefinition', { taskDefinition: arn }, { region });
  return (taskDefinition?.containerDefinitions ?? []).flatMap((def) => {
    const log = def.logConfiguration;
    if (!def.name || log?.logDriver !== 'awslogs' || !log.options?.['awslogs-group']) return [];
    return [{ name: def.name, ...(def.image ? { image: def.image } : {}), options: log.options }];
  });
}

/** The awslogs targets of a task's containers, from its task definition's containers. */
function targetsOf(task: LoggedTask, containers: AwslogsContainer[]): Map<string, Target> {
  const out = new Map<string, Target>();
  const region = regionOf(task.taskArn);
  const taskId = taskIdOf(task.taskArn);
  for (const def of containers) {
    const prefix = def.options['awslogs-stream-prefix'];
    const container = (task.containers ?? []).find((c) => c.name === def.name);
    out.set(def.name, {
      region: def.options['awslogs-region'] ?? region,
      group: def.options['awslogs-group'] ?? '',
      stream: prefix ? `${prefix}/${def.name}/${taskId}` : (container?.runtimeId ?? taskId),
      createGroup: def.options['awslogs-create-group'] === 'true',
      image: def.image ?? container?.image ?? '',
    });
  }
  return out;
}

/** Tasks whose log targets are kept (RUNNING tasks); past it the oldest entry goes. */
const TASKS_KEPT = 20_000;
/** Task definitions read so far (they never change once registered); bounded. */
const DEFINITIONS_KEPT = 1000;

export function createContainerLogWriter(deps: LocalDeps): ContainerLogWriter {
  const definitions = new Map<string, Promise<AwslogsContainer[]>>();
  /** One DescribeTaskDefinition per task definition, not one per task (10,000 tasks may start at once). */
  const targetsOfTask = async (task: LoggedTask): Promise<Map<string, Target>> => {
    const arn = task.taskDefinitionArn;
    if (!arn) return new Map();
    let defs = definitions.get(arn);
    if (!defs) {
      if (definitions.size >= DEFINITIONS_KEPT) definitions.clear();
      defs = awslogsContainers(deps, arn, regionOf(task.taskArn));
      definitions.set(arn, defs);
      defs.catch(() => definitions.delete(arn));
    }
    return targetsOf(task, await defs);
  };
  const NO_TARGETS: Promise<Map<string, Target>> = Promise.resolve(new Map());
  /** Per RUNNING task: its containers' targets (resolved once). */
  const tasks = new Map<string, Promise<Map<string, Target>>>();
  const pending = new Map<string, Pending>();
  /** Streams known to exist (created or written to). */
  const ready = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  let stopped = false;

  const warn = (message: string, detail: Record<string, unknown>) => deps.log(`logs: ${message}`, detail);

  const enqueue = (t: Target, messages: string[], at: number) =>
    enqueueEvents(
      t,
      messages.map((message) => ({ timestamp: at, message })),
    );

  const enqueueEvents = (t: Target, events: { timestamp: number; message: string }[]) => {
    if (stopped || events.length === 0) return;
    const key = `${t.region}|${t.group}|${t.stream}`;
    let p = pending.get(key);
    if (!p) {
      p = { region: t.region, group: t.group, stream: t.stream, createGroup: t.createGroup, events: [] };
      pending.set(key, p);
    }
    for (const e of events) p.events.push(e);
    if (p.events.length > MAX_PENDING_PER_STREAM)
      p.events.splice(0, p.events.length - MAX_PENDING_PER_STREAM);
    if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        void flush();
      }, FLUSH_DELAY_MS);
      timer.unref();
    }
  };

  /** Reads the task's targets now (replacing what was known) and keeps them for its later lines. */
  const resolve = (task: LoggedTask): Promise<Map<string, Target>> => {
    const p = targetsOfTask(task).catch((err: unknown) => {
      warn('cannot read the task definition', { taskArn: task.taskArn, err: String(err) });
      return new Map<string, Target>();
    });
    tasks.set(task.taskArn, p);
    // A task with no awslogs container keeps one shared answer (memory with 100k tasks, issue 14).
    void p.then((targets) => {
      if (targets.size === 0 && tasks.get(task.taskArn) === p) tasks.set(task.taskArn, NO_TARGETS);
    });
    return p;
  };

  /** The targets of a task that served a request before this writer saw it run (e.g. after a restart). */
  const lookUp = (taskArn: string, clusterArn: string): Promise<Map<string, Target>> => {
    const known = tasks.get(taskArn);
    if (known) return known;
    // Bounded: a task whose last lines came after it stopped is never forgotten otherwise.
    if (tasks.size >= TASKS_KEPT) tasks.delete(tasks.keys().next().value ?? '');
    const p = deps.services
      .call<{ tasks?: LoggedTask[] }>(
        'ecs',
        'DescribeTasks',
        { cluster: clusterArn, tasks: [taskArn] },
        {
          region: regionOf(taskArn),
        },
      )
      .then((out) => {
        const task = out.tasks?.[0];
        return task ? targetsOfTask(task) : new Map<string, Target>();
      })
      .catch((err: unknown) => {
        warn('cannot read the task', { taskArn, err: String(err) });
        return new Map<string, Target>();
      });
    tasks.set(taskArn, p);
    return p;
  };

  const call = (region: string, action: string, input: unknown) =>
    deps.services.call(LOGS, action, input, { region });

  async function ensureStream(p: Pending): Promise<boolean> {
    const input = { logGroupName: p.group, logStreamName: p.stream };
    try {
      await call(p.region, 'CreateLogStream', input);
      return true;
    } catch (err) {
      if (isAwsError(err) && err.code === 'ResourceAlreadyExistsException') return true;
      if (!(isAwsError(err) && err.code === 'ResourceNotFoundException')) throw err;
    }
    if (!p.createGroup) {
      warn('log group does not exist and awslogs-create-group is not "true"; lines dropped', {
        region: p.region,
        group: p.group,
      });
      return false;
    }
    try {
      await call(p.region, 'CreateLogGroup', { logGroupName: p.group });
    } catch (err) {
      if (!(isAwsError(err) && err.code === 'ResourceAlreadyExistsException')) throw err;
    }
    await call(p.region, 'CreateLogStream', input);
    return true;
  }

  async function send(key: string, p: Pending): Promise<void> {
    const events = [...p.events].sort((a, b) => a.timestamp - b.timestamp);
    try {
      if (!ready.has(key)) {
        if (!(await ensureStream(p))) return;
        ready.add(key);
      }
      for (let i = 0; i < events.length; i += 1000) {
        await call(p.region, 'PutLogEvents', {
          logGroupName: p.group,
          logStreamName: p.stream,
          logEvents: events.slice(i, i + 1000),
        });
      }
    } catch (err) {
      ready.delete(key);
      warn('could not write container log lines', { group: p.group, stream: p.stream, err: String(err) });
    }
  }

  function flush(): Promise<void> {
    const batch = [...pending.entries()];
    pending.clear();
    flushing = flushing.then(() => Promise.all(batch.map(([k, p]) => send(k, p))).then(() => undefined));
    return flushing;
  }

  return {
    taskRunning(task) {
      const at = deps.clock.now();
      void resolve(task).then((targets) => {
        for (const [name, t] of targets) {
          const container = (task.containers ?? []).find((c) => c.name === name);
          const ports = (container?.networkBindings ?? []).map((b) => b.containerPort ?? 0);
          enqueue(t, startupLines(t.image, '172.17.0.2', ports, at), at);
        }
      });
    },
    taskStopped(task) {
      const at = deps.clock.now();
      const known = tasks.get(task.taskArn);
      tasks.delete(task.taskArn);
      // A task that never ran wrote nothing, so it has no stop line either.
      if (!known && task.startedAt === undefined) return;
      void (known ?? targetsOfTask(task).catch(() => new Map<string, Target>())).then((targets) => {
        for (const t of targets.values()) enqueue(t, stopLines(t.image, task.stoppedReason, at), at);
      });
    },
    requestServed(r) {
      const at = deps.clock.now();
      void lookUp(r.taskArn, r.clusterArn).then((targets) => {
        const t = targets.get(r.containerName);
        if (t) enqueue(t, [accessLine(t.image, r, at)], at);
      });
    },
    containerOutput(o) {
      void lookUp(o.taskArn, o.clusterArn).then((targets) => {
        const t = targets.get(o.containerName);
        if (t) enqueueEvents(t, o.events);
      });
    },
    forget(taskArn) {
      tasks.delete(taskArn);
    },
    async lastEventAt(taskArn, clusterArn, containerName) {
      const t = (await lookUp(taskArn, clusterArn)).get(containerName);
      if (!t) return undefined;
      await flush();
      try {
        const out = await call(t.region, 'GetLogEvents', {
          logGroupName: t.group,
          logStreamName: t.stream,
          startFromHead: false,
          limit: 1,
        });
        const events = (out as { events?: { timestamp?: number }[] }).events ?? [];
        return events[events.length - 1]?.timestamp;
      } catch {
        return undefined;
      }
    },
    flush,
    async stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      await flush();
      stopped = true;
      tasks.clear();
      ready.clear();
    },
  };
}
