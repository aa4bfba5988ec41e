import type { ReactNode } from 'react';
import { ErrorState } from './error-state';
import { LoadingBlock } from './skeleton';

/** What QueryView needs of a TanStack query result. */
interface QueryLike<T> {
  data: T | undefined;
  error: unknown;
  refetch: () => unknown;
}

/** A detail page's body: the AWS error (with a retry), a loading skeleton, or the data. */
export function QueryView<T>({
  query,
  errorTitle,
  loadingLabel,
  children,
}: {
  query: QueryLike<T>;
  /** E.g. "Could not describe service web". */
  errorTitle: string;
  loadingLabel: string;
  children: (data: T) => ReactNode;
}) {
  if (query.error)
    return <ErrorState title={errorTitle} error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data === undefined) return <LoadingBlock label={loadingLabel} lines={6} />;
  return children(query.data);
}
