import type { ContainerInstance } from '@aws-sdk/client-ecs';
import { InfiniteQueryObserver, QueryClient } from '@tanstack/react-query';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TRANSITION_POLL_MS } from '../../../aws/poll';
import { INSTANCES_POLL_MS, containerInstancesPagedQuery, instancesPollMs } from './list-container-instances';

// TanStack Query only polls in a browser (it looks for `window` when it loads): be one for this file.
vi.hoisted(() => {
  (globalThis as { window?: unknown }).window = globalThis;
});
afterAll(() => {
  delete (globalThis as { window?: unknown }).window;
});

const settled: ContainerInstance[] = [{ status: 'ACTIVE', runningTasksCount: 3, pendingTasksCount: 0 }];
const draining: ContainerInstance[] = [{ status: 'DRAINING', runningTasksCount: 1, pendingTasksCount: 0 }];

describe('instancesPollMs', () => {
  it('is slow for settled instances and fast while one drains with tasks left', () => {
    expect(instancesPollMs(settled)).toBe(INSTANCES_POLL_MS);
    expect(instancesPollMs(draining)).toBe(TRANSITION_POLL_MS);
    expect(instancesPollMs([{ status: 'DRAINING', runningTasksCount: 0 }])).toBe(INSTANCES_POLL_MS);
  });
});

describe('containerInstancesPagedQuery (the tab), run by TanStack Query', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** The tab's query with a counting fetcher that answers `answer()`. */
  function mount(cached: ContainerInstance[] | undefined, answer: () => ContainerInstance[]) {
    // Cached data stays fresh for a while, as in the app (app/provider.tsx: 5 s).
    const client = new QueryClient({ defaultOptions: { queries: { staleTime: 5_000 } } });
    const fetches: number[] = [];
    const options = {
      ...containerInstancesPagedQuery('us-east-1', 'web'),
      queryFn: async () => {
        fetches.push(Date.now());
        return { items: answer() };
      },
    };
    if (cached)
      client.setQueryData(options.queryKey, { pages: [{ items: cached }], pageParams: [undefined] });
    const observer = new InfiniteQueryObserver(client, options);
    const unsubscribe = observer.subscribe(() => {});
    return { fetches, unsubscribe, client };
  }

  it('reads the instances again whenever the tab is opened, however recent the cached counts', async () => {
    // Cached a moment ago (still fresh): opening the tab reads them all the same.
    const tab = mount(settled, () => settled);
    await vi.advanceTimersByTimeAsync(0);
    expect(tab.fetches).toHaveLength(1);
    tab.unsubscribe();
  });

  it('polls every 2 s while an instance drains with tasks, every 15 s once settled', async () => {
    let now = draining;
    const tab = mount(undefined, () => now);
    await vi.advanceTimersByTimeAsync(0);
    expect(tab.fetches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(TRANSITION_POLL_MS);
    expect(tab.fetches).toHaveLength(2);
    now = settled;
    await vi.advanceTimersByTimeAsync(TRANSITION_POLL_MS);
    expect(tab.fetches).toHaveLength(3); // this read finds the drain over
    await vi.advanceTimersByTimeAsync(INSTANCES_POLL_MS - 1);
    expect(tab.fetches).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(tab.fetches).toHaveLength(4);
    tab.unsubscribe();
  });
});
