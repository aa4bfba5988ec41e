import { DescribeClustersCommand, ListClustersCommand, type Cluster } from '@aws-sdk/client-ecs';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';

/** DescribeClusters takes at most 100 clusters per call. */
const DESCRIBE_BATCH = 100;
export const CLUSTERS_POLL_MS = 15_000;

/** ListClusters (every page), then DescribeClusters in batches of 100: never one request per cluster. */
export async function listClusters(region: string): Promise<Cluster[]> {
  const ecs = ecsClient(region);
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListClustersCommand({ nextToken, maxResults: 100 }));
    arns.push(...(page.clusterArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const out: Cluster[] = [];
  for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
    const batch = arns.slice(i, i + DESCRIBE_BATCH);
    const described = await ecs.send(
      new DescribeClustersCommand({ clusters: batch, include: ['STATISTICS', 'TAGS'] }),
    );
    out.push(...(described.clusters ?? []));
  }
  return out.sort((a, b) => (a.clusterName ?? '').localeCompare(b.clusterName ?? ''));
}

export function clustersQuery(region: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'ListClusters+DescribeClusters'),
    queryFn: () => listClusters(region),
    placeholderData: keepPreviousData,
    refetchInterval: CLUSTERS_POLL_MS,
    refetchIntervalInBackground: false,
  });
}

export function useClusters() {
  const { region } = useRegion();
  return useQuery(clustersQuery(region));
}
