import { RunTaskCommand, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { expectTasks } from './list-tasks';

/** RunTask with exactly the input given; placement failures come back as an error, in ECS's words. */
export function useRunTask() {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: Record<string, unknown>) => {
      const out = await ecsClient(region).send(new RunTaskCommand(input as unknown as RunTaskCommandInput));
      const started = out.tasks ?? [];
      const failure = out.failures?.[0];
      if (started.length === 0 && failure) {
        throw Object.assign(
          new Error(`${failure.reason ?? 'Failure'}${failure.detail ? `: ${failure.detail}` : ''}`),
          {
            name: 'RunTaskFailure',
            $metadata: { httpStatusCode: 200 },
          },
        );
      }
      return { tasks: started, failures: out.failures ?? [] };
    },
    onSuccess: ({ tasks }) => {
      expectTasks(tasks);
      return queryClient.invalidateQueries({
        queryKey: awsQueryKey(region, 'ecs', 'ListTasks+DescribeTasks'),
      });
    },
  });
}
