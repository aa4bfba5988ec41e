/** Scaling activities: what the worker did (DescribeScalingActivities), newest first. */
import type * as aas from '@aws-sdk/client-application-auto-scaling';
import type { LocalDeps } from '../deps';
import type { Checked, Wire } from '../protocol/types';
import { page, type Scope } from './common';
import { MAX_ACTIVITIES_PER_TARGET, type AppAutoScalingCollections, type TargetRecord } from './model';

/** Records one activity of a target (and keeps its newest MAX_ACTIVITIES_PER_TARGET). In a transaction. */
export function addActivity(
  deps: LocalDeps,
  col: AppAutoScalingCollections,
  key: string,
  target: TargetRecord,
  activity: Omit<Wire<aas.ScalingActivity>, 'ServiceNamespace' | 'ResourceId' | 'ScalableDimension'>,
): void {
  const seq = deps.db.nextSeq('aas-activity');
  const at = String(Math.round((activity.StartTime as number) * 1000)).padStart(15, '0');
  col.activities.put(`${key}|${at}-${String(seq).padStart(10, '0')}`, {
    region: target.region,
    target: key,
    activity: {
      ...activity,
      ServiceNamespace: target.target.ServiceNamespace,
      ResourceId: target.target.ResourceId,
      ScalableDimension: target.target.ScalableDimension,
    },
  });
  const ids = col.activities.ids({ target: key });
  for (const id of ids.slice(0, Math.max(0, ids.length - MAX_ACTIVITIES_PER_TARGET)))
    col.activities.delete(id);
}

export function describeScalingActivities(
  s: Scope,
  input: Checked<aas.DescribeScalingActivitiesRequest>,
): Wire<aas.DescribeScalingActivitiesResponse> {
  const all = s.col.activities
    .find({ region: s.region })
    .map((r) => r.activity)
    .filter((a) => a.ServiceNamespace === input.ServiceNamespace)
    .filter((a) => input.ResourceId === undefined || a.ResourceId === input.ResourceId)
    .filter((a) => input.ScalableDimension === undefined || a.ScalableDimension === input.ScalableDimension)
    .filter((a) => input.IncludeNotScaledActivities === true || a.NotScaledReasons === undefined)
    // Newest first: ids sort by target, time and arrival, so reverse, then order targets by time (stable).
    .reverse()
    .sort((a, b) => (b.StartTime as number) - (a.StartTime as number));
  const pg = page(all, input.MaxResults, input.NextToken);
  return { ScalingActivities: pg.items, ...(pg.NextToken && { NextToken: pg.NextToken }) };
}
