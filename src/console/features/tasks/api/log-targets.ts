import { DescribeTaskDefinitionCommand, type LogConfiguration, type Task } from '@aws-sdk/client-ecs';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { lastPart } from '../../../lib/format';

/** Where one container's awslogs lines go, as ECS names the stream. */
export interface LogTarget {
  region: string;
  group: string;
  stream: string;
}

export interface ContainerLogs {
  name: string;
  logConfiguration?: LogConfiguration;
  /** Set when the log driver is awslogs with a group. */
  target?: LogTarget;
}

/**
 * The awslogs stream of a container: `<awslogs-stream-prefix>/<container>/<task id>`; without a
 * prefix (EC2) the container's runtime (Docker) id, unknown until the container runs.
 */
export function logTarget(
  task: Task,
  containerName: string,
  config: LogConfiguration | undefined,
  taskRegion: string,
): LogTarget | undefined {
  const options = config?.options ?? {};
  const group = options['awslogs-group'];
  if (config?.logDriver !== 'awslogs' || !group) return undefined;
  const prefix = options['awslogs-stream-prefix'];
  const runtimeId = task.containers?.find((c) => c.name === containerName)?.runtimeId;
  const stream = prefix ? `${prefix}/${containerName}/${lastPart(task.taskArn)}` : runtimeId;
  if (!stream) return undefined;
  return { region: options['awslogs-region'] ?? taskRegion, group, stream };
}

/** The containers' log configurations (DescribeTaskDefinition; a revision never changes). */
export async function containerLogs(region: string, task: Task): Promise<ContainerLogs[]> {
  const out = await ecsClient(region).send(
    new DescribeTaskDefinitionCommand({ taskDefinition: task.taskDefinitionArn }),
  );
  return (out.taskDefinition?.containerDefinitions ?? []).map((c) => {
    const name = c.name ?? '';
    const target = logTarget(task, name, c.logConfiguration, region);
    return {
      name,
      ...(c.logConfiguration && { logConfiguration: c.logConfiguration }),
      ...(target && { target }),
    };
  });
}

export function containerLogsQuery(region: string, task: Task) {
  const runtimeIds = (task.containers ?? []).map((c) => c.runtimeId ?? '').join(',');
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'DescribeTaskDefinition', {
      taskDefinition: task.taskDefinitionArn,
      task: task.taskArn,
      runtimeIds,
    }),
    queryFn: () => containerLogs(region, task),
    staleTime: Infinity,
  });
}

export function useContainerLogs(task: Task) {
  const { region } = useRegion();
  return useQuery(containerLogsQuery(region, task));
}
