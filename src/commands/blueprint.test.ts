import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
} from '@aws-sdk/client-ecs';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, describe, expect, it } from 'vitest';
import { blueprint, defaultAnswers, wizardAnswersSchema, type WizardAnswers } from '../blueprint/index';
import { startTestPlane } from '../testing/plane';
import { AWS_CLI_ENV, requireTool } from '../testing/tools';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'blueprint-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `ecs-console blueprint ...` as a user runs it. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run('node', ['bin/ecs-console.mjs', 'blueprint', ...args], { cwd: process.cwd() }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );
}

describe('ecs-console blueprint', () => {
  it('prints each format for the defaults', async () => {
    const expected = blueprint(defaultAnswers);
    const [script, json, yaml, inputs] = await Promise.all(
      ['cli', 'cfn-json', 'cfn-yaml', 'inputs'].map((format) => cli(['--format', format])),
    );
    expect(script?.stdout).toBe(expected.cliScript);
    expect(json?.stdout).toBe(expected.templateJson);
    expect(yaml?.stdout).toBe(expected.templateYaml);
    expect(JSON.parse(inputs?.stdout ?? '')).toEqual(expected.inputs);
  }, 60_000);

  it('reads answers from a file, and prints invalid answers with their paths (exit 2)', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({ ...defaultAnswers, cluster: { ...defaultAnswers.cluster, name: 'from-file' } }),
    );
    const bad = join(dir, 'bad.json');
    const badAnswers = structuredClone(defaultAnswers) as WizardAnswers;
    badAnswers.taskDefinition.containers[0]!.memory = 1;
    badAnswers.service.name = 'no spaces allowed';
    writeFileSync(bad, JSON.stringify(badAnswers));
    const [ok, invalid, wrongFormat, missing] = await Promise.all([
      cli([good, '--format', 'inputs']),
      cli([bad]),
      cli(['--format', 'xml']),
      cli([join(dir, 'missing.json')]),
    ]);
    expect(ok?.code).toBe(0);
    expect(JSON.parse(ok?.stdout ?? '').createCluster).toEqual({ clusterName: 'from-file' });
    expect(invalid?.code).toBe(2);
    expect(invalid?.stdout).toBe('');
    expect(invalid?.stderr).toContain(
      'taskDefinition.containers.0.memory: The memory hard limit must be at least 6 MiB.',
    );
    expect(invalid?.stderr).toContain(
      'service.name: The service name can contain only letters, numbers, hyphens and underscores.',
    );
    expect(wrongFormat?.code).toBe(2);
    expect(missing?.code).toBe(2);
  }, 60_000);
});

/**
 * Acceptance (issue 4): the generated script, run verbatim with the real AWS CLI against a fresh local control
 * plane, creates the cluster, task definition, stack and service, and the service reaches a steady state.
 * The CLI's waiters poll every 30 s (stack) and 15 s (services), so each run takes up to about a minute.
 */
/** The service's scalable target and CPU target-tracking policy, as Application Auto Scaling reports them. */
async function expectScaling(client: ConstructorParameters<typeof ECSClient>[0], answers: WizardAnswers) {
  const as = answers.service.autoScaling;
  const aas = new ApplicationAutoScalingClient(client ?? {});
  const resourceId = `service/${answers.cluster.name}/${answers.service.name}`;
  const targets = (
    await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId] }))
  ).ScalableTargets;
  const policies = (
    await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }))
  ).ScalingPolicies;
  if (!as) {
    expect(targets).toEqual([]);
    return;
  }
  expect(targets?.map((t) => [t.ScalableDimension, t.MinCapacity, t.MaxCapacity])).toEqual([
    ['ecs:service:DesiredCount', as.minTasks, as.maxTasks],
  ]);
  expect(
    policies?.map((p) => [p.PolicyName, p.PolicyType, p.TargetTrackingScalingPolicyConfiguration]),
  ).toEqual([
    [
      `${answers.service.name}-cpu-target-tracking`,
      'TargetTrackingScaling',
      expect.objectContaining({
        TargetValue: as.targetCpu,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    ],
  ]);
}

describe.skipIf(!requireTool('aws', 'the generated AWS CLI script with the AWS CLI'))(
  'the generated AWS CLI script against ecs-console local',
  () => {
    const lbAnswers = wizardAnswersSchema.parse({
      ...defaultAnswers,
      taskDefinition: {
        ...defaultAnswers.taskDefinition,
        containers: [
          {
            ...defaultAnswers.taskDefinition.containers[0],
            portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
          },
        ],
      },
      service: {
        ...defaultAnswers.service,
        desiredCount: 2,
        autoScaling: { minTasks: 1, maxTasks: 4, targetCpu: 60 },
        loadBalancer: {
          containerName: 'simple-app',
          containerPort: 80,
          listenerPort: 80,
          healthCheckPath: '/',
        },
      },
      cluster: {
        ...defaultAnswers.cluster,
        name: 'lb-cluster',
        instanceCount: 2,
        instanceRole: { kind: 'create' },
      },
    });

    it.each([
      ['the defaults', defaultAnswers],
      ['a load balancer, 2 instances, a new instance role', lbAnswers],
    ] as const)(
      '%s',
      async (_name, answers) => {
        const { plane, url, client } = await startTestPlane();
        try {
          const out = blueprint(answers);
          const script = join(dir, `${answers.cluster.name}.sh`);
          writeFileSync(script, out.cliScript);
          const env = {
            ...process.env,
            ...AWS_CLI_ENV,
            AWS: `aws --endpoint-url ${url}`,
            AWS_EC2_METADATA_DISABLED: 'true',
          };
          const result = await run('bash', [script], { env, timeout: 240_000 }).catch(
            (err: { code: number; stderr: string }) => err,
          );
          expect('stderr' in result ? result.stderr : '').toContain('is stable in cluster');

          const ecs = new ECSClient(client);
          const cfn = new CloudFormationClient(client);
          const cluster = (await ecs.send(new DescribeClustersCommand({ clusters: [answers.cluster.name] })))
            .clusters?.[0];
          expect(cluster?.status).toBe('ACTIVE');
          expect(cluster?.registeredContainerInstancesCount).toBe(answers.cluster.instanceCount);

          const td = (
            await ecs.send(
              new DescribeTaskDefinitionCommand({ taskDefinition: answers.taskDefinition.family }),
            )
          ).taskDefinition;
          expect(td?.revision).toBe(1);
          expect(
            td?.containerDefinitions?.map((c) => [c.name, c.image, c.memory, c.cpu, c.portMappings]),
          ).toEqual(
            out.inputs.registerTaskDefinition.containerDefinitions.map((c) => [
              c.name,
              c.image,
              c.memory,
              c.cpu,
              c.portMappings,
            ]),
          );

          const stack = (await cfn.send(new DescribeStacksCommand({ StackName: out.stackName }))).Stacks?.[0];
          expect(stack?.StackStatus).toBe('CREATE_COMPLETE');

          const service = (
            await ecs.send(
              new DescribeServicesCommand({
                cluster: answers.cluster.name,
                services: [answers.service.name],
              }),
            )
          ).services?.[0];
          expect(service?.status).toBe('ACTIVE');
          expect(service?.runningCount).toBe(answers.service.desiredCount);
          expect(service?.deploymentConfiguration).toMatchObject(
            out.inputs.createService?.deploymentConfiguration ?? {},
          );
          await expectScaling(client, answers);
          if (answers.service.loadBalancer) {
            const tg = stack?.Outputs?.find((o) => o.OutputKey === 'TargetGroupArn')?.OutputValue;
            expect(tg).toMatch(/^arn:aws:elasticloadbalancing:/);
            expect(service?.loadBalancers).toEqual([
              { targetGroupArn: tg, containerName: 'simple-app', containerPort: 80 },
            ]);
          }
        } finally {
          await plane.stop();
        }
      },
      300_000,
    );

    it('Fargate: the stack holds the service, which reaches a steady state with its tasks on Fargate', async () => {
      const { plane, url, client } = await startTestPlane();
      try {
        const ec2 = new EC2Client(client);
        const subnets = (
          await ec2.send(
            new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }),
          )
        ).Subnets?.map((sn) => sn.SubnetId ?? '');
        expect(subnets?.length).toBeGreaterThan(0);
        const answers = wizardAnswersSchema.parse({
          ...defaultAnswers,
          service: {
            ...defaultAnswers.service,
            desiredCount: 2,
            autoScaling: { minTasks: 1, maxTasks: 5, targetCpu: 50 },
          },
          cluster: {
            ...defaultAnswers.cluster,
            name: 'fargate-cluster',
            launchType: 'FARGATE',
            fargate: {
              subnets: (subnets ?? []).slice(0, 2).join(', '),
              securityGroups: '',
              assignPublicIp: 'ENABLED',
              cpu: 512,
              memory: 1024,
            },
          },
        });
        const out = blueprint(answers);
        expect(out.inputs.createService).toBeUndefined();
        const script = join(dir, 'fargate.sh');
        writeFileSync(script, out.cliScript);
        const env = {
          ...process.env,
          ...AWS_CLI_ENV,
          AWS: `aws --endpoint-url ${url}`,
          AWS_EC2_METADATA_DISABLED: 'true',
        };
        const result = await run('bash', [script], { env, timeout: 240_000 }).catch(
          (err: { code: number; stderr: string }) => err,
        );
        expect('stderr' in result ? result.stderr : '').toContain('is stable in cluster');

        const ecs = new ECSClient(client);
        const td = (
          await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: answers.taskDefinition.family }))
        ).taskDefinition;
        expect(td).toMatchObject({
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu: '512',
          memory: '1024',
        });
        const stack = (
          await new CloudFormationClient(client).send(new DescribeStacksCommand({ StackName: out.stackName }))
        ).Stacks?.[0];
        expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
        const serviceArn = stack?.Outputs?.find((o) => o.OutputKey === 'ServiceArn')?.OutputValue;
        const service = (
          await ecs.send(
            new DescribeServicesCommand({ cluster: answers.cluster.name, services: [answers.service.name] }),
          )
        ).services?.[0];
        expect(service?.serviceArn).toBe(serviceArn);
        expect(service).toMatchObject({ status: 'ACTIVE', launchType: 'FARGATE', runningCount: 2 });
        expect(service?.networkConfiguration?.awsvpcConfiguration).toMatchObject({
          subnets: (subnets ?? []).slice(0, 2),
          assignPublicIp: 'ENABLED',
        });
        const cluster = (await ecs.send(new DescribeClustersCommand({ clusters: [answers.cluster.name] })))
          .clusters?.[0];
        expect(cluster?.registeredContainerInstancesCount).toBe(0);
        expect(cluster?.runningTasksCount).toBe(2);
        await expectScaling(client, answers);
      } finally {
        await plane.stop();
      }
    }, 300_000);
  },
);
