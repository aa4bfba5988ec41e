/**
 * Auto Scaling (awsQuery, 2011-01-01): launch configurations and groups. Handlers validate and write
 * the desired state; the capacity worker (worker.ts) launches and terminates through EC2. The
 * endpoint checks every input against the model (shapes.gen.ts) before an action runs; actions live
 * by resource in this folder and share a `Scope` (common.ts).
 */
import type { LocalDeps } from '../deps';
import type { ActionHandler, ServiceDefinition } from '../protocol/types';
import { scopeOf, type Scope } from './common';
import {
  createAutoScalingGroup,
  deleteAutoScalingGroup,
  describeAutoScalingGroups,
  setDesiredCapacity,
  setInstanceProtection,
  updateAutoScalingGroup,
} from './groups';
import {
  describeAutoScalingInstances,
  describeScalingActivities,
  terminateInstanceInAutoScalingGroup,
} from './instances';
import {
  createLaunchConfiguration,
  deleteLaunchConfiguration,
  describeLaunchConfigurations,
} from './launch-configurations';
import { autoScalingStore } from './model';
import { model } from './shapes.gen';
import { createCapacityWorker } from './worker';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each action takes its own request shape, checked against the model by the endpoint
type Action = (s: Scope, input: any) => unknown;

const ACTIONS: Record<string, Action> = {
  CreateLaunchConfiguration: createLaunchConfiguration,
  DescribeLaunchConfigurations: describeLaunchConfigurations,
  DeleteLaunchConfiguration: deleteLaunchConfiguration,
  CreateAutoScalingGroup: createAutoScalingGroup,
  UpdateAutoScalingGroup: updateAutoScalingGroup,
  DeleteAutoScalingGroup: deleteAutoScalingGroup,
  DescribeAutoScalingGroups: describeAutoScalingGroups,
  DescribeAutoScalingInstances: describeAutoScalingInstances,
  SetDesiredCapacity: setDesiredCapacity,
  TerminateInstanceInAutoScalingGroup: terminateInstanceInAutoScalingGroup,
  DescribeScalingActivities: describeScalingActivities,
  SetInstanceProtection: setInstanceProtection,
};

export function createAutoScalingService(deps: LocalDeps): ServiceDefinition {
  const store = autoScalingStore(deps.db);
  const worker = createCapacityWorker(deps, store);
  const actions: Record<string, ActionHandler> = {};
  for (const [name, action] of Object.entries(ACTIONS)) {
    actions[name] = (input, ctx) => action(scopeOf(deps, store, worker, ctx), input);
  }
  return { id: 'autoscaling', model, actions, background: worker };
}
