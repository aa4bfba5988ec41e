import { DescribeServicesCommand, ListServicesCommand, type Service } from '@aws-sdk/client-ecs';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';
import { pagedQuery, rowsOf, usePaged, type Page } from '../paged';
import { SERVICE_POLL, servicesPollMs } from './service-poll';

/** DescribeServices takes at most 10 services per call. */
const DESCRIBE_BATCH = 10;

/** ListServices (every page of 100), then DescribeServices in batches of 10, all batches at once. */
export async function listServices(region: string, cluster: string): Promise<Service[]> {
  const ecs = ecsClient(region);
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListServicesCommand({ cluster, nextToken, maxResults: 100 }));
    arns.push(...(page.serviceArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const batches: string[][] = [];
  for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) batches.push(arns.slice(i, i + DESCRIBE_BATCH));
  const described = await Promise.all(
    batches.map((services) => ecs.send(new DescribeServicesCommand({ cluster, services }))),
  );
  return described
    .flatMap((d) => d.services ?? [])
    .sort((a, b) => (a.serviceName ?? '').localeCompare(b.serviceName ?? ''));
}

/** ListServices returns at most 100 ARNs per page. */
export const SERVICES_PAGE = 100;

/** One page of ListServices (100), described in batches of 10, all at once. */
export async function fetchServicesPage(
  region: string,
  cluster: string,
  nextToken: string | undefined,
  signal?: AbortSignal,
): Promise<Page<Service>> {
  const ecs = ecsClient(region);
  const page = await ecs.send(
    new ListServicesCommand({ cluster, maxResults: SERVICES_PAGE, ...(nextToken && { nextToken }) }),
    { abortSignal: signal },
  );
  const arns = page.serviceArns ?? [];
  const batches: string[][] = [];
  for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) batches.push(arns.slice(i, i + DESCRIBE_BATCH));
  const described = await Promise.all(
    batches.map((services) =>
      ecs.send(new DescribeServicesCommand({ cluster, services }), { abortSignal: signal }),
    ),
  );
  return {
    items: described.flatMap((d) => d.services ?? []),
    ...(page.nextToken && { nextToken: page.nextToken }),
  };
}

/** The Services tab: a page at a time; invalidating `servicesQuery`'s key reaches it too. */
export function servicesPagedQuery(region: string, cluster: string) {
  return pagedQuery<Service>({
    queryKey: awsQueryKey(region, 'ecs', 'ListServices+DescribeServices', { cluster, paged: true }),
    enabled: cluster !== '',
    fetchPage: (token, signal) => fetchServicesPage(region, cluster, token, signal),
    pollMs: (data) => servicesPollMs(rowsOf(data)),
  });
}

export function usePagedServices(cluster: string) {
  const { region } = useRegion();
  return usePaged(servicesPagedQuery(region, cluster));
}

export function servicesQuery(region: string, cluster: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'ListServices+DescribeServices', { cluster }),
    enabled: cluster !== '',
    queryFn: () => listServices(region, cluster),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => servicesPollMs(q.state.data),
    refetchIntervalInBackground: false,
  });
}

export function useServices(cluster: string) {
  const { region } = useRegion();
  return useQuery(servicesQuery(region, cluster));
}

/** A service's name from its ARN (`.../service/NAME` or `.../service/CLUSTER/NAME`). */
const nameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/**
 * The names of a cluster's services, sorted (ListServices, every page of 100; nothing described): what
 * the tasks tab's service filter offers. At 100 services, describing them all (10 DescribeServices
 * answers with their deployments and events) cost the tasks tab more than its own first page, on its
 * first load and on every poll. Under `servicesQuery`'s key: invalidating the services reaches it.
 */
export function serviceNamesQuery(region: string, cluster: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'ListServices+DescribeServices', { cluster, names: true }),
    enabled: cluster !== '',
    queryFn: async ({ signal }) => {
      const ecs = ecsClient(region);
      const names: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await ecs.send(
          new ListServicesCommand({ cluster, maxResults: SERVICES_PAGE, ...(nextToken && { nextToken }) }),
          { abortSignal: signal },
        );
        names.push(...(page.serviceArns ?? []).map(nameOf));
        nextToken = page.nextToken;
      } while (nextToken);
      return names.sort((a, b) => a.localeCompare(b));
    },
    placeholderData: keepPreviousData,
    refetchInterval: SERVICE_POLL.settled,
    refetchIntervalInBackground: false,
  });
}

export function useServiceNames(cluster: string) {
  const { region } = useRegion();
  return useQuery(serviceNamesQuery(region, cluster));
}
