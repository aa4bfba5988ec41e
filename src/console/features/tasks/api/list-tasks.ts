import { DescribeTasksCommand, ListTasksCommand, type DesiredStatus, type Task } from '@aws-sdk/client-ecs';
import { hashKey, type QueryKey } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { pagedQuery, usePaged, type Page, type PagedData } from '../../../aws/paged';
import { TRANSITION_POLL_MS } from '../../../aws/poll';
import { TASKS_POLL_MS, taskInTransition } from './poll';
import { DESCRIBE_BATCH, applyRefresh, describedOf, pagesToList, tasksToDescribe } from './refresh';

/** ListTasks returns at most 100 ARNs per page, and DescribeTasks takes at most 100 tasks per call. */
export const TASKS_PAGE = 100;

export interface TaskFilter {
  desiredStatus?: DesiredStatus;
  serviceName?: string;
}

function listInput(cluster: string, filter: TaskFilter, nextToken: string | undefined) {
  return {
    cluster,
    maxResults: TASKS_PAGE,
    ...(nextToken && { nextToken }),
    ...(filter.desiredStatus && { desiredStatus: filter.desiredStatus }),
    ...(filter.serviceName && { serviceName: filter.serviceName }),
  };
}

/** What the tasks tables of one list (one query key) show now, and when each task was last read. */
export interface ListView {
  /** The task ARNs in view, by mounted table. */
  visible: Map<object, readonly string[]>;
  readAt: Map<string, number>;
  /** Where the sweep of loaded pages goes on next (refresh.ts). */
  cursor: number;
  /** Tasks this console started, to show at the next refresh wherever ListTasks lists them. */
  expected: Set<string>;
}

const views = new Map<string, ListView>();

/** The view state of one tasks list (exported for tests: what a refresh treats as in view). */
export function viewOf(queryKey: QueryKey): ListView {
  const key = hashKey(queryKey);
  let v = views.get(key);
  if (!v) {
    v = { visible: new Map(), readAt: new Map(), cursor: 0, expected: new Set() };
    views.set(key, v);
  }
  return v;
}

/**
 * Tasks this console just started (RunTask, StartTask): every tasks list of their cluster describes
 * them at its next refresh and shows them, even when the page ListTasks lists them on is not one the
 * refresh lists again (at 10,000 tasks, that can be minutes away).
 */
export function expectTasks(tasks: readonly Task[]): void {
  for (const v of views.values()) for (const t of tasks) if (t.taskArn) v.expected.add(t.taskArn);
}

/**
 * Whether a task ARN names the cluster (`cluster`: a name or an ARN). The old ARN format
 * (`task/ID`, no cluster) could be any cluster's: looked for.
 */
function inCluster(taskArn: string, cluster: string): boolean {
  const parts = taskArn.slice(taskArn.indexOf(':task/') + 1).split('/');
  return parts.length < 3 || parts[1] === cluster.slice(cluster.lastIndexOf('/') + 1);
}

function markRead(view: ListView | undefined, tasks: Iterable<Task>, at = Date.now()) {
  if (view) for (const t of tasks) if (t.taskArn) view.readAt.set(t.taskArn, at);
}

/** One page of ListTasks (filtered by the server), described in one DescribeTasks call. */
export async function fetchTasksPage(
  region: string,
  cluster: string,
  filter: TaskFilter,
  nextToken: string | undefined,
  signal?: AbortSignal,
  view?: ListView,
): Promise<Page<Task>> {
  const ecs = ecsClient(region);
  const page = await ecs.send(new ListTasksCommand(listInput(cluster, filter, nextToken)), {
    abortSignal: signal,
  });
  const arns = page.taskArns ?? [];
  const tasks = arns.length
    ? ((await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }), { abortSignal: signal })).tasks ??
      [])
    : [];
  markRead(view, tasks);
  return { items: tasks, ...(page.nextToken && { nextToken: page.nextToken }) };
}

/**
 * A refresh cycle of the loaded pages (refresh.ts): ListTasks of the first page and of a few loaded pages
 * in turn, then DescribeTasks of the tasks in view, the new ones and the ones no longer listed.
 */
export async function refreshTasks(
  region: string,
  cluster: string,
  filter: TaskFilter,
  loaded: PagedData<Task>,
  view: ListView,
  signal?: AbortSignal,
): Promise<PagedData<Task>> {
  const ecs = ecsClient(region);
  const { pages, cursor } = pagesToList(loaded.pages.length, view.cursor);
  view.cursor = cursor;
  const listed = await Promise.all(
    pages.map(async (page) => {
      const out = await ecs.send(new ListTasksCommand(listInput(cluster, filter, loaded.pageParams[page])), {
        abortSignal: signal,
      });
      return { page, arns: out.taskArns ?? [] };
    }),
  );
  const visible = new Set([...view.visible.values()].flat());
  // Taken now, each looked for once; another cluster's (every list is told) is not asked for here.
  const expected = [...view.expected].filter((arn) => inCluster(arn, cluster));
  view.expected.clear();
  const arns = tasksToDescribe(loaded, listed, visible, expected);
  const batches: string[][] = [];
  for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) batches.push(arns.slice(i, i + DESCRIBE_BATCH));
  const out = await Promise.all(
    batches.map((tasks) => ecs.send(new DescribeTasksCommand({ cluster, tasks }), { abortSignal: signal })),
  );
  const described = describedOf(
    out.flatMap((o) => o.tasks ?? []),
    out.flatMap((o) => o.failures ?? []),
  );
  markRead(view, described.tasks.values());
  return applyRefresh(loaded, listed, described, filter.desiredStatus ?? 'RUNNING', {
    arns: expected,
    // A service's list shows only that service's tasks (its group), as ListTasks serviceName does.
    belongs: (t) => !filter.serviceName || t.group === `service:${filter.serviceName}`,
  });
}

/**
 * The tasks of a cluster a page of 100 at a time ("Load more" reads the next with nextToken). A poll
 * refreshes what the operator can see, not every page loaded (`refreshTasks`). `fast`: the caller knows
 * something is moving (e.g. its service is deploying).
 */
export function tasksQuery(region: string, cluster: string, filter: TaskFilter, fast = false) {
  const queryKey = awsQueryKey(region, 'ecs', 'ListTasks+DescribeTasks', { cluster, ...filter });
  return pagedQuery<Task>({
    queryKey,
    fetchPage: (token, signal) => fetchTasksPage(region, cluster, filter, token, signal, viewOf(queryKey)),
    refresh: (loaded, signal) => refreshTasks(region, cluster, filter, loaded, viewOf(queryKey), signal),
    // Tasks started or stopped elsewhere (scaling, a rollout, a drain) must show when the tab is opened
    // again, not after the next slow poll.
    refetchOnMount: 'always',
    // The rows in view set the pace (rows out of view are not read again until they come into view).
    // Asked on every render of the list and every change of its query: each page's tasks in transition
    // are found once (`inTransitionOf`), not among 10,000 tasks each time.
    pollMs: (data) => {
      if (fast) return TRANSITION_POLL_MS;
      const visible = new Set([...viewOf(queryKey).visible.values()].flat());
      const moving = (data?.pages ?? []).some((p) =>
        inTransitionOf(p.items).some((t) => !visible.size || visible.has(t.taskArn ?? '')),
      );
      return moving ? TRANSITION_POLL_MS : TASKS_POLL_MS;
    },
  });
}

/** The tasks in transition of a page (by its rows, which a refresh keeps while the page is unchanged). */
const inTransition = new WeakMap<readonly Task[], Task[]>();
function inTransitionOf(items: readonly Task[]): Task[] {
  let moving = inTransition.get(items);
  if (!moving) {
    moving = items.filter(taskInTransition);
    inTransition.set(items, moving);
  }
  return moving;
}

/** Rows in view read longer ago than this are read again when they scroll into view. */
export const IN_VIEW_STALE_MS = TRANSITION_POLL_MS;
/** A scroll settles this long before the rows it shows are read again. */
const SCROLL_SETTLE_MS = 300;

/** Each task once, in page order: a page read again may list a task the next page (read later) lists too. */
export function uniqueTasks(rows: Task[] | undefined): Task[] | undefined {
  if (!rows) return rows;
  const seen = new Set<string>();
  const out = rows.filter((t) => {
    const arn = t.taskArn ?? '';
    if (seen.has(arn)) return false;
    seen.add(arn);
    return true;
  });
  return out.length === rows.length ? rows : out;
}

/**
 * The tasks list, and `onVisible` for its table: the tasks in view (what a refresh reads again); rows
 * that come into view after being read more than `IN_VIEW_STALE_MS` ago are read again once the scroll
 * settles.
 */
export function useTasks(cluster: string, filter: TaskFilter, fast = false) {
  const { region } = useRegion();
  const query = tasksQuery(region, cluster, filter, fast);
  const list = usePaged(query);
  const view = viewOf(query.queryKey);
  const [me] = useState(() => ({}));
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const refresh = list.refresh;
  const refreshRef = useRef(refresh);
  useEffect(() => {
    refreshRef.current = refresh;
  });
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      view.visible.delete(me);
    },
    [view, me],
  );
  const onVisible = useCallback(
    (arns: readonly string[]) => {
      view.visible.set(me, arns);
      clearTimeout(timer.current);
      const stale = () => {
        const now = Date.now();
        return (view.visible.get(me) ?? []).some((a) => now - (view.readAt.get(a) ?? 0) > IN_VIEW_STALE_MS);
      };
      if (!stale()) return;
      // A read already on its way is not cancelled: once it is done, the rows still stale are read.
      timer.current = setTimeout(
        () => void refreshRef.current().then(() => (stale() ? refreshRef.current() : undefined)),
        SCROLL_SETTLE_MS,
      );
    },
    [view, me],
  );
  const rows = useMemo(() => uniqueTasks(list.rows), [list.rows]);
  return { ...list, rows, onVisible };
}
