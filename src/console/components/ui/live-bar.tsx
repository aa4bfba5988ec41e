import { focusManager, useIsFetching, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { Button } from './button';

/** The newest successful read among the AWS queries on screen. */
function useLastUpdated(): number {
  const cache = useQueryClient().getQueryCache();
  return useSyncExternalStore(
    (onChange) => cache.subscribe(onChange),
    () => {
      let newest = 0;
      for (const q of cache.findAll({ queryKey: ['aws'], type: 'active' })) {
        newest = Math.max(newest, q.state.dataUpdatedAt);
      }
      return newest;
    },
  );
}

function useNow(periodMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

/**
 * Pause and resume of every dashboard poll, and "updated N s ago". Pausing tells TanStack Query the window
 * is not focused: interval refetches (refetchIntervalInBackground false) stop, as in a background tab;
 * opening a page still reads it once.
 */
export function LiveBar() {
  const [paused, setPaused] = useState(false);
  const fetching = useIsFetching({ queryKey: ['aws'] });
  const updated = useLastUpdated();
  const now = useNow(1000);
  useEffect(() => {
    focusManager.setFocused(paused ? false : undefined);
    return () => focusManager.setFocused(undefined);
  }, [paused]);
  const seconds = updated ? Math.max(0, Math.round((now - updated) / 1000)) : null;
  return (
    <div className="mb-4 flex flex-wrap items-center justify-end gap-3 text-xs text-slate-600 dark:text-slate-400">
      <span role="status" aria-live="off" data-testid="live-status" className="tabular-nums">
        {paused ? 'Live updates paused' : fetching > 0 ? 'Refreshing…' : 'Live'}
        {seconds !== null && ` · updated ${seconds} s ago`}
      </span>
      <Button size="sm" variant="ghost" aria-pressed={paused} onClick={() => setPaused((p) => !p)}>
        {paused ? 'Resume live updates' : 'Pause live updates'}
      </Button>
    </div>
  );
}
