/**
 * Fargate across SIGKILLs: a child `ecs-console local` on a state file is killed while a Fargate
 * service's tasks are being provisioned (their network interfaces being created) and again once they
 * run; after each restart the service converges to its tasks RUNNING, each with exactly one network
 * interface (CreateNetworkInterface is idempotent by the client token kept on the task), served on its
 * own address, and no interface is left behind.
 */
import { DescribeNetworkInterfacesCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { clientSettings } from '../../testing/plane';
import { startLocalPlane, type RunningProcess } from '../../testing/process';
import { eventually } from './testing';

const dir = mkdtempSync(join(tmpdir(), 'ecs-console-fargate-'));
const state = join(dir, 'state.sqlite');
let plane: RunningProcess | null = null;

afterAll(async () => {
  await plane?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ ecs: ECSClient; ec2: EC2Client }> {
  plane = await startLocalPlane(state);
  return { ecs: new ECSClient(clientSettings(plane.url)), ec2: new EC2Client(clientSettings(plane.url)) };
}

async function kill(clients: { ecs: ECSClient; ec2: EC2Client }): Promise<void> {
  clients.ecs.destroy();
  clients.ec2.destroy();
  const p = plane;
  plane = null;
  await p?.stop();
}

/** The service's RUNNING tasks once there are `count`, each with an interface that EC2 knows, and no other task interface. */
async function converged(c: { ecs: ECSClient; ec2: EC2Client }, count: number) {
  return eventually(async () => {
    const svc = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'fg', services: ['web'] })))
      .services?.[0];
    if (svc?.runningCount !== count || svc.pendingCount !== 0) return undefined;
    const arns =
      (await c.ecs.send(new ListTasksCommand({ cluster: 'fg', serviceName: 'web' }))).taskArns ?? [];
    const tasks = (await c.ecs.send(new DescribeTasksCommand({ cluster: 'fg', tasks: arns }))).tasks ?? [];
    if (tasks.length !== count || tasks.some((t) => t.lastStatus !== 'RUNNING')) return undefined;
    const eniOf = (t: (typeof tasks)[number]) =>
      t.attachments?.[0]?.details?.find((d) => d.name === 'networkInterfaceId')?.value ?? '';
    const all = (await c.ec2.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces ?? [];
    const taskEnis = all.filter((n) => (n.Description ?? '').startsWith('arn:aws:ecs:'));
    // Stopped tasks' interfaces are deleted: only the running tasks' remain.
    if (taskEnis.length !== count) return undefined;
    expect(new Set(taskEnis.map((n) => n.NetworkInterfaceId))).toEqual(new Set(tasks.map(eniOf)));
    return tasks;
  }, 30_000);
}

it('converges to its Fargate tasks with one interface each across SIGKILLs', async () => {
  let c = await start();
  const subnets = (
    await c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))
  ).Subnets?.map((s) => s.SubnetId ?? '');
  await c.ecs.send(new CreateClusterCommand({ clusterName: 'fg' }));
  await c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'fg-web',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'web', image: 'httpd:2.4', portMappings: [{ containerPort: 8080 }] }],
    }),
  );
  await c.ecs.send(
    new CreateServiceCommand({
      cluster: 'fg',
      serviceName: 'web',
      taskDefinition: 'fg-web',
      desiredCount: 4,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets } },
    }),
  );
  // Killed while the tasks are being provisioned.
  await eventually(async () => {
    const arns = (await c.ecs.send(new ListTasksCommand({ cluster: 'fg' }))).taskArns ?? [];
    return arns.length > 0 ? true : undefined;
  });
  await kill(c);

  c = await start();
  const first = await converged(c, 4);
  await kill(c);

  c = await start();
  const second = await converged(c, 4);
  // After a restart the same tasks run again, their ports served again on their own addresses.
  expect(new Set(second.map((t) => t.taskArn))).toEqual(new Set(first.map((t) => t.taskArn)));
  for (const t of second) {
    const ip = t.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value ?? '';
    const res = await eventually(async () => {
      try {
        return await fetch(`http://${ip}:8080/`);
      } catch {
        return undefined;
      }
    });
    expect(res.status).toBeLessThan(500);
    await res.arrayBuffer();
  }
  await kill(c);
});
