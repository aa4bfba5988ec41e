/**
 * CloudWatch Logs records. Groups and streams are documents keyed by region and name; events are one
 * document each, keyed `<stream key>|<position>` where the position (`<timestamp>-<sequence>`, both
 * zero-padded) sorts events by time and then by arrival, so id order is the stream's order.
 */
import type { ServiceId } from '../protocol/types';
import type { Collection } from '../store/collection';
import type { Db } from '../store/db';

/** The service id of CloudWatch Logs (its SigV4 signing name). */
export const LOGS: ServiceId = 'logs';

/** Newest events kept per stream: older ones are dropped as new ones arrive. */
export const MAX_EVENTS_PER_STREAM = 10_000;

export interface LogGroupRecord {
  region: string;
  accountId: string;
  logGroupName: string;
  creationTime: number;
  retentionInDays?: number;
  tags?: Record<string, string>;
}

export interface LogStreamRecord {
  region: string;
  logGroupName: string;
  logStreamName: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  /** Sequence number of the next event (also its arrival order among equal timestamps). */
  nextSequence: number;
  storedEvents: number;
  storedBytes: number;
}

export interface LogEventRecord {
  /** The stream's key (streamKey): indexed for per-stream reads. */
  stream: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
}

export interface LogsCollections {
  groups: Collection<LogGroupRecord>;
  streams: Collection<LogStreamRecord>;
  events: Collection<LogEventRecord>;
}

export const groupKey = (region: string, group: string): string => `${region}|${group}`;
export const streamKey = (region: string, group: string, stream: string): string =>
  `${region}|${group}|${stream}`;
export const eventPosition = (timestamp: number, sequence: number): string =>
  `${String(Math.max(0, Math.trunc(timestamp))).padStart(15, '0')}-${String(sequence).padStart(10, '0')}`;

export function logsCollections(db: Db): LogsCollections {
  return {
    groups: db.collection<LogGroupRecord>('logs_groups', [{ name: 'region', key: (g) => g.region }]),
    streams: db.collection<LogStreamRecord>('logs_streams', [
      { name: 'group', key: (s) => groupKey(s.region, s.logGroupName) },
    ]),
    events: db.collection<LogEventRecord>('logs_events', [{ name: 'stream', key: (e) => e.stream }]),
  };
}
