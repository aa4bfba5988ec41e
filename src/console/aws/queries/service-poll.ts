import type { Service } from '@aws-sdk/client-ecs';
import { pollMs, TRANSITION_POLL_MS, type PollRates } from '../poll';

/** The ECS services-stable waiter polls every 15 s; a rollout in progress is watched every 2 s. */
export const SERVICE_POLL: PollRates = { changing: TRANSITION_POLL_MS, settled: 15_000 };

/** Deploying, scaling, draining or with tasks pending: what the service shows is about to change. */
export function inTransition(s: Service): boolean {
  return (
    (s.pendingCount ?? 0) > 0 ||
    (s.runningCount ?? 0) !== (s.desiredCount ?? 0) ||
    (s.status !== undefined && s.status !== 'ACTIVE') ||
    (s.deployments ?? []).some((d) => d.rolloutState === 'IN_PROGRESS') ||
    (s.deployments ?? []).length > 1
  );
}

export function servicesPollMs(services: Service[] | undefined, poll: PollRates = SERVICE_POLL) {
  return pollMs(poll, services?.some(inTransition) ?? false);
}
