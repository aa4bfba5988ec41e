/**
 * Issue 3 figures: time from CreateStack to the service's steady state, for the seed walk-through
 * (3 instances, 3 tasks on a fixed host port) and for 100 instances / 1,000 tasks (dynamic ports),
 * against a child `ecs-console local` at its default delays.
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  ECSClient,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { readFileSync } from 'node:fs';
import { fmt, peakRssMiB, root, startEcsConsole } from './lib';

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const template = readFileSync(`${root}/src/local/cloudformation/fixtures/cluster-2015.yaml`, 'utf8');

async function poll<T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function scenario(url: string, name: string, instances: number, tasks: number, hostPort: number) {
  const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials });
  const cfn = new CloudFormationClient({ endpoint: url, region: 'us-east-1', credentials });
  await ecs.send(new CreateClusterCommand({ clusterName: name }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: name,
      containerDefinitions: [
        {
          name: 'web',
          image: 'httpd:2.4',
          memory: 64,
          cpu: 10,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort }],
        },
      ],
    }),
  );
  const t0 = performance.now();
  await cfn.send(
    new CreateStackCommand({
      StackName: `EC2ContainerService-${name}`,
      TemplateBody: template,
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: [
        { ParameterKey: 'EcsClusterName', ParameterValue: name },
        { ParameterKey: 'AsgMaxSize', ParameterValue: String(instances) },
      ],
    }),
  );
  await poll(async () => {
    const s = (await cfn.send(new DescribeStacksCommand({ StackName: `EC2ContainerService-${name}` })))
      .Stacks?.[0];
    if (s?.StackStatus?.includes('FAIL') || s?.StackStatus?.includes('ROLLBACK'))
      throw new Error(`stack ${s.StackStatus}: ${s.StackStatusReason}`);
    return s?.StackStatus === 'CREATE_COMPLETE' ? true : undefined;
  }, 300_000);
  const stackSeconds = (performance.now() - t0) / 1000;
  await poll(async () => {
    const out = await ecs.send(new ListContainerInstancesCommand({ cluster: name, maxResults: 100 }));
    return (out.containerInstanceArns?.length ?? 0) >= Math.min(instances, 100) ? true : undefined;
  }, 300_000);
  await ecs.send(
    new CreateServiceCommand({
      cluster: name,
      serviceName: 'web',
      taskDefinition: name,
      desiredCount: tasks,
    }),
  );
  await poll(async () => {
    const s = (await ecs.send(new DescribeServicesCommand({ cluster: name, services: ['web'] })))
      .services?.[0];
    return s && s.runningCount === tasks && s.events?.some((e) => e.message?.includes('steady state'))
      ? true
      : undefined;
  }, 600_000);
  const total = (performance.now() - t0) / 1000;
  ecs.destroy();
  cfn.destroy();
  return { stackSeconds, total };
}

export async function benchStack(argv: string[]): Promise<void> {
  console.log('\n== CloudFormation stack to service steady state (default delays) ==');
  const plane = await startEcsConsole(['local', '--port', '0', '--ephemeral'], /listening on (http:\/\/\S+)/);
  try {
    const walk = await scenario(plane.url, 'walk', 3, 3, 80);
    console.log(
      `  walk-through (3 instances, 3 tasks): stack CREATE_COMPLETE ${fmt(walk.stackSeconds, 2)} s, ` +
        `steady state ${fmt(walk.total, 2)} s after create-stack (target <= 10 s: ${walk.total <= 10 ? 'met' : 'MISSED'})`,
    );
    if (!argv.includes('--quick')) {
      const big = await scenario(plane.url, 'big', 100, 1000, 0);
      console.log(
        `  100 instances / 1,000 tasks: stack CREATE_COMPLETE ${fmt(big.stackSeconds, 2)} s, ` +
          `steady state ${fmt(big.total, 2)} s after create-stack; server peak RSS ${peakRssMiB(plane.child.pid) ?? 'n/a'} MiB`,
      );
    }
  } finally {
    await plane.stop();
  }
}
