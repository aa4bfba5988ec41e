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
