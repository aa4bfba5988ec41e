/** Live reads of the launch, polled with TanStack Query (faster while something is in progress). */
import {
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { awsQueryKey } from '../../../aws/backend';
import { cloudFormationClient } from '../../../aws/cloudformation';
import { ecsClient } from '../../../aws/ecs';
import { stackPhase } from '../launch-steps';

export const FAST_POLL_MS = 1000;
export const SLOW_POLL_MS = 10_000;

export function stackQuery(region: string, stackId: string | undefined) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'DescribeStacks', { stackId }),
    enabled: Boolean(stackId),
    queryFn: async () => {
      const out = await cloudFormationClient(region).send(new DescribeStacksCommand({ StackName: stackId }));
      const stack = out.Stacks?.[0];
      if (!stack)
        throw Object.assign(new Error(`Stack ${stackId} does not exist`), { name: 'ValidationError' });
      return stack;
    },
    refetchInterval: (q) => {
      const status = q.state.data?.StackStatus;
      if (!status || stackPhase(status) === 'in-progress' || stackPhase(status) === 'deleting')
        return FAST_POLL_MS;
      // A finished stack is still read now and then: deleted elsewhere, the launch must stop saying "running".
      return stackPhase(status) === 'deleted' ? false : SLOW_POLL_MS;
    },
  });
}

/** Keyed by the stack's status too, so a status change (e.g. to CREATE_COMPLETE) always reads them once more. */
export function stackResourcesQuery(
  region: string,
  stackId: string | undefined,
  stackStatus: string | undefined,
) {
  const inProgress = !stackStatus || /IN_PROGRESS$/.test(stackStatus);
  return queryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'DescribeStackResources', { stackId, stackStatus }),
    placeholderData: keepPreviousData,
    enabled: Boolean(stackId),
    queryFn: async () => {
      const out = await cloudFormationClient(region).send(
        new DescribeStackResourcesCommand({ StackName: stackId }),
      );
      return out.StackResources ?? [];
    },
    refetchInterval: inProgress ? FAST_POLL_MS : false,
  });
}

/** Keyed by the stack's status too, so a status change (e.g. to CREATE_COMPLETE) always reads them once more. */
export function stackEventsQuery(
  region: string,
  stackId: string | undefined,
  stackStatus: string | undefined,
) {
  const inProgress = !stackStatus || /IN_PROGRESS$/.test(stackStatus);
  return queryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'DescribeStackEvents', { stackId, stackStatus }),
    placeholderData: keepPreviousData,
    enabled: Boolean(stackId),
    queryFn: async () => {
      const out = await cloudFormationClient(region).send(
        new DescribeStackEventsCommand({ StackName: stackId }),
      );
      return out.StackEvents ?? [];
    },
    refetchInterval: inProgress ? FAST_POLL_MS : false,
  });
}

export function serviceQuery(
  region: string,
  cluster: string,
  serviceArn: string | undefined,
  steady: boolean,
) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'DescribeServices', { cluster, serviceArn }),
    enabled: Boolean(serviceArn),
    queryFn: async () => {
      const out = await ecsClient(region).send(
        new DescribeServicesCommand({ cluster, services: serviceArn ? [serviceArn] : [] }),
      );
      const service = out.services?.[0];
      if (!service) {
        const reason = out.failures?.[0]?.reason ?? 'MISSING';
        throw Object.assign(new Error(`DescribeServices: ${reason}`), { name: 'ServiceNotFoundException' });
      }
      return service;
    },
    refetchInterval: steady ? SLOW_POLL_MS : FAST_POLL_MS,
  });
}

export interface ContainerLink {
  taskArn: string;
  containerName: string;
  url: string;
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
      const instanceArns = [
        ...new Set(tasks.flatMap((t) => (t.containerInstanceArn ? [t.containerInstanceArn] : []))),
      ];
      if (instanceArns.length === 0) return [];
      const instances =
        (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: instanceArns })))
          .containerInstances ?? [];
      const ec2Ids = [...new Set(instances.flatMap((i) => (i.ec2InstanceId ? [i.ec2InstanceId] : [])))];
      const [{ ec2Client }, { DescribeInstancesCommand }] = await Promise.all([
        import('../../../aws/ec2'),
        import('@aws-sdk/client-ec2'),
      ]);
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
