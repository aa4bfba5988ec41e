import type { ReactNode } from 'react';
import { toAwsError, unsupportedMessage } from '../../aws/errors';
import { Button } from './button';

interface ErrorStateProps {
  /** What was being attempted, e.g. "Could not list key pairs". */
  title: string;
  error: unknown;
  onRetry?: () => void;
  children?: ReactNode;
}

/** An API error shown where it happened, with its AWS error code and message. */
export function ErrorState({ title, error, onRetry, children }: ErrorStateProps) {
  const e = toAwsError(error);
  const unsupported = unsupportedMessage(error);
  return (
    <div
      role="alert"
      className="rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
    >
      {/* An endpoint lacking the operation is not a failure to retry: say so instead of the generic title. */}
      <p className="font-semibold" data-testid={unsupported ? 'unsupported-operation' : undefined}>
        {unsupported ?? title}
      </p>
      <p className="mt-1">
        <code
          className="rounded bg-red-100 px-1 py-0.5 font-mono text-xs dark:bg-red-900"
          data-testid="aws-error-code"
        >
          {e.code}
        </code>{' '}
        <span data-testid="aws-error-message">{e.message}</span>
      </p>
      {e.status !== undefined && (
        <p className="mt-1 text-xs text-red-800 dark:text-red-300">
          HTTP {e.status}
          {e.requestId && <> · request {e.requestId}</>}
        </p>
      )}
      {children}
      {onRetry && (
        <Button size="sm" className="mt-3" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
