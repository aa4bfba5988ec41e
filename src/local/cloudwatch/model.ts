/**
 * CloudWatch records. Alarms are documents keyed `<region>|<name>` (so id order is name order, as
 * DescribeAlarms lists them), holding the alarm as DescribeAlarms answers it plus the evaluator's
 * fields; history items are documents keyed `<region>|<name>|<time>-<seq>`. Metric datapoints live in
 * their own tables (store.ts).
 */
import type * as cw from '@aws-sdk/client-cloudwatch';
import type { ServiceId, Wire } from '../protocol/types';
import type { Collection } from '../store/collection';
import type { Db } from '../store/db';

/** The service id of CloudWatch (its SigV4 signing name). */
export const MONITORING: ServiceId = 'monitoring';

/** Alarms per region (CloudWatch's default quota is far higher; this keeps the local plane bounded). */
export const MAX_ALARMS_PER_REGION = 5_000;
/** History items kept per alarm (newest), and for how long. */
export const MAX_HISTORY_PER_ALARM = 200;
export const HISTORY_RETENTION_S = 30 * 86400;

export type WireAlarm = Wire<cw.MetricAlarm>;

export interface AlarmRecord {
  region: string;
  accountId: string;
  alarm: WireAlarm;
  /** Tags given at creation (kept, not served: TagResource is not served). */
  tags?: { Key: string; Value: string }[];
  /** End of the last evaluation window (epoch seconds): the evaluator's progress. */
  evaluatedUntil?: number;
}

export interface HistoryRecord {
  /** The alarm's key (alarmKey): indexed for per-alarm reads. */
  alarm: string;
  region: string;
  item: Wire<cw.AlarmHistoryItem>;
}

export interface CloudWatchCollections {
  alarms: Collection<AlarmRecord>;
  history: Collection<HistoryRecord>;
}

export const alarmKey = (region: string, name: string): string => `${region}|${name}`;
export const historyKey = (region: string, name: string, at: number, seq: number): string =>
  `${alarmKey(region, name)}|${String(Math.round(at * 1000)).padStart(15, '0')}-${String(seq).padStart(10, '0')}`;

export function cloudWatchCollections(db: Db): CloudWatchCollections {
  return {
    alarms: db.collection<AlarmRecord>('cw_alarms', [{ name: 'region', key: (a) => a.region }], {
      cacheSize: 2000,
    }),
    history: db.collection<HistoryRecord>('cw_alarm_history', [
      { name: 'alarm', key: (h) => h.alarm },
      { name: 'region', key: (h) => h.region },
    ]),
  };
}
