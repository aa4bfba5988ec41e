/** Parameter declarations: types, defaults, constraints, and resolution of the values given to a stack. */
import { RE2JS } from 're2js';
import { dict, hasOwn, own, setOwn } from '../../common/safe-object';
import { formatError, validationError } from './parse';
import type { ParameterDeclaration, ParameterValue, Template, TemplateValue } from './types';

export interface ParameterInput {
  ParameterKey?: string;
  ParameterValue?: string;
  UsePreviousValue?: string | boolean;
}

export interface ResolvedParameter {
  /** The value as given (or the default): what DescribeStacks shows as ParameterValue. */
  value: string;
  /** The value templates see through Ref: a list for list types. */
  resolved: ParameterValue;
  /** For SSM parameter types: the value read from the parameter store (DescribeStacks ResolvedValue). */
  ssmValue?: string;
  noEcho: boolean;
}

const AWS_TYPES = new Set([
  'AWS::EC2::AvailabilityZone::Name',
  'AWS::EC2::Image::Id',
  'AWS::EC2::Instance::Id',
  'AWS::EC2::KeyPair::KeyName',
  'AWS::EC2::SecurityGroup::GroupName',
  'AWS::EC2::SecurityGroup::Id',
  'AWS::EC2::Subnet::Id',
  'AWS::EC2::Volume::Id',
  'AWS::EC2::VPC::Id',
  'AWS::Route53::HostedZone::Id',
  'AWS::SSM::Parameter::Name',
]);

/** Whether `type` is a parameter type CloudFormation accepts. */
export function isKnownParameterType(type: string): boolean {
  if (type === 'String' || type === 'Number' || type === 'CommaDelimitedList' || type === 'List<Number>')
    return true;
  if (AWS_TYPES.has(type)) return true;
  const list = /^List<(.+)>$/.exec(type);
  if (list && AWS_TYPES.has(list[1] as string)) return true;
  const ssm = /^AWS::SSM::Parameter::Value<(.+)>$/.exec(type);
  return (
    ssm !== null &&
    (['String', 'List<String>', 'CommaDelimitedList'].includes(ssm[1] as string) ||
      isKnownParameterType(ssm[1] as string))
  );
}

const isListType = (type: string): boolean =>
  type === 'CommaDelimitedList' ||
  type.startsWith('List<') ||
  /^AWS::SSM::Parameter::Value<(List<.+>|CommaDelimitedList)>$/.test(type);

export const isSsmType = (type: string): boolean => type.startsWith('AWS::SSM::Parameter::Value<');

/** Parameter store lookups for SSM parameter types: name -> value (undefined when there is none). */
export type SsmLookup = (name: string) => string | undefined;

function scalarText(v: TemplateValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map((x) => String(x)).join(',');
  if (typeof v === 'object') return undefined;
  return String(v);
}

const truthy = (v: unknown): boolean => v === true || String(v).toLowerCase() === 'true';

/** Checks every declaration (types, constraint shapes, defaults that violate their own constraints). */
export function checkParameterDeclarations(template: Template): void {
  for (const [name, decl] of Object.entries(template.Parameters)) {
    if (!isKnownParameterType(decl.Type)) throw formatError(`Unrecognized parameter type: ${decl.Type}`);
    if (decl.Default !== undefined && scalarText(decl.Default) === undefined) {
      throw formatError(`[/Parameters/${name}/Default] Default must be a string, number or list.`);
    }
    for (const key of ['MinLength', 'MaxLength', 'MinValue', 'MaxValue'] as const) {
      const v = decl[key];
      if (v !== undefined && !Number.isFinite(Number(v)))
        throw formatError(`[/Parameters/${name}/${key}] must be a number.`);
    }
    if (decl.AllowedPattern !== undefined) allowedPattern(name, decl.AllowedPattern);
  }
}

/**
 * A parameter's AllowedPattern, compiled for RE2: matching takes time linear in the value whatever
 * the pattern (a backtracking engine spends seconds on `(a+)+` against "aaaa...!"). CloudFormation's
 * patterns are Java regular expressions; the features RE2 cannot run in linear time
 * (backreferences, lookaround, possessive quantifiers, atomic groups) are refused as invalid.
 */
function allowedPattern(name: string, pattern: TemplateValue): RE2JS {
  if (pattern === null || typeof pattern === 'object')
    throw formatError(`[/Parameters/${name}/AllowedPattern] AllowedPattern must be a string.`);
  const source = String(pattern);
  const cached = patterns.get(source);
  if (cached) return cached;
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source);
  } catch (e) {
    throw formatError(
      `[/Parameters/${name}/AllowedPattern] is not a valid regular expression or uses a feature that ` +
        `cannot be matched in linear time (backreferences, lookaround): ${(e as Error).message}`,
    );
  }
  if (patterns.size >= 1000) patterns.clear();
  patterns.set(source, compiled);
  return compiled;
}
const patterns = new Map<string, RE2JS>();

/**
 * Resolves the stack's parameter values: given values, previous values (UpdateStack), defaults; then
 * checks types and constraints. Throws ValidationError with CloudFormation's messages.
 */
export function resolveParameters(
  template: Template,
  input: ParameterInput[],
  ssm: SsmLookup,
  previous: Record<string, string> = {},
): Record<string, ResolvedParameter> {
  const declared = template.Parameters;
  const given = new Map<string, string>();
  const unknown: string[] = [];
  for (const p of input) {
    const key = p.ParameterKey ?? '';
    if (!hasOwn(declared, key)) {
      unknown.push(key);
      continue;
    }
    if (truthy(p.UsePreviousValue)) {
      if (p.ParameterValue !== undefined) {
        throw validationError(
          `Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true and non empty value for a parameter`,
        );
      }
      const prev = own(previous, key);
      if (prev === undefined) {
        throw validationError(
          `Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
        );
      }
      given.set(key, prev);
    } else {
      given.set(key, p.ParameterValue ?? '');
    }
  }
  if (unknown.length)
    throw validationError(`Parameters: [${unknown.join(', ')}] do not exist in the template`);

  const missing: string[] = [];
  const out = dict<ResolvedParameter>();
  for (const [name, decl] of Object.entries(declared)) {
    const value = given.get(name) ?? scalarText(decl.Default);
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    setOwn(out, name, resolveOne(name, decl, value, ssm));
  }
  if (missing.length) throw validationError(`Parameters: [${missing.join(', ')}] must have values`);
  return out;
}

function resolveOne(
  name: string,
  decl: ParameterDeclaration,
  value: string,
  ssm: SsmLookup,
): ResolvedParameter {
  const noEcho = truthy(decl.NoEcho);
  let ssmValue: string | undefined;
  let effective = value;
  if (isSsmType(decl.Type)) {
    const found = ssm(value);
    if (found === undefined)
      throw validationError(`Unable to fetch parameters [${value}] from parameter store for this account.`);
    ssmValue = found;
    effective = found;
  }
  const list = isListType(decl.Type);
  const items = list ? (effective === '' ? [] : effective.split(',').map((s) => s.trim())) : [effective];
  const fail = (fallback: string): never => {
    throw validationError(
      decl.ConstraintDescription
        ? `Parameter '${name}' failed to satisfy constraint: ${decl.ConstraintDescription}`
        : fallback,
    );
  };
  const numeric = decl.Type === 'Number' || decl.Type === 'List<Number>';
  for (const item of items) {
    if (numeric && (item.trim() === '' || !Number.isFinite(Number(item)))) {
      throw validationError(`Parameter '${name}' must be a number.`);
    }
    if (decl.AllowedValues && !decl.AllowedValues.map((a) => String(a)).includes(item)) {
      throw validationError(`Parameter '${name}' must be one of AllowedValues`);
    }
    // Like Java's String.matches: the whole value must match.
    if (decl.AllowedPattern !== undefined && !allowedPattern(name, decl.AllowedPattern).matches(item)) {
      fail(`Parameter '${name}' must match pattern ${String(decl.AllowedPattern)}`);
    }
    if (decl.MinLength !== undefined && item.length < Number(decl.MinLength)) {
      fail(`Parameter '${name}' must contain at least ${Number(decl.MinLength)} characters`);
    }
    if (decl.MaxLength !== undefined && item.length > Number(decl.MaxLength)) {
      fail(`Parameter '${name}' must contain at most ${Number(decl.MaxLength)} characters`);
    }
    if (numeric && decl.MinValue !== undefined && Number(item) < Number(decl.MinValue)) {
      fail(`Parameter '${name}' must be a number not less than ${Number(decl.MinValue)}`);
    }
    if (numeric && decl.MaxValue !== undefined && Number(item) > Number(decl.MaxValue)) {
      fail(`Parameter '${name}' must be a number not greater than ${Number(decl.MaxValue)}`);
    }
  }
  return { value, resolved: list ? items : effective, ssmValue, noEcho };
}

/** The SSM parameter names a set of inputs would read (given values, previous values or defaults). */
export function ssmNames(
  template: Template,
  input: ParameterInput[],
  previous: Record<string, string> = {},
): string[] {
  const names = new Set<string>();
  for (const [name, decl] of Object.entries(template.Parameters)) {
    if (!isSsmType(decl.Type)) continue;
    const given = input.find((p) => p.ParameterKey === name);
    const value = given
      ? truthy(given.UsePreviousValue)
        ? own(previous, name)
        : given.ParameterValue
      : scalarText(decl.Default);
    if (value) names.add(value);
  }
  return [...names];
}
