import {
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  type TaskDefinitionFamilyStatus,
} from '@aws-sdk/client-ecs';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';
import { pagedQuery, usePaged } from '../paged';

/** ListTaskDefinitionFamilies returns at most 100 families per page. */
export const FAMILIES_PAGE = 100;

/** ListTaskDefinitionFamilies (ACTIVE), every page: for pickers that need them all. */
export function familiesQuery(region: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'ListTaskDefinitionFamilies'),
    queryFn: async () => {
      const families: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await ecsClient(region).send(
          new ListTaskDefinitionFamiliesCommand({ status: 'ACTIVE', nextToken, maxResults: FAMILIES_PAGE }),
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

/** The task definitions page: families with `status` (and a name prefix, searched by ECS), a page at a time. */
export function familiesPagedQuery(region: string, status: TaskDefinitionFamilyStatus, prefix = '') {
  return pagedQuery<string>({
    queryKey: awsQueryKey(region, 'ecs', 'ListTaskDefinitionFamilies', { status, prefix, paged: true }),
    fetchPage: async (token, signal) => {
      const page = await ecsClient(region).send(
        new ListTaskDefinitionFamiliesCommand({
          status,
          maxResults: FAMILIES_PAGE,
          ...(prefix && { familyPrefix: prefix }),
          ...(token && { nextToken: token }),
        }),
        { abortSignal: signal },
      );
      return { items: page.families ?? [], ...(page.nextToken && { nextToken: page.nextToken }) };
    },
    pollMs: () => 60_000,
  });
}

export function usePagedFamilies(status: TaskDefinitionFamilyStatus, prefix = '') {
  const { region } = useRegion();
  return usePaged(familiesPagedQuery(region, status, prefix));
}

/** The newest revision of a family with this status (one ListTaskDefinitions of one result). */
export function latestRevisionQuery(region: string, family: string, status: 'ACTIVE' | 'INACTIVE') {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'ListTaskDefinitions', { family, status, latest: true }),
    queryFn: async ({ signal }) => {
      const page = await ecsClient(region).send(
        new ListTaskDefinitionsCommand({ familyPrefix: family, status, sort: 'DESC', maxResults: 1 }),
        { abortSignal: signal },
      );
      return page.taskDefinitionArns?.[0] ?? null;
    },
    staleTime: 60_000,
  });
}

export function useLatestRevision(family: string, status: 'ACTIVE' | 'INACTIVE') {
  const { region } = useRegion();
  return useQuery(latestRevisionQuery(region, family, status));
}
