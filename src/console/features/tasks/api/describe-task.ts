import { DescribeInstancesCommand, DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import {
  DescribeContainerInstancesCommand,
  DescribeTaskDefinitionCommand,
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
  /** awsvpc: the task's own network interface (from its attachment, public IP from EC2). */
  eni?: TaskEni;
  /** awsvpc: each container's TCP ports (the task definition's), served on the task's address. */
  containerPorts?: Map<string, number[]>;
}

export interface TaskEni {
  networkInterfaceId: string;
  subnetId?: string;
  privateIp?: string;
  publicIp?: string;
  macAddress?: string;
}

/** The task's ElasticNetworkInterface attachment, once its interface exists. */
export function taskEni(task: Task): TaskEni | undefined {
  const a = task.attachments?.find((x) => x.type === 'ElasticNetworkInterface');
  const detail = (name: string) => a?.details?.find((d) => d.name === name)?.value;
  const id = detail('networkInterfaceId');
  if (!id) return undefined;
  return {
    networkInterfaceId: id,
    ...(detail('subnetId') ? { subnetId: detail('subnetId') } : {}),
    ...(detail('privateIPv4Address') ? { privateIp: detail('privateIPv4Address') } : {}),
    ...(detail('macAddress') ? { macAddress: detail('macAddress') } : {}),
  };
}

/** awsvpc: the public IP (EC2 DescribeNetworkInterfaces) and the container ports (DescribeTaskDefinition). */
async function awsvpcDetail(region: string, task: Task, eni: TaskEni): Promise<TaskDetail> {
  const td = await ecsClient(region).send(
    new DescribeTaskDefinitionCommand({ taskDefinition: task.taskDefinitionArn }),
  );
  const containerPorts = new Map(
    (td.taskDefinition?.containerDefinitions ?? []).map((c) => [
      c.name ?? '',
      (c.portMappings ?? []).flatMap((m) =>
        m.containerPort !== undefined && (m.protocol ?? 'tcp') === 'tcp' ? [m.containerPort] : [],
      ),
    ]),
  );
  try {
    const out = await ec2Client(region).send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.networkInterfaceId] }),
    );
    const publicIp = out.NetworkInterfaces?.[0]?.Association?.PublicIp;
    const withIp = publicIp ? { ...eni, publicIp } : eni;
    return { task, eni: withIp, containerPorts, ...hostOf(withIp) };
  } catch (e) {
    // The interface is gone (task stopped) or EC2 refused: the attachment's details still show.
    return { task, eni, containerPorts, ...hostOf(eni), hostError: toAwsError(e) };
  }
}

const hostOf = (eni: TaskEni) => {
  const host = eni.publicIp ?? eni.privateIp;
  return host ? { host } : {};
};

/** DescribeTasks, then its container instance (DescribeContainerInstances) and EC2 address (DescribeInstances). */
export async function describeTask(region: string, cluster: string, taskId: string): Promise<TaskDetail> {
  const ecs = ecsClient(region);
  const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskId], include: ['TAGS'] }));
  const task = out.tasks?.[0];
  if (!task) {
    const reason = out.failures?.[0]?.reason ?? 'MISSING';
    throw notFound('TaskNotFound', `Task ${taskId} in cluster ${cluster}: ${reason}.`);
  }
  const eni = taskEni(task);
  if (eni && !task.containerInstanceArn) return awsvpcDetail(region, task, eni);
  if (!task.containerInstanceArn) return { task };
  const ci = await ecs.send(
    new DescribeContainerInstancesCommand({ cluster, containerInstances: [task.containerInstanceArn] }),
  );
  const instance = ci.containerInstances?.[0];
  if (eni) return { ...(await awsvpcDetail(region, task, eni)), ...(instance ? { instance } : {}) };
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
