import { DescribeServicesCommand, type Service } from '@aws-sdk/client-ecs';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { notFound, pollUnlessGone } from '../../../aws/poll';
import { servicesPollMs } from '../../../aws/queries/services-poll';

export async function describeService(region: string, cluster: string, service: string): Promise<Service> {
  const out = await ecsClient(region).send(new DescribeServicesCommand({ cluster, services: [service] }));
  const found = out.services?.[0];
  if (!found) {
    const reason = out.failures?.[0]?.reason ?? 'MISSING';
    throw notFound('ServiceNotFoundException', `Service ${service} in cluster ${cluster}: ${reason}.`);
  }
  return found;
}

export function serviceQuery(region: string, cluster: string, service: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'DescribeServices', { cluster, service }),
    queryFn: () => describeService(region, cluster, service),
    placeholderData: keepPreviousData,
    refetchInterval: pollUnlessGone((q) => servicesPollMs(q.state.data ? [q.state.data] : undefined)),
    refetchIntervalInBackground: false,
  });
}

export function useService(cluster: string, service: string) {
  const { region } = useRegion();
  return useQuery(serviceQuery(region, cluster, service));
}
