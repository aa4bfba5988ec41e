import {
  DescribeContainerInstancesCommand,
  ListContainerInstancesCommand,
  type ContainerInstance,
} from '@aws-sdk/client-ecs';
import { keepPreviousData, queryOptions, useQueries, useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';
import { pagedQuery, usePaged, type Page } from '../paged';
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

/** One page of ListContainerInstances (100), described in one DescribeContainerInstances call. */
export async function fetchInstancesPage(
  region: string,
  cluster: string,
  nextToken: string | undefined,
  signal?: AbortSignal,
): Promise<Page<ContainerInstance>> {
  const ecs = ecsClient(region);
  const page = await ecs.send(
    new ListContainerInstancesCommand({
      cluster,
      maxResults: DESCRIBE_BATCH,
      ...(nextToken && { nextToken }),
    }),
    { abortSignal: signal },
  );
  const arns = page.containerInstanceArns ?? [];
  const items = arns.length
    ? ((
        await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns }), {
          abortSignal: signal,
        })
      ).containerInstances ?? [])
    : [];
  return { items, ...(page.nextToken && { nextToken: page.nextToken }) };
}

/** The Instances tab: a page of 100 at a time, the pages loaded polled as `containerInstancesQuery`. */
export function containerInstancesPagedQuery(region: string, cluster: string) {
  return pagedQuery<ContainerInstance>({
    queryKey: awsQueryKey(region, 'ecs', 'ListContainerInstances+DescribeContainerInstances', {
      cluster,
      paged: true,
    }),
    enabled: cluster !== '',
    fetchPage: (token, signal) => fetchInstancesPage(region, cluster, token, signal),
    refetchOnMount: 'always',
    pollMs: instancesPollMs,
  });
}

export function usePagedContainerInstances(cluster: string) {
  const { region } = useRegion();
  return usePaged(containerInstancesPagedQuery(region, cluster));
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

/** How many instances the capacity picture shows: one page (one List and one Describe call a poll). */
export const PICTURED_INSTANCES = DESCRIBE_BATCH;

/**
 * The cluster page's capacity picture: the first page of instances (100, in ListContainerInstances'
 * order) and whether there are more. A bar per instance is unreadable past a hundred, and reading a
 * 1,000-instance cluster whole on every poll of every tab cost 20 calls of ~450 KB answers; the
 * Instances tab pages through them all. `containerInstancesQuery` (all of them) stays for the stuck
 * deployment's diagnosis, which must know whether any instance could take a task.
 */
export function capacityPictureQuery(region: string, cluster: string) {
  return queryOptions({
    // Under containerInstancesQuery's key: what invalidates the instances (a drain) refreshes this too.
    queryKey: awsQueryKey(region, 'ecs', 'ListContainerInstances+DescribeContainerInstances', {
      cluster,
      first: PICTURED_INSTANCES,
    }),
    enabled: cluster !== '',
    queryFn: async ({ signal }) => {
      const page = await fetchInstancesPage(region, cluster, undefined, signal);
      return { instances: page.items, more: page.nextToken !== undefined };
    },
    placeholderData: keepPreviousData,
    refetchOnMount: 'always',
    refetchInterval: (q) => instancesPollMs(q.state.data?.instances),
    refetchIntervalInBackground: false,
  });
}

/**
 * The container instances with these ARNs (the ones a page of tasks runs on), in DescribeContainerInstances
 * calls of 100: a tasks table names each task's EC2 instance without listing the whole cluster.
 */
export function instancesByArnQuery(region: string, cluster: string, arns: string[]) {
  const wanted = [...new Set(arns.filter(Boolean))].sort();
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'DescribeContainerInstances', {
      cluster,
      containerInstances: wanted,
    }),
    enabled: cluster !== '' && wanted.length > 0,
    queryFn: async ({ signal }) => {
      const ecs = ecsClient(region);
      const batches: string[][] = [];
      for (let i = 0; i < wanted.length; i += DESCRIBE_BATCH)
        batches.push(wanted.slice(i, i + DESCRIBE_BATCH));
      const described = await Promise.all(
        batches.map((containerInstances) =>
          ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances }), {
            abortSignal: signal,
          }),
        ),
      );
      return described.flatMap((d) => d.containerInstances ?? []);
    },
    placeholderData: keepPreviousData,
    // An instance's EC2 id never changes: no poll.
    staleTime: Infinity,
  });
}

export function useInstancesByArn(cluster: string, arns: string[]) {
  const { region } = useRegion();
  return useQuery(instancesByArnQuery(region, cluster, arns));
}

/**
 * The EC2 instance id of each container instance the given groups of rows run on, one read per group
 * (a page of tasks): a page loaded or changed reads its own instances, never every page's again.
 */
export function useEc2IdsByGroups(cluster: string, groups: string[][]): Map<string, string> {
  const { region } = useRegion();
  // The same options while the groups are unchanged: useQueries then hashes no key again.
  const queries = useMemo(
    () => groups.map((arns) => instancesByArnQuery(region, cluster, arns)),
    [region, cluster, groups],
  );
  return useQueries({
    queries,
    combine: useCallback((results: Array<{ data?: ContainerInstance[] }>) => {
      const out = new Map<string, string>();
      for (const r of results)
        for (const i of r.data ?? []) out.set(i.containerInstanceArn ?? '', i.ec2InstanceId ?? '');
      return out;
    }, []),
  });
}

export function useContainerInstances(cluster: string) {
  const { region } = useRegion();
  return useQuery(containerInstancesQuery(region, cluster));
}
