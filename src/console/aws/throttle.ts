/**
 * Throttling the console server absorbed: the proxy retries throttled AWS calls with backoff and says how
 * often in `x-ecs-console-retries`. The latest report is kept here for a small, non-blocking notice.
 */
export interface ThrottleReport {
  action: string;
  retries: number;
  at: number;
}

let latest: ThrottleReport | null = null;
const listeners = new Set<() => void>();

export function reportRetries(action: string, retries: number, now = Date.now()): void {
  latest = { action, retries, at: now };
  for (const listener of listeners) listener();
}

export function latestThrottle(): ThrottleReport | null {
  return latest;
}

export function subscribeThrottle(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
