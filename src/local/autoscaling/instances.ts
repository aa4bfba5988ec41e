/** DescribeAutoScalingInstances, TerminateInstanceInAutoScalingGroup, DescribeScalingActivities. */
import type * as autoscaling from '@aws-sdk/client-auto-scaling';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import { invalid, paginate, renderActivity, renderInstance, type Scope } from './common';
import { enterTransition } from './lifecycle-hooks';
import { groupKey, newActivity, terminating, TERMINATING } from './model';

export function describeAutoScalingInstances(
  s: Scope,
  input: Wire<autoscaling.DescribeAutoScalingInstancesType>,
): Wire<autoscaling.AutoScalingInstancesType> {
  const ids = input.InstanceIds ?? [];
  const rows = s.store.groups
    .find({ region: s.region })
    .flatMap((g) => g.instances.map((m) => ({ g, m })))
    .filter(({ m }) => ids.length === 0 || ids.includes(m.instanceId))
    .sort((a, b) => a.m.instanceId.localeCompare(b.m.instanceId));
  const { page, NextToken } = paginate(rows, input, 50);
  return {
    AutoScalingInstances: page.map(
      ({ g, m }) => renderInstance(m, g) as Wire<autoscaling.AutoScalingInstanceDetails>,
    ),
    NextToken,
  };
}

export function terminateInstanceInAutoScalingGroup(
  s: Scope,
  input: Wire<autoscaling.TerminateInstanceInAutoScalingGroupType>,
): Wire<autoscaling.ActivityType> {
  const instanceId = input.InstanceId as string;
  const shouldDecrement = input.ShouldDecrementDesiredCapacity === true;
  const result = s.deps.db.tx(() => {
    const g = s.store.groups
      .find({ region: s.region })
      .find((x) => x.instances.some((m) => m.instanceId === instanceId));
    const member = g?.instances.find((m) => m.instanceId === instanceId);
    if (!g || !member)
      throw invalid(`Instance Id not found - No managed instance found for instance ID: ${instanceId}`);
    if (terminating(member)) {
      throw new AwsError('ScalingActivityInProgress', `Instance ${instanceId} is already terminating.`, 400);
    }
    if (shouldDecrement && g.desiredCapacity - 1 < g.minSize) {
      throw invalid(
        `Currently, desiredSize equals minSize (${g.minSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
      );
    }
    enterTransition(g, member, TERMINATING, s.deps.clock.now());
    if (shouldDecrement) g.desiredCapacity -= 1;
    const a = newActivity(
      g,
      s.deps.clock.now(),
      `Terminating EC2 instance: ${instanceId}`,
      `instance ${instanceId} was taken out of service in response to a user request${shouldDecrement ? `, shrinking the capacity from ${g.desiredCapacity + 1} to ${g.desiredCapacity}` : ''}.`,
    );
    s.store.activities.put(a.activityId, { ...a, instanceId });
    s.store.groups.put(groupKey(g.region, g.name), g);
    return { g, a };
  });
  s.worker.kick(groupKey(s.region, result.g.name));
  return { Activity: renderActivity(result.a) };
}

export function describeScalingActivities(
  s: Scope,
  input: Wire<autoscaling.DescribeScalingActivitiesType>,
): Wire<autoscaling.ActivitiesType> {
  const name = input.AutoScalingGroupName;
  const ids = input.ActivityIds ?? [];
  const all = (
    name
      ? s.store.activities.find({ group: groupKey(s.region, name) })
      : s.store.activities.all().filter((a) => a.groupKey.startsWith(`${s.region}/`))
  )
    .filter((a) => ids.length === 0 || ids.includes(a.activityId))
    .sort((a, b) => b.startTime - a.startTime);
  const { page, NextToken } = paginate(all, input);
  return { Activities: page.map(renderActivity), NextToken };
}
