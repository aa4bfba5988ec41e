import { DeleteTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';

export const deleteTaskDefinitionInputSchema = z.object({
  taskDefinitions: z.array(z.string().regex(/^[^:]+:\d+$/)).min(1),
});
export type DeleteTaskDefinitionInput = z.infer<typeof deleteTaskDefinitionInputSchema>;

/**
 * DeleteTaskDefinitions of INACTIVE revisions (they move to DELETE_IN_PROGRESS and go once no task uses
 * them). ECS reports a revision it refuses in `failures` with a 200: that is an error here, its words kept.
 */
export function useDeleteTaskDefinition() {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: DeleteTaskDefinitionInput) => {
      const out = await ecsClient(region).send(
        new DeleteTaskDefinitionsCommand(deleteTaskDefinitionInputSchema.parse(input)),
      );
      const failure = out.failures?.[0];
      if (failure)
        throw Object.assign(
          new Error(`${failure.reason ?? 'Failed'}${failure.detail ? `: ${failure.detail}` : ''}`),
          {
            name: failure.reason ?? 'ClientException',
          },
        );
      return out.taskDefinitions ?? [];
    },
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: awsQueryKey(region, 'ecs', 'ListTaskDefinitions') }),
        queryClient.invalidateQueries({ queryKey: awsQueryKey(region, 'ecs', 'ListTaskDefinitionFamilies') }),
        queryClient.invalidateQueries({ queryKey: awsQueryKey(region, 'ecs', 'DescribeTaskDefinition') }),
      ]),
  });
}
