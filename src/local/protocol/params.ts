/**
 * Reading structured query input (all scalars are strings, lists are arrays). Shared by the query
 * providers in ec2/, autoscaling/, elb/ and iam/; each passes its own error for bad values.
 */
import type { AwsError } from './errors';

export type Params = Record<string, unknown>;
export type Invalid = (message: string) => AwsError;

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function obj(v: unknown): Params {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Params) : {};
}

export function strList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function objList(v: unknown): Params[] {
  return Array.isArray(v) ? v.filter((x) => x && typeof x === 'object' && !Array.isArray(x)).map(obj) : [];
}

export function int(v: unknown, name: string, invalid: Invalid): number | undefined {
  if (v === undefined || v === '') return undefined;
  const s = String(v);
  if (!/^-?\d+$/.test(s)) throw invalid(`Invalid value '${s}' for ${name}: must be an integer`);
  return Number(s);
}

export function bool(v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  return String(v).toLowerCase() === 'true';
}

/** `{Key, Value}` lists (tags) in input order. */
export function keyValues(v: unknown): { key: string; value: string }[] {
  return objList(v)
    .map((t) => ({ key: str(t.Key) ?? '', value: str(t.Value) ?? '' }))
    .filter((t) => t.key !== '');
}

/** EC2 filter values accept `*` and `?` wildcards. */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === value;
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}
