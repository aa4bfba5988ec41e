/**
 * The CloudWatch Logs provider (awsJson1_1, `Logs_20140328.<Action>`, signing name `logs`): log
 * groups, streams and events. Timestamps are epoch milliseconds, as on the wire. Each handler checks
 * its whole input before it writes, and writes inside one `deps.db.tx`.
 *
 * Tokens: GetLogEvents answers `f/<position>` and `b/<position>` (events after / before that
 * position); the listings answer an opaque offset or sort key. Each stream keeps its newest
 * MAX_EVENTS_PER_STREAM events.
 */
import type { LocalDeps } from '../deps';
import { AwsError } from '../protocol/errors';
import type { ActionHandler, CallContext, ServiceDefinition } from '../protocol/types';
import {
  eventPosition,
  groupKey,
  LOGS,
  logsCollections,
  MAX_EVENTS_PER_STREAM,
  streamKey,
  type LogEventRecord,
  type LogGroupRecord,
  type LogsCollections,
  type LogStreamRecord,
} from './model';

const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;
const DAY_MS = 86_400_000;
/** PutLogEvents' batch limit: the messages' UTF-8 bytes plus 26 bytes per event. */
const MAX_BATCH_BYTES = 1_048_576;

export const invalidParameter = (message: string): AwsError =>
  new AwsError('InvalidParameterException', message, 400);
const groupNotFound = () =>
  new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
const streamNotFound = () =>
  new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');

// ---- input checks ---------------------------------------------------------------------------

/* eslint-disable @typescript-eslint/no-explicit-any -- inputs are untrusted JSON, checked field by field */
function optString(input: any, field: string): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new AwsError('SerializationException', `${field} must be a string`);
  return v;
}

function optInt(input: any, field: string, min: number, max: number): number | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new AwsError('SerializationException', `${field} must be an integer`);
  if (v < min || v > max) {
    throw invalidParameter(
      `1 validation error detected: Value '${v}' at '${field}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return v;
}

function optBool(input: any, field: string): boolean | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new AwsError('SerializationException', `${field} must be a boolean`);
  return v;
}

function optStringList(input: any, field: string): string[] | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw new AwsError('SerializationException', `${field} must be a list of strings`);
  return v as string[];
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function groupName(input: Record<string, unknown>, field = 'logGroupName'): string {
  const name = optString(input, field);
  if (name === undefined || !GROUP_NAME.test(name)) {
    throw invalidParameter(
      `1 validation error detected: Value '${name ?? 'null'}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
    );
  }
  return name;
}

/** `logGroupName`, or `logGroupIdentifier` (a name or an ARN), exactly one of them. */
function groupNameOrIdentifier(input: Record<string, unknown>): string {
  const id = optString(input, 'logGroupIdentifier');
  if (id !== undefined) {
    if (input['logGroupName'] !== undefined)
      throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(:\*)?$/.exec(id);
    return groupName({ logGroupIdentifier: m ? m[1] : id }, 'logGroupIdentifier');
  }
  return groupName(input);
}

function streamName(input: Record<string, unknown>): string {
  const name = optString(input, 'logStreamName');
  if (name === undefined || !STREAM_NAME.test(name)) {
    throw invalidParameter(
      `1 validation error detected: Value '${name ?? 'null'}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`,
    );
  }
  return name;
}

function retention(input: Record<string, unknown>): number {
  const v = input['retentionInDays'];
  if (typeof v !== 'number' || !RETENTION_DAYS.includes(v)) {
    throw invalidParameter(
      `1 validation error detected: Value '${String(v)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
  return v;
}

/** Offset tokens for the listings: opaque to callers, checked when given back. */
const offsetToken = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');
function readOffset(token: string | undefined): number {
  if (token === undefined) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw invalidParameter('The specified nextToken is not valid.');
  return Number(m[1]);
}

// ---- shapes ---------------------------------------------------------------------------------

const groupArn = (g: LogGroupRecord) => `arn:aws:logs:${g.region}:${g.accountId}:log-group:${g.logGroupName}`;

function groupShape(g: LogGroupRecord, storedBytes: number) {
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

function streamShape(s: LogStreamRecord, g: LogGroupRecord) {
  return {
    logStreamName: s.logStreamName,
    creationTime: s.creationTime,
    ...(s.firstEventTimestamp !== undefined && { firstEventTimestamp: s.firstEventTimestamp }),
    ...(s.lastEventTimestamp !== undefined && { lastEventTimestamp: s.lastEventTimestamp }),
    ...(s.lastIngestionTime !== undefined && { lastIngestionTime: s.lastIngestionTime }),
    uploadSequenceToken: String(s.nextSequence),
    arn: `${groupArn(g)}:log-stream:${s.logStreamName}`,
    storedBytes: s.storedBytes,
  };
}

// ---- the service ----------------------------------------------------------------------------

export function createLogsService(deps: LocalDeps): ServiceDefinition {
  const col = logsCollections(deps.db);
  const now = () => deps.clock.now();

  const findGroup = (ctx: CallContext, name: string): LogGroupRecord => {
    const g = col.groups.get(groupKey(ctx.region, name));
    if (!g) throw groupNotFound();
    return g;
  };
  const findStream = (ctx: CallContext, group: string, name: string): LogStreamRecord => {
    const s = col.streams.get(streamKey(ctx.region, group, name));
    if (!s) throw streamNotFound();
    return s;
  };
  const storedBytesOf = (ctx: CallContext, group: string) =>
    col.streams.find({ group: groupKey(ctx.region, group) }).reduce((n, s) => n + s.storedBytes, 0);

  const actions: Record<string, ActionHandler> = {
    CreateLogGroup(input: Record<string, unknown>, ctx) {
      const name = groupName(input);
      const tags = input['tags'];
      if (tags !== undefined && (tags === null || typeof tags !== 'object' || Array.isArray(tags)))
        throw new AwsError('SerializationException', 'tags must be a map');
      deps.db.tx(() => {
        if (col.groups.has(groupKey(ctx.region, name)))
          throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
        col.groups.put(groupKey(ctx.region, name), {
          region: ctx.region,
          accountId: ctx.accountId,
          logGroupName: name,
          creationTime: now(),
          ...(tags !== undefined && { tags: { ...(tags as Record<string, string>) } }),
        });
      });
      return {};
    },

    DescribeLogGroups(input: Record<string, unknown>, ctx) {
      const prefix = optString(input, 'logGroupNamePrefix');
      const pattern = optString(input, 'logGroupNamePattern');
      if (prefix !== undefined && pattern !== undefined)
        throw invalidParameter(
          'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
        );
      const limit = optInt(input, 'limit', 1, 50) ?? 50;
      const offset = readOffset(optString(input, 'nextToken'));
      const all = col.groups
        .find({ region: ctx.region })
        .filter((g) => (prefix === undefined ? true : g.logGroupName.startsWith(prefix)))
        .filter((g) =>
          pattern === undefined ? true : g.logGroupName.toLowerCase().includes(pattern.toLowerCase()),
        )
        .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : a.logGroupName > b.logGroupName ? 1 : 0));
      const page = all.slice(offset, offset + limit);
      return {
        logGroups: page.map((g) => groupShape(g, storedBytesOf(ctx, g.logGroupName))),
        ...(offset + limit < all.length && { nextToken: offsetToken(offset + limit) }),
      };
    },

    DeleteLogGroup(input: Record<string, unknown>, ctx) {
      const name = groupName(input);
      deps.db.tx(() => {
        findGroup(ctx, name);
        for (const s of col.streams.find({ group: groupKey(ctx.region, name) })) deleteStream(col, s);
        col.groups.delete(groupKey(ctx.region, name));
      });
      return {};
    },

    PutRetentionPolicy(input: Record<string, unknown>, ctx) {
      const name = groupName(input);
      const days = retention(input);
      deps.db.tx(() => {
        const g = findGroup(ctx, name);
        col.groups.put(groupKey(ctx.region, name), { ...g, retentionInDays: days });
      });
      return {};
    },

    DeleteRetentionPolicy(input: Record<string, unknown>, ctx) {
      const name = groupName(input);
      deps.db.tx(() => {
        const { retentionInDays: _dropped, ...g } = findGroup(ctx, name);
        col.groups.put(groupKey(ctx.region, name), g);
      });
      return {};
    },

    CreateLogStream(input: Record<string, unknown>, ctx) {
      const group = groupName(input);
      const name = streamName(input);
      deps.db.tx(() => {
        findGroup(ctx, group);
        const key = streamKey(ctx.region, group, name);
        if (col.streams.has(key))
          throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
        col.streams.put(key, {
          region: ctx.region,
          logGroupName: group,
          logStreamName: name,
          creationTime: now(),
          nextSequence: 1,
          storedEvents: 0,
          storedBytes: 0,
        });
      });
      return {};
    },

    DeleteLogStream(input: Record<string, unknown>, ctx) {
      const group = groupName(input);
      const name = streamName(input);
      deps.db.tx(() => {
        findGroup(ctx, group);
        deleteStream(col, findStream(ctx, group, name));
      });
      return {};
    },

    DescribeLogStreams(input: Record<string, unknown>, ctx) {
      const group = groupNameOrIdentifier(input);
      const prefix = optString(input, 'logStreamNamePrefix');
      const orderBy = optString(input, 'orderBy') ?? 'LogStreamName';
      if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
        throw invalidParameter(
          `1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`,
        );
      }
      if (orderBy === 'LastEventTime' && prefix !== undefined)
        throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
      const descending = optBool(input, 'descending') ?? false;
      const limit = optInt(input, 'limit', 1, 50) ?? 50;
      const offset = readOffset(optString(input, 'nextToken'));
      const g = findGroup(ctx, group);
      const byName = (a: LogStreamRecord, b: LogStreamRecord) =>
        a.logStreamName < b.logStreamName ? -1 : a.logStreamName > b.logStreamName ? 1 : 0;
      const all = col.streams
        .find({ group: groupKey(ctx.region, group) })
        .filter((s) => prefix === undefined || s.logStreamName.startsWith(prefix))
        .sort((a, b) =>
          orderBy === 'LastEventTime'
            ? (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) || byName(a, b)
            : byName(a, b),
        );
      if (descending) all.reverse();
      const page = all.slice(offset, offset + limit);
      return {
        logStreams: page.map((s) => streamShape(s, g)),
        ...(offset + limit < all.length && { nextToken: offsetToken(offset + limit) }),
      };
    },

    PutLogEvents(input: Record<string, unknown>, ctx) {
      const group = groupName(input);
      const name = streamName(input);
      const events = checkEvents(input['logEvents']);
      const at = now();
      const tooOldBefore = at - 14 * DAY_MS;
      const tooNewAfter = at + 2 * 3_600_000;
      let tooOldEnd: number | undefined;
      let tooNewStart: number | undefined;
      events.forEach((e, i) => {
        if (e.timestamp < tooOldBefore) tooOldEnd = i + 1;
        if (e.timestamp > tooNewAfter && tooNewStart === undefined) tooNewStart = i;
      });
      const accepted = events.slice(tooOldEnd ?? 0, tooNewStart ?? events.length);
      const nextSequence = deps.db.tx(() => {
        findGroup(ctx, group);
        const stream = findStream(ctx, group, name);
        return appendEvents(col, stream, accepted, at);
      });
      return {
        nextSequenceToken: String(nextSequence),
        ...((tooOldEnd !== undefined || tooNewStart !== undefined) && {
          rejectedLogEventsInfo: {
            ...(tooOldEnd !== undefined && { tooOldLogEventEndIndex: tooOldEnd }),
            ...(tooNewStart !== undefined && { tooNewLogEventStartIndex: tooNewStart }),
          },
        }),
      };
    },

    GetLogEvents(input: Record<string, unknown>, ctx) {
      const group = groupNameOrIdentifier(input);
      const name = streamName(input);
      const startTime = optInt(input, 'startTime', 0, Number.MAX_SAFE_INTEGER);
      const endTime = optInt(input, 'endTime', 0, Number.MAX_SAFE_INTEGER);
      const limit = optInt(input, 'limit', 1, 10_000) ?? 10_000;
      const startFromHead = optBool(input, 'startFromHead') ?? false;
      const token = optString(input, 'nextToken');
      const parsed = token === undefined ? undefined : /^([fb])\/(\d{15}-\d{10})$/.exec(token);
      if (parsed === null) throw invalidParameter('The specified nextToken is not valid.');
      findGroup(ctx, group);
      const key = streamKey(ctx.region, group, name);
      findStream(ctx, group, name);
      const inRange = (e: LogEventRecord) =>
        (startTime === undefined || e.timestamp >= startTime) &&
        (endTime === undefined || e.timestamp < endTime);
      const prefixLength = key.length + 1;
      const positionOf = (id: string) => id.slice(prefixLength);

      let ids: string[];
      const forward = parsed ? parsed[1] === 'f' : startFromHead;
      if (parsed && parsed[1] === 'f') {
        ids = col.events.ids({ stream: key }, { after: `${key}|${parsed[2]}` });
      } else if (parsed) {
        const before = `${key}|${parsed[2]}`;
        ids = col.events.ids({ stream: key }).filter((id) => id < before);
      } else {
        ids = col.events.ids({ stream: key });
      }
      const picked: { id: string; e: LogEventRecord }[] = [];
      const ordered = forward ? ids : [...ids].reverse();
      for (const id of ordered) {
        if (picked.length >= limit) break;
        const e = col.events.get(id);
        if (e && inRange(e)) picked.push({ id, e });
      }
      if (!forward) picked.reverse();
      const first = picked[0];
      const last = picked[picked.length - 1];
      // With no events the tokens stay where the caller was (a follower polls the same token).
      const here = parsed ? parsed[2] : eventPosition(0, 0);
      const tail = parsed ? parsed[2] : (ids.length > 0 && positionOf(ids[ids.length - 1] as string)) || here;
      return {
        events: picked.map(({ e }) => ({
          timestamp: e.timestamp,
          message: e.message,
          ingestionTime: e.ingestionTime,
        })),
        nextForwardToken: `f/${last ? positionOf(last.id) : forward ? here : tail}`,
        nextBackwardToken: `b/${first ? positionOf(first.id) : here}`,
      };
    },

    FilterLogEvents(input: Record<string, unknown>, ctx) {
      const group = groupNameOrIdentifier(input);
      const names = optStringList(input, 'logStreamNames');
      const prefix = optString(input, 'logStreamNamePrefix');
      if (names !== undefined && prefix !== undefined)
        throw invalidParameter('You cannot specify both logStreamNames and logStreamNamePrefix.');
      const startTime = optInt(input, 'startTime', 0, Number.MAX_SAFE_INTEGER);
      const endTime = optInt(input, 'endTime', 0, Number.MAX_SAFE_INTEGER);
      const limit = optInt(input, 'limit', 1, 10_000) ?? 10_000;
      const matches = filterPattern(optString(input, 'filterPattern'));
      const token = optString(input, 'nextToken');
      const after = token === undefined ? undefined : Buffer.from(token, 'base64url').toString('utf8');
      if (after !== undefined && !/^\d{15}\|/.test(after))
        throw invalidParameter('The specified nextToken is not valid.');
      findGroup(ctx, group);
      const streams = col.streams
        .find({ group: groupKey(ctx.region, group) })
        .filter((s) => names === undefined || names.includes(s.logStreamName))
        .filter((s) => prefix === undefined || s.logStreamName.startsWith(prefix));
      type Hit = { sort: string; stream: string; id: string; e: LogEventRecord };
      const hits: Hit[] = [];
      for (const s of streams) {
        const key = streamKey(ctx.region, group, s.logStreamName);
        for (const eventId of col.events.ids({ stream: key })) {
          const e = col.events.get(eventId);
          if (!e) continue;
          if (startTime !== undefined && e.timestamp < startTime) continue;
          if (endTime !== undefined && e.timestamp > endTime) continue;
          if (!matches(e.message)) continue;
          const position = eventId.slice(key.length + 1);
          const id = `${s.logStreamName}|${position}`;
          const sort = `${position.slice(0, 15)}|${s.logStreamName}|${position}`;
          if (after !== undefined && sort <= after) continue;
          hits.push({ sort, stream: s.logStreamName, id, e });
        }
      }
      hits.sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
      const page = hits.slice(0, limit);
      const lastHit = page[page.length - 1];
      return {
        events: page.map((h) => ({
          logStreamName: h.stream,
          timestamp: h.e.timestamp,
          message: h.e.message,
          ingestionTime: h.e.ingestionTime,
          eventId: Buffer.from(h.id).toString('base64url'),
        })),
        searchedLogStreams: streams.map((s) => ({
          logStreamName: s.logStreamName,
          searchedCompletely: true,
        })),
        ...(hits.length > limit && lastHit && { nextToken: Buffer.from(lastHit.sort).toString('base64url') }),
      };
    },
  };

  return { id: LOGS, protocol: 'json', targetPrefix: 'Logs_20140328', actions };
}

function deleteStream(col: LogsCollections, s: LogStreamRecord): void {
  const key = streamKey(s.region, s.logGroupName, s.logStreamName);
  for (const id of col.events.ids({ stream: key })) col.events.delete(id);
  col.streams.delete(key);
}

/**
 * Appends events to a stream (inside the caller's transaction), drops the oldest past the cap,
 * and returns the stream's next sequence number.
 */
export function appendEvents(
  col: LogsCollections,
  stream: LogStreamRecord,
  events: { timestamp: number; message: string }[],
  ingestionTime: number,
): number {
  const key = streamKey(stream.region, stream.logGroupName, stream.logStreamName);
  let next = stream.nextSequence;
  let bytes = stream.storedBytes;
  let count = stream.storedEvents;
  let first = stream.firstEventTimestamp;
  let last = stream.lastEventTimestamp;
  for (const e of events) {
    col.events.put(`${key}|${eventPosition(e.timestamp, next)}`, {
      stream: key,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime,
    });
    next += 1;
    count += 1;
    bytes += Buffer.byteLength(e.message);
    first = first === undefined ? e.timestamp : Math.min(first, e.timestamp);
    last = last === undefined ? e.timestamp : Math.max(last, e.timestamp);
  }
  if (count > MAX_EVENTS_PER_STREAM) {
    for (const id of col.events.ids({ stream: key }, { limit: count - MAX_EVENTS_PER_STREAM })) {
      const old = col.events.get(id);
      if (old) bytes -= Buffer.byteLength(old.message);
      col.events.delete(id);
      count -= 1;
    }
  }
  col.streams.put(key, {
    ...stream,
    nextSequence: next,
    storedEvents: count,
    storedBytes: Math.max(0, bytes),
    ...(first !== undefined && { firstEventTimestamp: first }),
    ...(last !== undefined && { lastEventTimestamp: last }),
    ...(events.length > 0 && { lastIngestionTime: ingestionTime }),
  });
  return next;
}

function checkEvents(v: unknown): { timestamp: number; message: string }[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > 10_000) {
    throw invalidParameter(
      "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000",
    );
  }
  let bytes = 0;
  let previous = -Infinity;
  const out: { timestamp: number; message: string }[] = [];
  for (const e of v as unknown[]) {
    const ev = e as { timestamp?: unknown; message?: unknown } | null;
    if (
      ev === null ||
      typeof ev !== 'object' ||
      typeof ev.timestamp !== 'number' ||
      !Number.isInteger(ev.timestamp) ||
      ev.timestamp < 0 ||
      typeof ev.message !== 'string' ||
      ev.message.length === 0
    ) {
      throw invalidParameter(
        'Each log event needs a timestamp (epoch milliseconds) and a non-empty message.',
      );
    }
    if (ev.timestamp < previous)
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    previous = ev.timestamp;
    bytes += Buffer.byteLength(ev.message) + 26;
    out.push({ timestamp: ev.timestamp, message: ev.message });
  }
  if (bytes > MAX_BATCH_BYTES)
    throw invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  return out;
}

/**
 * A subset of CloudWatch Logs filter patterns for unstructured events: empty matches everything,
 * `"a phrase"` matches that text, otherwise every space-separated term must appear (case-sensitive).
 */
export function filterPattern(pattern: string | undefined): (message: string) => boolean {
  const p = (pattern ?? '').trim();
  if (p === '') return () => true;
  const quoted = /^"(.*)"$/.exec(p);
  if (quoted) {
    const phrase = quoted[1] as string;
    return (m) => m.includes(phrase);
  }
  const terms = p.split(/\s+/);
  return (m) => terms.every((t) => m.includes(t));
}
