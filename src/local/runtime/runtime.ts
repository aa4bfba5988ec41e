/**
 * The simulated container runtime: every mapped host port of a RUNNING task is a real socket on
 * the container instance's address. TCP ports answer HTTP with a page naming the container, task
 * and instance (and `/health` with 200); UDP ports echo datagrams back.
 *
 * When a port cannot be bound as booked, the runtime serves it elsewhere and says so (the caller
 * reports the served port as the container's networkBinding), see docs/local-runtime.md:
 *   - the instance address is not available on this host (EADDRNOTAVAIL)  -> the fallback address;
 *   - a privileged port (< 1024) the process may not bind (EACCES)          -> port + 8000 (80 -> 8080);  
 *   - the port is held by another process (EADDRINUSE)                     -> a free port the OS picks.
 * Anything else (e.g. out of file descriptors) fails the container: CannotStartContainerError.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServedRequest } from '../logs/containers';
import { containerPage, type ContainerPageInfo } from './page';
import {
  CannotStartContainerError,
  type ContainerExit,
  type ContainerStats,
  type PortRequest,
  type ServedPort,
  type StartedTask,
  type TaskRuntime,
  type TaskToServe,
} from './types';

/** Offset added to a privileged host port the process may not bind (80 is served on 8080, 443 on 8443). */
export const PRIVILEGED_PORT_OFFSET = 8000;

export { CannotStartContainerError } from './types';
export type { PortRequest, ServedPort, TaskToServe } from './types';

export interface RuntimeOptions {
  fallbackAddress: string;
  log: (message: string, detail?: Record<string, unknown>) => void;
  /**
   * Whether ports below 1024 may be bound. Undefined: try and see (root or a lowered
   * net.ipv4.ip_unprivileged_port_start can). false makes the runtime behave as an unprivileged
   * process would (tests of the privileged-port policy when they run as root).
   */
  privilegedPortsBindable?: boolean;
  /** Told of every HTTP request a container answered (its access log); must return at once. */
  onRequest?: (request: ServedRequest) => void;
}

type Listener = { kind: 'tcp'; server: Server } | { kind: 'udp'; socket: UdpSocket };

interface Binding {
  listener: Listener;
  page: ContainerPageInfo;
}

const keyOf = (protocol: string, address: string, port: number) => `${protocol}:${address}:${port}`;

export class ContainerRuntime implements TaskRuntime {
  readonly kind = 'simulated';
  readonly realContainers = false;
  readonly simulatesExits = true;
  private readonly bindings = new Map<string, Binding>();
  private readonly byTask = new Map<string, string[]>();

  constructor(private readonly options: RuntimeOptions) {}

  // The TaskRuntime interface: ports are all a simulated container has.
  ready(): Promise<void> {
    return Promise.resolve();
  }

  prepare(): Promise<void> {
    return Promise.resolve();
  }

  async start(task: TaskToServe): Promise<StartedTask> {
    return { ports: await this.open(task) };
  }

  async stop(taskArn: string): Promise<ContainerExit[]> {
    await this.close(taskArn);
    return [];
  }

  shutdown(): Promise<void> {
    return this.closeAll();
  }

  subscribe(): () => void {
    return () => {};
  }

  stats(): Promise<ContainerStats[]> {
    return Promise.resolve([]);
  }

  isServing(taskArn: string): boolean {
    return this.byTask.has(taskArn);
  }

  /** Number of open sockets (for tests and diagnostics). */
  get socketCount(): number {
    return this.bindings.size;
  }

  /**
   * Opens every port of the task. All or nothing: when one port cannot be served, the ones already
   * opened are closed and CannotStartContainerError is thrown.
   */
  async open(task: TaskToServe): Promise<ServedPort[]> {
    await this.close(task.taskArn);
    const keys: string[] = [];
    this.byTask.set(task.taskArn, keys);
    const served: ServedPort[] = [];
    try {
      for (const port of task.ports) {
        const result = await this.openPort(task, port);
        keys.push(result.key);
        served.push(result.served);
        if (this.byTask.get(task.taskArn) !== keys) {
          throw new CannotStartContainerError(
            port.containerName,
            'CannotStartContainerError: the task stopped while starting',
          );
        }
      }
    } catch (err) {
      if (this.byTask.get(task.taskArn) === keys) this.byTask.delete(task.taskArn);
      await Promise.all(keys.map((k) => this.closeKey(k)));
      throw err;
    }
    return served;
  }

  async close(taskArn: string): Promise<void> {
    const keys = this.byTask.get(taskArn);
    if (!keys) return;
    this.byTask.delete(taskArn);
    await Promise.all(keys.map((k) => this.closeKey(k)));
  }

  async closeAll(): Promise<void> {
    const tasks = [...this.byTask.keys()];
    await Promise.all(tasks.map((t) => this.close(t)));
  }

  private async closeKey(key: string): Promise<void> {
    const b = this.bindings.get(key);
    if (!b) return;
    this.bindings.delete(key);
    const l = b.listener;
    if (l.kind === 'tcp') {
      await new Promise<void>((resolve) => {
        l.server.close(() => resolve());
        l.server.closeAllConnections();
      });
    } else {
      await new Promise<void>((resolve) => l.socket.close(() => resolve()));
    }
  }

  private async openPort(task: TaskToServe, port: PortRequest): Promise<{ key: string; served: ServedPort }> {
    const fallback = this.options.fallbackAddress;
    let retryingPrevious = port.previousPort !== undefined;
    let address = (retryingPrevious && port.previousAddress) || task.address;
    let candidate = port.previousPort ?? port.hostPort;
    const notes: string[] = [];
    for (;;) {
      const ref: { key?: string } = {};
      try {
        const listener = await this.listen(port.protocol, address, candidate, ref);
        const actual =
          listener.kind === 'tcp'
            ? (listener.server.address() as AddressInfo).port
            : listener.socket.address().port;
        const key = keyOf(port.protocol, address, actual);
        ref.key = key;
        const page: ContainerPageInfo = {
          containerName: port.containerName,
          image: task.images.get(port.containerName) ?? '(unknown image)',
          containerPort: port.containerPort,
          taskArn: task.taskArn,
          taskDefinitionArn: task.taskDefinitionArn,
          clusterArn: task.clusterArn,
          containerInstanceArn: task.containerInstanceArn,
          address,
          hostPort: actual,
        };
        if (task.ec2InstanceId) page.ec2InstanceId = task.ec2InstanceId;
        this.bindings.set(key, { listener, page });
        const served: ServedPort = { ...port, servedAddress: address, servedPort: actual };
        if (notes.length) {
          served.note = notes.join('; ');
          this.options.log('runtime: port served elsewhere', { taskArn: task.taskArn, note: served.note });
        }
        return { key, served };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (retryingPrevious) {
          // What was served before a restart is not available any more: start over from the booking.
          retryingPrevious = false;
          address = task.address;
          candidate = port.hostPort;
        } else if (code === 'EADDRNOTAVAIL' && address !== fallback) {
          notes.push(`address ${address} is not available on this host; serving on ${fallback}`);
          address = fallback;
        } else if (code === 'EACCES' && candidate > 0 && candidate < 1024) {
          const substitute = candidate + PRIVILEGED_PORT_OFFSET;
          notes.push(
            `host port ${candidate} is privileged and this process may not bind it; serving on ${substitute}`,
          );
          candidate = substitute;
        } else if (code === 'EADDRINUSE' && candidate !== 0) {
          notes.push(`port ${candidate} on ${address} is in use; serving on a free port`);
          candidate = 0;
        } else {
          throw new CannotStartContainerError(
            port.containerName,
            `CannotStartContainerError: cannot bind ${port.protocol} ${address}:${candidate}: ${(err as Error).message}`,
          );
        }
      }
    }
  }

  private listen(
    protocol: 'tcp' | 'udp',
    address: string,
    port: number,
    ref: { key?: string },
  ): Promise<Listener> {
    if (port > 0 && port < 1024 && this.options.privilegedPortsBindable === false) {
      const err: NodeJS.ErrnoException = new Error(`listen EACCES: permission denied ${address}:${port}`);
      err.code = 'EACCES';
      return Promise.reject(err);
    }
    return protocol === 'tcp' ? this.listenTcp(address, port, ref) : this.listenUdp(address, port);
  }

  private listenTcp(address: string, port: number, ref: { key?: string }): Promise<Listener> {
    return new Promise((resolve, reject) => {
      const server = createServer((req, res) => this.respond(ref.key, req, res));
      server.keepAliveTimeout = 5000;
      server.once('error', reject);
      server.listen({ host: address, port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', (err) =>
          this.options.log('runtime: socket error', { address, port, err: String(err) }),
        );
        resolve({ kind: 'tcp', server });
      });
    });
  }

  private listenUdp(address: string, port: number): Promise<Listener> {
    return new Promise((resolve, reject) => {
      const socket = createSocket({ type: address.includes(':') ? 'udp6' : 'udp4' });
      socket.once('error', reject);
      socket.bind({ address, port, exclusive: true }, () => {
        socket.off('error', reject);
        socket.on('error', (err) =>
          this.options.log('runtime: socket error', { address, port, err: String(err) }),
        );
        socket.on('message', (msg, from) => socket.send(msg, from.port, from.address));
        resolve({ kind: 'udp', socket });
      });
    });
  }

  private respond(key: string | undefined, req: IncomingMessage, res: ServerResponse): void {
    const binding = key === undefined ? undefined : this.bindings.get(key);
    if (!binding) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('container stopped\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const headers = {
      'x-ecs-task-arn': binding.page.taskArn,
      'x-ecs-container-name': binding.page.containerName,
      'cache-control': 'no-store',
    };
    const html = path !== '/health';
    const body = req.method === 'HEAD' ? undefined : html ? containerPage(binding.page) : 'ok\n';
    res
      .writeHead(200, { ...headers, 'content-type': html ? 'text/html; charset=utf-8' : 'text/plain' })
      .end(body);
    this.options.onRequest?.({
      taskArn: binding.page.taskArn,
      clusterArn: binding.page.clusterArn,
      containerName: binding.page.containerName,
      remoteAddress: req.socket.remoteAddress ?? '-',
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      httpVersion: req.httpVersion,
      status: 200,
      bytes: body === undefined ? 0 : Buffer.byteLength(body),
      ...(req.headers.referer !== undefined && { referer: req.headers.referer }),
      ...(req.headers['user-agent'] !== undefined && { userAgent: req.headers['user-agent'] }),
    });
  }
}
