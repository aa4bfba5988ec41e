/**
 * Simulated container processes that end. A container's command (from its task definition, or
 * the task's container overrides) is read as a tiny shell script when it has one of these forms:
 *   exit N                     the process exits with code N one lifecycle step after RUNNING
 *   sleep S; exit N            ... after S seconds (`&&` works as well as `;`)
 *   sleep S                    ... after S seconds, with code 0
 * possibly wrapped as ["sh", "-c", "..."] (or /bin/sh, bash). Any other command runs forever, as
 * the served page does. When an essential container exits, the task stops as ECS stops it:
 * stopCode EssentialContainerExited, "Essential container in task exited", the exit code on the
 * container. This is how crash loops and bad deployments are reproduced locally (the deployment
 * circuit breaker counts these tasks as failed).
 */
import type * as ecs from '@aws-sdk/client-ecs';
import type { TaskRecord, Wire } from '../ecs/model';

export interface SimulatedExit {
  container: string;
  exitCode: number;
  /** After how long RUNNING (ms); undefined = one lifecycle step. */
  afterMs?: number;
}

const SHELLS = new Set(['sh', '/bin/sh', 'bash', '/bin/bash']);

/** The exit a command describes, or null when it runs until stopped. */
export function parseExit(command: string[] | undefined): { exitCode: number; afterMs?: number } | null {
  if (!command?.length) return null;
  const script =
    command.length === 3 && SHELLS.has(command[0] ?? '') && command[1] === '-c'
      ? (command[2] ?? '')
      : command.join(' ');
  const m = /^\s*(?:sleep\s+(\d+(?:\.\d+)?)\s*(?:;|&&)\s*)?exit\s+(\d{1,3})\s*;?\s*$/.exec(script);
  if (m) {
    const code = Number(m[2]) % 256;
    return m[1] !== undefined ? { exitCode: code, afterMs: Number(m[1]) * 1000 } : { exitCode: code };
  }
  const sleep = /^\s*sleep\s+(\d+(?:\.\d+)?)\s*;?\s*$/.exec(script);
  return sleep ? { exitCode: 0, afterMs: Number(sleep[1]) * 1000 } : null;
}

/** The first essential container of the task that exits on its own (the soonest), if any. */
export function simulatedExit(
  definitions: Wire<ecs.ContainerDefinition>[],
  overrides: Wire<ecs.ContainerOverride>[] | undefined,
): SimulatedExit | null {
  let soonest: SimulatedExit | null = null;
  for (const def of definitions) {
    if (def.essential === false || !def.name) continue;
    const override = overrides?.find((o) => o.name === def.name)?.command;
    const exit = parseExit(override ?? def.command);
    if (!exit) continue;
    if (!soonest || (exit.afterMs ?? 0) < (soonest.afterMs ?? 0)) soonest = { container: def.name, ...exit };
  }
  return soonest;
}

/**
 * The record once the container has exited: the task is asked to stop (the agent then walks it
 * down from RUNNING as for any stop), with ECS's codes and the container's exit code.
 */
export function containerExited(
  record: TaskRecord,
  exit: SimulatedExit,
  nowMs: number,
  stepMs: number,
): TaskRecord {
  return {
    ...record,
    task: {
      ...record.task,
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      version: (record.task.version ?? 1) + 1,
      containers: record.task.containers?.map((c) =>
        c.name === exit.container
          ? { ...c, lastStatus: 'STOPPED', exitCode: exit.exitCode, networkBindings: [] }
          : c,
      ),
    },
    nextTransitionAt: nowMs + stepMs,
  };
}
