/**
 * What CloudFormation checks against the account before it accepts a stack: AWS-specific parameter
 * values must name existing resources (key pairs, VPCs, subnets, security groups, instances), and
 * literal Fn::ImportValue names must be exported.
 */
import { isAwsError } from '../protocol/errors';
import type { ServiceCaller } from '../protocol/types';
import type { CfnStore } from './model';
import { functionName } from './template/intrinsics';
import type { ResolvedParameter } from './template/parameters';
import { validationError } from './template/parse';
import type { Template, TemplateValue } from './template/types';

/** Parameter type (without `List<>`) -> the EC2 describe call that finds one value. */
const LOOKUPS: Record<string, { action: string; input: (v: string) => unknown; notFound: string[] }> = {
  'AWS::EC2::KeyPair::KeyName': {
    action: 'DescribeKeyPairs',
    input: (v) => ({ KeyName: [v] }),
    notFound: ['InvalidKeyPair.NotFound'],
  },
  'AWS::EC2::VPC::Id': {
    action: 'DescribeVpcs',
    input: (v) => ({ VpcId: [v] }),
    notFound: ['InvalidVpcID.NotFound', 'InvalidVpcID.Malformed'],
  },
  'AWS::EC2::Subnet::Id': {
    action: 'DescribeSubnets',
    input: (v) => ({ SubnetId: [v] }),
    notFound: ['InvalidSubnetID.NotFound', 'InvalidSubnetID.Malformed'],
  },
  'AWS::EC2::SecurityGroup::Id': {
    action: 'DescribeSecurityGroups',
    input: (v) => ({ GroupId: [v] }),
    notFound: ['InvalidGroup.NotFound', 'InvalidGroupId.Malformed'],
  },
  'AWS::EC2::Instance::Id': {
    action: 'DescribeInstances',
    input: (v) => ({ InstanceId: [v] }),
    notFound: ['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed'],
  },
};

export async function checkAwsParameterValues(
  template: Template,
  parameters: Record<string, ResolvedParameter>,
  services: ServiceCaller,
  region: string,
): Promise<void> {
  for (const [name, decl] of Object.entries(template.Parameters)) {
    const type = /^List<(.+)>$/.exec(decl.Type)?.[1] ?? decl.Type;
    const lookup = LOOKUPS[type];
    const p = parameters[name];
    if (!lookup || !p) continue;
    for (const value of Array.isArray(p.resolved) ? p.resolved : [p.resolved]) {
      const missing = () =>
        validationError(
          `Parameter validation failed: parameter value ${value} for parameter name ${name} does not exist. Rollback requested by user.`,
        );
      if (value === '') throw missing();
      try {
        await services.call('ec2', lookup.action, lookup.input(value), { region });
      } catch (e) {
        if (isAwsError(e) && lookup.notFound.includes(e.code)) throw missing();
        throw e;
      }
    }
  }
}

/** Literal `Fn::ImportValue: name` anywhere in resources or outputs must name an export of the region. */
export function checkLiteralImports(template: Template, store: CfnStore, region: string): void {
  const visit = (v: TemplateValue): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(visit);
    if (functionName(v) === 'Fn::ImportValue' && typeof v['Fn::ImportValue'] === 'string') {
      const name = v['Fn::ImportValue'];
      if (!store.exports.has(`${region}|${name}`)) throw validationError(`No export named ${name} found.`);
      return;
    }
    Object.values(v).forEach(visit);
  };
  for (const r of Object.values(template.Resources)) visit(r.Properties ?? {});
  for (const o of Object.values(template.Outputs)) visit(o.Value);
}
