import { useEffect, useSyncExternalStore } from 'react';
import { cn } from '../../lib/cn';
import { currentNotices, dismiss, subscribeNotices, type Notice } from '../../lib/notices';

const SHOW_MS = 8_000;

function NoticeItem({ notice }: { notice: Notice }) {
  useEffect(() => {
    // Failures stay until dismissed: the user may need to read the error.
    if (notice.tone === 'error') return;
    const timer = setTimeout(() => dismiss(notice.id), SHOW_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  return (
    <li
      data-testid="notice"
      data-tone={notice.tone}
      className={cn(
        'flex items-start gap-3 rounded-md border px-3 py-2 text-sm shadow',
        notice.tone === 'success'
          ? 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100'
          : 'border-red-300 bg-red-50 text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100',
      )}
    >
      <span className="min-w-0 flex-1 break-words">{notice.message}</span>
      <button type="button" className="underline" onClick={() => dismiss(notice.id)}>
        Dismiss
      </button>
    </li>
  );
}

/** The live region of action confirmations, bottom left (the throttle notice is bottom right). */
export function Notices() {
  const list = useSyncExternalStore(subscribeNotices, currentNotices, currentNotices);
  return (
    <div
      role="status"
      aria-live="polite"
      className="fixed bottom-4 left-4 z-30 w-[min(28rem,calc(100vw-2rem))]"
    >
      <ul className="space-y-2">
        {list.map((n) => (
          <NoticeItem key={n.id} notice={n} />
        ))}
      </ul>
    </div>
  );
}
