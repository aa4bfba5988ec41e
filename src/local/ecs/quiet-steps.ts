/**
 * Lifecycle steps that need nothing done (issue 14) are taken at their times but not written
 * (`TaskRecord.unwritten`): whatever shows a task shows it as of now (agent/lifecycle.ts `asOf`).
 * The rule and a quiet start's steps live here, where the scheduler's launch (which may not import
 * the agent) and the agent both read them.
 */
import type { TaskRecord } from './model';

/**
 * Whether a task's start and stop need nothing done between their steps, as far as the record tells:
 * no network interface to attach or detach, no ports whose sockets open or close. The runtime must
 * also run simulated containers (the caller checks: `config.runtime`). RunTask and StartTask (the
 * scheduler's launch), StopTask and the agent all ask it, so they agree on which tasks step quietly.
 */
export function stepsQuietly(rec: Pick<TaskRecord, 'eni' | 'ports'>): boolean {
  return !rec.eni && rec.ports.length === 0;
}

/**
 * A quiet start from PROVISIONING at `nowMs`: PENDING at once and ACTIVATING a step later, not
 * written (the agent used to write each of them, one step apart); the agent's first write is RUNNING,
 * two steps from now, with both in its history.
 */
export function quietStart(
  nowMs: number,
  stepMs: number,
): Pick<TaskRecord, 'unwritten' | 'nextTransitionAt'> {
  return {
    unwritten: [
      { status: 'PENDING', at: nowMs },
      { status: 'ACTIVATING', at: nowMs + stepMs },
    ],
    nextTransitionAt: nowMs + 2 * stepMs,
  };
}
