import { TRANSITION_POLL_MS, type PollRates } from '../poll';

/** CloudFormation's waiters poll every 30 s; stacks are read every 15 s, every 2 s while one changes. */
export const STACK_POLL: PollRates = { changing: TRANSITION_POLL_MS, settled: 15_000 };

export const stackInProgress = (status: string | undefined): boolean =>
  Boolean(status?.endsWith('_IN_PROGRESS'));
