/** Where the launched service's containers answer: the links the launch page offers once it is steady. */
import {
  DescribeContainerInstancesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { queryOptions } from '@tanstack/react-query';
import { awsQueryKey } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';

export interface ContainerLink {
  taskArn: string;
  containerName: string;
  url: string;
}

/**
 * awsvpc tasks (Fargate): each container answers on the task's own address (its network interface's
 * private IP, which is also its public IP locally) at its container ports (DescribeTaskDefinition), as
 * containers of awsvpc tasks report no network bindings.
 */
async function awsvpcLinks(region: string, tasks: Task[]): Promise<ContainerLink[]> {
  const ecs = ecsClient(region);
  const portsByTd = new Map<string, Map<string, number[]>>();
  for (const arn of new Set(tasks.map((t) => t.taskDefinitionArn ?? ''))) {
    if (!arn) continue;
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition;
    portsByTd.set(
      arn,
      new Map(
        (td?.containerDefinitions ?? []).map((c) => [
          c.name ?? '',
          (c.portMappings ?? []).flatMap((m) =>
            m.containerPort !== undefined && (m.protocol ?? 'tcp') === 'tcp' ? [m.containerPort] : [],
          ),
        ]),
      ),
    );
  }
  return tasks.flatMap((t) =>
    (t.containers ?? []).flatMap((c) => {
      const host = c.networkInterfaces?.[0]?.privateIpv4Address;
      if (!host) return [];
      const ports = portsByTd.get(t.taskDefinitionArn ?? '')?.get(c.name ?? '') ?? [];
      return ports.map((port) => ({
        taskArn: t.taskArn ?? '',
        containerName: c.name ?? '',
        url: `http://${host}:${port}/`,
      }));
    }),
  );
}

/**
 * Where the service's containers answer: DescribeTasks network bindings, the container instance's EC2
 * instance (DescribeContainerInstances) and its public IP (EC2 DescribeInstances, loaded on demand).
 */
export function containerLinksQuery(region: string, cluster: string, serviceName: string, enabled: boolean) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'ContainerLinks', { cluster, serviceName }),
    enabled,
    queryFn: async (): Promise<ContainerLink[]> => {
      const ecs = ecsClient(region);
      const list = await ecs.send(new ListTasksCommand({ cluster, serviceName, desiredStatus: 'RUNNING' }));
      if (!list.taskArns?.length) return [];
      const tasks = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: list.taskArns }))).tasks ?? [];
      const awsvpc = tasks.filter((t) => t.attachments?.some((a) => a.type === 'ElasticNetworkInterface'));
      if (awsvpc.length > 0) return awsvpcLinks(region, awsvpc);
      const instanceArns = [
        ...new Set(tasks.flatMap((t) => (t.containerInstanceArn ? [t.containerInstanceArn] : []))),
      ];
      if (instanceArns.length === 0) return [];
      const instances =
        (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: instanceArns })))
          .containerInstances ?? [];
      const ec2Ids = [...new Set(instances.flatMap((i) => (i.ec2InstanceId ? [i.ec2InstanceId] : [])))];
      const { ec2Client, DescribeInstancesCommand } = await import('../../../aws/ec2');
      const reservations = ec2Ids.length
        ? ((await ec2Client(region).send(new DescribeInstancesCommand({ InstanceIds: ec2Ids })))
            .Reservations ?? [])
        : [];
      const hostByEc2Id = new Map(
        reservations
          .flatMap((r) => r.Instances ?? [])
          .map(
            (i) =>
              [i.InstanceId ?? '', i.PublicIpAddress ?? i.PublicDnsName ?? i.PrivateIpAddress ?? ''] as const,
          ),
      );
      const hostByContainerInstance = new Map(
        instances.map(
          (i) => [i.containerInstanceArn ?? '', hostByEc2Id.get(i.ec2InstanceId ?? '') ?? ''] as const,
        ),
      );
      return tasks.flatMap((t) => {
        const host = hostByContainerInstance.get(t.containerInstanceArn ?? '');
        if (!host) return [];
        return (t.containers ?? []).flatMap((c) =>
          (c.networkBindings ?? [])
            .filter((b) => b.hostPort !== undefined && (b.protocol ?? 'tcp') === 'tcp')
            .map((b) => ({
              taskArn: t.taskArn ?? '',
              containerName: c.name ?? '',
              url: `http://${host}:${b.hostPort}/`,
            })),
        );
      });
    },
  });
}
