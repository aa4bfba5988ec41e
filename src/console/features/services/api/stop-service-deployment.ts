import { StopServiceDeploymentCommand, type StopServiceDeploymentCommandInput } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { serviceQuery } from '../../../aws/queries/describe-service';
import { serviceDeploymentsQuery } from '../../../aws/queries/service-deployments';

/** The StopServiceDeployment input that rolls a deployment back: exactly what the dialog shows and sends. */
export const rollbackInput = (serviceDeploymentArn: string): StopServiceDeploymentCommandInput => ({
  serviceDeploymentArn,
  stopType: 'ROLLBACK',
});

/** StopServiceDeployment with the input given; the service and its history are read again after. */
export function useStopServiceDeployment(cluster: string, service: string) {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: StopServiceDeploymentCommandInput) =>
      (await ecsClient(region).send(new StopServiceDeploymentCommand(input))).serviceDeploymentArn,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: serviceQuery(region, cluster, service).queryKey }),
        queryClient.invalidateQueries({
          queryKey: serviceDeploymentsQuery(region, cluster, service).queryKey,
        }),
      ]);
    },
  });
}
