import type { LocalDeps, Runnable } from '../deps';

export function createServiceScheduler(_deps: LocalDeps): Runnable {
  return { start() {}, stop() {} };
}
