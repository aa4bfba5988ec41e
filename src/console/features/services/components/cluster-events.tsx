import { useMemo } from 'react';
import { useServices } from '../../../aws/queries/services';
import { mergeServiceEvents } from '../events';
import { EventsTimeline } from './events-timeline';

/** The Events tab of a cluster: every service's events in one timeline. */
export function ClusterEvents({ cluster }: { cluster: string }) {
  const services = useServices(cluster);
  const events = useMemo(
    () => (services.data ? mergeServiceEvents(services.data) : undefined),
    [services.data],
  );
  const names = useMemo(() => (services.data ?? []).map((s) => s.serviceName ?? ''), [services.data]);
  return (
    <EventsTimeline
      events={events}
      isLoading={services.isPending}
      error={services.error}
      onRetry={() => void services.refetch()}
      serviceNames={names}
    />
  );
}
