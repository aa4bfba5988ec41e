/**
 * Polling that stops on an answer that will not change: a resource that does not exist (a 4xx) is shown
 * once, not read again every few seconds (which made a missing task's page flip between "Loading" and the
 * error, and a missing stack's page send a 400 for ever). A connection failure keeps polling: it recovers.
 */
import type { Query } from '@tanstack/react-query';
import { isRetryable } from './errors';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any query: only its state is read
type AnyQuery = Query<any, any, any, any>;

export function pollUnlessGone(interval: (query: AnyQuery) => number | false) {
  return (query: AnyQuery): number | false =>
    query.state.status === 'error' && !isRetryable(query.state.error) ? false : interval(query);
}

/** An error of "not found" shaped as the API's own 400s: not retried, not polled. */
export function notFound(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}
