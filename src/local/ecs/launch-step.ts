/**
 * The step a task's launch takes itself (issue 14): a placed task whose step to PENDING needs
 * nothing first (no network interface to attach, the only thing the agent waits for before it) is
 * written PENDING by the launch, at the launch's own instant, as the agent would have written it at
 * its first look a few milliseconds later: one write a task fewer, with the history, timestamps and
 * version the agent's step gives (`applyTransition`, the agent's own). RunTask and StartTask still
 * answer the task as created (PROVISIONING, version 1: scheduler/launch.ts `LaunchResult.created`).
 * Here, not in the scheduler, which sees ECS state only (eslint's zones).
 */
import { applyTransition } from '../agent/lifecycle';
import type { TaskRecord } from './model';

/**
 * `owned`: `task` was made by the caller alone and nothing else holds it (the launch's new task, its
 * answer's text already made): the step is taken on it in place (`applyTransition`'s owned copy), not
 * on a copy of it (issue 14: the copies of every task placed).
 */
export function launchedPending(task: TaskRecord, nowMs: number, stepMs: number, owned = false): TaskRecord {
  if (!stepsAtLaunch(task)) return task;
  return applyTransition(task, { to: 'PENDING', nowMs, stepMs }, owned);
}

/** Whether the launch takes the task's step to PENDING itself (`launchedPending`). */
export function stepsAtLaunch(task: TaskRecord): boolean {
  return !task.eni && !task.awaitingCapacity && task.task.lastStatus === 'PROVISIONING';
}
