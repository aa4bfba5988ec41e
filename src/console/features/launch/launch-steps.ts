/**
 * The launch's ordered steps and their state, derived (purely) from what has been done and what the
 * APIs report. The page renders these; the runner uses `nextAction` to decide what to call next.
 */
import type { AwsErrorInfo } from '../../aws/errors';

export const launchSteps = [
  { id: 'cluster', title: 'Cluster created', call: 'ECS CreateCluster' },
  { id: 'taskDefinition', title: 'Task definition registered', call: 'ECS RegisterTaskDefinition' },
  { id: 'stack', title: 'CloudFormation stack created', call: 'CloudFormation CreateStack' },
  { id: 'service', title: 'Service created', call: 'ECS CreateService' },
  { id: 'steady', title: 'Service reached a steady state', call: 'ECS DescribeServices' },
] as const;

export type LaunchStepId = (typeof launchSteps)[number]['id'];
export type StepState = 'pending' | 'running' | 'done' | 'failed';

/** What each finished step produced; kept in the launch record so a reload resumes. */
export interface LaunchResults {
  clusterArn?: string;
  taskDefinitionArn?: string;
  stackId?: string;
  serviceArn?: string;
  steadyAt?: string;
  deletedAt?: string;
}

export type ActionState = { state: 'running' } | { state: 'failed'; error: AwsErrorInfo };

export type StackPhase = 'in-progress' | 'complete' | 'failed' | 'deleting' | 'deleted';

export interface ServiceFacts {
  status: string;
  desiredCount: number;
  runningCount: number;
  deployments: number;
}

export interface LaunchFacts {
  results: LaunchResults;
  actions: Partial<Record<LaunchStepId, ActionState>>;
  stack?: { status: string; failure?: AwsErrorInfo };
  service?: ServiceFacts;
}

export interface StepView {
  id: LaunchStepId;
  title: string;
  call: string;
  state: StepState;
  error?: AwsErrorInfo;
}

export function stackPhase(status: string): StackPhase {
  if (status === 'DELETE_COMPLETE') return 'deleted';
  if (status === 'DELETE_IN_PROGRESS') return 'deleting';
  if (/FAILED|ROLLBACK/.test(status)) return 'failed';
  if (status.endsWith('_COMPLETE')) return 'complete';
  return 'in-progress';
}

/** ECS's steady state: one deployment, and as many tasks running as desired. */
export function isSteady(s: ServiceFacts): boolean {
  return s.status === 'ACTIVE' && s.deployments === 1 && s.runningCount === s.desiredCount;
}

export interface StackEventLike {
  LogicalResourceId?: string;
  ResourceType?: string;
  ResourceStatus?: string;
  ResourceStatusReason?: string;
  Timestamp?: Date;
}

/** Why a stack failed: the first resource that failed (events come newest first), else the stack's reason. */
export function stackFailure(status: string, events: StackEventLike[], stackReason?: string): AwsErrorInfo {
  const failed = [...events]
    .reverse()
    .find((e) => e.ResourceStatus?.endsWith('_FAILED') && e.ResourceType !== 'AWS::CloudFormation::Stack');
  if (failed) {
    return {
      code: status,
      message: `${failed.LogicalResourceId ?? '?'} (${failed.ResourceType ?? '?'}) ${failed.ResourceStatus}: ${failed.ResourceStatusReason ?? 'no reason given'}`,
    };
  }
  return { code: status, message: stackReason ?? 'The stack failed without a reason.' };
}

function stepState(f: LaunchFacts, id: LaunchStepId): { state: StepState; error?: AwsErrorInfo } {
  const action = f.actions[id];
  if (action?.state === 'failed') return { state: 'failed', error: action.error };
  const r = f.results;
  switch (id) {
    case 'cluster':
      return { state: r.clusterArn ? 'done' : action ? 'running' : 'pending' };
    case 'taskDefinition':
      return { state: r.taskDefinitionArn ? 'done' : action ? 'running' : 'pending' };
    case 'stack': {
      if (!r.stackId) return { state: action ? 'running' : 'pending' };
      if (action) return { state: 'running' };
      const phase = f.stack ? stackPhase(f.stack.status) : 'in-progress';
      if (phase === 'complete') return { state: 'done' };
      if (phase === 'in-progress') return { state: 'running' };
      // Being deleted (the launch's Delete): neither running nor failed.
      if (phase === 'deleting' || phase === 'deleted') return { state: 'pending' };
      return {
        state: 'failed',
        error: f.stack?.failure ?? { code: f.stack?.status ?? 'Failed', message: 'The stack failed.' },
      };
    }
    case 'service':
      return { state: r.serviceArn ? 'done' : action ? 'running' : 'pending' };
    case 'steady':
      if (r.steadyAt) return { state: 'done' };
      return { state: r.serviceArn ? 'running' : 'pending' };
  }
}

export function deriveSteps(f: LaunchFacts): StepView[] {
  return launchSteps.map((s) => ({ ...s, ...stepState(f, s.id) }));
}

/** The one-shot call to make now, or null (waiting, failed, deleted or finished). */
export function nextAction(f: LaunchFacts): Exclude<LaunchStepId, 'steady'> | null {
  if (f.results.deletedAt) return null;
  if (Object.values(f.actions).some((a) => a !== undefined)) return null;
  const r = f.results;
  if (!r.clusterArn) return 'cluster';
  if (!r.taskDefinitionArn) return 'taskDefinition';
  if (!r.stackId) return 'stack';
  if (!r.serviceArn) return f.stack && stackPhase(f.stack.status) === 'complete' ? 'service' : null;
  return null;
}

/** family:revision from a task definition ARN. */
export function taskDefinitionName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/**
 * A finished launch whose service or stack went away outside this page (deleted from the stacks page, the
 * CLI...): the page must stop saying "Your service is running".
 */
export function launchGone(f: {
  stackStatus?: string;
  serviceStatus?: string;
  /** DescribeServices answered that the service does not exist. */
  serviceMissing?: boolean;
}): boolean {
  const phase = f.stackStatus ? stackPhase(f.stackStatus) : undefined;
  return (
    phase === 'deleted' ||
    phase === 'deleting' ||
    Boolean(f.serviceMissing) ||
    (f.serviceStatus !== undefined && f.serviceStatus !== 'ACTIVE')
  );
}
