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

/**
 * EC2 filter values accept `*` (any run of characters) and `?` (any one character); a backslash
 * makes the next character literal (`\*amazon\?\\` is the text `*amazon?\`). A hand matcher, not a
 * RegExp: a pattern such as `*a*a*a*...*b` makes a backtracking engine take exponential time, this
 * one at most pattern length x value length steps.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  // Tokens: a literal character, or a wildcard.
  const tokens: { wild?: '*' | '?'; char?: string }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) tokens.push({ char: pattern[++i] as string });
    else if (c === '*' || c === '?') tokens.push({ wild: c });
    else tokens.push({ char: c });
  }
  let t = 0;
  let v = 0;
  let star = -1; // token index of the last `*` seen
  let resume = 0; // value index that `*` would absorb up to, when retried
  while (v < value.length) {
    const token = tokens[t];
    if (token && (token.wild === '?' || token.char === value[v])) {
      t++;
      v++;
    } else if (token?.wild === '*') {
      star = t++;
      resume = v;
    } else if (star >= 0) {
      // The last `*` takes one more character, and matching resumes after it.
      t = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (tokens[t]?.wild === '*') t++;
  return t === tokens.length;
}
