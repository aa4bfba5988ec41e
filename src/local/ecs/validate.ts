/**
 * Type checking of ECS input against the service model (shapes.ts), before any handler runs.
 * Like the service: a JSON value of the wrong type is a SerializationException; a missing required
 * member, a value outside an enum or a list/string outside its model bounds is an
 * InvalidParameterException. Unknown members are dropped and `null` members count as absent, so
 * handlers only ever see well-typed input.
 */
import { dict, own, setOwn } from '../common/safe-object';
import { AwsError } from '../protocol/errors';
import { inputShapeOf, shapes } from './shapes';

export type Shape =
  | { t: 'structure'; members: Record<string, string>; required?: string[] }
  | { t: 'list'; member: string; min?: number; max?: number }
  | { t: 'map'; key: string; value: string }
  | { t: 'string'; enum?: string[]; min?: number; max?: number }
  | { t: 'integer' | 'long' | 'double' | 'boolean' | 'timestamp' };

const serialization = (message: string) => new AwsError('SerializationException', message, 400);
const invalid = (message: string) => new AwsError('InvalidParameterException', message, 400);

/** How the service names a JSON value it did not expect. */
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

function check(value: unknown, shapeName: string, path: string): unknown {
  const shape = own(shapes, shapeName);
  if (!shape) throw new Error(`ECS model has no shape ${shapeName}`);
  switch (shape.t) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw mismatch(value, 'a Structure');
      const input = value as Record<string, unknown>;
      const out = dict<unknown>();
      for (const [member, memberShape] of Object.entries(shape.members)) {
        const v = own(input, member);
        if (v === undefined || v === null) continue;
        out[member] = check(v, memberShape, path ? `${path}.${member}` : member);
      }
      for (const member of shape.required ?? []) {
        if (out[member] === undefined) {
          throw invalid(`${path ? `${path}.${member}` : member} can not be null or empty.`);
        }
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) throw mismatch(value, 'a List');
      if (shape.min !== undefined && value.length < shape.min) {
        throw invalid(`${path} must contain at least ${shape.min} item(s).`);
      }
      if (shape.max !== undefined && value.length > shape.max) {
        throw invalid(`${path} must contain at most ${shape.max} item(s).`);
      }
      return value.map((item, i) => {
        if (item === null) throw serialization(`Null value found in list ${path}.`);
        return check(item, shape.member, `${path}[${i}]`);
      });
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw mismatch(value, 'a Map');
      // A plain object (handlers keep it as the user's map); keys are set with setOwn, so a key such
      // as "__proto__" stays a plain key.
      // eslint-disable-next-line no-restricted-syntax
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === null || v === undefined) continue;
        check(k, shape.key, `${path} key`);
        setOwn(out, k, check(v, shape.value, `${path}.${k}`));
      }
      return out;
    }
    case 'string': {
      if (typeof value !== 'string') throw mismatch(value, 'a String');
      if (shape.enum && !shape.enum.includes(value)) {
        throw invalid(
          `Invalid value '${truncate(value)}' for ${path}. Valid values: ${shape.enum.join(', ')}.`,
        );
      }
      if (shape.min !== undefined && value.length < shape.min) {
        throw invalid(`${path} must be at least ${shape.min} character(s) long.`);
      }
      if (shape.max !== undefined && value.length > shape.max) {
        throw invalid(`${path} must be at most ${shape.max} character(s) long.`);
      }
      return value;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number') throw mismatch(value, shape.t === 'long' ? 'a Long' : 'an Integer');
      const bounds =
        shape.t === 'integer' ? INT32 : { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
      if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
        throw serialization(
          `NUMBER_VALUE ${value} can not be converted to ${shape.t === 'long' ? 'a Long' : 'an Integer'}`,
        );
      }
      return value;
    }
    case 'double': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw mismatch(value, 'a Double');
      return value;
    }
    case 'boolean': {
      if (typeof value !== 'boolean') throw mismatch(value, 'a Boolean');
      return value;
    }
    case 'timestamp': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw mismatch(value, 'a Timestamp');
      return value;
    }
  }
}

const truncate = (s: string, n = 64) => (s.length > n ? `${s.slice(0, n)}...` : s);

/** Checks `input` against the action's input shape; returns a copy with only modelled, non-null members. */
export function validateInput(action: string, input: unknown): Record<string, unknown> {
  const shapeName = own(inputShapeOf, action);
  if (!shapeName) throw new Error(`ECS model has no input for ${action}`);
  return check(input ?? {}, shapeName, '') as Record<string, unknown>;
}
