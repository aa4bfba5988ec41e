import {
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand as CreateClassicCommand,
  DeleteLoadBalancerCommand as DeleteClassicCommand,
  DescribeInstanceHealthCommand,
  DescribeLoadBalancersCommand as DescribeClassicCommand,
  ElasticLoadBalancingClient,
  RegisterInstancesWithLoadBalancerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { ECS_OPTIMIZED_AMI } from '../ec2/catalog';
import { startTestPlane, waitFor, type TestPlane } from '../../testing/plane';

let t: TestPlane;
let ec2: EC2Client;
let elbv2: ElasticLoadBalancingV2Client;
let elb: ElasticLoadBalancingClient;
const servers: Server[] = [];
const healthy = new Map<string, boolean>();
/** Random high ports, so parallel test processes on this machine do not collide. */
const APP_PORT = 20000 + Math.floor(Math.random() * 20000);
const LISTENER_PORT = APP_PORT + 1;
let instances: { id: string; address: string }[] = [];
let subnetIds: string[] = [];
let vpcId = '';

/** A tiny app on an instance's address: answers with its name; /health follows `healthy`. */
function startApp(name: string, host: string): Promise<void> {
  healthy.set(name, true);
  const server = createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(healthy.get(name) ? 200 : 500).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(APP_PORT, host, () => resolve()));
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  // Draining lasts one task step: long enough here to be observed on a loaded machine.
  t = await startTestPlane({ taskStepMs: 1000 });
  ec2 = new EC2Client(t.client);
  elbv2 = new ElasticLoadBalancingV2Client(t.client);
  elb = new ElasticLoadBalancingClient(t.client);
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: ECS_OPTIMIZED_AMI.imageId,
      InstanceType: 't2.micro',
      MinCount: 2,
      MaxCount: 2,
    }),
  );
  const ids = (run.Instances ?? []).map((i) => i.InstanceId ?? '');
  instances = await waitFor(async () => {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    const all = out.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    if (!all.every((i) => i.State?.Name === 'running')) return undefined;
    return all.map((i) => ({ id: i.InstanceId ?? '', address: i.PrivateIpAddress ?? '' }));
  });
  await startApp('one', instances[0]?.address ?? '');
  await startApp('two', instances[1]?.address ?? '');
  const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
  subnetIds = subnets.map((s) => s.SubnetId ?? '');
  vpcId = subnets[0]?.VpcId ?? '';
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  ec2.destroy();
  elbv2.destroy();
  elb.destroy();
  await t.plane.stop();
});

// Every test starts with healthy apps, whatever the previous one left behind.
beforeEach(() => {
  for (const name of healthy.keys()) healthy.set(name, true);
});

/** Health checks run on 1 s intervals; a loaded machine (2 cores, many tests) needs slack. */
const SLOW = 15_000;

async function errorName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).name;
  }
  throw new Error('expected an error');
}

describe('ELB v2 over the wire', () => {
  it('proxies HTTP round-robin over healthy targets and drops an unhealthy one', async () => {
    const lb = (await elbv2.send(new CreateLoadBalancerCommand({ Name: 'web-alb', Subnets: subnetIds })))
      .LoadBalancers?.[0];
    expect(lb?.DNSName).toMatch(/^127\.3\.\d+\.\d+$/);
    expect(lb?.State?.Code).toBe('active');
    expect(lb?.AvailabilityZones).toHaveLength(3);
    const tg = (
      await elbv2.send(
        new CreateTargetGroupCommand({
          Name: 'web-tg',
          Protocol: 'HTTP',
          Port: APP_PORT,
          VpcId: vpcId,
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 1,
          HealthCheckTimeoutSeconds: 1,
          HealthyThresholdCount: 2,
          UnhealthyThresholdCount: 2,
        }),
      )
    ).TargetGroups?.[0];
    const tgArn = tg?.TargetGroupArn ?? '';
    await elbv2.send(
      new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: instances.map((i) => ({ Id: i.id })) }),
    );
    const unused = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    expect(unused.TargetHealthDescriptions?.map((d) => d.TargetHealth?.State)).toEqual(['unused', 'unused']);

    const listener = (
      await elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb?.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: LISTENER_PORT,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
        }),
      )
    ).Listeners?.[0];
    expect(listener?.Port).toBe(LISTENER_PORT);

    const states = async () =>
      ((await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn })))
        .TargetHealthDescriptions ?? []) as TargetHealthDescription[];
    await waitFor(async () => (await states()).every((d) => d.TargetHealth?.State === 'healthy'), SLOW);

    const url = `http://${lb?.DNSName}:${LISTENER_PORT}/`;
    const bodies: string[] = [];
    for (let i = 0; i < 6; i++) bodies.push((await get(url)).body);
    expect(bodies.filter((b) => b === 'one')).toHaveLength(3);
    expect(bodies.filter((b) => b === 'two')).toHaveLength(3);
    expect(bodies[0]).not.toBe(bodies[1]);

    healthy.set('two', false);
    const sick = await waitFor(
      async () => (await states()).find((d) => d.TargetHealth?.State === 'unhealthy'),
      SLOW,
      100,
    );
    expect(sick.Target?.Id).toBe(instances[1]?.id);
    expect(sick.TargetHealth).toMatchObject({
      Reason: 'Target.ResponseCodeMismatch',
      Description: 'Health checks failed with these codes: [500]',
    });
    for (let i = 0; i < 4; i++) expect((await get(url)).body).toBe('one');

    await elbv2.send(
      new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: instances[0]?.id }] }),
    );
    expect((await states()).find((d) => d.Target?.Id === instances[0]?.id)?.TargetHealth?.State).toBe(
      'draining',
    );
    await waitFor(async () => (await states()).length === 1, SLOW);
    // Every target left is unhealthy: the ALB fails open and sends to them anyway.
    for (let i = 0; i < 2; i++) expect((await get(url)).body).toBe('two');
    await elbv2.send(
      new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: instances[1]?.id }] }),
    );
    await waitFor(async () => (await states()).length === 0, SLOW);
    expect((await get(url)).status).toBe(503);

    const tgs = await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
    expect(tgs.TargetGroups?.[0]).toMatchObject({
      TargetGroupName: 'web-tg',
      LoadBalancerArns: [lb?.LoadBalancerArn],
    });
    const listeners = await elbv2.send(
      new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }),
    );
    expect(listeners.Listeners?.[0]?.DefaultActions?.[0]).toMatchObject({
      Type: 'forward',
      TargetGroupArn: tgArn,
    });

    // Errors with their AWS codes.
    expect(
      await errorName(
        elbv2.send(
          new CreateListenerCommand({
            LoadBalancerArn: lb?.LoadBalancerArn,
            Protocol: 'HTTP',
            Port: LISTENER_PORT,
            DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
          }),
        ),
      ),
    ).toBe('DuplicateListenerException');
    expect(await errorName(elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tgArn })))).toBe(
      'ResourceInUseException',
    );
    expect(
      await errorName(
        elbv2.send(
          new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: 'i-0123456789abcdef0' }] }),
        ),
      ),
    ).toBe('InvalidTargetException');
    expect(
      await errorName(
        elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [`${lb?.LoadBalancerArn}0`] })),
      ),
    ).toBe('LoadBalancerNotFoundException');
    expect(
      await errorName(
        elbv2.send(new CreateLoadBalancerCommand({ Name: 'one-zone', Subnets: [subnetIds[0] ?? ''] })),
      ),
    ).toBe('ValidationError');

    // IP targets: the address itself, for hosts that are not EC2 instances.
    const ipTg = (
      await elbv2.send(
        new CreateTargetGroupCommand({
          Name: 'ip-tg',
          Protocol: 'HTTP',
          Port: APP_PORT,
          VpcId: vpcId,
          TargetType: 'ip',
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 1,
          HealthCheckTimeoutSeconds: 1,
        }),
      )
    ).TargetGroups?.[0]?.TargetGroupArn;
    const ipListener = (
      await elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb?.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: LISTENER_PORT + 2,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: ipTg }],
        }),
      )
    ).Listeners?.[0];
    await elbv2.send(
      new RegisterTargetsCommand({
        TargetGroupArn: ipTg,
        Targets: [{ Id: instances[0]?.address, Port: APP_PORT }],
      }),
    );
    await waitFor(async () => {
      const d = (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: ipTg })))
        .TargetHealthDescriptions;
      return d?.[0]?.TargetHealth?.State === 'healthy';
    }, SLOW);
    expect((await get(`http://${lb?.DNSName}:${LISTENER_PORT + 2}/`)).body).toBe('one');
    await elbv2.send(new DeleteListenerCommand({ ListenerArn: ipListener?.ListenerArn }));
    await elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: ipTg }));

    // Deleting the listener closes the proxy; then everything can go.
    await elbv2.send(new DeleteListenerCommand({ ListenerArn: listener?.ListenerArn }));
    await expect(get(url)).rejects.toThrow();
    await elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tgArn }));
    await elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
    expect((await elbv2.send(new DescribeLoadBalancersCommand({}))).LoadBalancers).toEqual([]);
  });
});

describe('Classic ELB over the wire', () => {
  it('proxies LoadBalancerPort to InstancePort on in-service instances', async () => {
    const port = LISTENER_PORT + 1;
    const created = await elb.send(
      new CreateClassicCommand({
        LoadBalancerName: 'EC2Contai-EcsElast-TEST',
        Listeners: [
          { Protocol: 'HTTP', LoadBalancerPort: port, InstanceProtocol: 'HTTP', InstancePort: APP_PORT },
        ],
        Subnets: subnetIds,
      }),
    );
    expect(created.DNSName).toMatch(/^127\.3\.\d+\.\d+$/);
    const hc = await elb.send(
      new ConfigureHealthCheckCommand({
        LoadBalancerName: 'EC2Contai-EcsElast-TEST',
        HealthCheck: {
          Target: `HTTP:${APP_PORT}/health`,
          Interval: 1,
          Timeout: 1,
          UnhealthyThreshold: 2,
          HealthyThreshold: 2,
        },
      }),
    );
    expect(hc.HealthCheck?.Target).toBe(`HTTP:${APP_PORT}/health`);
    const reg = await elb.send(
      new RegisterInstancesWithLoadBalancerCommand({
        LoadBalancerName: 'EC2Contai-EcsElast-TEST',
        Instances: instances.map((i) => ({ InstanceId: i.id })),
      }),
    );
    expect(reg.Instances).toHaveLength(2);
    const health = async () =>
      (await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'EC2Contai-EcsElast-TEST' })))
        .InstanceStates ?? [];
    await waitFor(async () => (await health()).every((s) => s.State === 'InService'), SLOW);

    const url = `http://${created.DNSName}:${port}/`;
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) bodies.push((await get(url)).body);
    expect(bodies.sort()).toEqual(['one', 'one', 'two', 'two']);

    healthy.set('one', false);
    const out = await waitFor(
      async () => (await health()).find((s) => s.State === 'OutOfService'),
      SLOW,
      100,
    );
    expect(out).toMatchObject({ InstanceId: instances[0]?.id, ReasonCode: 'Instance' });
    for (let i = 0; i < 3; i++) expect((await get(url)).body).toBe('two');

    const described = await elb.send(
      new DescribeClassicCommand({ LoadBalancerNames: ['EC2Contai-EcsElast-TEST'] }),
    );
    expect(described.LoadBalancerDescriptions?.[0]?.ListenerDescriptions?.[0]?.Listener).toMatchObject({
      LoadBalancerPort: port,
      InstancePort: APP_PORT,
    });
    expect(await errorName(elb.send(new DescribeClassicCommand({ LoadBalancerNames: ['missing'] })))).toBe(
      'AccessPointNotFoundException',
    );
    await elb.send(new DeleteClassicCommand({ LoadBalancerName: 'EC2Contai-EcsElast-TEST' }));
    await expect(get(url)).rejects.toThrow();
  });
});

describe('load balancer housekeeping', () => {
  it('looks for draining targets at start, so an idle plane makes no transaction afterwards', async () => {
    // taskStepMs 20: a housekeeping tick every 20 ms. The first tick used to write at a moment of its
    // own, which a test counting a call's transactions could see (quiet-stop.test.ts).
    // A manual clock: nothing is due on the plane's own time (alarms, steps); ELB's ticks are real.
    const clock = new ManualClock({ start: 1_700_000_000_000 });
    const { plane } = await startTestPlane({ taskStepMs: 20, resyncMs: 60_000, clock });
    try {
      await plane.idle(); // the background work its start queued
      const tx = plane.deps.db.tx.bind(plane.deps.db);
      let transactions = 0;
      plane.deps.db.tx = ((fn: () => unknown) => {
        transactions++;
        return tx(fn);
      }) as typeof tx;
      await new Promise((r) => setTimeout(r, 300));
      expect(transactions).toBe(0);
    } finally {
      await plane.stop();
    }
  });
});
