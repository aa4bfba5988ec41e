import { describe, expect, it } from 'vitest';
import { physicalName, stackArn } from './naming';

describe('physical names', () => {
  it('is StackName-LogicalId-RANDOM13 when it fits', () => {
    expect(physicalName('web', 'Cluster', 255)).toMatch(/^web-Cluster-[A-Z0-9]{13}$/);
  });
  it('trims the stack name and logical id to fit a limit, the stack name getting the larger part', () => {
    const name = physicalName('EC2ContainerService-default', 'EcsElasticLoadBalancer', 32);
    expect(name).toMatch(/^EC2Contai-EcsElast-[A-Z0-9]{13}$/);
    expect(name).toHaveLength(32);
    expect(physicalName('EC2ContainerService-default', 'Lb', 32)).toMatch(
      /^EC2ContainerSer-Lb-[A-Z0-9]{13}$/,
    );
    expect(physicalName('s', 'AVeryLongLogicalIdIndeed', 32)).toMatch(/^s-AVeryLongLogical-[A-Z0-9]{13}$/);
    const role = physicalName('EC2ContainerService-default', 'EcsInstanceRole', 64);
    expect(role.length).toBeLessThanOrEqual(64);
  });
  it('makes stack ARNs', () => {
    expect(stackArn('eu-west-1', '123456789012', 'web', 'u-u-i-d')).toBe(
      'arn:aws:cloudformation:eu-west-1:123456789012:stack/web/u-u-i-d',
    );
  });
});
