import { PageHeader } from '../../../components/ui/page-header';
import { useClusters } from '../../../aws/queries/clusters';
import { ClustersList } from './clusters-list';

export function ClustersPage() {
  const clusters = useClusters();
  return (
    <>
      <PageHeader
        title="Clusters"
        description="Every ECS cluster in the region, with its container instances, services and tasks."
      />
      <ClustersList
        clusters={clusters.data}
        isLoading={clusters.isPending}
        error={clusters.error}
        onRetry={() => void clusters.refetch()}
      />
    </>
  );
}
