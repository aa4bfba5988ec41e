import { describe, expect, it } from 'vitest';
import { isRetryable, toAwsError, unsupportedMessage } from './errors';

function sdkError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(String(fields['message'] ?? '')), fields);
}

describe('toAwsError', () => {
  it('reads a modelled SDK error: code, message, status, request id', () => {
    const e = sdkError({
      name: 'ClusterNotFoundException',
      message: 'Cluster not found.',
      $metadata: { httpStatusCode: 400, requestId: 'r-1' },
    });
    expect(toAwsError(e)).toEqual({
      code: 'ClusterNotFoundException',
      message: 'Cluster not found.',
      status: 400,
      requestId: 'r-1',
    });
  });
  it('passes an already converted error through', () => {
    const info = { code: 'InvalidParameterException', message: 'not idempotent', status: 400 };
    expect(toAwsError(info)).toBe(info);
  });
  it('names network failures, and knows what to retry', () => {
    expect(toAwsError(new TypeError('Failed to fetch')).code).toBe('NetworkError');
    expect(isRetryable(new TypeError('Failed to fetch'))).toBe(true);
    expect(isRetryable(sdkError({ name: 'ClientException', $metadata: { httpStatusCode: 400 } }))).toBe(
      false,
    );
    expect(isRetryable(sdkError({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }))).toBe(
      true,
    );
    expect(isRetryable(sdkError({ name: 'ServerException', $metadata: { httpStatusCode: 500 } }))).toBe(true);
  });
});

describe('unsupportedMessage', () => {
  it('names the action for the codes an endpoint answers for a missing operation', () => {
    for (const code of ['UnknownOperationException', 'InvalidAction', 'NotImplemented']) {
      const e = Object.assign(sdkError({ name: code, message: 'nope' }), { $action: 'DescribeTargetGroups' });
      expect(unsupportedMessage(e)).toBe('This endpoint does not support DescribeTargetGroups');
    }
  });

  it('is null for other errors', () => {
    expect(unsupportedMessage(sdkError({ name: 'ClusterNotFoundException', message: 'x' }))).toBeNull();
  });
});
