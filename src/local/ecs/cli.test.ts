/**
 * The ECS API through the real AWS CLI (`aws --endpoint-url`): a representative set of commands,
 * JSON output parsed, and service errors as non-zero exit codes with the error code on stderr.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, requireTool, type CliResult } from '../../testing/tools';
import { sampleTaskDefinition, startTestPlane, type TestPlane } from './testing';

const hasAws = requireTool('aws', 'ECS with the AWS CLI');

let t: TestPlane;
let dir: string;

const aws = (...args: string[]): Promise<CliResult> => awsCli(t.url, ['ecs', ...args]);

async function awsJson<T>(...args: string[]): Promise<T> {
  const r = await aws(...args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

describe.skipIf(!hasAws)('AWS CLI against the local ECS endpoint', () => {
  beforeAll(async () => {
    t = await startTestPlane();
    dir = mkdtempSync(join(tmpdir(), 'ecs-cli-'));
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, describes and lists a cluster', async () => {
    const created = await awsJson<{ cluster: { clusterArn: string; status: string } }>(
      'create-cluster',
      '--cluster-name',
      'cli',
    );
    expect(created.cluster).toMatchObject({
      clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/cli',
      status: 'ACTIVE',
    });
    const described = await awsJson<{ clusters: { clusterName: string }[]; failures: unknown[] }>(
      'describe-clusters',
      '--clusters',
      'cli',
      'missing',
    );
    expect(described.clusters.map((c) => c.clusterName)).toEqual(['cli']);
    expect(described.failures).toHaveLength(1);
    const listed = await awsJson<{ clusterArns: string[] }>('list-clusters');
    expect(listed.clusterArns).toContain(created.cluster.clusterArn);
  });

  it('registers a task definition from --cli-input-json and describes it', async () => {
    const file = join(dir, 'taskdef.json');
    writeFileSync(file, JSON.stringify(sampleTaskDefinition()));
    const registered = await awsJson<{ taskDefinition: { taskDefinitionArn: string; revision: number } }>(
      'register-task-definition',
      '--cli-input-json',
      `file://${file}`,
    );
    expect(registered.taskDefinition.taskDefinitionArn).toBe(
      'arn:aws:ecs:us-east-1:000000000000:task-definition/console-sample-app-static:1',
    );
    const described = await awsJson<{
      taskDefinition: { containerDefinitions: { name: string; memory: number }[] };
    }>('describe-task-definition', '--task-definition', 'console-sample-app-static');
    expect(described.taskDefinition.containerDefinitions[0]).toMatchObject({
      name: 'simple-app',
      memory: 300,
    });
    const listed = await awsJson<{ taskDefinitionArns: string[] }>(
      'list-task-definitions',
      '--family-prefix',
      'console-sample-app-static',
    );
    expect(listed.taskDefinitionArns).toEqual([registered.taskDefinition.taskDefinitionArn]);
  });

  it('runs, lists, describes and stops a task on a registered instance', async () => {
    await awsJson(
      'register-container-instance',
      '--cluster',
      'cli',
      '--total-resources',
      'name=CPU,type=INTEGER,integerValue=1024',
      'name=MEMORY,type=INTEGER,integerValue=993',
    );
    const run = await awsJson<{ tasks: { taskArn: string }[]; failures: unknown[] }>(
      'run-task',
      '--cluster',
      'cli',
      '--task-definition',
      'console-sample-app-static:1',
    );
    expect(run.failures).toEqual([]);
    const taskArn = run.tasks[0]?.taskArn as string;
    const listed = await awsJson<{ taskArns: string[] }>('list-tasks', '--cluster', 'cli');
    expect(listed.taskArns).toEqual([taskArn]);
    const described = await awsJson<{ tasks: { taskArn: string }[] }>(
      'describe-tasks',
      '--cluster',
      'cli',
      '--tasks',
      taskArn,
    );
    expect(described.tasks[0]?.taskArn).toBe(taskArn);
    const stopped = await awsJson<{ task: { desiredStatus: string; stoppedReason: string } }>(
      'stop-task',
      '--cluster',
      'cli',
      '--task',
      taskArn,
      '--reason',
      'done',
    );
    expect(stopped.task).toMatchObject({ desiredStatus: 'STOPPED', stoppedReason: 'done' });
  });

  it('creates and lists a service', async () => {
    const created = await awsJson<{ service: { serviceArn: string; deployments: unknown[] } }>(
      'create-service',
      '--cluster',
      'cli',
      '--service-name',
      'sample-webapp',
      '--task-definition',
      'console-sample-app-static',
      '--desired-count',
      '0',
    );
    expect(created.service.serviceArn).toBe('arn:aws:ecs:us-east-1:000000000000:service/cli/sample-webapp');
    expect(created.service.deployments).toHaveLength(1);
    const listed = await awsJson<{ serviceArns: string[] }>('list-services', '--cluster', 'cli');
    expect(listed.serviceArns).toEqual([created.service.serviceArn]);
  });

  it('turns service errors into a failing exit code with the error code on stderr', async () => {
    const cases: [string[], string][] = [
      [['describe-task-definition', '--task-definition', 'nope'], 'ClientException'],
      [['create-cluster', '--cluster-name', 'bad name'], 'InvalidParameterException'],
      [['list-services', '--cluster', 'nope'], 'ClusterNotFoundException'],
      [['delete-service', '--cluster', 'cli', '--service', 'nope'], 'ServiceNotFoundException'],
      [['list-clusters', '--max-results', '101'], 'InvalidParameterException'],
    ];
    for (const [args, code] of cases) {
      const r = await aws(...args);
      expect([254, 255], `${args.join(' ')}: ${r.stderr}`).toContain(r.code);
      expect(r.stderr).toContain(`(${code})`);
    }
  });
});
