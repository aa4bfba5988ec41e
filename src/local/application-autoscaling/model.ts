/**
 * Application Auto Scaling records: scalable targets keyed `<region>|<namespace>|<resource>|<dimension>`,
 * and their policies, scheduled actions and activities keyed below the target's key, so a target's
 * records are one indexed lookup and id order is the listing order.
 */
import type * as aas from '@aws-sdk/client-application-auto-scaling';
import type { ServiceId, Wire } from '../protocol/types';
import type { Collection } from '../store/collection';
import type { Db } from '../store/db';

export const APPLICATION_AUTOSCALING: ServiceId = 'application-autoscaling';

/** Activities kept per target (newest). */
export const MAX_ACTIVITIES_PER_TARGET = 100;

export interface TargetRecord {
  region: string;
  accountId: string;
  target: Wire<aas.ScalableTarget>;
  /** When the target last scaled out / in (epoch seconds): the cooldowns count from these. */
  lastScaleOutAt?: number;
  lastScaleInAt?: number;
}

export interface PolicyRecord {
  region: string;
  /** The target's key. */
  target: string;
  policy: Wire<aas.ScalingPolicy>;
}

export interface ScheduledRecord {
  region: string;
  target: string;
  action: Wire<aas.ScheduledAction>;
  /** The next time the action runs (epoch seconds); absent once an at() schedule has run. */
  nextRunAt?: number;
}

export interface ActivityRecord {
  region: string;
  target: string;
  activity: Wire<aas.ScalingActivity>;
}

export interface AppAutoScalingCollections {
  targets: Collection<TargetRecord>;
  policies: Collection<PolicyRecord>;
  scheduled: Collection<ScheduledRecord>;
  activities: Collection<ActivityRecord>;
}

export const targetKey = (region: string, namespace: string, resourceId: string, dimension: string): string =>
  `${region}|${namespace}|${resourceId}|${dimension}`;

export function appAutoScalingCollections(db: Db): AppAutoScalingCollections {
  const byTarget = [
    { name: 'target', key: (r: { target: string }) => r.target },
    { name: 'region', key: (r: { region: string }) => r.region },
  ];
  return {
    targets: db.collection<TargetRecord>('aas_targets', [{ name: 'region', key: (t) => t.region }]),
    policies: db.collection<PolicyRecord>('aas_policies', byTarget),
    scheduled: db.collection<ScheduledRecord>('aas_scheduled', byTarget),
    activities: db.collection<ActivityRecord>('aas_activities', byTarget),
  };
}
