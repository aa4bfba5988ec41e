import { DescribeClustersCommand, type Cluster } from '@aws-sdk/client-ecs';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { pollUnlessGone } from '../../../aws/poll';
import { CLUSTERS_POLL_MS } from '../../../aws/queries/clusters';

export async function describeCluster(region: string, cluster: string): Promise<Cluster> {
  const out = await ecsClient(region).send(
    new DescribeClustersCommand({ clusters: [cluster], include: ['STATISTICS', 'TAGS'] }),
  );
  const found = out.clusters?.[0];
  if (!found || found.status === 'INACTIVE') {
    // A 400 like the API's own errors: not retried, shown at once.
    throw Object.assign(new Error(`Cluster ${cluster} not found.`), {
      name: 'ClusterNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
  }
  return found;
}

export function clusterQuery(region: string, cluster: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'DescribeClusters', { cluster }),
    queryFn: () => describeCluster(region, cluster),
    placeholderData: keepPreviousData,
    refetchInterval: pollUnlessGone(() => CLUSTERS_POLL_MS),
    refetchIntervalInBackground: false,
  });
}

export function useCluster(cluster: string) {
  const { region } = useRegion();
  return useQuery(clusterQuery(region, cluster));
}
