import {
  DescribeContainerInstancesCommand,
  ListContainerInstancesCommand,
  type ContainerInstance,
} from '@aws-sdk/client-ecs';
import { hashKey, keepPreviousData, queryOptions, useQueries, useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useRef } from 'react';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';
import { pagedQuery, rowsOf, usePaged, type Page } from '../paged';
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
    pollMs: (data) => instancesPollMs(rowsOf(data)),
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

/** Container instance ARN and the EC2 instance it is, for each instance read. */
export type Ec2Ids = Array<[containerInstanceArn: string, ec2InstanceId: string]>;

const EC2_IDS = 'DescribeContainerInstances:ec2InstanceId';

/**
 * The EC2 instance ids of the container instances with these ARNs (the ones a page of tasks runs on): a
 * tasks table names each task's EC2 instance without listing the whole cluster. Only the instances no
 * other group has read are described (DescribeContainerInstances, 100 a call): an instance's EC2 id never
 * changes (registering again makes a new ARN), and at 1,000 instances the tasks of a new page run on
 * instances already read after the first few pages (each answer is ~4.5 KB an instance to parse).
 */
export function ec2IdsQuery(region: string, cluster: string, arns: readonly string[]) {
  const wanted = [...new Set(arns.filter(Boolean))].sort();
  const queryKey = awsQueryKey(region, 'ecs', EC2_IDS, { cluster, containerInstances: wanted });
  return queryOptions({
    queryKey,
    // Hashed once here: the tasks table passes the same options while a page's tasks are unchanged, and
    // useQueries would otherwise hash every page's key (100 ARNs each) on every new page.
    queryHash: hashKey(queryKey),
    enabled: cluster !== '' && wanted.length > 0,
    queryFn: async ({ signal, client }): Promise<Ec2Ids> => {
      const known = new Map<string, string>();
      for (const [, data] of client.getQueriesData<Ec2Ids>({
        queryKey: awsQueryKey(region, 'ecs', EC2_IDS, { cluster }),
      }))
        for (const [arn, id] of data ?? []) known.set(arn, id);
      const unknown = wanted.filter((arn) => !known.has(arn));
      const ecs = ecsClient(region);
      const batches: string[][] = [];
      for (let i = 0; i < unknown.length; i += DESCRIBE_BATCH)
        batches.push(unknown.slice(i, i + DESCRIBE_BATCH));
      const described = await Promise.all(
        batches.map((containerInstances) =>
          ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances }), {
            abortSignal: signal,
          }),
        ),
      );
      for (const d of described)
        for (const i of d.containerInstances ?? [])
          if (i.containerInstanceArn && i.ec2InstanceId) known.set(i.containerInstanceArn, i.ec2InstanceId);
      return wanted.flatMap((arn): Ec2Ids => {
        const id = known.get(arn);
        return id === undefined ? [] : [[arn, id]];
      });
    },
    placeholderData: keepPreviousData,
    // An instance's EC2 id never changes: no poll.
    staleTime: Infinity,
  });
}

/** The options of each group's query, kept with the group (the same array while its page is unchanged). */
const ec2IdsOptions = new WeakMap<
  readonly string[],
  { region: string; cluster: string; options: ReturnType<typeof ec2IdsQuery> }
>();

function ec2IdsQueryOf(region: string, cluster: string, arns: readonly string[]) {
  const kept = ec2IdsOptions.get(arns);
  if (kept && kept.region === region && kept.cluster === cluster) return kept.options;
  const options = ec2IdsQuery(region, cluster, arns);
  ec2IdsOptions.set(arns, { region, cluster, options });
  return options;
}

/**
 * The EC2 instance id of each container instance the given groups of rows run on, one read per group
 * (a page of tasks): a page loaded or changed reads its own instances, never every page's again. Pass the
 * same group arrays while their pages are unchanged. The map stays the same object while no id is added
 * (the tasks table makes its columns from it).
 */
export function useEc2IdsByGroups(
  cluster: string,
  groups: ReadonlyArray<readonly string[]>,
): Map<string, string> {
  const { region } = useRegion();
  const queries = useMemo(
    () => groups.map((arns) => ec2IdsQueryOf(region, cluster, arns)),
    [region, cluster, groups],
  );
  const last = useRef(new Map<string, string>());
  return useQueries({
    queries,
    combine: useCallback((results: Array<{ data?: Ec2Ids }>) => {
      const out = new Map<string, string>();
      for (const r of results) for (const [arn, id] of r.data ?? []) out.set(arn, id);
      const before = last.current;
      if (out.size === before.size && [...out].every(([arn, id]) => before.get(arn) === id)) return before;
      last.current = out;
      return out;
    }, []),
  });
}

export function useContainerInstances(cluster: string) {
  const { region } = useRegion();
  return useQuery(containerInstancesQuery(region, cluster));
}
