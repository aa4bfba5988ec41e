import { CreateStackCommand, type CreateStackCommandInput } from '@aws-sdk/client-cloudformation';
import { CreateClusterCommand, type CreateClusterCommandInput } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApiCall } from '../../../../blueprint/cli-command';
import { useRegion } from '../../../aws/backend';
import { cloudFormationClient } from '../../../aws/cloudformation';
import { ecsClient } from '../../../aws/ecs';
import { clustersQuery } from '../../../aws/queries/clusters';

/** Sends the calls of "Create cluster" in order, each input exactly as given (and shown). */
export function useCreateCluster() {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (calls: ApiCall[]) => {
      for (const call of calls) {
        if (call.operation === 'CreateCluster')
          await ecsClient(region).send(new CreateClusterCommand(call.input as CreateClusterCommandInput));
        else if (call.operation === 'CreateStack')
          await cloudFormationClient(region).send(
            new CreateStackCommand(call.input as CreateStackCommandInput),
          );
        else throw new Error(`Unexpected call ${call.operation}`);
      }
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clustersQuery(region).queryKey }),
  });
}
