import { useServices } from '../../../aws/queries/services';
import { ServicesTable } from './services-table';

/** The Services tab of a cluster. */
export function ClusterServices({ cluster }: { cluster: string }) {
  const services = useServices(cluster);
  return (
    <ServicesTable
      cluster={cluster}
      services={services.data}
      isLoading={services.isPending}
      error={services.error}
      onRetry={() => void services.refetch()}
    />
  );
}
