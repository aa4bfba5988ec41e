import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { InfiniteQueryObserver, QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';

const sent: Array<{ op: string; input: Record<string, unknown> }> = [];
let failDescribeAt = -1;

vi.mock('../../../aws/ecs', () => ({
  ecsClient: () => ({
    send: async (command: ListTasksCommand | DescribeTasksCommand) => {
      if (command instanceof ListTasksCommand) {
        sent.push({ op: 'ListTasks', input: { ...command.input } });
        const start = Number(command.input.nextToken ?? 0);
        const total = 250;
        const arns = Array.from({ length: Math.min(100, total - start) }, (_, i) => `arn:task/${start + i}`);
        return { taskArns: arns, nextToken: start + 100 < total ? String(start + 100) : undefined };
      }
      const describes = sent.filter((s) => s.op === 'DescribeTasks').length;
      sent.push({ op: 'DescribeTasks', input: { ...command.input } });
      if (describes === failDescribeAt) {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      return { tasks: (command.input.tasks ?? []).map((taskArn) => ({ taskArn })) };
    },
  }),
}));

const { fetchTasksPage, tasksQuery } = await import('./list-tasks');

function observe(filter = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const observer = new InfiniteQueryObserver(client, tasksQuery('us-east-1', 'c', filter));
  const unsubscribe = observer.subscribe(() => {});
  const arns = () =>
    (observer.getCurrentResult().data?.pages ?? []).flatMap((p) => p.items.map((t) => t.taskArn));
  return { observer, unsubscribe, arns };
}

describe('tasksQuery: a page of ListTasks at a time', () => {
  it('reads only the first page, then each next page with its nextToken when asked', async () => {
    sent.length = 0;
    failDescribeAt = -1;
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
    expect(sent[2]?.input).toMatchObject({ nextToken: '100' });
    await view.observer.fetchNextPage();
    expect(view.arns()).toHaveLength(250);
    expect(view.arns()[249]).toBe('arn:task/249');
    expect(view.observer.getCurrentResult().hasNextPage).toBe(false);
    // Each page was described in one call: never one request per task.
    expect(
      sent.filter((s) => s.op === 'DescribeTasks').map((s) => (s.input['tasks'] as string[]).length),
    ).toEqual([100, 100, 50]);
    view.unsubscribe();
  });

  it('fails with the AWS error of a failed page', async () => {
    sent.length = 0;
    failDescribeAt = 0;
    await expect(fetchTasksPage('us-east-1', 'c', {}, undefined)).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
  });

  it('re-reads when a tasks view is opened again, whatever the cache holds', () => {
    expect(tasksQuery('us-east-1', 'web', {}).refetchOnMount).toBe('always');
  });
});
