/**
 * smithy-rpc-v2-cbor bodies (CloudWatch's first protocol): CBOR (RFC 8949) read into the input shape
 * and written from the output shape, with cbor-x doing the encoding.
 *
 * Reading is two passes. `scanCbor` walks the bytes with an explicit stack (no recursion): it checks
 * that the body is one well-formed item, nests no deeper than the JSON limit, and carries no tag but
 * 1 (epoch time), the only tag the protocol uses: cbor-x understands others, some of which build
 * objects the sender names (tag 27 calls a global constructor), so they must never reach it. Then
 * cbor-x decodes with maps as `Map`s, and `plainInput` turns the tree into what the validator reads
 * (prototype-free objects, so a key such as `__proto__` stays a plain key; byte strings as base64
 * text; epoch-time tags as `Date`s; integers as numbers).
 */
import { Decoder, Encoder } from 'cbor-x';
import { dict, setOwn } from '../../common/safe-object';
import type { ServiceModel } from './types';

const decoder = new Decoder({ mapsAsObjects: false, useRecords: false, int64AsType: 'number' } as never);
const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false } as never);

export class CborFormatError extends Error {}

/** Checks that `buf` is one well-formed CBOR item, at most `maxDepth` deep, with tag 1 only. */
export function scanCbor(buf: Uint8Array, maxDepth: number): void {
  let pos = 0;
  /** Items still to read per open container; -1 for an indefinite-length one (ends at 0xff). */
  const stack: number[] = [];
  const fail = (why: string): never => {
    throw new CborFormatError(why);
  };
  const need = (n: number) => {
    if (pos + n > buf.length) fail('truncated CBOR body');
  };
  const argument = (info: number): number => {
    if (info < 24) return info;
    const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : fail('bad length');
    need(size);
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + (buf[pos + i] as number);
    pos += size;
    return v;
  };
  /** One item has been read: count it against the innermost definite container. */
  const done = () => {
    while (stack.length) {
      const top = stack.length - 1;
      if (stack[top] === -1) return;
      stack[top] = (stack[top] as number) - 1;
      if ((stack[top] as number) > 0) return;
      stack.pop();
    }
  };
  /** A tag was read: the item it tags follows (and is the one item the tag stands for). */
  let tagged: boolean;
  do {
    tagged = false;
    need(1);
    const head = buf[pos++] as number;
    const major = head >> 5;
    const info = head & 31;
    if (head === 0xff) {
      if (stack[stack.length - 1] !== -1) fail('unexpected break');
      stack.pop();
      done();
      continue;
    }
    if (major === 7) {
      if (info === 31) fail('unexpected break');
      if (info >= 24) argument(info);
      done();
      continue;
    }
    if (major === 6) {
      const tag = argument(info);
      if (tag !== 1) fail(`CBOR tag ${tag} is not accepted`);
      tagged = true;
      continue;
    }
    if (info === 31) {
      if (major < 2) fail('bad indefinite length');
      if (stack.length >= maxDepth) fail('too deep');
      stack.push(-1);
      continue;
    }
    const n = argument(info);
    if (major === 2 || major === 3) {
      need(n);
      pos += n;
      done();
    } else if (major === 4 || major === 5) {
      const count = major === 5 ? n * 2 : n;
      if (count === 0) done();
      else {
        if (stack.length >= maxDepth) fail('too deep');
        if (count > buf.length - pos) fail('truncated CBOR body');
        stack.push(count);
      }
    } else done();
  } while (stack.length || tagged);
  if (pos !== buf.length) fail('trailing bytes after the CBOR body');
}

/** Decodes a body `scanCbor` accepted into plain, prototype-free input. */
export function readCbor(buf: Uint8Array, maxDepth: number): unknown {
  if (buf.length === 0) return dict();
  scanCbor(buf, maxDepth);
  return plainInput(decoder.decode(buf));
}

function plainInput(value: unknown): unknown {
  if (value instanceof Map) {
    const out = dict<unknown>();
    for (const [k, v] of value) {
      if (typeof k !== 'string') throw new CborFormatError('map keys must be text strings');
      setOwn(out, k, plainInput(v));
    }
    return out;
  }
  if (Array.isArray(value)) return value.map(plainInput);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'bigint') return Number(value);
  if (value === undefined) return null;
  return value;
}

/**
 * The output (the handler's object, timestamps as epoch seconds, blobs as base64 text) as CBOR by
 * its shape: timestamps as tag 1 (`Date`), blobs as byte strings, only the shape's members.
 */
export function writeCbor(model: ServiceModel, shapeName: string | undefined, value: unknown): Buffer {
  const out = shapeName === undefined ? {} : toCborValue(model, shapeName, value);
  return Buffer.from(encoder.encode(out ?? {}));
}

/** An error body: `__type` the error's shape id, `message` its text. */
export function writeCborError(type: string, message: string): Buffer {
  return Buffer.from(encoder.encode({ __type: type, message }));
}

function toCborValue(model: ServiceModel, shapeName: string, value: unknown): unknown {
  const shape = model.shapes[shapeName];
  if (value === undefined || value === null || !shape) return undefined;
  switch (shape.type) {
    case 'structure': {
      const out = new Map<string, unknown>();
      const input = value as Record<string, unknown>;
      for (const [name, member] of Object.entries(shape.members)) {
        if (!Object.hasOwn(input, name)) continue;
        const v = toCborValue(model, member.shape, input[name]);
        if (v !== undefined) out.set(name, v);
      }
      return Object.fromEntries(out);
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => toCborValue(model, shape.member, v)) : undefined;
    case 'map':
      // fromEntries defines each key as an own property: a key such as `__proto__` stays a key.
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          toCborValue(model, shape.value, v),
        ]),
      );
    case 'timestamp':
      return typeof value === 'number' ? new Date(value * 1000) : value;
    case 'blob':
      return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
    default:
      return value;
  }
}
