import type { Service, ServiceEvent } from '@aws-sdk/client-ecs';

/** What a service event says, from the wording ECS uses (ECS gives events no type field). */
export type EventClass =
  | 'steady'
  | 'started'
  | 'stopped'
  | 'unable-to-place'
  | 'registered-targets'
  | 'deregistered-targets'
  | 'unhealthy'
  | 'deployment'
  | 'deployment-failed'
  | 'other';

export const EVENT_CLASSES: Array<{
  id: EventClass;
  label: string;
  tone: 'success' | 'danger' | 'info' | 'neutral' | 'progress';
}> = [
  { id: 'steady', label: 'Steady state', tone: 'success' },
  { id: 'started', label: 'Started', tone: 'info' },
  { id: 'stopped', label: 'Stopped', tone: 'neutral' },
  { id: 'unable-to-place', label: 'Unable to place', tone: 'danger' },
  { id: 'registered-targets', label: 'Registered targets', tone: 'info' },
  { id: 'deregistered-targets', label: 'Deregistered targets', tone: 'neutral' },
  { id: 'unhealthy', label: 'Unhealthy', tone: 'danger' },
  { id: 'deployment', label: 'Deployment', tone: 'progress' },
  { id: 'deployment-failed', label: 'Deployment failed', tone: 'danger' },
  { id: 'other', label: 'Other', tone: 'neutral' },
];

export function classifyEvent(message: string): EventClass {
  const m = message.toLowerCase();
  if (m.includes('has reached a steady state')) return 'steady';
  if (m.includes('unable to place')) return 'unable-to-place';
  if (m.includes('unhealthy')) return 'unhealthy';
  if (/\bderegistered \d+ targets?\b/.test(m)) return 'deregistered-targets';
  if (/\bregistered \d+ targets?\b/.test(m)) return 'registered-targets';
  if (/has started \d+ tasks?/.test(m)) return 'started';
  if (/has stopped \d+ (running )?tasks?/.test(m)) return 'stopped';
  if (m.includes('deployment failed') || m.includes('rolling back to deployment')) return 'deployment-failed';
  if (m.includes('deployment')) return 'deployment';
  return 'other';
}

export interface ClusterEvent {
  id: string;
  serviceName: string;
  createdAt: Date | undefined;
  message: string;
  kind: EventClass;
}

/** One timeline of all the services' events, newest first. */
export function mergeServiceEvents(services: Service[]): ClusterEvent[] {
  return services
    .flatMap((s) =>
      (s.events ?? []).map((e: ServiceEvent) => ({
        id: `${s.serviceName ?? ''}/${e.id ?? ''}`,
        serviceName: s.serviceName ?? '',
        createdAt: e.createdAt,
        message: e.message ?? '',
        kind: classifyEvent(e.message ?? ''),
      })),
    )
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
}
