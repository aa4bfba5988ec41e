/**
 * The AWS CLI against the local CloudFormation: validate-template, create-stack with the 2015 cluster
 * template (parameters, capabilities), the stack-create-complete waiter, describe calls, delete-stack
 * and its waiter. Skips (saying so) without `aws`, unless ECS_CONSOLE_REQUIRE_TOOLS=1.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, awsJson, requireTool } from '../../testing/tools';
import { FIXTURES, startCfnPlane, type CfnTestPlane } from './testing';

describe.runIf(requireTool('aws', 'CloudFormation with the AWS CLI'))('the AWS CLI', () => {
  let t: CfnTestPlane;
  beforeAll(async () => {
    t = await startCfnPlane();
  });
  afterAll(async () => {
    await t.stop();
  });

  // The plane runs in this process: the CLI must run asynchronously so the event loop can answer it.
  const aws = (...args: string[]) => awsJson(t.url, ['cloudformation', ...args]);

  // The CLI's stack-create-complete and stack-delete-complete waiters poll every 30 s: two waits that each
  // miss the first poll take over a minute, however fast the plane is (a loaded machine often does).
  it('creates, describes and deletes the 2015 cluster stack', async () => {
    const template = `file://${join(FIXTURES, 'cluster-2015.yaml')}`;
    const validated = await aws('validate-template', '--template-body', template);
    expect(validated.Capabilities).toEqual(['CAPABILITY_IAM']);
    const failed = await awsCli(t.url, [
      'cloudformation',
      'create-stack',
      '--stack-name',
      'cli',
      '--template-body',
      template,
    ]);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(
      /InsufficientCapabilitiesException.*Requires capabilities : \[CAPABILITY_IAM\]/,
    );
    const created = await aws(
      'create-stack',
      '--stack-name',
      'cli',
      '--template-body',
      template,
      '--capabilities',
      'CAPABILITY_IAM',
      '--parameters',
      'ParameterKey=AsgMaxSize,ParameterValue=2',
      'ParameterKey=EcsClusterName,ParameterValue=cli-cluster',
    );
    expect(created.StackId).toMatch(/^arn:aws:cloudformation:us-east-1:000000000000:stack\/cli\//);
    await aws('wait', 'stack-create-complete', '--stack-name', 'cli');
    const described = (await aws('describe-stacks', '--stack-name', 'cli')) as {
      Stacks: { StackStatus: string; Outputs: unknown[] }[];
    };
    expect(described.Stacks[0]?.StackStatus).toBe('CREATE_COMPLETE');
    expect(described.Stacks[0]?.Outputs).toHaveLength(5);
    const events = (await aws('describe-stack-events', '--stack-name', 'cli')) as {
      StackEvents: { ResourceStatus: string }[];
    };
    expect(events.StackEvents[0]?.ResourceStatus).toBe('CREATE_COMPLETE');
    const resources = (await aws('list-stack-resources', '--stack-name', 'cli')) as {
      StackResourceSummaries: unknown[];
    };
    expect(resources.StackResourceSummaries).toHaveLength(14);
    await aws('delete-stack', '--stack-name', 'cli');
    await aws('wait', 'stack-delete-complete', '--stack-name', 'cli');
    const listed = (await aws('list-stacks', '--stack-status-filter', 'DELETE_COMPLETE')) as {
      StackSummaries: { StackName: string }[];
    };
    expect(listed.StackSummaries.map((s) => s.StackName)).toContain('cli');
  }, 180_000);
});
