import { StopTaskCommand } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';

export interface StopTaskInput {
  cluster: string;
  task: string;
  reason?: string;
}

/** StopTask for each input, one after another (ECS has no batch stop); the first failure stops the run. */
export function useStopTasks() {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (inputs: StopTaskInput[]) => {
      for (const input of inputs) await ecsClient(region).send(new StopTaskCommand(input));
      return inputs.length;
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: awsQueryKey(region, 'ecs', 'ListTasks+DescribeTasks') }),
        queryClient.invalidateQueries({ queryKey: awsQueryKey(region, 'ecs', 'DescribeTasks') }),
      ]),
  });
}
