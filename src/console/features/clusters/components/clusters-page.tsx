import { PageHeader } from '../../../components/ui/page-header';
import { moreOf } from '../../../aws/paged';
import { CLUSTERS_PAGE, usePagedClusters } from '../../../aws/queries/clusters';
import { ClustersList } from './clusters-list';

export function ClustersPage() {
  const clusters = usePagedClusters();
  return (
    <>
      <PageHeader
        title="Clusters"
        description="Every ECS cluster in the region, with its container instances, services and tasks."
      />
      <ClustersList
        clusters={clusters.rows}
        isLoading={clusters.isPending}
        error={clusters.error}
        onRetry={clusters.refetch}
        more={moreOf(clusters, `Load ${CLUSTERS_PAGE} more clusters`)}
      />
    </>
  );
}
