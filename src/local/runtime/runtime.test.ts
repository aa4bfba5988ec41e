import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { containerPage } from './page';
import { ContainerRuntime, PRIVILEGED_PORT_OFFSET, type TaskToServe } from './runtime';

const TASK_ARN = 'arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef';
const CI_ARN =
  'arn:aws:ecs:us-east-1:000000000000:container-instance/default/fedcba9876543210fedcba9876543210';

function task(address: string, ports: TaskToServe['ports'], image = 'httpd:2.4'): TaskToServe {
  return {
    taskArn: TASK_ARN,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/console-sample-app-static:1',
    clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/default',
    containerInstanceArn: CI_ARN,
    ec2InstanceId: 'i-0123456789abcdef0',
    address,
    images: new Map([['simple-app', image]]),
    ports,
  };
}

const tcpPort = (hostPort: number) => ({
  containerName: 'simple-app',
  containerPort: 80,
  hostPort,
  protocol: 'tcp' as const,
});

let runtime: ContainerRuntime | null = null;
const extra: Server[] = [];
afterEach(async () => {
  await runtime?.closeAll();
  runtime = null;
  await Promise.all(extra.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const logs: string[] = [];
const make = (options: { privilegedPortsBindable?: boolean; fallbackAddress?: string } = {}) =>
  (runtime = new ContainerRuntime({
    fallbackAddress: options.fallbackAddress ?? '127.0.0.1',
    log: (m, d) => logs.push(`${m} ${JSON.stringify(d)}`),
    ...(options.privilegedPortsBindable === undefined
      ? {}
      : { privilegedPortsBindable: options.privilegedPortsBindable }),
  }));

describe('ContainerRuntime', () => {
  it('serves the container page and /health on the instance address, and closes on request', async () => {
    const rt = make();
    const [served] = await rt.open(task('127.77.0.1', [tcpPort(18080)]));
    expect(served).toMatchObject({ servedAddress: '127.77.0.1', servedPort: 18080 });
    expect(served?.note).toBeUndefined();

    const page = await fetch('http://127.77.0.1:18080/');
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const s of [
      'Amazon ECS Sample App',
      'Congratulations!',
      'simple-app',
      'httpd:2.4',
      TASK_ARN,
      '0123456789abcdef0123456789abcdef',
      'console-sample-app-static:1',
      CI_ARN,
      'i-0123456789abcdef0',
    ]) {
      expect(html).toContain(s);
    }
    const health = await fetch('http://127.77.0.1:18080/health');
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok\n');

    expect(rt.isServing(TASK_ARN)).toBe(true);
    await rt.close(TASK_ARN);
    expect(rt.isServing(TASK_ARN)).toBe(false);
    expect(rt.socketCount).toBe(0);
    await expect(fetch('http://127.77.0.1:18080/')).rejects.toThrow();
  });

  it('echoes UDP datagrams', async () => {
    const rt = make();
    await rt.open(
      task('127.77.0.2', [
        { containerName: 'simple-app', containerPort: 53, hostPort: 18053, protocol: 'udp' },
      ]),
    );
    const client = createSocket('udp4');
    const reply = await new Promise<string>((resolve, reject) => {
      client.once('message', (m) => resolve(m.toString()));
      client.once('error', reject);
      client.send('ping', 18053, '127.77.0.2');
    });
    client.close();
    expect(reply).toBe('ping');
  });

  it('serves a privileged port the process may not bind on port + 8000, and says so', async () => {
    const rt = make({ privilegedPortsBindable: false });
    const [served] = await rt.open(task('127.77.0.3', [tcpPort(80)]));
    expect(served?.servedPort).toBe(80 + PRIVILEGED_PORT_OFFSET);
    expect(served?.note).toContain('host port 80 is privileged');
    const res = await fetch(`http://127.77.0.3:${80 + PRIVILEGED_PORT_OFFSET}/health`);
    expect(res.status).toBe(200);
  });

  it('binds a privileged port when the process may (root or lowered unprivileged port start)', async () => {
    const rt = make();
    const probe = createServer();
    const allowed = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(80, '127.77.0.4', () => probe.close(() => resolve(true)));
    });
    const [served] = await rt.open(task('127.77.0.4', [tcpPort(80)]));
    expect(served?.servedPort).toBe(allowed ? 80 : 80 + PRIVILEGED_PORT_OFFSET);
  });

  it('serves on a free port when another process holds the booked one', async () => {
    const other = createServer();
    extra.push(other);
    await new Promise<void>((r) => other.listen(18081, '127.77.0.5', () => r()));
    const rt = make();
    const [served] = await rt.open(task('127.77.0.5', [tcpPort(18081)]));
    expect(served?.servedPort).not.toBe(18081);
    expect(served?.note).toContain('in use');
    const res = await fetch(`http://127.77.0.5:${served?.servedPort}/health`);
    expect(res.status).toBe(200);
  });

  it('falls back to the fallback address when the instance address does not exist on this host', async () => {
    const rt = make({ fallbackAddress: '127.77.0.6' });
    const [served] = await rt.open(task('192.0.2.10', [tcpPort(18082)]));
    expect(served).toMatchObject({ servedAddress: '127.77.0.6', servedPort: 18082 });
    expect(served?.note).toContain('192.0.2.10 is not available');
  });

  it('fails the container (all or nothing) when no address can be bound', async () => {
    const rt = make({ fallbackAddress: '192.0.2.11' });
    await expect(rt.open(task('192.0.2.10', [tcpPort(18083)]))).rejects.toThrow(/CannotStartContainerError/);
    expect(rt.isServing(TASK_ARN)).toBe(false);
    expect(rt.socketCount).toBe(0);
  });

  it('reopens on the port served before a restart', async () => {
    const rt = make();
    const [served] = await rt.open(task('127.77.0.7', [{ ...tcpPort(80), previousPort: 18084 }]));
    expect(served?.servedPort).toBe(18084);
  });
});

describe('containerPage', () => {
  it('escapes what it shows and uses a plain page for images other than the sample', () => {
    const html = containerPage({
      containerName: 'web<script>',
      image: 'nginx:latest',
      containerPort: 80,
      taskArn: TASK_ARN,
      taskDefinitionArn: 'td',
      clusterArn: 'c',
      containerInstanceArn: CI_ARN,
      address: '127.2.0.1',
      hostPort: 49153,
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('web&lt;script&gt;');
    expect(html).not.toContain('Congratulations');
    expect(html).toContain('registered through the API');
  });
});
