/**
 * Intrinsic functions (Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::If, ...) and conditions, evaluated
 * against resolved parameters, pseudo parameters and the attributes of resources already created.
 * Pure: resource values and exports come in through the context.
 */
import { dict, hasOwn, own, setOwn } from '../../common/safe-object';
import { formatError, validationError } from './parse';
import type { ParameterValue, Template, TemplateValue } from './types';

/** `Ref: AWS::NoValue`: removes the property (or list element) that holds it. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export type Evaluated =
  string | number | boolean | null | typeof NO_VALUE | Evaluated[] | { [key: string]: Evaluated };
/** An evaluated value with every NO_VALUE removed. */
export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

export interface PseudoParameters {
  region: string;
  accountId: string;
  stackName: string;
  stackId: string;
  notificationArns: string[];
}

export const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
] as const;

export interface EvalContext {
  parameters: Record<string, ParameterValue>;
  pseudo: PseudoParameters;
  mappings: Template['Mappings'];
  /** Condition values (already evaluated; see evaluateConditions). */
  conditions: Record<string, boolean>;
  /** Ref of a resource: its physical id. Throws when the resource does not exist in this stack. */
  resourceRef(logicalId: string): string;
  /** Fn::GetAtt of a resource. */
  resourceAttribute(logicalId: string, attribute: string): Plain;
  /** Fn::ImportValue: the value another stack exported under `name`. */
  importValue(name: string): string;
  /** Fn::GetAZs for a region. */
  availabilityZones(region: string): string[];
}

export const FUNCTIONS = new Set([
  'Ref',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::GetAZs',
  'Fn::If',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::FindInMap',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::ImportValue',
]);

export const unsupportedFunction = (name: string) =>
  validationError(
    `Template error: encountered unsupported function: ${name} Supported functions are: [${[...FUNCTIONS].join(', ')}]`,
  );

/** `{Ref: x}`, `{'Fn::Sub': ...}` (and `{Condition: x}` inside conditions): the function name, else null. */
export function functionName(value: TemplateValue | Evaluated, inCondition = false): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  if (keys.length !== 1) return null;
  const key = keys[0] as string;
  if (key === 'Ref' || key.startsWith('Fn::')) return key;
  if (inCondition && key === 'Condition' && typeof (value as Record<string, unknown>).Condition === 'string')
    return key;
  return null;
}

const describe = (v: unknown): string => (typeof v === 'object' ? JSON.stringify(v) : String(v));

function asString(v: Evaluated, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw validationError(`Template error: ${where} must resolve to a string, got ${describe(v)}`);
}

function asList(v: Evaluated, where: string): Evaluated[] {
  if (Array.isArray(v)) return v;
  throw validationError(`Template error: ${where} must resolve to a list, got ${describe(v)}`);
}

function args(v: TemplateValue, fn: string, count: number | [number, number]): TemplateValue[] {
  const [min, max] = typeof count === 'number' ? [count, count] : count;
  if (!Array.isArray(v) || v.length < min || v.length > max) {
    throw validationError(
      `Template error: ${fn} needs ${min === max ? min : `${min} to ${max}`} arguments in a list`,
    );
  }
  return v;
}

/** `${Name}`, `${Res.Attr}` and `${!Literal}` parts of a Fn::Sub string. */
export function subVariables(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    const name = (m[1] as string).trim();
    if (!name.startsWith('!')) out.push(name);
  }
  return out;
}

export function pseudoValue(name: string, p: PseudoParameters): Evaluated {
  switch (name) {
    case 'AWS::Region':
      return p.region;
    case 'AWS::AccountId':
      return p.accountId;
    case 'AWS::StackName':
      return p.stackName;
    case 'AWS::StackId':
      return p.stackId;
    case 'AWS::Partition':
      return partitionOf(p.region);
    case 'AWS::URLSuffix':
      return p.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    case 'AWS::NotificationARNs':
      return [...p.notificationArns];
    case 'AWS::NoValue':
      return NO_VALUE;
  }
  throw formatError(`Unresolved resource dependencies [${name}] in the Resources block of the template`);
}

export const partitionOf = (region: string): string =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';

function ref(name: string, ctx: EvalContext): Evaluated {
  if (name.startsWith('AWS::')) return pseudoValue(name, ctx.pseudo);
  const param = own(ctx.parameters, name);
  if (param !== undefined) return Array.isArray(param) ? [...param] : param;
  return ctx.resourceRef(name);
}

/** Evaluates a template value. NO_VALUE is dropped from objects and lists but returned at the top. */
export function evaluate(value: TemplateValue, ctx: EvalContext, inCondition = false): Evaluated {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    return value.map((v) => evaluate(v, ctx, inCondition)).filter((v) => v !== NO_VALUE);
  }
  const fn = functionName(value, inCondition);
  if (fn === null) {
    const out = dict<Evaluated>();
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('Fn::')) throw unsupportedFunction(k);
      const e = evaluate(v, ctx, inCondition);
      // A property named `__proto__` stays a property (an assignment would replace the prototype).
      if (e !== NO_VALUE) setOwn(out, k, e);
    }
    return out;
  }
  return call(fn, value[fn] as TemplateValue, ctx, inCondition);
}

function call(fn: string, arg: TemplateValue, ctx: EvalContext, inCondition: boolean): Evaluated {
  const ev = (v: TemplateValue) => evaluate(v, ctx, inCondition);
  switch (fn) {
    case 'Ref': {
      if (typeof arg !== 'string')
        throw validationError('Template error: every Ref object must have a single String value.');
      return ref(arg, ctx);
    }
    case 'Condition': {
      const name = arg as string;
      const c = own(ctx.conditions, name);
      if (c === undefined)
        throw formatError(
          `Unresolved condition dependencies [${name}] in the Conditions block of the template`,
        );
      return c;
    }
    case 'Fn::GetAtt': {
      const [res, attr] = args(arg, fn, 2);
      if (typeof res !== 'string')
        throw validationError('Template error: every Fn::GetAtt object requires two non-empty parameters');
      return ctx.resourceAttribute(res, asString(ev(attr as TemplateValue), 'Fn::GetAtt attribute'));
    }
    case 'Fn::Sub':
      return sub(arg, ctx, inCondition);
    case 'Fn::Join': {
      const [delim, list] = args(arg, fn, 2);
      const items = asList(ev(list as TemplateValue), 'Fn::Join list');
      return items
        .map((i) => asString(i, 'every Fn::Join list element'))
        .join(asString(ev(delim as TemplateValue), 'Fn::Join delimiter'));
    }
    case 'Fn::Select': {
      const [index, list] = args(arg, fn, 2);
      const i = Number(asString(ev(index as TemplateValue), 'Fn::Select index'));
      const items = asList(ev(list as TemplateValue), 'Fn::Select list');
      if (!Number.isInteger(i) || i < 0 || i >= items.length) {
        throw validationError(`Template error: Fn::Select cannot select nonexistent value at index ${i}`);
      }
      return items[i] as Evaluated;
    }
    case 'Fn::Split': {
      const [delim, text] = args(arg, fn, 2);
      return asString(ev(text as TemplateValue), 'Fn::Split source').split(
        asString(ev(delim as TemplateValue), 'Fn::Split delimiter'),
      );
    }
    case 'Fn::GetAZs': {
      const region = asString(ev(arg), 'Fn::GetAZs region');
      return ctx.availabilityZones(region === '' ? ctx.pseudo.region : region);
    }
    case 'Fn::If': {
      const [cond, whenTrue, whenFalse] = args(arg, fn, 3);
      if (typeof cond !== 'string')
        throw validationError('Template error: Fn::If requires a condition name as its first argument');
      const c = own(ctx.conditions, cond);
      if (c === undefined)
        throw formatError(
          `Unresolved condition dependencies [${cond}] in the Resources block of the template`,
        );
      return ev((c ? whenTrue : whenFalse) as TemplateValue);
    }
    case 'Fn::Equals': {
      const [a, b] = args(arg, fn, 2);
      return plainText(ev(a as TemplateValue)) === plainText(ev(b as TemplateValue));
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const list = args(arg, fn, [2, 10]).map((c) => asBoolean(evaluate(c, ctx, true), fn));
      return fn === 'Fn::And' ? list.every(Boolean) : list.some(Boolean);
    }
    case 'Fn::Not': {
      const [c] = args(arg, fn, 1);
      return !asBoolean(evaluate(c as TemplateValue, ctx, true), fn);
    }
    case 'Fn::FindInMap': {
      const parts = args(arg, fn, [3, 4]);
      const [map, top, second] = parts.slice(0, 3).map((p) => asString(ev(p), 'Fn::FindInMap key'));
      const found = own(own(own(ctx.mappings, map as string), top as string), second as string);
      if (found === undefined) {
        const fallback = parts[3];
        if (
          fallback &&
          typeof fallback === 'object' &&
          !Array.isArray(fallback) &&
          hasOwn(fallback, 'DefaultValue')
        ) {
          return ev(fallback.DefaultValue as TemplateValue);
        }
        throw validationError(`Template error: Unable to get mapping for ${map}::${top}::${second}`);
      }
      return ev(found);
    }
    case 'Fn::Base64':
      return Buffer.from(asString(ev(arg), 'Fn::Base64 value'), 'utf8').toString('base64');
    case 'Fn::Cidr': {
      const [block, count, bits] = args(arg, fn, [2, 3]).map((p) => asString(ev(p), 'Fn::Cidr argument'));
      return cidr(block as string, Number(count), Number(bits ?? 8));
    }
    case 'Fn::ImportValue':
      return ctx.importValue(asString(ev(arg), 'Fn::ImportValue name'));
  }
  throw unsupportedFunction(fn);
}

function asBoolean(v: Evaluated, fn: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw validationError(`Template error: every ${fn} member must be a condition`);
}

function plainText(v: Evaluated): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

function sub(arg: TemplateValue, ctx: EvalContext, inCondition: boolean): string {
  let text: TemplateValue;
  const vars: Record<string, Evaluated> = dict();
  if (typeof arg === 'string') {
    text = arg;
  } else {
    const [t, map] = args(arg, 'Fn::Sub', 2);
    text = t as TemplateValue;
    if (map === null || typeof map !== 'object' || Array.isArray(map)) {
      throw validationError('Template error: the second argument of Fn::Sub must be a map of variables');
    }
    for (const [k, v] of Object.entries(map)) setOwn(vars, k, evaluate(v, ctx, inCondition));
  }
  if (typeof text !== 'string')
    throw validationError('Template error: the first argument of Fn::Sub must be a string');
  return text.replace(/\$\{([^}]*)\}/g, (_m, raw: string) => {
    const name = raw.trim();
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    let v: Evaluated;
    if (hasOwn(vars, name)) v = vars[name] as Evaluated;
    else if (name.includes('.') && !name.startsWith('AWS::')) {
      const dot = name.indexOf('.');
      v = ctx.resourceAttribute(name.slice(0, dot), name.slice(dot + 1));
    } else v = ref(name, ctx);
    if (Array.isArray(v) && name === 'AWS::NotificationARNs') return v.join(',');
    return asString(v, `variable ${name} in Fn::Sub expression`);
  });
}

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw validationError(`Template error: Fn::Cidr: invalid IP address ${ip}`);
  }
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

const intToIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/** Fn::Cidr for IPv4: `count` consecutive subnets with `bits` host bits each, from the block's start. */
export function cidr(block: string, count: number, bits: number): string[] {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(block);
  if (!m)
    throw validationError(`Template error: Fn::Cidr: invalid CIDR block ${block} (only IPv4 is supported)`);
  const prefix = Number(m[2]);
  const subnetPrefix = 32 - bits;
  if (!Number.isInteger(count) || count < 1 || count > 256)
    throw validationError('Template error: Fn::Cidr count must be 1-256');
  if (!Number.isInteger(bits) || subnetPrefix < prefix || subnetPrefix > 32) {
    throw validationError(`Template error: Fn::Cidr cidrBits ${bits} does not fit in ${block}`);
  }
  const size = 2 ** bits;
  const base = ipToInt(m[1] as string) - (ipToInt(m[1] as string) % 2 ** (32 - prefix));
  if (count * size > 2 ** (32 - prefix)) {
    throw validationError(
      `Template error: Fn::Cidr: ${block} cannot hold ${count} subnets of /${subnetPrefix}`,
    );
  }
  return Array.from({ length: count }, (_, i) => `${intToIp(base + i * size)}/${subnetPrefix}`);
}

/** The conditions a condition's definition names (`{Condition: X}`, and Fn::If's first argument). */
function conditionsNamedBy(value: TemplateValue, out: Set<string>): Set<string> {
  if (value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    for (const v of value) conditionsNamedBy(v, out);
    return out;
  }
  const fn = functionName(value, true);
  if (fn === 'Condition') out.add(value.Condition as string);
  const ifArgs = fn === 'Fn::If' ? value['Fn::If'] : undefined;
  if (Array.isArray(ifArgs) && typeof ifArgs[0] === 'string') out.add(ifArgs[0]);
  for (const v of Object.values(value)) conditionsNamedBy(v, out);
  return out;
}

/**
 * Evaluates every condition. Conditions may name each other: they are evaluated in dependency order
 * (so a long chain never becomes deep recursion), and a cycle is an error.
 */
export function evaluateConditions(
  template: Template,
  ctx: Omit<EvalContext, 'conditions'>,
): Record<string, boolean> {
  const names = Object.keys(template.Conditions);
  const waitingOn = new Map<string, Set<string>>();
  const namedBy = new Map<string, string[]>();
  for (const name of names) {
    const deps = conditionsNamedBy(own(template.Conditions, name) as TemplateValue, new Set());
    for (const d of [...deps]) if (!hasOwn(template.Conditions, d)) deps.delete(d);
    waitingOn.set(name, deps);
    for (const d of deps) namedBy.set(d, [...(namedBy.get(d) ?? []), name]);
  }
  const ready = names.filter((n) => waitingOn.get(n)?.size === 0);
  const result = dict<boolean>();
  while (ready.length) {
    const name = ready.shift() as string;
    const v = evaluate(own(template.Conditions, name) as TemplateValue, { ...ctx, conditions: result }, true);
    if (typeof v !== 'boolean')
      throw formatError(`Condition ${name} must resolve to a boolean (use Fn::Equals, Fn::And, ...)`);
    setOwn(result, name, v);
    for (const next of namedBy.get(name) ?? []) {
      const deps = waitingOn.get(next) as Set<string>;
      deps.delete(name);
      if (deps.size === 0) ready.push(next);
    }
  }
  const cyclic = names.filter((n) => !hasOwn(result, n));
  if (cyclic.length) throw formatError(`Circular dependency between conditions: [${cyclic.join(', ')}]`);
  return result;
}

/** Drops NO_VALUE at the top level (a property set to AWS::NoValue is absent). */
export function toPlain(v: Evaluated): Plain | undefined {
  return v === NO_VALUE ? undefined : (v as Plain);
}
