import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';

export interface DeployRevisionInput {
  cluster: string;
  service: string;
  taskDefinition: string;
  [key: string]: unknown;
}

/** UpdateService with a task definition revision: the service starts a deployment of it. */
export function useDeployRevision() {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: DeployRevisionInput) =>
      (await ecsClient(region).send(new UpdateServiceCommand(input))).service,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['aws', region, 'ecs'] }),
  });
}
