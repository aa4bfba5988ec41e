/**
 * The CloudWatch provider (signing name `monitoring`), served in every protocol its botocore model
 * lists: smithy-rpc-v2-cbor, awsJson 1.0 (`GraniteServiceVersion20100801.<Action>`) and awsQuery;
 * errors by their query codes (the endpoint names their shapes for json and cbor). Metrics live in
 * the metric store (store.ts), alarms and their history in collections (model.ts); the evaluator
 * (evaluator.ts) is the service's background part. Actions live by resource in this folder and share
 * a `Scope` (common.ts).
 */
import type { LocalDeps } from '../deps';
import type { ActionHandler, ServiceDefinition } from '../protocol/types';
import {
  deleteAlarms,
  describeAlarmHistory,
  describeAlarms,
  describeAlarmsForMetric,
  disableAlarmActions,
  enableAlarmActions,
  putMetricAlarm,
  setAlarmState,
} from './alarms';
import { scopeOf, type Scope } from './common';
import { createAlarmEvaluator } from './evaluator';
import { getMetricData, getMetricStatistics, listMetrics, putMetricData } from './metrics';
import { cloudWatchCollections, MONITORING } from './model';
import { model } from './shapes.gen';
import { MetricStore } from './store';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each action takes its own request shape, checked against the model by the endpoint
type Action = (s: Scope, input: any) => unknown;

const ACTIONS: Record<string, Action> = {
  PutMetricData: putMetricData,
  GetMetricData: getMetricData,
  GetMetricStatistics: getMetricStatistics,
  ListMetrics: listMetrics,
  PutMetricAlarm: putMetricAlarm,
  DescribeAlarms: describeAlarms,
  DescribeAlarmsForMetric: describeAlarmsForMetric,
  DeleteAlarms: deleteAlarms,
  SetAlarmState: setAlarmState,
  DescribeAlarmHistory: describeAlarmHistory,
  EnableAlarmActions: enableAlarmActions,
  DisableAlarmActions: disableAlarmActions,
};

export function createCloudWatchService(deps: LocalDeps): ServiceDefinition {
  const col = cloudWatchCollections(deps.db);
  const store = new MetricStore(deps.db);
  const evaluator = createAlarmEvaluator(deps, col, store);
  const wake = (keys: string[]) => evaluator.wake(keys);
  const actions: Record<string, ActionHandler> = {};
  for (const [name, action] of Object.entries(ACTIONS)) {
    actions[name] = (input, ctx) => action(scopeOf(deps, col, store, wake, ctx), input);
  }
  return { id: MONITORING, model, actions, background: evaluator };
}
