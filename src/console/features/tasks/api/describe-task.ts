import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  type ContainerInstance,
  type Task,
} from '@aws-sdk/client-ecs';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ec2Client } from '../../../aws/ec2';
import { toAwsError, type AwsErrorInfo } from '../../../aws/errors';
import { ecsClient } from '../../../aws/ecs';
import { notFound, pollUnlessGone } from '../../../aws/poll';
import { tasksPollMs } from './poll';

export interface TaskDetail {
  task: Task;
  instance?: ContainerInstance;
  /** The EC2 instance's public IP (else private IP), where host ports answer. */
  host?: string;
  /** Why there is no host (e.g. EC2 does not know the instance). */
  hostError?: AwsErrorInfo;
}

/** DescribeTasks, then its container instance (DescribeContainerInstances) and EC2 address (DescribeInstances). */
export async function describeTask(region: string, cluster: string, taskId: string): Promise<TaskDetail> {
  const ecs = ecsClient(region);
  const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskId], include: ['TAGS'] }));
  const task = out.tasks?.[0];
  if (!task) {
    const reason = out.failures?.[0]?.reason ?? 'MISSING';
    throw notFound('TaskNotFound', `Task ${taskId} in cluster ${cluster}: ${reason}.`);
  }
  if (!task.containerInstanceArn) return { task };
  const ci = await ecs.send(
    new DescribeContainerInstancesCommand({ cluster, containerInstances: [task.containerInstanceArn] }),
  );
  const instance = ci.containerInstances?.[0];
  if (!instance?.ec2InstanceId) return { task, instance };
  try {
    const ec2 = await ec2Client(region).send(
      new DescribeInstancesCommand({ InstanceIds: [instance.ec2InstanceId] }),
    );
    const i = ec2.Reservations?.[0]?.Instances?.[0];
    return { task, instance, host: i?.PublicIpAddress ?? i?.PrivateIpAddress };
  } catch (e) {
    return { task, instance, hostError: toAwsError(e) };
  }
}

export function taskQuery(region: string, cluster: string, taskId: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'DescribeTasks', { cluster, taskId }),
    queryFn: () => describeTask(region, cluster, taskId),
    placeholderData: keepPreviousData,
    refetchInterval: pollUnlessGone((q) => tasksPollMs(q.state.data ? [q.state.data.task] : undefined)),
    refetchIntervalInBackground: false,
  });
}

export function useTask(cluster: string, taskId: string) {
  const { region } = useRegion();
  return useQuery(taskQuery(region, cluster, taskId));
}
