/**
 * Application Auto Scaling reads for a service: its scalable target, policies and activities
 * (`service/<cluster>/<service>`, ecs:service:DesiredCount).
 */
import {
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  type ScalableTarget,
  type ScalingActivity,
  type ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
import { useQuery } from '@tanstack/react-query';
import { appAutoScalingClient } from '../application-autoscaling';
import { awsQueryKey, useRegion } from '../backend';

export const serviceResourceId = (cluster: string, service: string) => `service/${cluster}/${service}`;

export interface ServiceScaling {
  target?: ScalableTarget;
  policies: ScalingPolicy[];
  activities: ScalingActivity[];
}

/** Pages through DescribeScalingPolicies (10 a page, as AWS answers by default); at most 10 pages. */
async function allPolicies(
  client: ReturnType<typeof appAutoScalingClient>,
  resourceId: string,
): Promise<ScalingPolicy[]> {
  const out: ScalingPolicy[] = [];
  let token: string | undefined;
  for (let page = 0; page < 10; page++) {
    const res = await client.send(
      new DescribeScalingPoliciesCommand({
        ServiceNamespace: 'ecs',
        ResourceId: resourceId,
        NextToken: token,
      }),
    );
    out.push(...(res.ScalingPolicies ?? []));
    token = res.NextToken;
    if (!token) break;
  }
  return out;
}

export async function describeServiceScaling(region: string, resourceId: string): Promise<ServiceScaling> {
  const client = appAutoScalingClient(region);
  const [targets, policies, activities] = await Promise.all([
    client.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId] })),
    allPolicies(client, resourceId),
    client.send(
      new DescribeScalingActivitiesCommand({
        ServiceNamespace: 'ecs',
        ResourceId: resourceId,
        MaxResults: 20,
      }),
    ),
  ]);
  return {
    target: targets.ScalableTargets?.[0],
    policies,
    activities: activities.ScalingActivities ?? [],
  };
}

export function useServiceScaling(cluster: string, service: string, pollMs: number | false) {
  const { region } = useRegion();
  const resourceId = serviceResourceId(cluster, service);
  return useQuery({
    queryKey: awsQueryKey(region, 'application-autoscaling', 'DescribeScalableTargets', { resourceId }),
    queryFn: () => describeServiceScaling(region, resourceId),
    refetchInterval: pollMs,
    refetchIntervalInBackground: false,
  });
}
