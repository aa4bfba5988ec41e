import { ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';
import { pagedQuery, usePaged } from '../paged';

export interface Revision {
  arn: string;
  revision: number;
}

/** ListTaskDefinitions of one family (ACTIVE), newest first. `familyPrefix` matches the family exactly. */
export function revisionsQuery(region: string, family: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'ListTaskDefinitions', { family }),
    queryFn: async (): Promise<Revision[]> => {
      const out: Revision[] = [];
      let nextToken: string | undefined;
      do {
        const page = await ecsClient(region).send(
          new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE', sort: 'DESC', nextToken }),
        );
        for (const arn of page.taskDefinitionArns ?? []) {
          const m = /task-definition\/(.+):(\d+)$/.exec(arn);
          if (m?.[1] === family) out.push({ arn, revision: Number(m[2]) });
        }
        nextToken = page.nextToken;
      } while (nextToken);
      return out;
    },
    refetchInterval: 60_000,
    refetchIntervalInBackground: false,
  });
}

export function useRevisions(family: string) {
  const { region } = useRegion();
  return useQuery(revisionsQuery(region, family));
}

/** ListTaskDefinitions returns at most 100 ARNs per page. */
export const REVISIONS_PAGE = 100;

/** The revisions of one family with `status`, newest first, a page at a time (the family page). */
export function revisionsPagedQuery(region: string, family: string, status: 'ACTIVE' | 'INACTIVE') {
  return pagedQuery<Revision>({
    queryKey: awsQueryKey(region, 'ecs', 'ListTaskDefinitions', { family, status, paged: true }),
    enabled: family !== '',
    fetchPage: async (token, signal) => {
      const page = await ecsClient(region).send(
        new ListTaskDefinitionsCommand({
          familyPrefix: family,
          status,
          sort: 'DESC',
          maxResults: REVISIONS_PAGE,
          ...(token && { nextToken: token }),
        }),
        { abortSignal: signal },
      );
      const items: Revision[] = [];
      for (const arn of page.taskDefinitionArns ?? []) {
        const m = /task-definition\/(.+):(\d+)$/.exec(arn);
        if (m?.[1] === family) items.push({ arn, revision: Number(m[2]) });
      }
      return { items, ...(page.nextToken && { nextToken: page.nextToken }) };
    },
    pollMs: () => 60_000,
  });
}

export function usePagedRevisions(family: string, status: 'ACTIVE' | 'INACTIVE') {
  const { region } = useRegion();
  return usePaged(revisionsPagedQuery(region, family, status));
}

/** The family of a task definition ARN or `family:revision` (`...:task-definition/web:3` -> `web`). */
export function familyOf(taskDefinition: string): string {
  const name = taskDefinition.split('/').pop() ?? taskDefinition;
  return name.replace(/:\d+$/, '');
}

/** The revision number of a task definition ARN or `family:revision`, else undefined. */
export function revisionOf(taskDefinition: string): number | undefined {
  const m = /:(\d+)$/.exec(taskDefinition);
  return m ? Number(m[1]) : undefined;
}
