import { DescribeCapacityProvidersCommand, type CapacityProvider } from '@aws-sdk/client-ecs';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { CLUSTERS_POLL_MS } from '../../../aws/queries/clusters';

/** DescribeCapacityProviders for the providers a cluster lists (at most 10 per call, as ECS allows). */
export async function describeCapacityProviders(
  region: string,
  names: string[],
): Promise<CapacityProvider[]> {
  const out: CapacityProvider[] = [];
  for (let i = 0; i < names.length; i += 10) {
    const page = await ecsClient(region).send(
      new DescribeCapacityProvidersCommand({ capacityProviders: names.slice(i, i + 10) }),
    );
    out.push(...(page.capacityProviders ?? []));
  }
  return out;
}

export function capacityProvidersQuery(region: string, names: string[]) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'DescribeCapacityProviders', { names }),
    queryFn: () => describeCapacityProviders(region, names),
    enabled: names.length > 0,
    placeholderData: keepPreviousData,
    refetchInterval: CLUSTERS_POLL_MS,
    refetchIntervalInBackground: false,
  });
}

export function useCapacityProviders(names: string[]) {
  const { region } = useRegion();
  return useQuery(capacityProvidersQuery(region, names));
}
