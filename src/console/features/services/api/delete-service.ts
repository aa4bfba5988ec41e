import { DeleteServiceCommand } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { servicesQuery } from '../../../aws/queries/services';

export const deleteServiceInputSchema = z.object({ force: z.boolean() });
export type DeleteServiceInput = z.infer<typeof deleteServiceInputSchema>;

/** DeleteService; `force` deletes a service that still has a desired count (ECS scales it to 0). */
export function useDeleteService(cluster: string, service: string) {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: DeleteServiceInput) => {
      const { force } = deleteServiceInputSchema.parse(input);
      return (await ecsClient(region).send(new DeleteServiceCommand({ cluster, service, force }))).service;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: servicesQuery(region, cluster).queryKey }),
  });
}
