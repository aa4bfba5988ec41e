import { moreOf } from '../../../aws/paged';
import { SERVICES_PAGE, usePagedServices } from '../../../aws/queries/services';
import { ServicesTable } from './services-table';

/** The Services tab of a cluster: a page of ListServices at a time. */
export function ClusterServices({ cluster }: { cluster: string }) {
  const services = usePagedServices(cluster);
  return (
    <ServicesTable
      cluster={cluster}
      services={services.rows}
      isLoading={services.isPending}
      error={services.error}
      onRetry={services.refetch}
      more={moreOf(services, `Load ${SERVICES_PAGE} more services`)}
    />
  );
}
