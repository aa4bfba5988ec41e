import { UpdateContainerInstancesStateCommand } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { containerInstancesQuery } from './list-container-instances';

export const updateInstancesStateInputSchema = z.object({
  containerInstances: z.array(z.string().min(1)).min(1).max(10),
  status: z.enum(['ACTIVE', 'DRAINING']),
});
export type UpdateInstancesStateInput = z.infer<typeof updateInstancesStateInputSchema>;

/** UpdateContainerInstancesState: drain (DRAINING) or activate (ACTIVE); per-instance failures are errors. */
export function useUpdateInstancesState(cluster: string) {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: UpdateInstancesStateInput) => {
      const valid = updateInstancesStateInputSchema.parse(input);
      const out = await ecsClient(region).send(
        new UpdateContainerInstancesStateCommand({ cluster, ...valid }),
      );
      const failure = out.failures?.[0];
      if (failure) {
        throw Object.assign(new Error(failure.detail ?? failure.arn ?? 'The instance was not updated.'), {
          name: failure.reason ?? 'Failure',
        });
      }
      return out.containerInstances ?? [];
    },
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: containerInstancesQuery(region, cluster).queryKey }),
  });
}
