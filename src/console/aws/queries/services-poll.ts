import type { Service } from '@aws-sdk/client-ecs';

/** The ECS services-stable waiter polls every 15 s; a rollout in progress is watched every 2 s. */
export const SERVICES_POLL_MS = 15_000;
export const TRANSITION_POLL_MS = 2_000;

export function inTransition(s: Service): boolean {
  return (
    (s.pendingCount ?? 0) > 0 ||
    (s.runningCount ?? 0) !== (s.desiredCount ?? 0) ||
    (s.status !== undefined && s.status !== 'ACTIVE') ||
    (s.deployments ?? []).some((d) => d.rolloutState === 'IN_PROGRESS') ||
    (s.deployments ?? []).length > 1
  );
}

export function servicesPollMs(services: Service[] | undefined): number {
  return services?.some(inTransition) ? TRANSITION_POLL_MS : SERVICES_POLL_MS;
}
