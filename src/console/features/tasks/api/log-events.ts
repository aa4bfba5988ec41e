import {
  FilterLogEventsCommand,
  GetLogEventsCommand,
  type FilteredLogEvent,
  type OutputLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { focusManager, queryOptions, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { awsQueryKey } from '../../../aws/backend';
import { logsClient } from '../../../aws/logs';
import type { LogTarget } from './log-targets';

/** Lines asked for when the panel opens (the newest), and most lines kept while following. */
export const TAIL_LINES = 200;
export const MAX_LINES = 1000;
/** GetLogEvents' forward token is polled this often while following. */
export const FOLLOW_MS = 2000;

export interface LogLine {
  timestamp?: number;
  message?: string;
  /** Stable React key: position in the stream as received. */
  key: string;
}

export interface TailPage {
  lines: LogLine[];
  forwardToken?: string;
  /** The stream does not exist yet (the container has written nothing): looked for again. */
  streamMissing?: boolean;
}

const toLines = (events: OutputLogEvent[] | FilteredLogEvent[], from: number): LogLine[] =>
  events.map((e, i) => ({
    timestamp: e.timestamp,
    message: e.message,
    key: 'eventId' in e && e.eventId ? e.eventId : String(from + i),
  }));

/** Appends newly followed lines, keeping the newest `max`. */
export function appendLines(previous: LogLine[], next: LogLine[], max = MAX_LINES): LogLine[] {
  const all = next.length === 0 ? previous : [...previous, ...next];
  return all.length > max ? all.slice(all.length - max) : all;
}

/** The newest lines of a stream (GetLogEvents without a token) and the forward token to follow from. */
export async function getTail(target: LogTarget): Promise<TailPage> {
  try {
    const out = await logsClient(target.region).send(
      new GetLogEventsCommand({
        logGroupName: target.group,
        logStreamName: target.stream,
        limit: TAIL_LINES,
      }),
    );
    return { lines: toLines(out.events ?? [], 0), forwardToken: out.nextForwardToken };
  } catch (e) {
    // A missing stream is a container that has not logged yet; a missing group stays an error.
    if (e instanceof Error && e.name === 'ResourceNotFoundException' && /stream/i.test(e.message))
      return { lines: [], streamMissing: true };
    throw e;
  }
}

export function tailQuery(target: LogTarget) {
  return queryOptions({
    queryKey: awsQueryKey(target.region, 'logs', 'GetLogEvents', target),
    queryFn: () => getTail(target),
    staleTime: Infinity,
    refetchInterval: (q) => (q.state.data?.streamMissing ? FOLLOW_MS : false),
    refetchIntervalInBackground: false,
    retry: false,
  });
}

/**
 * The stream's newest lines, then (while `following`, the tab visible and the live frame not paused)
 * the lines that arrive, polled with the forward token every FOLLOW_MS.
 */
export function useLogTail(target: LogTarget, following: boolean) {
  const tail = useQuery(tailQuery(target));
  const [followed, setFollowed] = useState<{ lines: LogLine[]; token?: string; error?: unknown }>({
    lines: [],
  });
  // Bumped after every look, so the next one is scheduled even when the token did not move.
  const [tick, setTick] = useState(0);
  const [seed, setSeed] = useState<TailPage | undefined>(undefined);
  if (tail.data && seed !== tail.data) {
    setSeed(tail.data);
    setFollowed({ lines: [], token: tail.data.forwardToken });
  }
  const token = followed.token;

  useEffect(() => {
    if (!following || token === undefined) return;
    let cancelled = false;
    const timer = setTimeout(async () => {
      if (document.visibilityState !== 'visible' || !focusManager.isFocused()) {
        // Hidden or paused: look again later, with the same token.
        setTick((n) => n + 1);
        return;
      }
      try {
        const out = await logsClient(target.region).send(
          new GetLogEventsCommand({
            logGroupName: target.group,
            logStreamName: target.stream,
            nextToken: token,
            startFromHead: true,
          }),
        );
        if (cancelled) return;
        setFollowed((f) => ({
          lines: appendLines(f.lines, toLines(out.events ?? [], Date.now())),
          token: out.nextForwardToken ?? token,
        }));
      } catch (error) {
        if (!cancelled) setFollowed((f) => ({ ...f, error }));
      }
      if (!cancelled) setTick((n) => n + 1);
    }, FOLLOW_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [following, token, tick, target.region, target.group, target.stream]);

  const lines = tail.data ? appendLines(tail.data.lines, followed.lines) : [];
  return { tail, lines, followError: followed.error };
}

/** FilterLogEvents on the container's stream (the pattern as CloudWatch Logs reads it: terms or "a phrase"). */
export async function filterLines(target: LogTarget, pattern: string): Promise<LogLine[]> {
  const out = await logsClient(target.region).send(
    new FilterLogEventsCommand({
      logGroupName: target.group,
      logStreamNames: [target.stream],
      filterPattern: pattern,
      limit: TAIL_LINES,
    }),
  );
  return toLines(out.events ?? [], 0);
}

export function useFilteredLines(target: LogTarget, pattern: string, following: boolean) {
  return useQuery({
    queryKey: awsQueryKey(target.region, 'logs', 'FilterLogEvents', { ...target, pattern }),
    queryFn: () => filterLines(target, pattern),
    enabled: pattern.trim() !== '',
    refetchInterval: following ? FOLLOW_MS : false,
    refetchIntervalInBackground: false,
    retry: false,
  });
}
