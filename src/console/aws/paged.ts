/**
 * Long lists read a page at a time with the API's own token (ECS `nextToken`, CloudFormation `NextToken`):
 * the first page shows after one round trip, the next is read only when the operator asks ("Load more",
 * or scrolling to the end of a virtual table). A poll re-reads the pages already loaded, in order, so the
 * rows stay live without reading the whole account; a list that can hold thousands gives its own
 * `refresh` instead (the tasks list reads what is in view, `features/tasks/api/refresh.ts`). Built on
 * TanStack Query's infinite queries.
 */
import {
  hashKey,
  infiniteQueryOptions,
  keepPreviousData,
  useInfiniteQuery,
  type InfiniteData,
  type QueryKey,
} from '@tanstack/react-query';
import { useEffect, useMemo, useReducer } from 'react';

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
  /**
   * The poll interval, from the pages loaded so far (undefined before the first): asked on every render
   * of the list, so a list of thousands walks its pages rather than copying their rows (`rowsOf`).
   */
  pollMs?: (data: PagedData<T> | undefined) => number | false;
  /** Re-read when a view mounts again, whatever the cache holds (lists changed by other pages). */
  refetchOnMount?: boolean | 'always';
  /**
   * A poll's (or invalidation's) own way to bring the loaded pages up to date, instead of reading every
   * one again: given the pages loaded, the pages after it, each with its token and next token unchanged
   * (the pages after it are matched by token). A read of a page not loaded yet still uses `fetchPage`.
   */
  refresh?: (loaded: PagedData<T>, signal: AbortSignal) => Promise<PagedData<T>>;
}

export type PagedData<T> = InfiniteData<Page<T>, string | undefined>;

/** Every row of the pages loaded, in page order. */
export function rowsOf<T>(data: InfiniteData<Page<T>> | undefined): T[] | undefined {
  return data?.pages.flatMap((p) => p.items);
}

/**
 * Next pages read while a poll of their list is on its way, by list (query hash): the token read and the
 * read. TanStack runs one read at a time per query, and `fetchNextPage` cancels a poll on its way: the
 * poll's reads, half answered, are thrown away (and a tasks list's poll carries the tasks this console
 * started: they would wait for a later one); waiting for the poll instead holds the page back by the
 * poll's length. So the page is read at once, beside the poll, and added to the list when the poll is
 * in (the next-page read takes this one instead of reading again).
 */
const readsAhead = new Map<string, { token: string; page: Promise<unknown> }>();

function takeReadAhead(queryKey: QueryKey, token: string): Promise<unknown> | undefined {
  if (readsAhead.size === 0) return undefined;
  const key = hashKey(queryKey);
  const ahead = readsAhead.get(key);
  if (ahead?.token !== token) return undefined;
  readsAhead.delete(key);
  return ahead.page;
}

export function pagedQuery<T>(q: PagedQuery<T>) {
  // TanStack refetches an infinite query page by page, from the first, each with the token the one
  // before it gave: with `refresh`, the first page's call refreshes them all and the others hand back
  // their refreshed page (matched by the token they were loaded with), without a request.
  let refreshed: PagedData<T> | undefined;
  const refresh = q.refresh;
  const options = infiniteQueryOptions({
    queryKey: q.queryKey,
    enabled: q.enabled,
    queryFn: async ({ pageParam, signal, client, queryKey }): Promise<Page<T>> => {
      const ahead = pageParam === undefined ? undefined : takeReadAhead(queryKey, pageParam);
      if (ahead) return (await ahead) as Page<T>;
      const loaded = refresh ? client.getQueryData<PagedData<T>>(queryKey) : undefined;
      if (refresh && loaded && loaded.pages.length > 0) {
        if (pageParam === undefined) {
          refreshed = await refresh(loaded, signal);
          const first = refreshed.pages[0];
          if (first) return first;
        } else {
          const i = loaded.pageParams.indexOf(pageParam);
          const page = i > 0 ? (refreshed ?? loaded).pages[i] : undefined;
          if (page) return page;
        }
      }
      return q.fetchPage(pageParam, signal);
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page<T>) => last.nextToken || undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (q.pollMs ? q.pollMs(query.state.data) : false),
    refetchIntervalInBackground: false,
    ...(q.refetchOnMount !== undefined && { refetchOnMount: q.refetchOnMount }),
  });
  // Not a TanStack option: how `usePaged` reads a next page beside a poll.
  return Object.assign(options, { readPage: q.fetchPage });
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
  /** The rows of each page loaded, in page order (lookups keyed per page: one read per page). */
  pages: T[][] | undefined;
  /** Re-reads unless a read is on its way (a refresh asked for by the view, never cancelling one). */
  refresh: () => Promise<void>;
}

export function usePaged<T>(options: ReturnType<typeof pagedQuery<T>>): PagedRows<T> {
  const q = useInfiniteQuery(options);
  const rows = useMemo(() => rowsOf(q.data), [q.data]);
  const pages = useMemo(() => q.data?.pages.map((p) => p.items), [q.data]);
  const key = hashKey(options.queryKey);
  const nextToken = q.data?.pages.at(-1)?.nextToken;
  const readingAhead = nextToken !== undefined && readsAhead.get(key)?.token === nextToken;
  const [, rendered] = useReducer((n: number) => n + 1, 0);
  const { isFetching, fetchNextPage } = q;
  // The poll is in: the page read beside it joins the list (the read finds it), unless the pages changed.
  useEffect(() => {
    const ahead = readsAhead.get(key);
    if (isFetching || !ahead) return;
    if (ahead.token === nextToken) void fetchNextPage({ cancelRefetch: false });
    else readsAhead.delete(key);
  }, [key, isFetching, nextToken, fetchNextPage]);
  useEffect(() => () => void readsAhead.delete(key), [key]);
  return {
    rows,
    isPending: q.isPending,
    error: q.error,
    refetch: () => void q.refetch(),
    hasMore: q.hasNextPage,
    loadingMore: q.isFetchingNextPage || readingAhead,
    loadMore: () => {
      // Never a second read of the same page: a click while one is on its way does nothing.
      if (!q.hasNextPage || q.isFetchingNextPage || readingAhead || nextToken === undefined) return;
      if (!q.isFetching) {
        void q.fetchNextPage({ cancelRefetch: false });
        return;
      }
      // A poll is on its way: never cancelled, never waited for (`readsAhead`).
      const page = options.readPage(nextToken, new AbortController().signal);
      page.catch(() => undefined); // its error, if any, is the next-page read's (taken by the poll's end)
      readsAhead.set(key, { token: nextToken, page });
      rendered();
    },
    pagesLoaded: q.data?.pages.length ?? 0,
    pages,
    refresh: async () => {
      await q.refetch({ cancelRefetch: false });
    },
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
