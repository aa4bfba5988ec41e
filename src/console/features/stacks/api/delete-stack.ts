import { DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { useRegion } from '../../../aws/backend';
import { cloudFormationClient } from '../../../aws/cloudformation';
import { stackQuery } from '../../../aws/queries/describe-stack';
import { stacksQuery } from './list-stacks';

export const deleteStackInputSchema = z.object({ stackName: z.string().min(1) });
export type DeleteStackInput = z.infer<typeof deleteStackInputSchema>;

/** DeleteStack: the stack moves to DELETE_IN_PROGRESS, then DELETE_COMPLETE. */
export function useDeleteStack() {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: DeleteStackInput) => {
      const { stackName } = deleteStackInputSchema.parse(input);
      await cloudFormationClient(region).send(new DeleteStackCommand({ StackName: stackName }));
    },
    onSuccess: async (_v, { stackName }) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: stackQuery(region, stackName).queryKey }),
        queryClient.invalidateQueries({ queryKey: stacksQuery(region).queryKey }),
      ]);
    },
  });
}
