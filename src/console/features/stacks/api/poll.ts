/** CloudFormation waiters poll every 30 s; we read every 15 s, and every 2 s while a stack is changing. */
export const STACKS_POLL_MS = 15_000;
export const TRANSITION_POLL_MS = 2_000;

export const stackInProgress = (status: string | undefined): boolean =>
  Boolean(status?.endsWith('_IN_PROGRESS'));

export const stackPollMs = (inProgress: boolean): number =>
  inProgress ? TRANSITION_POLL_MS : STACKS_POLL_MS;
