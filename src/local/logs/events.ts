/** PutLogEvents, GetLogEvents, FilterLogEvents; appending to a stream; filter patterns. */
import type * as logs from '@aws-sdk/client-cloudwatch-logs';
import type { Wire } from '../protocol/types';
import {
  findGroup,
  findStream,
  groupName,
  groupNameOrIdentifier,
  invalidParameter,
  streamName,
  type Scope,
} from './common';
import {
  eventPosition,
  groupKey,
  MAX_EVENTS_PER_STREAM,
  streamKey,
  type LogEventRecord,
  type LogsCollections,
  type LogStreamRecord,
} from './model';

const DAY_MS = 86_400_000;
/** PutLogEvents' batch limit: the messages' UTF-8 bytes plus 26 bytes per event. */
const MAX_BATCH_BYTES = 1_048_576;

/** A batch's events (count, timestamps and messages checked by the model): in order, within 1 MiB. */
function checkEvents(events: Wire<logs.InputLogEvent>[]): { timestamp: number; message: string }[] {
  let bytes = 0;
  let previous = -Infinity;
  const out: { timestamp: number; message: string }[] = [];
  for (const e of events) {
    const timestamp = e.timestamp as number;
    const message = e.message as string;
    if (timestamp < previous)
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    previous = timestamp;
    bytes += Buffer.byteLength(message) + 26;
    out.push({ timestamp, message });
  }
  if (bytes > MAX_BATCH_BYTES)
    throw invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  return out;
}

export function putLogEvents(
  s: Scope,
  input: Wire<logs.PutLogEventsRequest>,
): Wire<logs.PutLogEventsResponse> {
  const group = groupName(input.logGroupName);
  const name = streamName(input.logStreamName);
  const events = checkEvents(input.logEvents ?? []);
  const at = s.now;
  const tooOldBefore = at - 14 * DAY_MS;
  const tooNewAfter = at + 2 * 3_600_000;
  let tooOldEnd: number | undefined;
  let tooNewStart: number | undefined;
  events.forEach((e, i) => {
    if (e.timestamp < tooOldBefore) tooOldEnd = i + 1;
    if (e.timestamp > tooNewAfter && tooNewStart === undefined) tooNewStart = i;
  });
  const accepted = events.slice(tooOldEnd ?? 0, tooNewStart ?? events.length);
  const nextSequence = s.deps.db.tx(() => {
    findGroup(s, group);
    return appendEvents(s.col, findStream(s, group, name), accepted, at);
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
}

export function getLogEvents(
  s: Scope,
  input: Wire<logs.GetLogEventsRequest>,
): Wire<logs.GetLogEventsResponse> {
  const group = groupNameOrIdentifier(input);
  const name = streamName(input.logStreamName);
  const { startTime, endTime } = input;
  const limit = input.limit ?? 10_000;
  const token = input.nextToken;
  const parsed = token === undefined ? undefined : /^([fb])\/(\d{15}-\d{10})$/.exec(token);
  if (parsed === null) throw invalidParameter('The specified nextToken is not valid.');
  findGroup(s, group);
  const key = streamKey(s.region, group, name);
  findStream(s, group, name);
  const inRange = (e: LogEventRecord) =>
    (startTime === undefined || e.timestamp >= startTime) && (endTime === undefined || e.timestamp < endTime);
  const prefixLength = key.length + 1;
  const positionOf = (id: string) => id.slice(prefixLength);

  let ids: string[];
  const forward = parsed ? parsed[1] === 'f' : (input.startFromHead ?? false);
  if (parsed && parsed[1] === 'f') {
    ids = s.col.events.ids({ stream: key }, { after: `${key}|${parsed[2]}` });
  } else if (parsed) {
    const before = `${key}|${parsed[2]}`;
    ids = s.col.events.ids({ stream: key }).filter((id) => id < before);
  } else {
    ids = s.col.events.ids({ stream: key });
  }
  const picked: { id: string; e: LogEventRecord }[] = [];
  for (const id of forward ? ids : [...ids].reverse()) {
    if (picked.length >= limit) break;
    const e = s.col.events.get(id);
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
}

export function filterLogEvents(
  s: Scope,
  input: Wire<logs.FilterLogEventsRequest>,
): Wire<logs.FilterLogEventsResponse> {
  const group = groupNameOrIdentifier(input);
  const names = input.logStreamNames;
  const prefix = input.logStreamNamePrefix;
  if (names !== undefined && prefix !== undefined)
    throw invalidParameter('You cannot specify both logStreamNames and logStreamNamePrefix.');
  const { startTime, endTime } = input;
  const limit = input.limit ?? 10_000;
  const matches = filterPattern(input.filterPattern);
  const token = input.nextToken;
  const after = token === undefined ? undefined : Buffer.from(token, 'base64url').toString('utf8');
  if (after !== undefined && !/^\d{15}\|/.test(after))
    throw invalidParameter('The specified nextToken is not valid.');
  findGroup(s, group);
  const streams = s.col.streams
    .find({ group: groupKey(s.region, group) })
    .filter((st) => names === undefined || names.includes(st.logStreamName))
    .filter((st) => prefix === undefined || st.logStreamName.startsWith(prefix));
  type Hit = { sort: string; stream: string; id: string; e: LogEventRecord };
  const hits: Hit[] = [];
  for (const st of streams) {
    const key = streamKey(s.region, group, st.logStreamName);
    for (const eventId of s.col.events.ids({ stream: key })) {
      const e = s.col.events.get(eventId);
      if (!e) continue;
      if (startTime !== undefined && e.timestamp < startTime) continue;
      if (endTime !== undefined && e.timestamp > endTime) continue;
      if (!matches(e.message)) continue;
      const position = eventId.slice(key.length + 1);
      const id = `${st.logStreamName}|${position}`;
      const sort = `${position.slice(0, 15)}|${st.logStreamName}|${position}`;
      if (after !== undefined && sort <= after) continue;
      hits.push({ sort, stream: st.logStreamName, id, e });
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
    searchedLogStreams: streams.map((st) => ({ logStreamName: st.logStreamName, searchedCompletely: true })),
    ...(hits.length > limit && lastHit && { nextToken: Buffer.from(lastHit.sort).toString('base64url') }),
  };
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
