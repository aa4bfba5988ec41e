import { DescribeCapacityProvidersCommand, type CapacityProvider } from '@aws-sdk/client-ecs';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { CLUSTERS_POLL_MS } from '../../../aws/queries/clusters';

/** An Auto Scaling group provider's group as managed scaling left it (DescribeAutoScalingGroups). */
export interface GroupCapacity {
  desired: number;
  instances: number;
  protectedInstances: number;
  min: number;
  max: number;
}

export interface ProviderRow {
  provider: CapacityProvider;
  group?: GroupCapacity;
}

/** The Auto Scaling group's name, from its ARN (or the name itself). */
export const groupName = (ref: string | undefined): string | undefined =>
  ref === undefined ? undefined : ref.split('autoScalingGroupName/').pop();

/**
 * DescribeCapacityProviders for the providers a cluster lists (at most 10 per call, as ECS allows),
 * then DescribeAutoScalingGroups for the groups behind them: their scaling state.
 */
export async function describeCapacityProviders(region: string, names: string[]): Promise<ProviderRow[]> {
  const providers: CapacityProvider[] = [];
  for (let i = 0; i < names.length; i += 10) {
    const page = await ecsClient(region).send(
      new DescribeCapacityProvidersCommand({ capacityProviders: names.slice(i, i + 10) }),
    );
    providers.push(...(page.capacityProviders ?? []));
  }
  const groupNames = providers.flatMap((p) => {
    const name = groupName(p.autoScalingGroupProvider?.autoScalingGroupArn);
    return name ? [name] : [];
  });
  const groups = new Map<string, GroupCapacity>();
  if (groupNames.length > 0) {
    const { autoScalingClient, DescribeAutoScalingGroupsCommand } = await import('../../../aws/autoscaling');
    const out = await autoScalingClient(region).send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: groupNames.slice(0, 100) }),
    );
    for (const g of out.AutoScalingGroups ?? []) {
      const instances = g.Instances ?? [];
      groups.set(g.AutoScalingGroupName ?? '', {
        desired: g.DesiredCapacity ?? 0,
        instances: instances.length,
        protectedInstances: instances.filter((i) => i.ProtectedFromScaleIn).length,
        min: g.MinSize ?? 0,
        max: g.MaxSize ?? 0,
      });
    }
  }
  return providers.map((provider) => {
    const group = groups.get(groupName(provider.autoScalingGroupProvider?.autoScalingGroupArn) ?? '');
    return group ? { provider, group } : { provider };
  });
}

export function capacityProvidersQuery(region: string, names: string[]) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'DescribeCapacityProviders', { names }),
    queryFn: () => describeCapacityProviders(region, names),
    enabled: names.length > 0,
    placeholderData: keepPreviousData,
    refetchInterval: CLUSTERS_POLL_MS,
    refetchIntervalInBackground: false,
  });
}

export function useCapacityProviders(names: string[]) {
  const { region } = useRegion();
  return useQuery(capacityProvidersQuery(region, names));
}
