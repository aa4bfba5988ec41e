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
import {
  completeLifecycleAction,
  deleteLifecycleHook,
  describeLifecycleHooks,
  putLifecycleHook,
  recordLifecycleActionHeartbeat,
} from './lifecycle-hooks';
import { autoScalingStore, type AutoScalingStore } from './model';
import { deletePolicy, describePolicies, executePolicy, putScalingPolicy } from './policies';
import { createMetricPublisher, type MetricBatch } from '../common/metric-publisher';
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
  PutScalingPolicy: putScalingPolicy,
  ExecutePolicy: executePolicy,
  DescribePolicies: describePolicies,
  DeletePolicy: deletePolicy,
  SetInstanceProtection: setInstanceProtection,
  PutLifecycleHook: putLifecycleHook,
  DescribeLifecycleHooks: describeLifecycleHooks,
  DeleteLifecycleHook: deleteLifecycleHook,
  CompleteLifecycleAction: completeLifecycleAction,
  RecordLifecycleActionHeartbeat: recordLifecycleActionHeartbeat,
};

/** `AWS/AutoScaling` group metrics by AutoScalingGroupName, at each interval. */
function groupMetrics(store: AutoScalingStore): MetricBatch[] {
  const batches = new Map<string, MetricBatch>();
  for (const g of store.groups.all()) {
    if (g.deleting) continue;
    const dims = [{ Name: 'AutoScalingGroupName', Value: g.name }];
    const inService = g.instances.filter((i) => i.lifecycleState === 'InService').length;
    const key = `${g.region}|${g.accountId}`;
    const b = batches.get(key) ?? {
      region: g.region,
      accountId: g.accountId,
      namespace: 'AWS/AutoScaling',
      data: [],
    };
    for (const [MetricName, Value] of [
      ['GroupMinSize', g.minSize],
      ['GroupMaxSize', g.maxSize],
      ['GroupDesiredCapacity', g.desiredCapacity],
      ['GroupInServiceInstances', inService],
      ['GroupPendingInstances', g.instances.filter((i) => i.lifecycleState.startsWith('Pending')).length],
      ['GroupTotalInstances', g.instances.length],
    ] as const)
      b.data.push({ MetricName, Dimensions: dims, Value, Unit: 'None' });
    batches.set(key, b);
  }
  return [...batches.values()];
}

export function createAutoScalingService(deps: LocalDeps): ServiceDefinition {
  const store = autoScalingStore(deps.db);
  const worker = createCapacityWorker(deps, store);
  const actions: Record<string, ActionHandler> = {};
  for (const [name, action] of Object.entries(ACTIONS)) {
    actions[name] = (input, ctx) => action(scopeOf(deps, store, worker, ctx), input);
  }
  const publisher = createMetricPublisher(deps, 'autoscaling', () => groupMetrics(store));
  const background = {
    start: async () => {
      await worker.start();
      await publisher.start();
    },
    stop: async () => {
      await publisher.stop();
      await worker.stop();
    },
    idle: async () => {
      await worker.idle();
      await publisher.idle?.();
    },
    busy: () => worker.busy() || (publisher.busy?.() ?? false),
  };
  return { id: 'autoscaling', model, actions, background };
}
