import { DescribeTasksCommand, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import { InfiniteQueryObserver, QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';

const sent: Array<{ op: string; input: Record<string, unknown> }> = [];
let failDescribeAt = -1;

/**
 * A cluster's tasks as the control plane keeps them: listed in ARN order, 100 a page, the token the last
 * ARN of the page before (ECS tokens are opaque; the embedded control plane's work this way).
 */
const tasks = new Map<string, Task>();
const arnOf = (n: number) => `arn:task/${String(n).padStart(5, '0')}`;
function reset(total: number) {
  sent.length = 0;
  failDescribeAt = -1;
  tasks.clear();
  for (let i = 0; i < total; i++)
    tasks.set(arnOf(i), { taskArn: arnOf(i), lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
}

vi.mock('../../../aws/ecs', () => ({
  ecsClient: () => ({
    send: async (command: ListTasksCommand | DescribeTasksCommand) => {
      if (command instanceof ListTasksCommand) {
        sent.push({ op: 'ListTasks', input: { ...command.input } });
        const desired = command.input.desiredStatus ?? 'RUNNING';
        const after = command.input.nextToken ?? '';
        const rest = [...tasks.values()]
          .filter((t) => t.desiredStatus === desired && (t.taskArn ?? '') > after)
          .map((t) => t.taskArn ?? '')
          .sort();
        const page = rest.slice(0, 100);
        return { taskArns: page, nextToken: rest.length > 100 ? page[99] : undefined };
      }
      const describes = sent.filter((s) => s.op === 'DescribeTasks').length;
      sent.push({ op: 'DescribeTasks', input: { ...command.input } });
      if (describes === failDescribeAt) {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      const arns = command.input.tasks ?? [];
      return {
        tasks: arns.flatMap((a) => (tasks.has(a) ? [{ ...tasks.get(a) }] : [])),
        failures: arns.filter((a) => !tasks.has(a)).map((arn) => ({ arn, reason: 'MISSING' })),
      };
    },
  }),
}));

const { expectTasks, fetchTasksPage, tasksQuery, uniqueTasks, viewOf } = await import('./list-tasks');

function observe(filter = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const options = tasksQuery('us-east-1', 'c', filter);
  const observer = new InfiniteQueryObserver(client, options);
  const unsubscribe = observer.subscribe(() => {});
  const rows = () => (observer.getCurrentResult().data?.pages ?? []).flatMap((p) => p.items);
  const arns = () => rows().map((t) => t.taskArn);
  const view = viewOf(options.queryKey);
  const owner = {};
  return {
    observer,
    unsubscribe: () => {
      view.visible.delete(owner);
      unsubscribe();
    },
    arns,
    rows,
    /** What the table reports in view. */
    show: (shown: string[]) => view.visible.set(owner, shown),
    /** The requests of one refresh cycle (a poll). */
    refresh: async () => {
      const from = sent.length;
      await observer.refetch();
      return sent.slice(from);
    },
  };
}

async function loadAll(view: ReturnType<typeof observe>, rows: number) {
  await vi.waitFor(() => expect(view.arns().length).toBeGreaterThan(0));
  while (view.observer.getCurrentResult().hasNextPage) await view.observer.fetchNextPage();
  expect(view.arns()).toHaveLength(rows);
}

const ops = (requests: typeof sent) => {
  const out: Record<string, number> = {};
  for (const r of requests) out[r.op] = (out[r.op] ?? 0) + 1;
  return out;
};

describe('tasksQuery: a page of ListTasks at a time', () => {
  it('reads only the first page, then each next page with its nextToken when asked', async () => {
    reset(250);
    const view = observe({ desiredStatus: 'RUNNING', serviceName: 'web' });
    await vi.waitFor(() => expect(view.arns()).toHaveLength(100));
    expect(sent.map((s) => s.op)).toEqual(['ListTasks', 'DescribeTasks']);
    expect(sent[0]?.input).toEqual({
      cluster: 'c',
      maxResults: 100,
      desiredStatus: 'RUNNING',
      serviceName: 'web',
    });
    expect(view.observer.getCurrentResult().hasNextPage).toBe(true);

    await view.observer.fetchNextPage();
    expect(view.arns()).toHaveLength(200);
    expect(sent[2]?.input).toMatchObject({ nextToken: arnOf(99) });
    await view.observer.fetchNextPage();
    expect(view.arns()).toHaveLength(250);
    expect(view.arns()[249]).toBe(arnOf(249));
    expect(view.observer.getCurrentResult().hasNextPage).toBe(false);
    // Each page was described in one call: never one request per task.
    expect(
      sent.filter((s) => s.op === 'DescribeTasks').map((s) => (s.input['tasks'] as string[]).length),
    ).toEqual([100, 100, 50]);
    view.unsubscribe();
  });

  it('fails with the AWS error of a failed page', async () => {
    reset(250);
    failDescribeAt = 0;
    await expect(fetchTasksPage('us-east-1', 'c', {}, undefined)).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
  });

  it('re-reads when a tasks view is opened again, whatever the cache holds', () => {
    expect(tasksQuery('us-east-1', 'web', {}).refetchOnMount).toBe('always');
  });
});

describe('tasksQuery: a poll reads what is in view, not every page loaded', () => {
  it('1,200 tasks loaded: a cycle lists the first page and 4 others in turn, and describes the rows in view', async () => {
    reset(1200);
    const view = observe();
    await loadAll(view, 1200);
    const inView = view.arns().slice(530, 570) as string[];
    view.show(inView);

    const first = await view.refresh();
    expect(ops(first)).toEqual({ ListTasks: 5, DescribeTasks: 1 });
    const tokens = (requests: typeof sent) =>
      requests.filter((r) => r.op === 'ListTasks').map((r) => r.input['nextToken']);
    // The first page, then pages 2 to 5, each with the token it was loaded with.
    expect(tokens(first)).toEqual([undefined, arnOf(99), arnOf(199), arnOf(299), arnOf(399)]);
    expect(first.find((r) => r.op === 'DescribeTasks')?.input['tasks']).toEqual(inView);
    // The next cycles go on round the loaded pages: every page is listed again in turn.
    expect(tokens(await view.refresh())).toEqual([undefined, arnOf(499), arnOf(599), arnOf(699), arnOf(799)]);
    expect(tokens(await view.refresh())).toEqual([undefined, arnOf(899), arnOf(999), arnOf(1099), arnOf(99)]);
    // Nothing changed: the same rows (objects), all 1,200 still loaded, and more pages read on scroll.
    expect(view.arns()).toHaveLength(1200);
    view.unsubscribe();
  });

  it('a task stopped elsewhere changes its status in view; an expired one goes; a new one shows', async () => {
    reset(250);
    const view = observe();
    await loadAll(view, 250);
    const before = view.rows();
    view.show([arnOf(120), arnOf(121), arnOf(122)]);
    tasks.set(arnOf(121), { taskArn: arnOf(121), lastStatus: 'DEACTIVATING', desiredStatus: 'STOPPED' });
    tasks.delete(arnOf(122));
    // New tasks: one listed on the first page, one on the last.
    tasks.set('arn:task/00050a', {
      taskArn: 'arn:task/00050a',
      lastStatus: 'PENDING',
      desiredStatus: 'RUNNING',
    });
    tasks.set('arn:task/00240a', {
      taskArn: 'arn:task/00240a',
      lastStatus: 'PENDING',
      desiredStatus: 'RUNNING',
    });
    // Out of view and changed: not read again until it comes into view.
    tasks.set(arnOf(10), { taskArn: arnOf(10), lastStatus: 'DEACTIVATING', desiredStatus: 'RUNNING' });

    const cycle = await view.refresh();
    expect(ops(cycle)).toEqual({ ListTasks: 3, DescribeTasks: 1 });
    // In view; new on the first and last pages; and task 99, pushed off the first page by the new one.
    const described = cycle.find((r) => r.op === 'DescribeTasks')?.input['tasks'] as string[];
    expect(new Set(described)).toEqual(
      new Set([arnOf(120), arnOf(121), arnOf(122), 'arn:task/00050a', 'arn:task/00240a', arnOf(99)]),
    );
    const byArn = new Map(view.rows().map((t) => [t.taskArn, t]));
    expect(byArn.has(arnOf(121))).toBe(false);
    expect(byArn.has(arnOf(122))).toBe(false);
    expect(byArn.get('arn:task/00050a')?.lastStatus).toBe('PENDING');
    expect(byArn.get('arn:task/00240a')?.lastStatus).toBe('PENDING');
    expect(byArn.get(arnOf(10))?.lastStatus).toBe('RUNNING');
    expect(byArn.get(arnOf(10))).toBe(before[10]);
    // 250 - 1 expired - 1 stopped + 2 new; 99 stays (still running).
    expect(byArn.get(arnOf(99))).toBeDefined();
    expect(uniqueTasks(view.rows())).toHaveLength(250);

    // Arn 10,
    // now in view, is read again.
    view.show([arnOf(10)]);
    const next = await view.refresh();
    expect(next.find((r) => r.op === 'DescribeTasks')?.input['tasks']).toContain(arnOf(10));
    const after = new Map(view.rows().map((t) => [t.taskArn, t]));
    expect(after.get(arnOf(10))?.lastStatus).toBe('DEACTIVATING');
    expect(view.rows()).toHaveLength(250);
    view.unsubscribe();
  });

  it('a task this console started shows at the next cycle, though its page is not listed in it', async () => {
    reset(1200);
    const view = observe();
    await loadAll(view, 1200);
    const inView = view.arns().slice(0, 30) as string[];
    view.show(inView);
    await view.refresh();
    // Listed on page 11: the next cycle lists the first page and pages 6 to 9, not 11.
    const started: Task = {
      taskArn: 'arn:task/01150a',
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
    };
    tasks.set(started.taskArn ?? '', started);
    // Started in another cluster: that cluster's lists look for it, not this one's ('c').
    expectTasks([started, { taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/other/0123' }]);
    const cycle = await view.refresh();
    expect(ops(cycle)).toEqual({ ListTasks: 5, DescribeTasks: 1 });
    expect(cycle.find((r) => r.op === 'DescribeTasks')?.input['tasks']).toEqual([
      ...inView,
      'arn:task/01150a',
    ]);
    expect(view.rows().find((t) => t.taskArn === 'arn:task/01150a')?.lastStatus).toBe('PROVISIONING');
    expect(uniqueTasks(view.rows())).toHaveLength(1201);
    // Looked for once: the next cycle does not ask for it again.
    const next = await view.refresh();
    const again = next.find((r) => r.op === 'DescribeTasks')?.input['tasks'] as string[];
    expect(again).toEqual(expect.arrayContaining(inView));
    expect(again).not.toContain('arn:aws:ecs:us-east-1:000000000000:task/other/0123');
    expect(uniqueTasks(view.rows())).toHaveLength(1201);
    view.unsubscribe();
  });

  it("a service's list does not take a task this console started outside that service", async () => {
    reset(150);
    const view = observe({ serviceName: 'web' });
    await vi.waitFor(() => expect(view.arns().length).toBeGreaterThan(0));
    const started: Task = {
      taskArn: 'arn:task/zzz',
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      group: 'family:x',
    };
    tasks.set(started.taskArn ?? '', started);
    expectTasks([started]);
    await view.refresh();
    expect(view.arns()).not.toContain('arn:task/zzz');
    view.unsubscribe();
  });

  it('reads the next page with real requests after a refresh', async () => {
    reset(350);
    const view = observe();
    await vi.waitFor(() => expect(view.arns()).toHaveLength(100));
    await view.observer.fetchNextPage();
    await view.refresh();
    const from = sent.length;
    await view.observer.fetchNextPage();
    expect(sent.slice(from)).toMatchObject([
      { op: 'ListTasks', input: { nextToken: arnOf(199) } },
      { op: 'DescribeTasks' },
    ]);
    expect(view.arns()).toHaveLength(300);
    view.unsubscribe();
  });
});

describe('uniqueTasks', () => {
  it('keeps each task once, in order, and the same array when nothing repeats', () => {
    const a = { taskArn: 'a' };
    const b = { taskArn: 'b' };
    const rows = [a, b];
    expect(uniqueTasks(rows)).toBe(rows);
    expect(uniqueTasks([a, b, { taskArn: 'a' }])).toEqual([a, b]);
    expect(uniqueTasks(undefined)).toBeUndefined();
  });
});
