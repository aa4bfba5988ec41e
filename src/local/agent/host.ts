import type { LocalDeps, Runnable } from '../deps';

export function createAgentHost(_deps: LocalDeps): Runnable {
  return { start() {}, stop() {} };
}
