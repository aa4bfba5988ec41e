/**
 * Whether a rolling deployment can make progress, from counts alone: it must either start a new task
 * (room on an instance, and the maximum percent allows one more) or stop an old one first (the minimum
 * healthy percent allows one fewer). Shared by the wizard's warning and the service page's diagnosis.
 */
export interface RolloutRoom {
  desired: number;
  minimumHealthyPercent: number;
  maximumPercent: number;
  /** Tasks the cluster can hold at once (e.g. instances, when each may run one task of a fixed host port). */
  capacity: number;
}

/** Tasks ECS may run at once during a deployment (maximumPercent, rounded down). */
export const maxInFlight = (r: RolloutRoom) => Math.floor((r.desired * r.maximumPercent) / 100);
/** Tasks ECS keeps running during a deployment (minimumHealthyPercent, rounded up). */
export const minHealthy = (r: RolloutRoom) => Math.ceil((r.desired * r.minimumHealthyPercent) / 100);

export function canStartFirst(r: RolloutRoom): boolean {
  return r.capacity > r.desired && maxInFlight(r) > r.desired;
}

export function canStopFirst(r: RolloutRoom): boolean {
  return minHealthy(r) < r.desired;
}

/** True when a new deployment of a service running `desired` tasks can neither start nor stop a task. */
export function rolloutBlocked(r: RolloutRoom): boolean {
  return r.desired > 0 && !canStartFirst(r) && !canStopFirst(r);
}

/** The highest minimum healthy percent that lets ECS stop one old task first. */
export function minimumHealthyToStopOne(desired: number): number {
  if (desired <= 1) return 0;
  return Math.floor((100 * (desired - 1)) / desired);
}
