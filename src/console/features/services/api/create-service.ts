import { CreateServiceCommand, type CreateServiceCommandInput } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { servicesQuery } from '../../../aws/queries/services';

/** CreateService with exactly the input given (the form built and showed it). */
export function useCreateService(cluster: string) {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: Record<string, unknown>) =>
      (await ecsClient(region).send(new CreateServiceCommand(input as unknown as CreateServiceCommandInput)))
        .service,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: servicesQuery(region, cluster).queryKey }),
  });
}
