/** CreateLogGroup, DescribeLogGroups, DeleteLogGroup, PutRetentionPolicy, DeleteRetentionPolicy. */
import type * as logs from '@aws-sdk/client-cloudwatch-logs';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import {
  deleteStream,
  findGroup,
  groupName,
  invalidParameter,
  offsetToken,
  readOffset,
  renderGroup,
  type Scope,
} from './common';
import { groupKey } from './model';

const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const storedBytesOf = (s: Scope, group: string) =>
  s.col.streams.find({ group: groupKey(s.region, group) }).reduce((n, st) => n + st.storedBytes, 0);

export function createLogGroup(s: Scope, input: Wire<logs.CreateLogGroupRequest>): object {
  const name = groupName(input.logGroupName);
  s.deps.db.tx(() => {
    if (s.col.groups.has(groupKey(s.region, name)))
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    s.col.groups.put(groupKey(s.region, name), {
      region: s.region,
      accountId: s.accountId,
      logGroupName: name,
      creationTime: s.now,
      ...(input.tags !== undefined && { tags: { ...input.tags } }),
    });
  });
  return {};
}

export function describeLogGroups(
  s: Scope,
  input: Wire<logs.DescribeLogGroupsRequest>,
): Wire<logs.DescribeLogGroupsResponse> {
  const { logGroupNamePrefix: prefix, logGroupNamePattern: pattern } = input;
  if (prefix !== undefined && pattern !== undefined)
    throw invalidParameter(
      'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
    );
  const limit = input.limit ?? 50;
  const offset = readOffset(input.nextToken);
  const all = s.col.groups
    .find({ region: s.region })
    .filter((g) => (prefix === undefined ? true : g.logGroupName.startsWith(prefix)))
    .filter((g) =>
      pattern === undefined ? true : g.logGroupName.toLowerCase().includes(pattern.toLowerCase()),
    )
    .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : a.logGroupName > b.logGroupName ? 1 : 0));
  const page = all.slice(offset, offset + limit);
  return {
    logGroups: page.map((g) => renderGroup(g, storedBytesOf(s, g.logGroupName))),
    ...(offset + limit < all.length && { nextToken: offsetToken(offset + limit) }),
  };
}

export function deleteLogGroup(s: Scope, input: Wire<logs.DeleteLogGroupRequest>): object {
  const name = groupName(input.logGroupName);
  s.deps.db.tx(() => {
    findGroup(s, name);
    for (const st of s.col.streams.find({ group: groupKey(s.region, name) })) deleteStream(s.col, st);
    s.col.groups.delete(groupKey(s.region, name));
  });
  return {};
}

export function putRetentionPolicy(s: Scope, input: Wire<logs.PutRetentionPolicyRequest>): object {
  const name = groupName(input.logGroupName);
  const days = input.retentionInDays as number;
  if (!RETENTION_DAYS.includes(days)) {
    throw invalidParameter(
      `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
  s.deps.db.tx(() => {
    const g = findGroup(s, name);
    s.col.groups.put(groupKey(s.region, name), { ...g, retentionInDays: days });
  });
  return {};
}

export function deleteRetentionPolicy(s: Scope, input: Wire<logs.DeleteRetentionPolicyRequest>): object {
  const name = groupName(input.logGroupName);
  s.deps.db.tx(() => {
    const { retentionInDays: _dropped, ...g } = findGroup(s, name);
    s.col.groups.put(groupKey(s.region, name), g);
  });
  return {};
}
