import { UpdateContainerInstancesStateCommand } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { containerInstancesQuery } from './list-container-instances';

export interface UpdateInstancesStateInput {
  containerInstances: string[];
  status: 'ACTIVE' | 'DRAINING';
}

/**
 * The table's selection, checked before it is sent (1 to 10 instances, as ECS takes). Checked by
 * hand: the cluster page, which shows the instances table, loads no form library.
 */
function checked(input: UpdateInstancesStateInput): UpdateInstancesStateInput {
  const { containerInstances, status } = input;
  if (containerInstances.length < 1 || containerInstances.length > 10)
    throw new Error('Choose from 1 to 10 container instances.');
  if (containerInstances.some((arn) => arn.length === 0)) throw new Error('A container instance has no ARN.');
  if (status !== 'ACTIVE' && status !== 'DRAINING') throw new Error(`Unknown status ${String(status)}.`);
  return { containerInstances: [...containerInstances], status };
}

/** UpdateContainerInstancesState: drain (DRAINING) or activate (ACTIVE); per-instance failures are errors. */
export function useUpdateInstancesState(cluster: string) {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: UpdateInstancesStateInput) => {
      const valid = checked(input);
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
