import { describe, expect, it } from 'vitest';
import { isRetryable, toAwsError } from './errors';

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
