import {
  DescribeContainerInstancesCommand,
  ListContainerInstancesCommand,
  type ContainerInstance,
} from '@aws-sdk/client-ecs';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';
import { TRANSITION_POLL_MS } from '../poll';

/** DescribeContainerInstances takes at most 100 instances per call. */
const DESCRIBE_BATCH = 100;
export const INSTANCES_POLL_MS = 15_000;

/** Draining with tasks still on it, or tasks pending: watch closely. */
export function instancesPollMs(instances: ContainerInstance[] | undefined): number {
  const moving = instances?.some(
    (i) =>
      (i.pendingTasksCount ?? 0) > 0 ||
      (i.status === 'DRAINING' && (i.runningTasksCount ?? 0) > 0) ||
      i.status === 'REGISTERING' ||
      i.status === 'DEREGISTERING',
  );
  return moving ? TRANSITION_POLL_MS : INSTANCES_POLL_MS;
}

/** ListContainerInstances (pages of 100), each page described in one DescribeContainerInstances call. */
export async function listContainerInstances(region: string, cluster: string): Promise<ContainerInstance[]> {
  const ecs = ecsClient(region);
  const described: Array<Promise<ContainerInstance[]>> = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(
      new ListContainerInstancesCommand({ cluster, nextToken, maxResults: DESCRIBE_BATCH }),
    );
    const arns = page.containerInstanceArns ?? [];
    if (arns.length) {
      described.push(
        ecs
          .send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns }))
          .then((d) => d.containerInstances ?? []),
      );
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return (await Promise.all(described)).flat();
}

export function containerInstancesQuery(region: string, cluster: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'ListContainerInstances+DescribeContainerInstances', { cluster }),
    enabled: cluster !== '',
    queryFn: () => listContainerInstances(region, cluster),
    placeholderData: keepPreviousData,
    // Tasks placed or stopped elsewhere (scaling a service, stopping a task) change these counts, and
    // the tab polls slowly at rest: coming back to it must not show counts from before that change.
    refetchOnMount: 'always',
    refetchInterval: (q) => instancesPollMs(q.state.data),
    refetchIntervalInBackground: false,
  });
}

export function useContainerInstances(cluster: string) {
  const { region } = useRegion();
  return useQuery(containerInstancesQuery(region, cluster));
}
