import { DescribeTasksCommand, ListTasksCommand, type DesiredStatus, type Task } from '@aws-sdk/client-ecs';
import {
  experimental_streamedQuery as streamedQuery,
  keepPreviousData,
  queryOptions,
  useQuery,
  type QueryKey,
} from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { TRANSITION_POLL_MS } from '../../../aws/poll';
import { tasksPollMs } from './poll';

/** DescribeTasks takes at most 100 tasks per call; ListTasks returns at most 100 per page. */
const DESCRIBE_BATCH = 100;

export interface TaskFilter {
  desiredStatus?: DesiredStatus;
  serviceName?: string;
}

/**
 * ListTasks (every page of 100, filtered by the server), each page described in one DescribeTasks call
 * started as soon as the page arrives (never one request per task). Yields the described pages in
 * order, so the first rows show after one round trip even when the cluster has 10,000 tasks.
 */
export async function* streamTasks(
  region: string,
  cluster: string,
  filter: TaskFilter,
  signal?: AbortSignal,
): AsyncGenerator<Task[]> {
  const ecs = ecsClient(region);
  const described: Array<Promise<Task[]>> = [];
  let listed = false;
  let wake: (() => void) | undefined;
  const listing = (async () => {
    try {
      let nextToken: string | undefined;
      do {
        const page = await ecs.send(
          new ListTasksCommand({
            cluster,
            nextToken,
            maxResults: DESCRIBE_BATCH,
            ...(filter.desiredStatus ? { desiredStatus: filter.desiredStatus } : {}),
            ...(filter.serviceName ? { serviceName: filter.serviceName } : {}),
          }),
          { abortSignal: signal },
        );
        const arns = page.taskArns ?? [];
        if (arns.length) {
          const batch = ecs
            .send(new DescribeTasksCommand({ cluster, tasks: arns }), { abortSignal: signal })
            .then((d) => d.tasks ?? []);
          // Awaited in order below; this only keeps an early failure from being reported as unhandled.
          batch.catch(() => undefined);
          described.push(batch);
        }
        wake?.();
        nextToken = page.nextToken;
      } while (nextToken && !signal?.aborted);
    } finally {
      listed = true;
      wake?.();
    }
  })();
  listing.catch(() => undefined);
  for (let next = 0; ;) {
    const batch = described[next];
    if (batch) {
      next++;
      yield await batch;
    } else if (listed) {
      break;
    } else {
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  await listing;
}

/**
 * Streamed: the first load shows rows page by page; a refresh keeps the previous list until the new one
 * is complete (`replace`). `fast`: the caller knows something is moving (e.g. its service is deploying).
 */
export function tasksQuery(region: string, cluster: string, filter: TaskFilter, fast = false) {
  return queryOptions<Task[], Error, Task[], QueryKey>({
    queryKey: awsQueryKey(region, 'ecs', 'ListTasks+DescribeTasks', { cluster, ...filter }),
    queryFn: streamedQuery({
      streamFn: ({ signal }) => streamTasks(region, cluster, filter, signal),
      refetchMode: 'replace',
      reducer: (all: Task[], page: Task[]) => all.concat(page),
      initialValue: [] as Task[],
    }),
    placeholderData: keepPreviousData,
    // Tasks started or stopped elsewhere (scaling, a rollout, a drain) must show when the tab is opened
    // again, not after the next slow poll.
    refetchOnMount: 'always',
    refetchInterval: (q) => (fast ? TRANSITION_POLL_MS : tasksPollMs(q.state.data)),
    refetchIntervalInBackground: false,
  });
}

export function useTasks(cluster: string, filter: TaskFilter, fast = false) {
  const { region } = useRegion();
  return useQuery(tasksQuery(region, cluster, filter, fast));
}
