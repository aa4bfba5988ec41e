import { focusManager, useIsFetching } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useLiveness } from '../../aws/liveness';
import { Button } from './button';

function useNow(periodMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

/**
 * Pause and resume of every dashboard poll, "updated N s ago", and "cannot reach the backend" when the
 * reads fail to connect (the data shown is then marked stale). Pausing tells TanStack Query the window
 * is not focused: interval refetches (refetchIntervalInBackground false) stop, as in a background tab;
 * opening a page still reads it once.
 */
export function LiveBar() {
  const [paused, setPaused] = useState(false);
  const fetching = useIsFetching({ queryKey: ['aws'] });
  const live = useLiveness();
  const now = useNow(1000);
  useEffect(() => {
    focusManager.setFocused(paused ? false : undefined);
    return () => focusManager.setFocused(undefined);
  }, [paused]);
  const updated = live.lastSuccessAt;
  const seconds = updated ? Math.max(0, Math.round((now - updated) / 1000)) : null;
  return (
    <div className="mb-4 flex flex-wrap items-center justify-end gap-3 text-xs text-slate-600 dark:text-slate-400">
      {!live.reachable && (
        <span
          role="alert"
          data-testid="backend-unreachable"
          className="rounded-md border border-red-300 bg-red-50 px-2 py-1 font-medium text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100"
        >
          Cannot reach the backend: the data below is stale{seconds !== null && ` (from ${seconds} s ago)`}.
          Retrying…
        </span>
      )}
      <span role="status" aria-live="off" data-testid="live-status" className="tabular-nums">
        {!live.reachable ? 'Offline' : paused ? 'Live updates paused' : fetching > 0 ? 'Refreshing…' : 'Live'}
        {seconds !== null && ` · updated ${seconds} s ago`}
      </span>
      <Button size="sm" variant="ghost" aria-pressed={paused} onClick={() => setPaused((p) => !p)}>
        {paused ? 'Resume live updates' : 'Pause live updates'}
      </Button>
    </div>
  );
}
