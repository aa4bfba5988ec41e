/**
 * Malformed input never becomes a 5xx: every action of EC2, Auto Scaling, ELB (v2 and classic) and
 * IAM, fed random query parameters over the wire (random structures flattened the awsQuery way,
 * `A.member.1.B`, the ec2 way, `A.1.B`, or as plain keys; prototype names among the keys, the values
 * and the actions), either succeeds or answers a 4xx. More classes over HTTP: protocol/wire-fuzz.test.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { structuredInput } from '../../testing/fuzz-input';
import { PROTOTYPE_NAMES } from '../common/safe-object';
import type { ServiceDefinition } from '../protocol/types';
import { LocalControlPlane } from '../index';
import { createAutoScalingService } from '../autoscaling/provider';
import { createElbClassicService, createElbV2Service } from '../elb/provider';
import { createIamService } from '../iam/provider';
import { createEc2Service } from './provider';

const KEYS = [
  'InstanceId',
  'MinCount',
  'MaxCount',
  'ImageId',
  'InstanceType',
  'SubnetId',
  'VpcId',
  'GroupId',
  'GroupName',
  'CidrBlock',
  'Filter',
  'Name',
  'Value',
  'Tag',
  'Key',
  'IpPermissions',
  'FromPort',
  'ToPort',
  'IpProtocol',
  'LaunchTemplate',
  'LaunchTemplateName',
  'KeyName',
  'UserData',
  'AutoScalingGroupName',
  'LaunchConfigurationName',
  'MinSize',
  'MaxSize',
  'DesiredCapacity',
  'VPCZoneIdentifier',
  'Tags',
  'LoadBalancerArn',
  'TargetGroupArn',
  'Targets',
  'Id',
  'Port',
  'Protocol',
  'DefaultActions',
  'Type',
  'Subnets',
  'Listeners',
  'LoadBalancerName',
  'LoadBalancerPort',
  'InstancePort',
  'HealthCheck',
  'Target',
  'Interval',
  'RoleName',
  'PolicyArn',
  'AssumeRolePolicyDocument',
  'PolicyDocument',
  'InstanceProfileName',
  'MaxResults',
  'NextToken',
  'MaxItems',
  // Names every plain object answers for: never a member, never a way into a prototype.
  ...PROTOTYPE_NAMES,
];

const scalar = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '1',
    '-1',
    '99999999999',
    'true',
    'abc',
    'i-0123456789abcdef0',
    'ami-0a7a1e5e0c5c0ffee',
    '{}',
    'HTTP:80/',
    'arn:aws:x',
    '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b',
    ...PROTOTYPE_NAMES,
  ),
  fc.string({ maxLength: 12 }),
);
const input = structuredInput(KEYS, scalar);

/** A random structure as query parameters, lists numbered the awsQuery way, the ec2 way, or both. */
function flatten(value: unknown, prefix: string, style: 'query' | 'ec2', out: [string, string][]): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push([prefix, '']);
    value.forEach((v, i) =>
      flatten(v, style === 'query' ? `${prefix}.member.${i + 1}` : `${prefix}.${i + 1}`, style, out),
    );
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, style, out);
  } else {
    out.push([prefix, String(value)]);
  }
}

let plane: LocalControlPlane;
beforeAll(async () => {
  plane = new LocalControlPlane({ statePath: null, instanceBootMs: 20, taskStepMs: 20 });
  await plane.start();
});
afterAll(async () => {
  await plane.stop();
});

describe('random input', () => {
  it('gets AWS client errors, never an internal failure', async () => {
    // Definitions built only to list action names and wire metadata; the requests go to the running plane.
    const actions: [ServiceDefinition, string][] = [
      createEc2Service(plane.deps),
      createAutoScalingService(plane.deps),
      createElbV2Service(plane.deps),
      createElbClassicService(plane.deps),
      createIamService(plane.deps),
    ].flatMap((def) =>
      [...Object.keys(def.actions), ...PROTOTYPE_NAMES].map((action): [ServiceDefinition, string] => [
        def,
        action,
      ]),
    );
    expect(actions.length).toBeGreaterThan(100);
    const style = fc.constantFrom('query' as const, 'ec2' as const);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...actions), input, style, async ([def, action], params, how) => {
        const pairs: [string, string][] = [];
        flatten(params, '', how, pairs);
        const meta = def.model.metadata;
        const body = new URLSearchParams([['Action', action], ['Version', meta.apiVersion], ...pairs]);
        const res = await plane.endpoint.dispatch(
          'POST',
          '/',
          {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${meta.signingName}/aws4_request, SignedHeaders=host, Signature=0`,
          },
          Buffer.from(body.toString()),
        );
        expect(res.status, `${def.id}:${action} ${res.body}`).toBeLessThan(500);
        if (res.status >= 400) expect(res.body).toMatch(/<Code>[A-Za-z.]+<\/Code>/);
      }),
      { numRuns: 2500 },
    );
  });
});
