import { describe, expect, it } from 'vitest';
import { JsonBytes, jsonBody, keepJson } from './json-body';

const text = (body: string | Buffer[]): string =>
  typeof body === 'string' ? body : Buffer.concat(body).toString('utf8');

const frozen = <T>(doc: T): T => {
  if (doc !== null && typeof doc === 'object') {
    for (const v of Object.values(doc)) frozen(v);
    Object.freeze(doc);
  }
  return doc;
};

describe('jsonBody', () => {
  it('is JSON.stringify when no document is kept', () => {
    const result = { tasks: [{ a: 1 }], failures: [], nextToken: undefined };
    expect(jsonBody(result)).toBe(JSON.stringify(result));
  });

  it('splices kept documents in, byte for byte what JSON.stringify writes', () => {
    const kept = keepJson(frozen({ taskArn: 'arn:é', n: 2, list: [1, { x: null }] }));
    const other = { taskArn: 'not kept' };
    const result = {
      tasks: [kept, other, kept],
      failures: [{ arn: 'x', reason: 'MISSING' }],
      skipped: undefined,
      count: 3,
      empty: [],
      holes: [undefined, kept],
    };
    const body = jsonBody(result);
    expect(typeof body).not.toBe('string');
    expect(text(body)).toBe(JSON.stringify(result));
  });

  it('splices a kept document that is a member of the result itself (StopTask: { task })', () => {
    const kept = keepJson(frozen({ taskArn: 'arn:é', version: 3, containers: [{ name: 'app' }] }));
    const stored = new JsonBytes(Buffer.from('{"taskArn":"b"}'));
    const result = { task: kept, other: stored, skipped: undefined, n: 1, failures: [] };
    const body = jsonBody(result);
    expect(typeof body).not.toBe('string');
    expect(text(body)).toBe(JSON.stringify(result));
    expect(text(jsonBody({ task: kept }))).toBe(`{"task":${JSON.stringify(kept)}}`);
  });

  it('uses the bytes given to keepJson, in pieces', () => {
    const doc = keepJson(frozen({ b: 2, a: 1 }), [Buffer.from('{"a":1'), Buffer.from(',"b":2}')]);
    const body = text(jsonBody({ items: [doc] }));
    expect(body).toBe('{"items":[{"a":1,"b":2}]}');
    expect(JSON.parse(body)).toEqual({ items: [doc] });
  });

  it('keeps nothing for a document that can still change', () => {
    const doc = keepJson({ a: 1 });
    doc.a = 2;
    expect(jsonBody({ items: [doc] })).toBe('{"items":[{"a":2}]}');
  });

  it('keeps the first bytes of a document', () => {
    const doc = frozen({ a: 1 });
    keepJson(doc);
    keepJson(doc, Buffer.from('{"a":"other"}'));
    expect(text(jsonBody({ items: [doc] }))).toBe('{"items":[{"a":1}]}');
  });
});
