import { ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';

/** The family of a task definition ARN (`...:task-definition/web:3` -> `web`). */
export function familyOf(taskDefinitionArn: string): string {
  const name = taskDefinitionArn.split('/').pop() ?? taskDefinitionArn;
  return name.replace(/:\d+$/, '');
}

/** ListTaskDefinitions for one family (ACTIVE revisions), newest first: what a service can move to. */
export function revisionsQuery(region: string, family: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'ListTaskDefinitions', { family, status: 'ACTIVE' }),
    enabled: family !== '',
    queryFn: async () => {
      const arns: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await ecsClient(region).send(
          new ListTaskDefinitionsCommand({ familyPrefix: family, sort: 'DESC', status: 'ACTIVE', nextToken }),
        );
        arns.push(...(page.taskDefinitionArns ?? []).filter((a) => familyOf(a) === family));
        nextToken = page.nextToken;
      } while (nextToken);
      return arns;
    },
    staleTime: 30_000,
  });
}

export function useRevisions(family: string) {
  const { region } = useRegion();
  return useQuery(revisionsQuery(region, family));
}
