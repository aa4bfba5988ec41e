import { UpdateStackCommand, type UpdateStackCommandInput } from '@aws-sdk/client-cloudformation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRegion } from '../../../aws/backend';
import { cloudFormationClient } from '../../../aws/cloudformation';

/** UpdateStack with exactly the input given (one more instance in the cluster's Auto Scaling group). */
export function useAddInstance() {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: Record<string, unknown>) =>
      cloudFormationClient(region).send(new UpdateStackCommand(input as unknown as UpdateStackCommandInput)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['aws', region, 'cloudformation'] }),
  });
}
