/**
 * Malformed input never becomes a 5xx: every action of EC2, Auto Scaling, ELB (v2 and classic) and
 * IAM, fed random structured query input (prototype names among the keys, the values and the actions),
 * either succeeds or throws an AwsError with a 4xx status. The same classes over HTTP: protocol/wire-fuzz.test.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { structuredInput } from '../../testing/fuzz-input';
import { PROTOTYPE_NAMES } from '../common/safe-object';
import { isAwsError } from '../protocol/errors';
import type { ServiceId } from '../protocol/types';
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
    // Definitions built only to list action names; the calls go through the running plane.
    const actions: [ServiceId, string][] = [
      createEc2Service(plane.deps),
      createAutoScalingService(plane.deps),
      createElbV2Service(plane.deps),
      createElbClassicService(plane.deps),
      createIamService(plane.deps),
    ].flatMap((def) =>
      [...Object.keys(def.actions), ...PROTOTYPE_NAMES].map((action): [ServiceId, string] => [
        def.id,
        action,
      ]),
    );
    expect(actions.length).toBeGreaterThan(100);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...actions), input, async ([service, action], params) => {
        try {
          await plane.endpoint.call(service, action, params);
        } catch (e) {
          if (!isAwsError(e)) throw new Error(`${service}:${action} failed internally`, { cause: e });
          expect(e.status, `${service}:${action} ${e.code}`).toBeLessThan(500);
        }
      }),
      { numRuns: 2500 },
    );
  });
});
