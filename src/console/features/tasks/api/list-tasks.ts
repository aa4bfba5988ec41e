import { DescribeTasksCommand, ListTasksCommand, type DesiredStatus, type Task } from '@aws-sdk/client-ecs';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { pagedQuery, usePaged, type Page } from '../../../aws/paged';
import { TRANSITION_POLL_MS } from '../../../aws/poll';
import { tasksPollMs } from './poll';

/** ListTasks returns at most 100 ARNs per page, and DescribeTasks takes at most 100 tasks per call. */
export const TASKS_PAGE = 100;

export interface TaskFilter {
  desiredStatus?: DesiredStatus;
  serviceName?: string;
}

/** One page of ListTasks (filtered by the server), described in one DescribeTasks call. */
export async function fetchTasksPage(
  region: string,
  cluster: string,
  filter: TaskFilter,
  nextToken: string | undefined,
  signal?: AbortSignal,
): Promise<Page<Task>> {
  const ecs = ecsClient(region);
  const page = await ecs.send(
    new ListTasksCommand({
      cluster,
      maxResults: TASKS_PAGE,
      ...(nextToken && { nextToken }),
      ...(filter.desiredStatus && { desiredStatus: filter.desiredStatus }),
      ...(filter.serviceName && { serviceName: filter.serviceName }),
    }),
    { abortSignal: signal },
  );
  const arns = page.taskArns ?? [];
  const tasks = arns.length
    ? ((await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }), { abortSignal: signal })).tasks ??
      [])
    : [];
  return { items: tasks, ...(page.nextToken && { nextToken: page.nextToken }) };
}

/**
 * The tasks of a cluster a page of 100 at a time ("Load more" reads the next with nextToken); a poll
 * re-reads the pages loaded. `fast`: the caller knows something is moving (e.g. its service is deploying).
 */
export function tasksQuery(region: string, cluster: string, filter: TaskFilter, fast = false) {
  return pagedQuery<Task>({
    queryKey: awsQueryKey(region, 'ecs', 'ListTasks+DescribeTasks', { cluster, ...filter }),
    fetchPage: (token, signal) => fetchTasksPage(region, cluster, filter, token, signal),
    // Tasks started or stopped elsewhere (scaling, a rollout, a drain) must show when the tab is opened
    // again, not after the next slow poll.
    refetchOnMount: 'always',
    pollMs: (rows) => (fast ? TRANSITION_POLL_MS : tasksPollMs(rows)),
  });
}

export function useTasks(cluster: string, filter: TaskFilter, fast = false) {
  const { region } = useRegion();
  return usePaged(tasksQuery(region, cluster, filter, fast));
}
