/**
 * State for the dashboard journeys, created through the AWS API on the console server (SigV4 to `/`):
 * two EC2 instances registered as container instances with RegisterContainerInstance, a task definition
 * with two revisions and a service of two tasks.
 */
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';

export interface DashboardWorld {
  ecs: ECSClient;
  ec2: EC2Client;
  cfn: CloudFormationClient;
  cluster: string;
  service: string;
  family: string;
  /** EC2 instance ids of the two container instances. */
  instances: string[];
  destroy(): void;
}

export function consoleUrl(): string {
  const url = process.env['ECS_CONSOLE_E2E_URL'];
  if (!url) throw new Error('ECS_CONSOLE_E2E_URL is not set: run through e2e/playwright.config.ts.');
  return url;
}

function clientOptions() {
  return {
    region: 'us-east-1',
    endpoint: consoleUrl(),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
}

const containerDefinition = (image: string) => ({
  name: 'web',
  image,
  essential: true,
  cpu: 256,
  memory: 256,
  portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' as const }],
});

export async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached in ${timeoutMs} ms (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function createDashboardWorld(): Promise<DashboardWorld> {
  const ecs = new ECSClient(clientOptions());
  const ec2 = new EC2Client(clientOptions());
  const cfn = new CloudFormationClient(clientOptions());
  const suffix = Date.now().toString(36);
  const cluster = `dash-${suffix}`;
  const family = `dash-web-${suffix}`;
  const service = 'web';
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));

  const instances = await addInstances(ec2, ecs, cluster, 2, 1900);

  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [containerDefinition('public.ecr.aws/nginx/nginx:1.27')],
    }),
  );
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [containerDefinition('public.ecr.aws/nginx/nginx:1.28')],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: service,
      taskDefinition: `${family}:1`,
      desiredCount: 2,
    }),
  );
  await waitFor(
    'service web running 2',
    async () => (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0],
    (s) => s?.runningCount === 2 && (s.events ?? []).some((e) => e.message?.includes('steady state')),
  );
  return {
    ecs,
    ec2,
    cfn,
    cluster,
    service,
    family,
    instances,
    destroy() {
      ecs.destroy();
      ec2.destroy();
      cfn.destroy();
    },
  };
}

/**
 * Runs `count` t3.small EC2 instances and registers each with `cluster` as a container instance
 * with 2048 CPU units and `memory` MiB (what the journeys size their tasks against). Their EC2 ids.
 */
export async function addInstances(
  ec2: EC2Client,
  ecs: ECSClient,
  cluster: string,
  count: number,
  memory: number,
): Promise<string[]> {
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-0a7a1e5e0c5c0ffee',
      InstanceType: 't3.small',
      MinCount: count,
      MaxCount: count,
    }),
  );
  const ids: string[] = [];
  for (const i of run.Instances ?? []) {
    if (!i.InstanceId) throw new Error('RunInstances returned an instance without an id');
    await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster,
        instanceIdentityDocument: JSON.stringify({
          instanceId: i.InstanceId,
          instanceType: 't3.small',
          privateIp: i.PrivateIpAddress,
          region: 'us-east-1',
          availabilityZone: i.Placement?.AvailabilityZone ?? 'us-east-1a',
        }),
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: memory },
        ],
      }),
    );
    ids.push(i.InstanceId);
  }
  return ids;
}
