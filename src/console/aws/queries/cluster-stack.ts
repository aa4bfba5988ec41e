import { DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { cloudFormationClient } from '../cloudformation';
import { toAwsError } from '../errors';

/** The stack the wizard and "Create cluster" name after a cluster: its instances' Auto Scaling group. */
export const clusterStackName = (cluster: string) => `EC2ContainerService-${cluster}`;

/** DescribeStacks of the cluster's stack, or null when CloudFormation has none of that name. */
export function clusterStackQuery(region: string, cluster: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'DescribeStacks', { stack: clusterStackName(cluster) }),
    enabled: cluster !== '',
    queryFn: async (): Promise<Stack | null> => {
      try {
        const out = await cloudFormationClient(region).send(
          new DescribeStacksCommand({ StackName: clusterStackName(cluster) }),
        );
        return out.Stacks?.[0] ?? null;
      } catch (e) {
        const err = toAwsError(e);
        if (err.code === 'ValidationError' && /does not exist/i.test(err.message)) return null;
        throw e;
      }
    },
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.StackStatus?.endsWith('_IN_PROGRESS') ? 2_000 : 15_000),
    refetchIntervalInBackground: false,
  });
}

export function useClusterStack(cluster: string) {
  const { region } = useRegion();
  return useQuery(clusterStackQuery(region, cluster));
}
