import type { Query } from '@tanstack/react-query';
import { isRetryable } from './errors';

/**
 * How often live reads poll. Each read has a settled rate (about its AWS waiter's: 6 s for tasks,
 * 15 s for services and stacks) and this one rate while what it shows is changing (a rollout, a task
 * starting or stopping, a stack in progress). A caller that must watch more closely passes its own.
 */
export const TRANSITION_POLL_MS = 2_000;

/** Poll rates: `changing` while the resource moves, `settled` once it rests (`false`: stop polling). */
export interface PollRates {
  changing: number;
  settled: number | false;
}

export const pollMs = (rates: PollRates, changing: boolean): number | false =>
  changing ? rates.changing : rates.settled;

/**
 * Polling that stops on an answer that will not change: a resource that does not exist (a 4xx) is shown
 * once, not read again every few seconds (which made a missing task's page flip between "Loading" and the
 * error, and a missing stack's page send a 400 for ever). A connection failure keeps polling: it recovers.
 */

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
