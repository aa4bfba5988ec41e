/**
 * Checking and normalising an action's input against the service model, before any handler runs,
 * for every protocol and for in-process calls alike:
 *
 * - A value of the wrong JSON type is a `SerializationException` (awsJson's words), at once.
 * - Constraint violations (a missing required member, a value outside an enum, a string, list or
 *   map outside its length bounds, a number outside its range, and for query input a value that
 *   does not parse as its type) are collected and turned into one error by the service's
 *   `ValidationStyle` (validation-styles.ts), as each service words them.
 * - The result is a fresh copy holding only modelled members: unknown members are dropped, `null`
 *   counts as absent, timestamps are epoch seconds. Map keys stay plain keys (`__proto__` too).
 *
 * `coerce` converts scalars given as strings (and numbers/booleans given to string members) the way
 * the query reader does: what CloudFormation does with template property values.
 */
import { dict, setOwn } from '../../common/safe-object';
import { AwsError } from '../errors';
import type { Member, ServiceModel, Shape } from './types';

/** Where a value sits in the input: a chain of member names and list indexes. */
export interface PathStep {
  parent: PathStep | null;
  /** Member name (or map key). */
  name?: string;
  /** The member's query/ec2 request key. */
  wire?: string;
  /** 0-based list index. */
  index?: number;
  /** A map key (the path then names the entry). */
  key?: string;
}

export type Violation =
  | { kind: 'missing'; path: PathStep }
  | { kind: 'enum'; path: PathStep; value: string; allowed: string[] }
  | {
      kind: 'length';
      path: PathStep;
      of: 'string' | 'list' | 'map' | 'blob';
      value: unknown;
      bound: 'min' | 'max';
      limit: number;
    }
  | { kind: 'range'; path: PathStep; value: number; bound: 'min' | 'max'; limit: number }
  | { kind: 'type'; path: PathStep; value: string; expected: ScalarType };

export type ScalarType = 'integer' | 'long' | 'double' | 'float' | 'boolean' | 'timestamp';

/** Turns the violations found in one request into the service's error. */
export type ValidationStyle = (violations: Violation[]) => AwsError;

/** How many violations one error reports at most (Coral services list several). */
const MAX_VIOLATIONS = 10;

export interface CheckOptions {
  /** Convert strings to numbers/booleans/timestamps (and scalars to strings) per the model. */
  coerce?: boolean;
  /** Unknown members are a programming error (in-process callers), not dropped. */
  strictMembers?: boolean;
}

const serialization = (message: string) => new AwsError('SerializationException', message, 400);

/** How awsJson names a JSON value it did not expect. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'Start of list';
  if (typeof value === 'object') return 'Start of structure or map';
  if (typeof value === 'string') return 'STRING_VALUE';
  if (typeof value === 'number') return 'NUMBER_VALUE';
  return value ? 'TRUE_VALUE' : 'FALSE_VALUE';
}

function mismatch(value: unknown, target: string): AwsError {
  const kind = jsonKind(value);
  if (kind.startsWith('Start of')) return serialization(`${kind} found where not expected.`);
  return serialization(`${kind} can not be converted to ${target}`);
}

const INT32 = { min: -2147483648, max: 2147483647 };
const ARTICLE: Record<string, string> = {
  integer: 'an Integer',
  long: 'a Long',
  double: 'a Double',
  float: 'a Float',
  boolean: 'a Boolean',
  timestamp: 'a Timestamp',
};

/**
 * A query-string scalar as its model type, or undefined when it does not parse. Timestamps are
 * ISO 8601 or epoch seconds and come back as epoch seconds.
 */
export function parseScalar(type: ScalarType, text: string): number | boolean | undefined {
  switch (type) {
    case 'integer':
    case 'long': {
      if (!/^[+-]?\d{1,20}$/.test(text)) return undefined;
      const n = Number(text);
      const bounds =
        type === 'integer' ? INT32 : { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
      return n >= bounds.min && n <= bounds.max ? n : undefined;
    }
    case 'double':
    case 'float': {
      if (text.trim() === '') return undefined;
      const n = Number(text);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : undefined;
    }
    case 'timestamp': {
      if (/^\d{1,12}(\.\d{1,9})?$/.test(text)) return Number(text);
      if (text.length > 64) return undefined;
      const ms = Date.parse(text);
      return Number.isFinite(ms) ? ms / 1000 : undefined;
    }
  }
}

class Checker {
  readonly violations: Violation[] = [];

  constructor(
    private readonly model: ServiceModel,
    private readonly options: CheckOptions,
  ) {}

  private add(v: Violation): void {
    if (this.violations.length < MAX_VIOLATIONS) this.violations.push(v);
  }

  check(value: unknown, shapeName: string, path: PathStep): unknown {
    const shape = this.model.shapes[shapeName];
    if (!shape) throw new Error(`${this.model.metadata.id} model has no shape ${shapeName}`);
    switch (shape.type) {
      case 'structure':
        return this.structure(value, shape, path);
      case 'list': {
        if (!Array.isArray(value)) throw mismatch(value, 'a List');
        this.count(shape, value.length, 'list', value, path);
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === null || item === undefined)
            throw serialization(`Null value found in list ${describePath(path)}.`);
          out[i] = this.check(item, shape.member, { parent: path, index: i });
        }
        return out;
      }
      case 'map': {
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          throw mismatch(value, 'a Map');
        // A plain object (handlers keep it as the user's map); keys are set with setOwn, so a key such
        // as "__proto__" stays a plain key.
        // eslint-disable-next-line no-restricted-syntax
        const out: Record<string, unknown> = {};
        let size = 0;
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (v === null || v === undefined) continue;
          const step: PathStep = { parent: path, key: k };
          this.check(k, shape.key, step);
          setOwn(out, k, this.check(v, shape.value, step));
          size++;
        }
        this.count(shape, size, 'map', value, path);
        return out;
      }
      case 'string': {
        let s = value;
        if (typeof s !== 'string') {
          if (this.options.coerce && (typeof s === 'number' || typeof s === 'boolean')) s = String(s);
          else throw mismatch(value, 'a String');
        }
        const text = s as string;
        if (shape.enum && !shape.enum.includes(text)) {
          this.add({ kind: 'enum', path, value: text, allowed: shape.enum });
        } else if (shape.min !== undefined && text.length < shape.min) {
          this.add({ kind: 'length', path, of: 'string', value: text, bound: 'min', limit: shape.min });
        } else if (shape.max !== undefined && text.length > shape.max) {
          this.add({ kind: 'length', path, of: 'string', value: text, bound: 'max', limit: shape.max });
        }
        return text;
      }
      case 'integer':
      case 'long':
      case 'double':
      case 'float': {
        const n = this.number(value, shape.type, path);
        if (n === undefined) return undefined;
        if (shape.min !== undefined && n < shape.min) {
          this.add({ kind: 'range', path, value: n, bound: 'min', limit: shape.min });
        } else if (shape.max !== undefined && n > shape.max) {
          this.add({ kind: 'range', path, value: n, bound: 'max', limit: shape.max });
        }
        return n;
      }
      case 'boolean': {
        if (typeof value === 'boolean') return value;
        if (this.options.coerce && typeof value === 'string') return this.parsed(value, 'boolean', path);
        throw mismatch(value, 'a Boolean');
      }
      case 'timestamp': {
        if (typeof value === 'number' && Number.isFinite(value)) return value;
        if (value instanceof Date && Number.isFinite(value.getTime())) return value.getTime() / 1000;
        if (this.options.coerce && typeof value === 'string') return this.parsed(value, 'timestamp', path);
        throw mismatch(value, 'a Timestamp');
      }
      case 'blob': {
        if (typeof value !== 'string') throw mismatch(value, 'a Blob');
        return value;
      }
    }
  }

  private structure(value: unknown, shape: Extract<Shape, { type: 'structure' }>, path: PathStep): unknown {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw mismatch(value, 'a Structure');
    const input = value as Record<string, unknown>;
    const out = dict<unknown>();
    const members = shape.members;
    if (this.options.strictMembers) {
      for (const k of Object.keys(input)) {
        if (!Object.hasOwn(members, k) && input[k] !== undefined) {
          throw new Error(`${this.model.metadata.id}: the input has no member ${k} (${describePath(path)})`);
        }
      }
    }
    for (const name in members) {
      if (!Object.hasOwn(input, name)) continue;
      const v = input[name];
      if (v === undefined || v === null) continue;
      const member = members[name] as Member;
      const checked = this.check(v, member.shape, { parent: path, name, wire: member.wire });
      if (checked !== undefined) out[name] = checked;
    }
    for (const name of shape.required ?? []) {
      if (out[name] === undefined) {
        this.add({ kind: 'missing', path: { parent: path, name, wire: members[name]?.wire } });
      }
    }
    return out;
  }

  private count(
    shape: { min?: number; max?: number },
    size: number,
    of: 'list' | 'map',
    value: unknown,
    path: PathStep,
  ): void {
    if (shape.min !== undefined && size < shape.min) {
      this.add({ kind: 'length', path, of, value, bound: 'min', limit: shape.min });
    } else if (shape.max !== undefined && size > shape.max) {
      this.add({ kind: 'length', path, of, value, bound: 'max', limit: shape.max });
    }
  }

  private number(value: unknown, type: 'integer' | 'long' | 'double' | 'float', path: PathStep) {
    if (typeof value === 'string' && this.options.coerce)
      return this.parsed(value, type, path) as number | undefined;
    if (typeof value !== 'number') throw mismatch(value, ARTICLE[type] as string);
    if (type === 'integer' || type === 'long') {
      const bounds =
        type === 'integer' ? INT32 : { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
      if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
        throw serialization(`NUMBER_VALUE ${value} can not be converted to ${ARTICLE[type]}`);
      }
    } else if (!Number.isFinite(value)) {
      throw mismatch(value, ARTICLE[type] as string);
    }
    return value;
  }

  /** A string where a number, boolean or timestamp belongs (query input, coerced values). */
  parsed(text: string, type: ScalarType, path: PathStep): number | boolean | undefined {
    const v = parseScalar(type, text);
    if (v === undefined) this.add({ kind: 'type', path, value: text, expected: type });
    return v;
  }
}

const ROOT: PathStep = { parent: null };

/** The operation's input shape name, or null when the model has no such operation or no input. */
function inputShape(model: ServiceModel, action: string): string | null {
  if (!Object.hasOwn(model.operations, action))
    throw new Error(`${model.metadata.id} model has no ${action}`);
  return model.operations[action]?.input ?? null;
}

/**
 * Checks `input` (a JSON body, an in-process call's input, or query input already read by
 * query-reader.ts) against the action's input shape; returns the normalised copy, or throws the
 * service's error.
 */
export function checkInput(
  model: ServiceModel,
  action: string,
  input: unknown,
  style: ValidationStyle,
  options: CheckOptions = {},
): Record<string, unknown> {
  const shapeName = inputShape(model, action);
  if (shapeName === null) return {};
  const checker = new Checker(model, options);
  const out = checker.check(input ?? {}, shapeName, ROOT) as Record<string, unknown>;
  if (checker.violations.length) throw style(checker.violations);
  return out;
}

/** For query-reader.ts: a checker whose `parsed` collects type violations. */
export function newChecker(model: ServiceModel): {
  parsed(text: string, type: ScalarType, path: PathStep): number | boolean | undefined;
  violations: Violation[];
} {
  return new Checker(model, {});
}

/** `a.b[0].c` (ECS's way of naming a member in its messages). */
export function describePath(path: PathStep): string {
  const parts: string[] = [];
  for (let p: PathStep | null = path; p && p.parent; p = p.parent) {
    if (p.index !== undefined) parts.push(`[${p.index}]`);
    else if (p.key !== undefined) parts.push(`.${p.key}`);
    else parts.push(`.${p.name ?? ''}`);
  }
  return parts.reverse().join('').replace(/^\./, '');
}
