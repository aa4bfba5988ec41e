import { useEffect, useState, useSyncExternalStore } from 'react';
import { latestThrottle, subscribeThrottle, type ThrottleReport } from '../aws/throttle';

/** How long a throttling notice stays before it hides itself. */
const SHOW_MS = 10_000;

/** A small, non-blocking notice when AWS throttled a call and the console server retried it. */
export function ThrottleNotice() {
  const report = useSyncExternalStore(subscribeThrottle, latestThrottle, latestThrottle);
  const [hidden, setHidden] = useState<ThrottleReport | null>(null);
  useEffect(() => {
    if (!report) return;
    const timer = setTimeout(() => setHidden(report), SHOW_MS);
    return () => clearTimeout(timer);
  }, [report]);
  return (
    <ThrottleNoticeView report={report !== hidden ? report : null} onDismiss={() => setHidden(report)} />
  );
}

/** The notice for `report` (nothing but the live region when null). */
export function ThrottleNoticeView({
  report,
  onDismiss,
}: {
  report: ThrottleReport | null;
  onDismiss: () => void;
}) {
  return (
    <div role="status" className="fixed right-4 bottom-4 z-30 max-w-sm">
      {report && (
        <p
          className="flex items-start gap-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 shadow dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
          data-testid="throttle-notice"
        >
          <span>
            AWS throttled {report.action}; the console server retried {report.retries}{' '}
            {report.retries === 1 ? 'time' : 'times'}. Pages may refresh more slowly.
          </span>
          <button type="button" className="underline" onClick={onDismiss}>
            Dismiss
          </button>
        </p>
      )}
    </div>
  );
}
