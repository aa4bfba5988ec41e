import { StopTaskCommand } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { taskQuery } from './describe-task';

export const stopTaskInputSchema = z.object({ reason: z.string().trim().max(255) });
export type StopTaskInput = z.infer<typeof stopTaskInputSchema>;

/** StopTask with a reason (ECS shows it as the task's stoppedReason). */
export function useStopTask(cluster: string, taskId: string) {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: StopTaskInput) => {
      const { reason } = stopTaskInputSchema.parse(input);
      return (
        await ecsClient(region).send(
          new StopTaskCommand({ cluster, task: taskId, ...(reason ? { reason } : {}) }),
        )
      ).task;
    },
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: taskQuery(region, cluster, taskId).queryKey }),
        // Every task list of the cluster (any filter).
        queryClient.invalidateQueries({ queryKey: awsQueryKey(region, 'ecs', 'ListTasks+DescribeTasks') }),
      ]);
    },
  });
}
