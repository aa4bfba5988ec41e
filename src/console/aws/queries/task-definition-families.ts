import { ListTaskDefinitionFamiliesCommand } from '@aws-sdk/client-ecs';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';

/** ListTaskDefinitionFamilies (ACTIVE), every page. */
export function familiesQuery(region: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'ListTaskDefinitionFamilies'),
    queryFn: async () => {
      const families: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await ecsClient(region).send(
          new ListTaskDefinitionFamiliesCommand({ status: 'ACTIVE', nextToken, maxResults: 100 }),
        );
        families.push(...(page.families ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return families.sort();
    },
    refetchInterval: 60_000,
    refetchIntervalInBackground: false,
  });
}

export function useFamilies() {
  const { region } = useRegion();
  return useQuery(familiesQuery(region));
}
