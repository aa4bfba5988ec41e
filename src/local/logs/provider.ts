/**
 * The CloudWatch Logs provider (awsJson1_1, `Logs_20140328.<Action>`, signing name `logs`): log
 * groups, streams and events. Timestamps are epoch milliseconds, as on the wire. The endpoint checks
 * every input against the model (shapes.gen.ts) before an action runs; actions live by resource in
 * this folder, share a `Scope` (common.ts), check the rest of their input before they write, and
 * write inside one `deps.db.tx`.
 *
 * Tokens: GetLogEvents answers `f/<position>` and `b/<position>` (events after / before that
 * position); the listings answer an opaque offset or sort key. Each stream keeps its newest
 * MAX_EVENTS_PER_STREAM events.
 */
import type { LocalDeps } from '../deps';
import { coralValidation } from '../protocol/model/validation-styles';
import type { ActionHandler, ServiceDefinition } from '../protocol/types';
import { scopeOf, type Scope } from './common';
import { filterLogEvents, getLogEvents, putLogEvents } from './events';
import {
  createLogGroup,
  deleteLogGroup,
  deleteRetentionPolicy,
  describeLogGroups,
  putRetentionPolicy,
} from './groups';
import { LOGS, logsCollections } from './model';
import { model } from './shapes.gen';
import { createLogStream, deleteLogStream, describeLogStreams } from './streams';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each action takes its own request shape, checked against the model by the endpoint
type Action = (s: Scope, input: any) => unknown;

const ACTIONS: Record<string, Action> = {
  CreateLogGroup: createLogGroup,
  DescribeLogGroups: describeLogGroups,
  DeleteLogGroup: deleteLogGroup,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
  CreateLogStream: createLogStream,
  DeleteLogStream: deleteLogStream,
  DescribeLogStreams: describeLogStreams,
  PutLogEvents: putLogEvents,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
};

export function createLogsService(deps: LocalDeps): ServiceDefinition {
  const col = logsCollections(deps.db);
  const actions: Record<string, ActionHandler> = {};
  for (const [name, action] of Object.entries(ACTIONS)) {
    actions[name] = (input, ctx) => action(scopeOf(deps, col, ctx), input);
  }
  return { id: LOGS, model, validation: coralValidation('InvalidParameterException'), actions };
}
