import { describe, expect, it } from 'vitest';
import {
  deriveSteps,
  isSteady,
  launchGone,
  nextAction,
  stackFailure,
  stackPhase,
  taskDefinitionName,
} from './launch-steps';

const states = (f: Parameters<typeof deriveSteps>[0]) => deriveSteps(f).map((s) => s.state);

describe('launch steps', () => {
  it('starts with the cluster, then goes in order', () => {
    expect(nextAction({ results: {}, actions: {} })).toBe('cluster');
    expect(states({ results: {}, actions: {} })).toEqual([
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    expect(nextAction({ results: { clusterArn: 'c' }, actions: {} })).toBe('taskDefinition');
    expect(nextAction({ results: { clusterArn: 'c', taskDefinitionArn: 't' }, actions: {} })).toBe('stack');
  });

  it('waits for the stack before creating the service', () => {
    const results = { clusterArn: 'c', taskDefinitionArn: 't', stackId: 's' };
    const inProgress = { results, actions: {}, stack: { status: 'CREATE_IN_PROGRESS' } };
    expect(nextAction(inProgress)).toBeNull();
    expect(states(inProgress)).toEqual(['done', 'done', 'running', 'pending', 'pending']);
    expect(nextAction({ ...inProgress, stack: { status: 'CREATE_COMPLETE' } })).toBe('service');
  });

  it('reports a failed stack with its first failed resource', () => {
    const events = [
      {
        LogicalResourceId: 'Stack',
        ResourceType: 'AWS::CloudFormation::Stack',
        ResourceStatus: 'ROLLBACK_COMPLETE',
      },
      {
        LogicalResourceId: 'EcsInstanceAsg',
        ResourceType: 'AWS::AutoScaling::AutoScalingGroup',
        ResourceStatus: 'CREATE_FAILED',
        ResourceStatusReason: 'Resource creation cancelled',
      },
      {
        LogicalResourceId: 'EcsInstanceLc',
        ResourceType: 'AWS::AutoScaling::LaunchConfiguration',
        ResourceStatus: 'CREATE_FAILED',
        ResourceStatusReason: 'Invalid IamInstanceProfile: nope',
      },
    ];
    const failure = stackFailure('ROLLBACK_COMPLETE', events);
    expect(failure).toEqual({
      code: 'ROLLBACK_COMPLETE',
      message:
        'EcsInstanceLc (AWS::AutoScaling::LaunchConfiguration) CREATE_FAILED: Invalid IamInstanceProfile: nope',
    });
    const f = {
      results: { clusterArn: 'c', taskDefinitionArn: 't', stackId: 's' },
      actions: {},
      stack: { status: 'ROLLBACK_COMPLETE', failure },
    };
    expect(states(f)).toEqual(['done', 'done', 'failed', 'pending', 'pending']);
    expect(deriveSteps(f)[2]?.error).toBe(failure);
    expect(nextAction(f)).toBeNull();
  });

  it('stops on a failed call and shows its AWS error', () => {
    const error = { code: 'ClientException', message: 'bad', status: 400 };
    const f = {
      results: { clusterArn: 'c' },
      actions: { taskDefinition: { state: 'failed' as const, error } },
    };
    expect(states(f)).toEqual(['done', 'failed', 'pending', 'pending', 'pending']);
    expect(nextAction(f)).toBeNull();
  });

  it('knows steady state and stack phases', () => {
    expect(isSteady({ status: 'ACTIVE', desiredCount: 1, runningCount: 1, deployments: 1 })).toBe(true);
    expect(isSteady({ status: 'ACTIVE', desiredCount: 2, runningCount: 1, deployments: 1 })).toBe(false);
    expect(isSteady({ status: 'ACTIVE', desiredCount: 1, runningCount: 1, deployments: 2 })).toBe(false);
    expect(stackPhase('UPDATE_ROLLBACK_COMPLETE')).toBe('failed');
    expect(stackPhase('CREATE_COMPLETE')).toBe('complete');
    expect(stackPhase('DELETE_IN_PROGRESS')).toBe('deleting');
    expect(taskDefinitionName('arn:aws:ecs:us-east-1:1:task-definition/app:3')).toBe('app:3');
  });

  it('does nothing after the launch was deleted', () => {
    expect(nextAction({ results: { deletedAt: 'now' }, actions: {} })).toBeNull();
  });
});

describe('a launch whose resources went away', () => {
  it('is gone when its stack is deleted or its service is no longer ACTIVE', () => {
    expect(launchGone({ stackStatus: 'CREATE_COMPLETE', serviceStatus: 'ACTIVE' })).toBe(false);
    expect(launchGone({ stackStatus: 'DELETE_COMPLETE', serviceStatus: 'ACTIVE' })).toBe(true);
    expect(launchGone({ stackStatus: 'DELETE_IN_PROGRESS' })).toBe(true);
    expect(launchGone({ stackStatus: 'CREATE_COMPLETE', serviceStatus: 'INACTIVE' })).toBe(true);
    expect(launchGone({ stackStatus: 'CREATE_COMPLETE', serviceMissing: true })).toBe(true);
  });
});
