import { DescribeClustersCommand, ListClustersCommand, type Cluster } from '@aws-sdk/client-ecs';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';
import { pagedQuery, usePaged, type Page } from '../paged';

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

/** ListClusters returns at most 100 ARNs per page, and DescribeClusters takes 100. */
export const CLUSTERS_PAGE = 100;

/** One page of ListClusters, described in one DescribeClusters call. */
export async function fetchClustersPage(
  region: string,
  nextToken: string | undefined,
  signal?: AbortSignal,
): Promise<Page<Cluster>> {
  const ecs = ecsClient(region);
  const page = await ecs.send(
    new ListClustersCommand({ maxResults: CLUSTERS_PAGE, ...(nextToken && { nextToken }) }),
    { abortSignal: signal },
  );
  const arns = page.clusterArns ?? [];
  const items = arns.length
    ? ((
        await ecs.send(new DescribeClustersCommand({ clusters: arns, include: ['STATISTICS', 'TAGS'] }), {
          abortSignal: signal,
        })
      ).clusters ?? [])
    : [];
  return { items, ...(page.nextToken && { nextToken: page.nextToken }) };
}

/** The clusters page: a page at a time; invalidating `clustersQuery`'s key reaches it too. */
export function clustersPagedQuery(region: string) {
  return pagedQuery<Cluster>({
    queryKey: awsQueryKey(region, 'ecs', 'ListClusters+DescribeClusters', { paged: true }),
    fetchPage: (token, signal) => fetchClustersPage(region, token, signal),
    pollMs: () => CLUSTERS_POLL_MS,
  });
}

export function usePagedClusters() {
  const { region } = useRegion();
  return usePaged(clustersPagedQuery(region));
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
