/**
 * Lifecycle hooks: PutLifecycleHook, DescribeLifecycleHooks, DeleteLifecycleHook,
 * CompleteLifecycleAction, RecordLifecycleActionHeartbeat, and the waits they cause.
 *
 * An instance that launches (`autoscaling:EC2_INSTANCE_LAUNCHING`) or is taken out of the group
 * (`autoscaling:EC2_INSTANCE_TERMINATING`) while the group has hooks for that transition waits in
 * `Pending:Wait` or `Terminating:Wait` until every such hook is completed, or until its heartbeat
 * timeout passes (then the hook's DefaultResult applies). CONTINUE moves it on (`Pending:Proceed`, then
 * InService; `Terminating:Proceed`, then terminated); ABANDON of a launch terminates the instance, and
 * of a termination terminates it too. The worker (worker.ts) times the waits out and acts. ECS's
 * managed draining is one such hook (scheduler/capacity.ts).
 */
import { randomUUID } from 'node:crypto';
import type * as autoscaling from '@aws-sdk/client-auto-scaling';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import { getGroup, invalid, type Scope } from './common';
import {
  groupKey,
  LAUNCHING,
  TERMINATING,
  type GroupInstance,
  type GroupRecord,
  type LifecycleHookRecord,
} from './model';

const MAX_HOOKS = 50;
/** How long an instance can wait in all, whatever the heartbeats: 100 heartbeats or 48 hours. */
const globalTimeoutSeconds = (heartbeat: number) => Math.min(100 * heartbeat, 172_800);
const RESULTS = new Set(['CONTINUE', 'ABANDON']);

/**
 * `m` enters `transition`: it waits for the group's hooks of that transition, or, with none, goes
 * straight on (InService for a launch, Terminating for a termination).
 */
export function enterTransition(
  g: GroupRecord,
  m: GroupInstance,
  transition: typeof LAUNCHING | typeof TERMINATING,
  now: number,
): void {
  const hooks = (g.lifecycleHooks ?? []).filter((h) => h.transition === transition);
  const launching = transition === LAUNCHING;
  if (hooks.length === 0) {
    m.lifecycleState = launching ? 'InService' : 'Terminating';
    delete m.lifecycleAction;
    return;
  }
  const heartbeat = Math.max(...hooks.map((h) => h.heartbeatTimeout));
  m.lifecycleState = launching ? 'Pending:Wait' : 'Terminating:Wait';
  m.lifecycleAction = {
    hooks: hooks.map((h) => h.name),
    token: randomUUID(),
    timeoutAt: now + heartbeat * 1000,
    globalTimeoutAt: now + globalTimeoutSeconds(heartbeat) * 1000,
  };
}

/** One hook of `m`'s wait is done with `result`: the instance moves on when none is left. */
function completeHook(m: GroupInstance, hook: string, result: string): void {
  const action = m.lifecycleAction;
  if (!action) return;
  const launching = m.lifecycleState === 'Pending:Wait';
  if (result === 'ABANDON') {
    // An abandoned launch or termination: the instance is terminated, no other hook waited for.
    m.lifecycleState = launching ? 'Terminating' : 'Terminating:Proceed';
    delete m.lifecycleAction;
    return;
  }
  action.hooks = action.hooks.filter((h) => h !== hook);
  if (action.hooks.length > 0) return;
  m.lifecycleState = launching ? 'Pending:Proceed' : 'Terminating:Proceed';
  delete m.lifecycleAction;
}

/**
 * Waits whose time is up take their hooks' default results (ABANDON wins). Returns whether any
 * instance moved (the worker's pass calls this in its transaction).
 */
export function timeOutWaits(g: GroupRecord, now: number): boolean {
  let moved = false;
  for (const m of g.instances) {
    const action = m.lifecycleAction;
    if (!action || Math.min(action.timeoutAt, action.globalTimeoutAt) > now) continue;
    const results = action.hooks.map(
      (name) => g.lifecycleHooks?.find((h) => h.name === name)?.defaultResult ?? 'ABANDON',
    );
    const result = results.includes('ABANDON') ? 'ABANDON' : 'CONTINUE';
    for (const name of [...action.hooks]) completeHook(m, name, result);
    moved = true;
  }
  return moved;
}

/** The earliest time a wait of the group times out (epoch ms), if any instance waits. */
export function nextTimeout(g: GroupRecord): number | undefined {
  let next: number | undefined;
  for (const m of g.instances) {
    const a = m.lifecycleAction;
    if (!a) continue;
    const at = Math.min(a.timeoutAt, a.globalTimeoutAt);
    if (next === undefined || at < next) next = at;
  }
  return next;
}

function renderHook(g: GroupRecord, h: LifecycleHookRecord): Wire<autoscaling.LifecycleHook> {
  return {
    LifecycleHookName: h.name,
    AutoScalingGroupName: g.name,
    LifecycleTransition: h.transition,
    ...(h.notificationTargetArn !== undefined && { NotificationTargetARN: h.notificationTargetArn }),
    ...(h.roleArn !== undefined && { RoleARN: h.roleArn }),
    ...(h.notificationMetadata !== undefined && { NotificationMetadata: h.notificationMetadata }),
    HeartbeatTimeout: h.heartbeatTimeout,
    GlobalTimeout: globalTimeoutSeconds(h.heartbeatTimeout),
    DefaultResult: h.defaultResult,
  };
}

export function putLifecycleHook(
  s: Scope,
  input: Wire<autoscaling.PutLifecycleHookType>,
): Wire<autoscaling.PutLifecycleHookAnswer> {
  const name = input.LifecycleHookName as string;
  const transition = input.LifecycleTransition;
  if (transition !== undefined && transition !== LAUNCHING && transition !== TERMINATING) {
    throw invalid(`Invalid Lifecycle Transition: ${transition}`);
  }
  const heartbeat = input.HeartbeatTimeout;
  if (heartbeat !== undefined && (!Number.isInteger(heartbeat) || heartbeat < 30 || heartbeat > 7200)) {
    throw invalid('Heartbeat timeout must be between 30 and 7200 seconds.');
  }
  if (input.DefaultResult !== undefined && !RESULTS.has(input.DefaultResult)) {
    throw invalid(`Invalid Default Result: ${input.DefaultResult}. It must be CONTINUE or ABANDON.`);
  }
  s.deps.db.tx(() => {
    const g = getGroup(s, input.AutoScalingGroupName);
    const hooks = [...(g.lifecycleHooks ?? [])];
    const at = hooks.findIndex((h) => h.name === name);
    const existing = at >= 0 ? hooks[at] : undefined;
    if (!existing && transition === undefined) {
      throw invalid('A lifecycle transition is required to create a lifecycle hook.');
    }
    if (!existing && hooks.length >= MAX_HOOKS) {
      throw new AwsError(
        'LimitExceeded',
        `Unable to create the lifecycle hook ${name}: an Auto Scaling group has at most ${MAX_HOOKS}.`,
        400,
      );
    }
    const next: LifecycleHookRecord = {
      name,
      transition: (transition ?? existing?.transition) as LifecycleHookRecord['transition'],
      heartbeatTimeout: heartbeat ?? existing?.heartbeatTimeout ?? 3600,
      defaultResult: (input.DefaultResult ?? existing?.defaultResult ?? 'ABANDON') as 'CONTINUE' | 'ABANDON',
      ...((input.NotificationMetadata ?? existing?.notificationMetadata) !== undefined && {
        notificationMetadata: input.NotificationMetadata ?? existing?.notificationMetadata,
      }),
      ...((input.NotificationTargetARN ?? existing?.notificationTargetArn) !== undefined && {
        notificationTargetArn: input.NotificationTargetARN ?? existing?.notificationTargetArn,
      }),
      ...((input.RoleARN ?? existing?.roleArn) !== undefined && {
        roleArn: input.RoleARN ?? existing?.roleArn,
      }),
    };
    if (at >= 0) hooks[at] = next;
    else hooks.push(next);
    s.store.groups.put(groupKey(s.region, g.name), { ...g, lifecycleHooks: hooks });
  });
  return {};
}

export function describeLifecycleHooks(
  s: Scope,
  input: Wire<autoscaling.DescribeLifecycleHooksType>,
): Wire<autoscaling.DescribeLifecycleHooksAnswer> {
  const g = getGroup(s, input.AutoScalingGroupName);
  const names = input.LifecycleHookNames ?? [];
  if (names.length > 50) throw invalid('At most 50 lifecycle hook names can be given.');
  const hooks = (g.lifecycleHooks ?? []).filter((h) => names.length === 0 || names.includes(h.name));
  return { LifecycleHooks: hooks.map((h) => renderHook(g, h)) };
}

export function deleteLifecycleHook(
  s: Scope,
  input: Wire<autoscaling.DeleteLifecycleHookType>,
): Wire<autoscaling.DeleteLifecycleHookAnswer> {
  const name = input.LifecycleHookName as string;
  const key = s.deps.db.tx(() => {
    const g = getGroup(s, input.AutoScalingGroupName);
    if (!(g.lifecycleHooks ?? []).some((h) => h.name === name)) {
      throw invalid(`No Lifecycle Hook found with name ${name} for group ${g.name}`);
    }
    g.lifecycleHooks = (g.lifecycleHooks ?? []).filter((h) => h.name !== name);
    // Instances waiting for it wait no longer for it.
    for (const m of g.instances)
      if (m.lifecycleAction?.hooks.includes(name)) completeHook(m, name, 'CONTINUE');
    s.store.groups.put(groupKey(s.region, g.name), g);
    return groupKey(s.region, g.name);
  });
  s.worker.kick(key);
  return {};
}

/** The instance waiting for `hook`, named by its id or by the action's token. */
function waitingFor(
  g: GroupRecord,
  hook: string,
  instanceId: string | undefined,
  token: string | undefined,
): GroupInstance {
  if (!(g.lifecycleHooks ?? []).some((h) => h.name === hook)) {
    throw invalid(`No Lifecycle Hook found with name ${hook} for group ${g.name}`);
  }
  if (instanceId === undefined && token === undefined) {
    throw invalid('Either an instance id or a lifecycle action token must be given.');
  }
  const m = g.instances.find(
    (x) =>
      x.lifecycleAction?.hooks.includes(hook) &&
      (instanceId === undefined || x.instanceId === instanceId) &&
      (token === undefined || x.lifecycleAction.token === token),
  );
  if (!m) {
    throw invalid(
      instanceId !== undefined
        ? `No active Lifecycle Action found with instance ID ${instanceId}`
        : `No active Lifecycle Action found with token ${token}`,
    );
  }
  return m;
}

export function completeLifecycleAction(
  s: Scope,
  input: Wire<autoscaling.CompleteLifecycleActionType>,
): Wire<autoscaling.CompleteLifecycleActionAnswer> {
  const result = input.LifecycleActionResult as string;
  if (!RESULTS.has(result)) {
    throw invalid(`Invalid Lifecycle Action Result: ${result}. It must be CONTINUE or ABANDON.`);
  }
  const key = s.deps.db.tx(() => {
    const g = getGroup(s, input.AutoScalingGroupName);
    const hook = input.LifecycleHookName as string;
    const m = waitingFor(g, hook, input.InstanceId, input.LifecycleActionToken);
    completeHook(m, hook, result);
    s.store.groups.put(groupKey(s.region, g.name), g);
    return groupKey(s.region, g.name);
  });
  s.worker.kick(key);
  return {};
}

export function recordLifecycleActionHeartbeat(
  s: Scope,
  input: Wire<autoscaling.RecordLifecycleActionHeartbeatType>,
): Wire<autoscaling.RecordLifecycleActionHeartbeatAnswer> {
  s.deps.db.tx(() => {
    const g = getGroup(s, input.AutoScalingGroupName);
    const hook = input.LifecycleHookName as string;
    const m = waitingFor(g, hook, input.InstanceId, input.LifecycleActionToken);
    const heartbeat = g.lifecycleHooks?.find((h) => h.name === hook)?.heartbeatTimeout ?? 3600;
    const action = m.lifecycleAction;
    if (action) action.timeoutAt = Math.min(action.globalTimeoutAt, s.deps.clock.now() + heartbeat * 1000);
    s.store.groups.put(groupKey(s.region, g.name), g);
  });
  return {};
}
