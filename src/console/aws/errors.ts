/** A typed view of whatever an AWS SDK call threw: the AWS error code and message, as AWS sent them. */
export interface AwsErrorInfo {
  code: string;
  message: string;
  status?: number;
  requestId?: string;
  /** The operation that failed, e.g. `DescribeTargetGroups` (set by the console's SDK middleware). */
  action?: string;
}

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
  $action?: unknown;
}

function isAwsErrorInfo(value: unknown): value is AwsErrorInfo {
  if (!value || typeof value !== 'object' || value instanceof Error) return false;
  const v = value as Record<string, unknown>;
  return typeof v['code'] === 'string' && typeof v['message'] === 'string';
}

export function toAwsError(error: unknown): AwsErrorInfo {
  if (isAwsErrorInfo(error)) return error;
  if (error instanceof TypeError && /fetch|network/i.test(error.message)) {
    return { code: 'NetworkError', message: `The console server did not answer (${error.message}).` };
  }
  if (error && typeof error === 'object') {
    const e = error as SdkErrorShape;
    const code = typeof e.name === 'string' && e.name !== '' ? e.name : 'Error';
    const message = typeof e.message === 'string' && e.message !== '' ? e.message : 'The request failed.';
    const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
    const requestId = typeof e.$metadata?.requestId === 'string' ? e.$metadata.requestId : undefined;
    const action = typeof e.$action === 'string' ? e.$action : undefined;
    return { code, message, status, requestId, ...(action ? { action } : {}) };
  }
  return { code: 'Error', message: String(error) };
}

/** Client errors (4xx) will not succeed on retry; throttling is the exception AWS documents. */
export function isRetryable(error: unknown): boolean {
  const e = toAwsError(error);
  if (/Throttl|TooManyRequests|RequestLimitExceeded/.test(e.code)) return true;
  return e.status === undefined || e.status >= 500;
}

/** Codes an AWS-compatible endpoint (e.g. moto) answers for an operation it does not implement. */
const unsupportedCodes = new Set(['UnknownOperationException', 'InvalidAction', 'NotImplemented']);

/** "This endpoint does not support <action>" when the backend lacks the operation, else null. */
export function unsupportedMessage(error: unknown): string | null {
  const e = toAwsError(error);
  if (!unsupportedCodes.has(e.code)) return null;
  return `This endpoint does not support ${e.action ?? 'this operation'}`;
}
