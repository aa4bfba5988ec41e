/**
 * What CloudFormation checks against the account before it accepts a stack: AWS-specific parameter
 * values must name existing resources (key pairs, VPCs, subnets, security groups, instances),
 * literal Fn::ImportValue names must be exported, and export names must be unique in the template.
 */
import { own } from '../common/safe-object';
import { isAwsError } from '../protocol/errors';
import type { ServiceCaller } from '../protocol/types';
import type { CfnStore } from './model';
import { evaluate, functionName, toPlain, type EvalContext } from './template/intrinsics';
import type { ResolvedParameter } from './template/parameters';
import { formatError, validationError } from './template/parse';
import type { Template, TemplateValue } from './template/types';

/** Parameter type (without `List<>`) -> the EC2 describe call that finds one value. */
const LOOKUPS: Record<string, { action: string; input: (v: string) => unknown; notFound: string[] }> = {
  'AWS::EC2::KeyPair::KeyName': {
    action: 'DescribeKeyPairs',
    input: (v) => ({ KeyNames: [v] }),
    notFound: ['InvalidKeyPair.NotFound'],
  },
  'AWS::EC2::VPC::Id': {
    action: 'DescribeVpcs',
    input: (v) => ({ VpcIds: [v] }),
    notFound: ['InvalidVpcID.NotFound', 'InvalidVpcID.Malformed'],
  },
  'AWS::EC2::Subnet::Id': {
    action: 'DescribeSubnets',
    input: (v) => ({ SubnetIds: [v] }),
    notFound: ['InvalidSubnetID.NotFound', 'InvalidSubnetID.Malformed'],
  },
  'AWS::EC2::SecurityGroup::Id': {
    action: 'DescribeSecurityGroups',
    input: (v) => ({ GroupIds: [v] }),
    notFound: ['InvalidGroup.NotFound', 'InvalidGroupId.Malformed'],
  },
  'AWS::EC2::Instance::Id': {
    action: 'DescribeInstances',
    input: (v) => ({ InstanceIds: [v] }),
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
    const lookup = own(LOOKUPS, type);
    const p = own(parameters, name);
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

/**
 * The export names of the outputs that will exist (their Condition holds), evaluated before anything
 * is written: an export name may not depend on resources or imports, and no two outputs may export
 * the same name. `ctx` is the evaluation context of the conditions (parameters, pseudo parameters).
 */
export function checkExportNames(template: Template, ctx: EvalContext): void {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const [key, decl] of Object.entries(template.Outputs)) {
    if (!decl.Export) continue;
    if (decl.Condition !== undefined && own(ctx.conditions, decl.Condition) !== true) continue;
    const malformed = () =>
      formatError(
        `Output ${key} is malformed. The Name field of Export must not depend on any resources, imported values, or Fn::GetAZs.`,
      );
    const name = toPlain(
      evaluate(decl.Export.Name, {
        ...ctx,
        resourceRef: () => {
          throw malformed();
        },
        resourceAttribute: () => {
          throw malformed();
        },
        importValue: () => {
          throw malformed();
        },
        availabilityZones: () => {
          throw malformed();
        },
      }),
    );
    if (typeof name !== 'string' && typeof name !== 'number') continue;
    const text = String(name);
    if (seen.has(text)) duplicates.add(text);
    seen.add(text);
  }
  if (duplicates.size) {
    throw formatError(
      `The Outputs section contains duplicate Export names: [${[...duplicates].join(', ')}]. Specify a unique name for each export.`,
    );
  }
}
