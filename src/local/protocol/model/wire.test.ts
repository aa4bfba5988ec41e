/**
 * Model-driven validation and normalisation, end to end: every served service answers a wrong
 * type, a missing required member, a value outside an enum and a value beyond a length or range
 * limit with its own AWS error, through the real SDK clients and the AWS CLI; and a handler gets
 * the same input from the wire as from an in-process call.
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeVpcsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ecs';
import {
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand as CreateClassicCommand,
  ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  CreateTargetGroupCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateRoleCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlane, type TestPlane } from '../../../testing/plane';
import { awsCli, requireTool } from '../../../testing/tools';
import type { ServiceId } from '../types';

let t: TestPlane;
beforeAll(async () => {
  t = await startTestPlane();
});
afterAll(async () => {
  await t.plane.stop();
});

/** The code, HTTP status and message of a rejected SDK call. */
async function rejection(
  call: Promise<unknown>,
): Promise<{ code: string; status?: number; message: string }> {
  try {
    await call;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('the call succeeded');
}

// The SDK types keep wrong values out; these tests send them anyway, as any client could.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const wrong = (v: unknown): any => v;

describe('the generated models', () => {
  it('cover every action every service serves', () => {
    const ids: ServiceId[] = [
      'ecs',
      'cloudformation',
      'ec2',
      'autoscaling',
      'elasticloadbalancing',
      'elasticloadbalancingv2',
      'iam',
      'logs',
    ];
    for (const id of ids) {
      const def = t.plane.endpoint.service(id);
      expect(def?.model.metadata.id, id).toBe(id);
      for (const action of Object.keys(def?.actions ?? {})) {
        expect(Object.hasOwn(def?.model.operations ?? {}, action), `${id}:${action}`).toBe(true);
      }
    }
  });
});

describe('every service rejects input its model rules out, in its own words', () => {
  it('ECS: SerializationException for a wrong type, InvalidParameterException otherwise', async () => {
    const ecs = new ECSClient(t.client);
    expect(
      await rejection(ecs.send(new RunTaskCommand({ taskDefinition: 'x', count: wrong('2') }))),
    ).toMatchObject({
      code: 'SerializationException',
      status: 400,
      message: 'STRING_VALUE can not be converted to an Integer',
    });
    expect(await rejection(ecs.send(new StopTaskCommand(wrong({}))))).toMatchObject({
      code: 'InvalidParameterException',
      message: 'task can not be null or empty.',
    });
    expect(
      await rejection(ecs.send(new ListTasksCommand({ desiredStatus: wrong('SLEEPING') }))),
    ).toMatchObject({
      code: 'InvalidParameterException',
      message: expect.stringContaining("Invalid value 'SLEEPING' for desiredStatus"),
    });
    const long = new TagResourceCommand({ resourceArn: 'a', tags: [{ key: 'k'.repeat(129), value: 'v' }] });
    expect(await rejection(ecs.send(long))).toMatchObject({
      code: 'InvalidParameterException',
      message: 'tags[0].key must be at most 128 character(s) long.',
    });
    ecs.destroy();
  });

  it('CloudWatch Logs: SerializationException, InvalidParameterException in Coral words', async () => {
    const logs = new CloudWatchLogsClient(t.client);
    expect(await rejection(logs.send(new DescribeLogGroupsCommand({ limit: wrong('5') })))).toMatchObject({
      code: 'SerializationException',
    });
    expect(await rejection(logs.send(new CreateLogGroupCommand(wrong({}))))).toMatchObject({
      code: 'InvalidParameterException',
      message:
        "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null",
    });
    const orderBy = new DescribeLogStreamsCommand({ logGroupName: 'g', orderBy: wrong('Bogus') });
    expect((await rejection(logs.send(orderBy))).message).toBe(
      "1 validation error detected: Value 'Bogus' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]",
    );
    expect(
      (await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: 'g'.repeat(513) })))).message,
    ).toMatch(
      /at 'logGroupName' failed to satisfy constraint: Member must have length less than or equal to 512$/,
    );
    expect((await rejection(logs.send(new DescribeLogGroupsCommand({ limit: 51 })))).message).toMatch(
      /Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50$/,
    );
    logs.destroy();
  });

  it('CloudFormation: ValidationError, with every violation listed', async () => {
    const cfn = new CloudFormationClient(t.client);
    expect(await rejection(cfn.send(new DescribeStackEventsCommand(wrong({}))))).toMatchObject({
      code: 'ValidationError',
      status: 400,
      message: expect.stringContaining("Value null at 'stackName'"),
    });
    const create = new CreateStackCommand({
      StackName: 's',
      TemplateBody: '{}',
      OnFailure: wrong('SHRUG'),
      TimeoutInMinutes: 0,
      Tags: [{ Key: 'k'.repeat(129), Value: 'v' }],
    });
    expect((await rejection(cfn.send(create))).message).toBe(
      '3 validation errors detected: ' +
        "Value '0' at 'timeoutInMinutes' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'SHRUG' at 'onFailure' failed to satisfy constraint: Member must satisfy enum value set: [DO_NOTHING, ROLLBACK, DELETE]; " +
        `Value '${'k'.repeat(128)}...' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
    const typed = new CreateStackCommand({
      StackName: 's',
      TemplateBody: '{}',
      TimeoutInMinutes: wrong('soon'),
    });
    expect((await rejection(cfn.send(typed))).message).toBe(
      "1 validation error detected: Value 'soon' at 'timeoutInMinutes' failed to satisfy constraint: Member must be an integer",
    );
    expect(
      (await rejection(cfn.send(new ListStacksCommand({ StackStatusFilter: wrong(['SLEEPING']) })))).message,
    ).toContain("Value 'SLEEPING' at 'stackStatusFilter.1.member' failed to satisfy constraint");
    cfn.destroy();
  });

  it('EC2: MissingParameter and InvalidParameterValue', async () => {
    const ec2 = new EC2Client(t.client);
    const run = (extra: Record<string, unknown>) =>
      ec2.send(
        new RunInstancesCommand({ ImageId: 'ami-0a7a1e5e0c5c0ffee', MinCount: 1, MaxCount: 1, ...extra }),
      );
    expect(await rejection(ec2.send(new RunInstancesCommand(wrong({ MaxCount: 1 }))))).toMatchObject({
      code: 'MissingParameter',
      status: 400,
      message: 'The request must contain the parameter MinCount',
    });
    expect(await rejection(run({ MaxCount: wrong('many') }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'Value (many) for parameter maxCount is invalid. Expecting an integer.',
    });
    expect(await rejection(run({ InstanceType: wrong('x9.mega') }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: expect.stringMatching(
        /^Value \(x9\.mega\) for parameter instanceType is invalid\. Valid values: /,
      ),
    });
    expect(await rejection(ec2.send(new DescribeVpcsCommand({ MaxResults: 2 })))).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'Value (2) for parameter maxResults is invalid. Expecting a value greater than or equal to 5.',
    });
    ec2.destroy();
  });

  it('Auto Scaling, ELB classic and v2, IAM: ValidationError', async () => {
    const asg = new AutoScalingClient(t.client);
    const group = (extra: Record<string, unknown>) =>
      asg.send(
        new CreateAutoScalingGroupCommand(
          wrong({ AutoScalingGroupName: 'g', LaunchConfigurationName: 'lc', MaxSize: 1, ...extra }),
        ),
      );
    expect(await rejection(group({}))).toMatchObject({
      code: 'ValidationError',
      message: expect.stringContaining(
        "Value null at 'minSize' failed to satisfy constraint: Member must not be null",
      ),
    });
    expect((await rejection(group({ MinSize: 'one' }))).message).toContain(
      "Value 'one' at 'minSize' failed to satisfy constraint: Member must be an integer",
    );
    expect((await rejection(group({ MinSize: 0, AutoScalingGroupName: 'g'.repeat(256) }))).message).toContain(
      "at 'autoScalingGroupName' failed to satisfy constraint: Member must have length less than or equal to 255",
    );
    asg.destroy();

    const elb = new ElasticLoadBalancingClient(t.client);
    await elb.send(
      new CreateClassicCommand({
        LoadBalancerName: 'wire',
        Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 8081, InstancePort: 80 }],
        AvailabilityZones: ['us-east-1a'],
      }),
    );
    const check = (hc: Record<string, unknown>) =>
      elb.send(new ConfigureHealthCheckCommand(wrong({ LoadBalancerName: 'wire', HealthCheck: hc })));
    expect(
      (
        await rejection(
          check({
            Target: 'HTTP:80/',
            Interval: 301,
            Timeout: 5,
            UnhealthyThreshold: 2,
            HealthyThreshold: 2,
          }),
        )
      ).message,
    ).toBe(
      "1 validation error detected: Value '301' at 'healthCheck.interval' failed to satisfy constraint: Member must have value less than or equal to 300",
    );
    expect(
      (await rejection(check({ Interval: 30, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 2 })))
        .message,
    ).toContain("Value null at 'healthCheck.target' failed to satisfy constraint: Member must not be null");
    elb.destroy();

    const elbv2 = new ElasticLoadBalancingV2Client(t.client);
    const tg = (extra: Record<string, unknown>) =>
      elbv2.send(
        new CreateTargetGroupCommand(
          wrong({ Name: 'tg', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-1', ...extra }),
        ),
      );
    expect((await rejection(tg({ Port: 70000 }))).message).toContain(
      "Value '70000' at 'port' failed to satisfy constraint: Member must have value less than or equal to 65535",
    );
    expect((await rejection(tg({ Protocol: 'FTP' }))).message).toContain("Value 'FTP' at 'protocol'");
    expect((await rejection(tg({ HealthCheckEnabled: 'maybe' }))).message).toContain(
      "Value 'maybe' at 'healthCheckEnabled' failed to satisfy constraint: Member must be true or false",
    );
    elbv2.destroy();

    const iam = new IAMClient(t.client);
    const role = new CreateRoleCommand({ RoleName: 'r'.repeat(65), AssumeRolePolicyDocument: '{}' });
    expect(await rejection(iam.send(role))).toMatchObject({
      code: 'ValidationError',
      status: 400,
      message: `1 validation error detected: Value '${'r'.repeat(65)}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    });
    expect(await rejection(iam.send(new ListRolesCommand({ MaxItems: 0 })))).toMatchObject({
      code: 'ValidationError',
      message: expect.stringContaining('Member must have value greater than or equal to 1'),
    });
    iam.destroy();
  });
});

describe.runIf(requireTool('aws', 'model validation with the AWS CLI'))(
  'the AWS CLI gets the same errors',
  () => {
    // The CLI checks required members, types and minimums itself; maxima and enums reach the plane.
    it.each([
      [
        ['ecs', 'list-tasks', '--desired-status', 'SLEEPING'],
        'InvalidParameterException',
        "Invalid value 'SLEEPING'",
      ],
      [
        ['logs', 'describe-log-streams', '--log-group-name', 'g', '--order-by', 'Bogus'],
        'InvalidParameterException',
        'enum value set',
      ],
      [
        ['cloudformation', 'list-stacks', '--stack-status-filter', 'SLEEPING'],
        'ValidationError',
        'stackStatusFilter.1.member',
      ],
      [
        ['ec2', 'describe-vpcs', '--max-results', '2000'],
        'InvalidParameterValue',
        'for parameter maxResults is invalid',
      ],
      [
        ['autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', 'g'.repeat(256)],
        'ValidationError',
        'length less than or equal to 255',
      ],
      [
        [
          'elb',
          'configure-health-check',
          '--load-balancer-name',
          'x',
          '--health-check',
          'Target=HTTP:80/,Interval=301,Timeout=5,UnhealthyThreshold=2,HealthyThreshold=2',
        ],
        'ValidationError',
        "at 'healthCheck.interval'",
      ],
      [
        [
          'elbv2',
          'create-target-group',
          '--name',
          'tg',
          '--protocol',
          'HTTP',
          '--port',
          '70000',
          '--vpc-id',
          'vpc-1',
        ],
        'ValidationError',
        "at 'port'",
      ],
      [
        ['iam', 'create-role', '--role-name', 'r'.repeat(65), '--assume-role-policy-document', '{}'],
        'ValidationError',
        "at 'roleName'",
      ],
    ])('aws %j', async (args, code, message) => {
      const r = await awsCli(t.url, args);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`(${code})`);
      expect(r.stderr).toContain(message);
    });
  },
);

describe('a handler gets the same input from the wire and in process', () => {
  /** Replaces one action of a real service with a probe that records its input. */
  function probe(service: ServiceId, action: string): unknown[] {
    const seen: unknown[] = [];
    const def = t.plane.endpoint.service(service);
    if (!def) throw new Error(`no ${service}`);
    t.plane.endpoint.register({
      ...def,
      actions: { ...def.actions, [action]: (input) => (seen.push(input), {}) },
    });
    return seen;
  }

  it('query: numbers, booleans, nested structures and lists, typed; unknown members dropped', async () => {
    const seen = probe('elasticloadbalancingv2', 'CreateTargetGroup');
    const input = {
      Name: 'tg',
      Protocol: 'HTTP' as const,
      Port: 8080,
      VpcId: 'vpc-1',
      HealthCheckEnabled: false,
      HealthCheckIntervalSeconds: 10,
      Matcher: { HttpCode: '200-299' },
      Tags: [{ Key: 'a', Value: 'b' }, { Key: 'c' }],
    };
    const elbv2 = new ElasticLoadBalancingV2Client(t.client);
    await elbv2.send(new CreateTargetGroupCommand(input));
    elbv2.destroy();
    await t.plane.endpoint.call('elasticloadbalancingv2', 'CreateTargetGroup', input);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual(input);
    expect(seen[1]).toEqual(seen[0]);
  });

  it('query: an empty list arrives as an empty list either way', async () => {
    const seen = probe('elasticloadbalancingv2', 'DescribeTargetGroups');
    const elbv2 = new ElasticLoadBalancingV2Client(t.client);
    await elbv2.send(new DescribeTargetGroupsCommand({ Names: [] }));
    elbv2.destroy();
    await t.plane.endpoint.call('elasticloadbalancingv2', 'DescribeTargetGroups', { Names: [] });
    expect(seen).toEqual([{ Names: [] }, { Names: [] }]);
  });

  it('ec2: lists without member wrappers, location names read back as member names', async () => {
    const seen = probe('ec2', 'RunInstances');
    const input = {
      ImageId: 'ami-0a7a1e5e0c5c0ffee',
      MinCount: 1,
      MaxCount: 2,
      SecurityGroupIds: ['sg-1', 'sg-2'],
      Placement: { AvailabilityZone: 'us-east-1b' },
      TagSpecifications: [{ ResourceType: 'instance' as const, Tags: [{ Key: 'k', Value: 'v' }] }],
    };
    const ec2 = new EC2Client(t.client);
    await ec2.send(new RunInstancesCommand(input));
    ec2.destroy();
    await t.plane.endpoint.call('ec2', 'RunInstances', input);
    // The SDK fills in the idempotency token the model marks; the rest is the caller's input.
    const { ClientToken, ...fromWire } = seen[0] as { ClientToken?: string };
    expect(ClientToken).toEqual(expect.any(String));
    expect(fromWire).toEqual(input);
    expect(seen[1]).toEqual(input);
  });

  it('an in-process caller gets the same errors, and a member the model lacks is a bug', async () => {
    await expect(
      t.plane.endpoint.call('iam', 'CreateRole', {
        RoleName: 'r'.repeat(65),
        AssumeRolePolicyDocument: '{}',
      }),
    ).rejects.toMatchObject({ code: 'ValidationError', message: expect.stringContaining("at 'roleName'") });
    await expect(t.plane.endpoint.call('ec2', 'DescribeVpcs', { VpcId: ['vpc-1'] })).rejects.toThrow(
      /has no member VpcId/,
    );
  });
});
