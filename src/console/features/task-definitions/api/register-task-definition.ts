import { RegisterTaskDefinitionCommand, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { registerInputSchema, type RegisterInput } from '../editable';
import { familiesQuery } from '../../../aws/queries/task-definition-families';
import { revisionsQuery } from '../../../aws/queries/task-definition-revisions';

/** RegisterTaskDefinition from the edited JSON (checked by `registerInputSchema`; the server checks the rest). */
export function useRegisterTaskDefinition() {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: RegisterInput) => {
      const valid = registerInputSchema.parse(input);
      const out = await ecsClient(region).send(
        new RegisterTaskDefinitionCommand(valid as unknown as RegisterTaskDefinitionCommandInput),
      );
      return out.taskDefinition;
    },
    onSuccess: async (td) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: familiesQuery(region).queryKey }),
        queryClient.invalidateQueries({ queryKey: revisionsQuery(region, td?.family ?? '').queryKey }),
      ]);
    },
  });
}
