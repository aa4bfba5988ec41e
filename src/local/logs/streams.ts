/** CreateLogStream, DeleteLogStream, DescribeLogStreams. */
import type * as logs from '@aws-sdk/client-cloudwatch-logs';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import {
  deleteStream,
  findGroup,
  findStream,
  groupName,
  groupNameOrIdentifier,
  invalidParameter,
  offsetToken,
  readOffset,
  renderStream,
  streamName,
  type Scope,
} from './common';
import { groupKey, streamKey, type LogStreamRecord } from './model';

export function createLogStream(s: Scope, input: Wire<logs.CreateLogStreamRequest>): object {
  const group = groupName(input.logGroupName);
  const name = streamName(input.logStreamName);
  s.deps.db.tx(() => {
    findGroup(s, group);
    const key = streamKey(s.region, group, name);
    if (s.col.streams.has(key))
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    s.col.streams.put(key, {
      region: s.region,
      logGroupName: group,
      logStreamName: name,
      creationTime: s.now,
      nextSequence: 1,
      storedEvents: 0,
      storedBytes: 0,
    });
  });
  return {};
}

export function deleteLogStream(s: Scope, input: Wire<logs.DeleteLogStreamRequest>): object {
  const group = groupName(input.logGroupName);
  const name = streamName(input.logStreamName);
  s.deps.db.tx(() => {
    findGroup(s, group);
    deleteStream(s.col, findStream(s, group, name));
  });
  return {};
}

export function describeLogStreams(
  s: Scope,
  input: Wire<logs.DescribeLogStreamsRequest>,
): Wire<logs.DescribeLogStreamsResponse> {
  const group = groupNameOrIdentifier(input);
  const prefix = input.logStreamNamePrefix;
  const orderBy = input.orderBy ?? 'LogStreamName';
  if (orderBy === 'LastEventTime' && prefix !== undefined)
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const limit = input.limit ?? 50;
  const offset = readOffset(input.nextToken);
  const g = findGroup(s, group);
  const byName = (a: LogStreamRecord, b: LogStreamRecord) =>
    a.logStreamName < b.logStreamName ? -1 : a.logStreamName > b.logStreamName ? 1 : 0;
  const all = s.col.streams
    .find({ group: groupKey(s.region, group) })
    .filter((st) => prefix === undefined || st.logStreamName.startsWith(prefix))
    .sort((a, b) =>
      orderBy === 'LastEventTime'
        ? (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) || byName(a, b)
        : byName(a, b),
    );
  if (input.descending) all.reverse();
  const page = all.slice(offset, offset + limit);
  return {
    logStreams: page.map((st) => renderStream(st, g)),
    ...(offset + limit < all.length && { nextToken: offsetToken(offset + limit) }),
  };
}
