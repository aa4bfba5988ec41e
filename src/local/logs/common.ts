/**
 * What every CloudWatch Logs action shares: the call `Scope`, Logs' errors, name checks the model
 * does not make (patterns), list tokens, and the wire form of groups and streams.
 */
import type * as logs from '@aws-sdk/client-cloudwatch-logs';
import type { LocalDeps } from '../deps';
import { AwsError } from '../protocol/errors';
import type { CallContext, Wire } from '../protocol/types';
import {
  groupKey,
  streamKey,
  type LogGroupRecord,
  type LogsCollections,
  type LogStreamRecord,
} from './model';

export interface Scope {
  deps: LocalDeps;
  col: LogsCollections;
  region: string;
  accountId: string;
  /** Epoch milliseconds (Logs puts timestamps on the wire as epoch milliseconds). */
  now: number;
}

export const scopeOf = (deps: LocalDeps, col: LogsCollections, ctx: CallContext): Scope => ({
  deps,
  col,
  region: ctx.region,
  accountId: ctx.accountId,
  now: deps.clock.now(),
});

export const invalidParameter = (message: string): AwsError =>
  new AwsError('InvalidParameterException', message, 400);
const groupNotFound = () =>
  new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
const streamNotFound = () =>
  new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
const STREAM_NAME = /^[^:*]+$/;

/** A log group name (the model bounds its length; Logs also restricts its characters). */
export function groupName(name: string | undefined, field = 'logGroupName'): string {
  if (name === undefined || !GROUP_NAME.test(name)) {
    throw invalidParameter(
      `1 validation error detected: Value '${name ?? 'null'}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
    );
  }
  return name;
}

/** `logGroupName`, or `logGroupIdentifier` (a name or an ARN), exactly one of them. */
export function groupNameOrIdentifier(input: { logGroupName?: string; logGroupIdentifier?: string }): string {
  const id = input.logGroupIdentifier;
  if (id !== undefined) {
    if (input.logGroupName !== undefined)
      throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(:\*)?$/.exec(id);
    return groupName(m ? m[1] : id, 'logGroupIdentifier');
  }
  return groupName(input.logGroupName);
}

export function streamName(name: string | undefined): string {
  if (name === undefined || !STREAM_NAME.test(name)) {
    throw invalidParameter(
      `1 validation error detected: Value '${name ?? 'null'}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`,
    );
  }
  return name;
}

/** Offset tokens for the listings: opaque to callers, checked when given back. */
export const offsetToken = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');
export function readOffset(token: string | undefined): number {
  if (token === undefined) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw invalidParameter('The specified nextToken is not valid.');
  return Number(m[1]);
}

export function findGroup(s: Scope, name: string): LogGroupRecord {
  const g = s.col.groups.get(groupKey(s.region, name));
  if (!g) throw groupNotFound();
  return g;
}

export function findStream(s: Scope, group: string, name: string): LogStreamRecord {
  const st = s.col.streams.get(streamKey(s.region, group, name));
  if (!st) throw streamNotFound();
  return st;
}

export function deleteStream(col: LogsCollections, st: LogStreamRecord): void {
  const key = streamKey(st.region, st.logGroupName, st.logStreamName);
  for (const id of col.events.ids({ stream: key })) col.events.delete(id);
  col.streams.delete(key);
}

const groupArn = (g: LogGroupRecord) => `arn:aws:logs:${g.region}:${g.accountId}:log-group:${g.logGroupName}`;

export function renderGroup(g: LogGroupRecord, storedBytes: number): Wire<logs.LogGroup> {
  return {
    logGroupName: g.logGroupName,
    creationTime: g.creationTime,
    ...(g.retentionInDays !== undefined && { retentionInDays: g.retentionInDays }),
    metricFilterCount: 0,
    arn: `${groupArn(g)}:*`,
    logGroupArn: groupArn(g),
    storedBytes,
    logGroupClass: 'STANDARD',
  };
}

export function renderStream(st: LogStreamRecord, g: LogGroupRecord): Wire<logs.LogStream> {
  return {
    logStreamName: st.logStreamName,
    creationTime: st.creationTime,
    ...(st.firstEventTimestamp !== undefined && { firstEventTimestamp: st.firstEventTimestamp }),
    ...(st.lastEventTimestamp !== undefined && { lastEventTimestamp: st.lastEventTimestamp }),
    ...(st.lastIngestionTime !== undefined && { lastIngestionTime: st.lastIngestionTime }),
    uploadSequenceToken: String(st.nextSequence),
    arn: `${groupArn(g)}:log-stream:${st.logStreamName}`,
    storedBytes: st.storedBytes,
  };
}
