import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
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
      // Later pages answer first: the stream must still yield them in order.
      await new Promise((r) => setTimeout(r, 30 - describes * 10));
      return { tasks: (command.input.tasks ?? []).map((taskArn) => ({ taskArn })) };
    },
  }),
}));

const { streamTasks, tasksQuery } = await import('./list-tasks');

async function collect(filter = {}) {
  const pages: string[][] = [];
  for await (const page of streamTasks('us-east-1', 'c', filter))
    pages.push(page.map((t) => t.taskArn ?? ''));
  return pages;
}

describe('streamTasks', () => {
  it('lists in pages of 100, describes each page in one call, and yields pages in order', async () => {
    sent.length = 0;
    failDescribeAt = -1;
    const pages = await collect({ desiredStatus: 'RUNNING', serviceName: 'web' });
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(pages.flat()[0]).toBe('arn:task/0');
    expect(pages.flat()[249]).toBe('arn:task/249');
    expect(sent.filter((s) => s.op === 'ListTasks')).toHaveLength(3);
    expect(sent.filter((s) => s.op === 'DescribeTasks')).toHaveLength(3);
    expect(sent[0]?.input).toMatchObject({ desiredStatus: 'RUNNING', serviceName: 'web', maxResults: 100 });
  });

  it('fails with the AWS error of a failed batch', async () => {
    sent.length = 0;
    failDescribeAt = 1;
    await expect(collect()).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('re-reads when a tasks view is opened again, whatever the cache holds', () => {
    expect(tasksQuery('us-east-1', 'web', {}).refetchOnMount).toBe('always');
  });
});
