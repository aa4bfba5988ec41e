/**
 * Malformed input never becomes a 5xx: every CloudWatch Logs action, fed random JSON over the wire
 * (wrong types, empty and huge values, bad tokens), either succeeds or answers a 4xx in awsJson's
 * error shape.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { structuredInput } from '../../testing/fuzz-input';
import { LocalControlPlane } from '../index';
import { PROTOTYPE_NAMES } from '../common/safe-object';
import { LOGS } from './model';
import { createLogsService } from './provider';

let plane: LocalControlPlane;

beforeAll(async () => {
  plane = new LocalControlPlane({ statePath: null, instanceBootMs: 20, taskStepMs: 20 });
  await plane.start();
  await plane.endpoint.call(LOGS, 'CreateLogGroup', { logGroupName: '/g' });
  await plane.endpoint.call(LOGS, 'CreateLogStream', { logGroupName: '/g', logStreamName: 's' });
});
afterAll(async () => {
  await plane.stop();
});

const KEYS = [
  'logGroupName',
  'logGroupNamePrefix',
  'logStreamName',
  'logStreamNamePrefix',
  'logStreamNames',
  'logEvents',
  'timestamp',
  'message',
  'nextToken',
  'limit',
  'startFromHead',
  'startTime',
  'endTime',
  'filterPattern',
  'orderBy',
  'descending',
  'retentionInDays',
  'sequenceToken',
  'tags',
  ...PROTOTYPE_NAMES,
];

const scalar = fc.oneof(
  fc.constantFrom('', '/g', 's', 'f/00000001', 'b/00000001', 'LastEventTime', 'LogStreamName', '*', '"'),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e15),
  fc.constantFrom(...PROTOTYPE_NAMES),
);
const input = structuredInput(KEYS, scalar);

describe('random input', () => {
  it('gets AWS client errors, never an internal failure', async () => {
    const actions = [...Object.keys(createLogsService(plane.deps).actions), ...PROTOTYPE_NAMES];
    expect(actions.length).toBeGreaterThan(10);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...actions), input, async (action, params) => {
        const res = await plane.endpoint.dispatch(
          'POST',
          '/',
          {
            'x-amz-target': `Logs_20140328.${action}`,
            'content-type': 'application/x-amz-json-1.1',
            authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${LOGS}/aws4_request, SignedHeaders=host, Signature=0`,
          },
          Buffer.from(JSON.stringify(params)),
        );
        expect(res.status, `logs:${action} ${res.body}`).toBeLessThan(500);
        if (res.status >= 400) expect(JSON.parse(String(res.body))).toHaveProperty('__type');
      }),
      { numRuns: 2500 },
    );
  });
});
