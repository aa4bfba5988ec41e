/**
 * How each service words a rejected input (`ValidationStyle`, chosen in its ServiceDefinition):
 *
 * - `coralValidation(code)`: the generic AWS wording the query services (CloudFormation, Auto
 *   Scaling, ELB, IAM: `ValidationError`) and CloudWatch Logs (`InvalidParameterException`) use:
 *   "2 validation errors detected: Value null at 'roleName' failed to satisfy constraint: Member
 *   must not be null; Value '…' at 'path' failed to satisfy constraint: Member must have length
 *   less than or equal to 512". Paths use the lower-camel member names, lists as `tags.1.member.key`.
 * - `ecsValidation`: ECS's `InvalidParameterException` sentences ("task can not be null or empty.").
 * - `ec2Validation`: EC2's `MissingParameter` ("The request must contain the parameter ImageId")
 *   and `InvalidParameterValue` ("Value (x) for parameter cidrBlock is invalid. …").
 */
import { AwsError } from '../errors';
import { describePath, type PathStep, type ValidationStyle, type Violation } from './validate';

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const truncate = (s: string, n = 128) => (s.length > n ? `${s.slice(0, n)}...` : s);

function shown(value: unknown): string {
  if (Array.isArray(value))
    return truncate(`[${value.map((v) => (typeof v === 'string' ? v : '…')).join(', ')}]`);
  if (value !== null && typeof value === 'object') return '{…}';
  return truncate(String(value));
}

function steps(path: PathStep): PathStep[] {
  const out: PathStep[] = [];
  for (let p: PathStep | null = path; p && p.parent; p = p.parent) out.push(p);
  return out.reverse();
}

/** `tags.1.member.key` */
function coralPath(path: PathStep): string {
  return steps(path)
    .map((p) =>
      p.index !== undefined
        ? `${p.index + 1}.member`
        : p.key !== undefined
          ? p.key
          : lowerFirst(p.name ?? ''),
    )
    .join('.');
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  long: 'an integer',
  double: 'a number',
  float: 'a number',
  boolean: 'true or false',
  timestamp: 'an ISO 8601 timestamp',
};

function coralConstraint(v: Violation): string {
  switch (v.kind) {
    case 'missing':
      return 'Member must not be null';
    case 'enum':
      return `Member must satisfy enum value set: [${v.allowed.join(', ')}]`;
    case 'length':
      return `Member must have length ${v.bound === 'min' ? 'greater' : 'less'} than or equal to ${v.limit}`;
    case 'range':
      return `Member must have value ${v.bound === 'min' ? 'greater' : 'less'} than or equal to ${v.limit}`;
    case 'type':
      return `Member must be ${TYPE_WORDS[v.expected]}`;
  }
}

export function coralValidation(code: string): ValidationStyle {
  return (violations) => {
    const parts = violations.map((v) => {
      const value = v.kind === 'missing' ? 'null' : `'${shown(v.value)}'`;
      return `Value ${value} at '${coralPath(v.path)}' failed to satisfy constraint: ${coralConstraint(v)}`;
    });
    const n = violations.length;
    return new AwsError(
      code,
      `${n} validation error${n === 1 ? '' : 's'} detected: ${parts.join('; ')}`,
      400,
    );
  };
}

export const ecsValidation: ValidationStyle = (violations) => {
  const v = violations[0] as Violation;
  const path = describePath(v.path);
  const invalid = (message: string) => new AwsError('InvalidParameterException', message, 400);
  switch (v.kind) {
    case 'missing':
      return invalid(`${path} can not be null or empty.`);
    case 'enum':
      return invalid(
        `Invalid value '${truncate(v.value, 64)}' for ${path}. Valid values: ${v.allowed.join(', ')}.`,
      );
    case 'length': {
      const most = v.bound === 'min' ? 'least' : 'most';
      return v.of === 'list' || v.of === 'map'
        ? invalid(`${path} must contain at ${most} ${v.limit} item(s).`)
        : invalid(`${path} must be at ${most} ${v.limit} character(s) long.`);
    }
    case 'range':
      return invalid(
        `${path} must be ${v.bound === 'min' ? 'greater' : 'less'} than or equal to ${v.limit}.`,
      );
    case 'type':
      return invalid(`Invalid value '${truncate(v.value, 64)}' for ${path}.`);
  }
};

/** `Filter.1.Name`: the request keys as the EC2 query protocol sends them. */
function ec2Path(path: PathStep): string {
  return steps(path)
    .map((p) =>
      p.index !== undefined ? String(p.index + 1) : p.key !== undefined ? p.key : (p.wire ?? p.name),
    )
    .join('.');
}

export const ec2Validation: ValidationStyle = (violations) => {
  const v = violations[0] as Violation;
  if (v.kind === 'missing') {
    return new AwsError('MissingParameter', `The request must contain the parameter ${ec2Path(v.path)}`, 400);
  }
  const leaf = steps(v.path)
    .reverse()
    .find((p) => p.name !== undefined);
  const param = lowerFirst(leaf?.wire ?? leaf?.name ?? '');
  const why =
    v.kind === 'enum'
      ? `Valid values: ${v.allowed.length > 20 ? `${v.allowed.slice(0, 20).join(', ')}, …` : v.allowed.join(', ')}.`
      : v.kind === 'length'
        ? `Expecting ${v.bound === 'min' ? 'at least' : 'at most'} ${v.limit} ${v.of === 'string' ? 'characters' : 'items'}.`
        : v.kind === 'range'
          ? `Expecting a value ${v.bound === 'min' ? 'greater' : 'less'} than or equal to ${v.limit}.`
          : `Expecting ${TYPE_WORDS[v.expected]}.`;
  return new AwsError(
    'InvalidParameterValue',
    `Value (${shown(v.value)}) for parameter ${param} is invalid. ${why}`,
    400,
  );
};
