/**
 * Long lists read a page at a time with the API's own token (ECS `nextToken`, CloudFormation `NextToken`):
 * the first page shows after one round trip, the next is read only when the operator asks ("Load more",
 * or scrolling to the end of a virtual table). A poll re-reads the pages already loaded, in order, so the
 * rows stay live without reading the whole account. Built on TanStack Query's infinite queries.
 */
import {
  infiniteQueryOptions,
  keepPreviousData,
  useInfiniteQuery,
  type InfiniteData,
  type QueryKey,
} from '@tanstack/react-query';
import { useMemo } from 'react';

/** One page of a list: its rows and the token of the next page (none on the last). */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export interface PagedQuery<T> {
  queryKey: QueryKey;
  enabled?: boolean;
  /** Reads one page: `token` is undefined for the first. */
  fetchPage: (token: string | undefined, signal: AbortSignal) => Promise<Page<T>>;
  /** The poll interval, from the rows loaded so far (undefined before the first page). */
  pollMs?: (rows: T[] | undefined) => number | false;
  /** Re-read when a view mounts again, whatever the cache holds (lists changed by other pages). */
  refetchOnMount?: boolean | 'always';
}

/** Every row of the pages loaded, in page order. */
export function rowsOf<T>(data: InfiniteData<Page<T>> | undefined): T[] | undefined {
  return data?.pages.flatMap((p) => p.items);
}

export function pagedQuery<T>(q: PagedQuery<T>) {
  return infiniteQueryOptions({
    queryKey: q.queryKey,
    enabled: q.enabled,
    queryFn: ({ pageParam, signal }) => q.fetchPage(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page<T>) => last.nextToken || undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (q.pollMs ? q.pollMs(rowsOf(query.state.data)) : false),
    refetchIntervalInBackground: false,
    ...(q.refetchOnMount !== undefined && { refetchOnMount: q.refetchOnMount }),
  });
}

/** What a table needs of a paged list: the rows loaded and the way to load the next page. */
export interface PagedRows<T> {
  rows: T[] | undefined;
  isPending: boolean;
  error: unknown;
  refetch: () => void;
  /** The API said there is a next page. */
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  pagesLoaded: number;
}

export function usePaged<T>(options: ReturnType<typeof pagedQuery<T>>): PagedRows<T> {
  const q = useInfiniteQuery(options);
  const rows = useMemo(() => rowsOf(q.data), [q.data]);
  return {
    rows,
    isPending: q.isPending,
    error: q.error,
    refetch: () => void q.refetch(),
    hasMore: q.hasNextPage,
    loadingMore: q.isFetchingNextPage,
    loadMore: () => {
      // Never a second read of the same page: a click while one is on its way does nothing.
      if (q.hasNextPage && !q.isFetchingNextPage) void q.fetchNextPage();
    },
    pagesLoaded: q.data?.pages.length ?? 0,
  };
}

/** The DataTable's `more` prop from a paged list (`total`: the count the API reports elsewhere, if any). */
export function moreOf<T>(list: PagedRows<T>, label: string, total?: number) {
  return {
    hasMore: list.hasMore,
    loading: list.loadingMore,
    onLoadMore: list.loadMore,
    label,
    ...(total !== undefined && { total }),
  };
}
