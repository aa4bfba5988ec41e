import { DeregisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { taskDefinitionQuery } from '../../../aws/queries/task-definition';
import { revisionsQuery } from '../../../aws/queries/task-definition-revisions';

export const deregisterInputSchema = z.object({
  family: z.string().min(1),
  revision: z.number().int().min(1),
});
export type DeregisterInput = z.infer<typeof deregisterInputSchema>;

/** DeregisterTaskDefinition: the revision becomes INACTIVE (running tasks keep running). */
export function useDeregisterTaskDefinition() {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: DeregisterInput) => {
      const { family, revision } = deregisterInputSchema.parse(input);
      return (
        await ecsClient(region).send(
          new DeregisterTaskDefinitionCommand({ taskDefinition: `${family}:${revision}` }),
        )
      ).taskDefinition;
    },
    onSuccess: async (_td, { family, revision }) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: revisionsQuery(region, family).queryKey }),
        queryClient.invalidateQueries({ queryKey: taskDefinitionQuery(region, family, revision).queryKey }),
      ]);
    },
  });
}
