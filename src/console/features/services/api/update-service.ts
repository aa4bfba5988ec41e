import { UpdateServiceCommand, type UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { serviceQuery } from '../../../aws/queries/describe-service';
import { servicesQuery } from '../../../aws/queries/services';

/** UpdateService with exactly the input given (the form built and showed it). */
export function useUpdateService(cluster: string, service: string) {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: Record<string, unknown>) =>
      (await ecsClient(region).send(new UpdateServiceCommand(input as unknown as UpdateServiceCommandInput)))
        .service,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: serviceQuery(region, cluster, service).queryKey }),
        queryClient.invalidateQueries({ queryKey: servicesQuery(region, cluster).queryKey }),
      ]);
    },
  });
}
