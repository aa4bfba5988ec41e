import { DescribeServicesCommand, type Service } from '@aws-sdk/client-ecs';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';
import { notFound, pollUnlessGone, type PollRates } from '../poll';
import { SERVICE_POLL, servicesPollMs } from './service-poll';

export async function describeService(region: string, cluster: string, service: string): Promise<Service> {
  const out = await ecsClient(region).send(new DescribeServicesCommand({ cluster, services: [service] }));
  const found = out.services?.[0];
  if (!found) {
    const reason = out.failures?.[0]?.reason ?? 'MISSING';
    throw notFound('ServiceNotFoundException', `Service ${service} in cluster ${cluster}: ${reason}.`);
  }
  return found;
}

/** DescribeServices for one service of a cluster, by name (as the console's URLs name it). */
export function serviceQuery(
  region: string,
  cluster: string,
  service: string | undefined,
  poll: PollRates = SERVICE_POLL,
) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'DescribeServices', { cluster, service }),
    enabled: Boolean(service),
    queryFn: () => describeService(region, cluster, service ?? ''),
    refetchInterval: pollUnlessGone((q) => servicesPollMs(q.state.data ? [q.state.data] : undefined, poll)),
    refetchIntervalInBackground: false,
  });
}

export function useService(cluster: string, service: string) {
  const { region } = useRegion();
  return useQuery({ ...serviceQuery(region, cluster, service), placeholderData: keepPreviousData });
}
