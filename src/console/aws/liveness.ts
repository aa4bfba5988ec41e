/**
 * Whether the console can reach its backend, from what the polled reads report: when the newest outcome
 * among the AWS reads on screen is a connection failure (the console server or its upstream did not
 * answer), the data shown is stale. It recovers by itself with the next read that succeeds.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { toAwsError } from './errors';

export interface ReadOutcome {
  dataUpdatedAt: number;
  errorUpdatedAt: number;
  error: unknown;
}

export interface Liveness {
  reachable: boolean;
  /** When the newest successful read arrived (0: never). */
  lastSuccessAt: number;
  /** The failure that made it unreachable. */
  failure?: string;
}

/** A failure of the connection, not an answer: the server, the proxy or its upstream did not respond. */
export function isConnectionFailure(error: unknown): boolean {
  if (error && typeof error === 'object' && (error as { name?: unknown }).name === 'BackendUnavailable')
    return true;
  const e = toAwsError(error);
  if (e.code === 'NetworkError') return true;
  return e.status !== undefined && e.status >= 502 && e.status <= 504;
}

export function liveness(outcomes: ReadOutcome[]): Liveness {
  let lastSuccessAt = 0;
  let lastError: ReadOutcome | undefined;
  for (const o of outcomes) {
    lastSuccessAt = Math.max(lastSuccessAt, o.dataUpdatedAt);
    if (o.error && (!lastError || o.errorUpdatedAt > lastError.errorUpdatedAt)) lastError = o;
  }
  if (lastError && lastError.errorUpdatedAt > lastSuccessAt && isConnectionFailure(lastError.error)) {
    return { reachable: false, lastSuccessAt, failure: toAwsError(lastError.error).message };
  }
  return { reachable: true, lastSuccessAt };
}

/** Liveness of the AWS reads in the query cache (any page), recomputed on every cache change. */
export function useLiveness(): Liveness {
  const cache = useQueryClient().getQueryCache();
  const key = useSyncExternalStore(
    (onChange) => cache.subscribe(onChange),
    () => {
      const l = liveness(
        cache.findAll({ queryKey: ['aws'], type: 'active' }).map((q) => ({
          dataUpdatedAt: q.state.dataUpdatedAt,
          errorUpdatedAt: q.state.errorUpdatedAt,
          error: q.state.error,
        })),
      );
      // A primitive snapshot, so the store reads as unchanged between cache events.
      return `${l.reachable ? 1 : 0}|${l.lastSuccessAt}|${l.failure ?? ''}`;
    },
    () => '1|0|',
  );
  const [reachable, at, failure] = key.split('|');
  return { reachable: reachable === '1', lastSuccessAt: Number(at), ...(failure ? { failure } : {}) };
}
