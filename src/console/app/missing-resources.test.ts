import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';

vi.mock('../aws/ecs', () => ({
  ecsClient: () => ({ send: async () => ({ tasks: [], failures: [{ reason: 'MISSING' }] }) }),
}));
vi.mock('../aws/cloudformation', () => ({
  cloudFormationClient: () => ({
    send: async () => {
      throw Object.assign(new Error('Stack with id nope does not exist'), {
        name: 'ValidationError',
        $metadata: { httpStatusCode: 400 },
      });
    },
  }),
}));

const { taskQuery } = await import('../features/tasks/api/describe-task');
const { stackQuery } = await import('../aws/queries/describe-stack');
const { createQueryClient } = await import('./provider');

/** Fetches a query once (with the app's retry rules) and returns the poll interval it asks for next. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any query's options
async function nextPoll(client: QueryClient, options: any) {
  await client.fetchQuery(options).catch(() => undefined);
  const query = client.getQueryCache().find({ queryKey: options.queryKey as unknown[] });
  const interval = (options as { refetchInterval?: unknown }).refetchInterval;
  return { query, next: typeof interval === 'function' && query ? interval(query) : interval };
}

describe('a resource that does not exist', () => {
  it('a missing task: shown as an error at once, not retried, not polled (no Loading/error flip)', async () => {
    const client = createQueryClient();
    const { query, next } = await nextPoll(client, taskQuery('us-east-1', 'default', 'nope'));
    expect(query?.state.status).toBe('error');
    expect(query?.state.fetchFailureCount).toBe(1);
    expect(next).toBe(false);
  });
  it('a missing stack: not read again every 15 s', async () => {
    const client = createQueryClient();
    const { query, next } = await nextPoll(client, stackQuery('us-east-1', 'nope'));
    expect(query?.state.error).toMatchObject({ name: 'ValidationError' });
    expect(next).toBe(false);
  });
});
