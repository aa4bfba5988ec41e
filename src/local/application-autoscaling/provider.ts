/**
 * The Application Auto Scaling provider (awsJson1_1, `AnyScaleFrontendService.<Action>`, signing name
 * `application-autoscaling`) for ECS services' desired count: scalable targets, target tracking and
 * step scaling policies, scheduled actions, activities. The worker (worker.ts) is the background part.
 */
import type { LocalDeps } from '../deps';
import type { ActionHandler, ServiceDefinition } from '../protocol/types';
import { describeScalingActivities } from './activities';
import { scopeOf, type Scope } from './common';
import { APPLICATION_AUTOSCALING, appAutoScalingCollections } from './model';
import { deleteScalingPolicy, describeScalingPolicies, putScalingPolicy } from './policies';
import { deleteScheduledAction, describeScheduledActions, putScheduledAction } from './scheduled';
import { model } from './shapes.gen';
import { deregisterScalableTarget, describeScalableTargets, registerScalableTarget } from './targets';
import { createScalingWorker } from './worker';
import { coralValidation } from '../protocol/model/validation-styles';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each action takes its own request shape, checked against the model by the endpoint
type Action = (s: Scope, input: any) => unknown;

const ACTIONS: Record<string, Action> = {
  RegisterScalableTarget: registerScalableTarget,
  DescribeScalableTargets: describeScalableTargets,
  DeregisterScalableTarget: deregisterScalableTarget,
  PutScalingPolicy: putScalingPolicy,
  DescribeScalingPolicies: describeScalingPolicies,
  DeleteScalingPolicy: deleteScalingPolicy,
  DescribeScalingActivities: describeScalingActivities,
  PutScheduledAction: putScheduledAction,
  DescribeScheduledActions: describeScheduledActions,
  DeleteScheduledAction: deleteScheduledAction,
};

export function createApplicationAutoScalingService(deps: LocalDeps): ServiceDefinition {
  const col = appAutoScalingCollections(deps.db);
  const worker = createScalingWorker(deps, col);
  const wake = (key: string) => worker.wake(key);
  const actions: Record<string, ActionHandler> = {};
  for (const [name, action] of Object.entries(ACTIONS)) {
    actions[name] = (input, ctx) => action(scopeOf(deps, col, wake, ctx), input);
  }
  return {
    id: APPLICATION_AUTOSCALING,
    model,
    validation: coralValidation('ValidationException'),
    actions,
    background: worker,
  };
}
