/** Time source, replaceable in tests. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
/** ECS's JSON protocol sends timestamps as epoch seconds (with fractions). */
export const epochSeconds = (ms: number): number => Math.round(ms) / 1000;
