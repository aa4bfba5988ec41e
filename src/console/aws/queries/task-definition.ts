import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';

/** DescribeTaskDefinition of `family:revision`, with its tags. A revision never changes, except its status. */
export function taskDefinitionQuery(region: string, family: string, revision: number | undefined) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'DescribeTaskDefinition', { family, revision }),
    enabled: revision !== undefined && revision > 0,
    queryFn: async () => {
      const out = await ecsClient(region).send(
        new DescribeTaskDefinitionCommand({ taskDefinition: `${family}:${revision}`, include: ['TAGS'] }),
      );
      if (!out.taskDefinition)
        throw Object.assign(new Error('No task definition returned.'), { name: 'ClientException' });
      return { taskDefinition: out.taskDefinition, tags: out.tags ?? [] };
    },
    staleTime: 60_000,
  });
}

export function useTaskDefinition(family: string, revision: number | undefined) {
  const { region } = useRegion();
  return useQuery(taskDefinitionQuery(region, family, revision));
}
