import {
  DescribeStacksCommand,
  ListStacksCommand,
  StackStatus,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { cloudFormationClient } from '../cloudformation';

/** The stack the wizard and "Create cluster" name after a cluster: its instances' Auto Scaling group. */
export const clusterStackName = (cluster: string) => `EC2ContainerService-${cluster}`;

const LIVE = Object.values(StackStatus).filter((s) => s !== StackStatus.DELETE_COMPLETE);

/** The cluster's stack (DescribeStacks), or null when CloudFormation has none of that name. */
export function clusterStackQuery(region: string, cluster: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'ListStacks+DescribeStacks', {
      stack: clusterStackName(cluster),
    }),
    enabled: cluster !== '',
    // ListStacks first (a missing stack is no 400 on every cluster page), then DescribeStacks by id.
    queryFn: async (): Promise<Stack | null> => {
      const cfn = cloudFormationClient(region);
      const name = clusterStackName(cluster);
      let NextToken: string | undefined;
      do {
        const page = await cfn.send(new ListStacksCommand({ NextToken, StackStatusFilter: LIVE }));
        const found = (page.StackSummaries ?? []).find((s) => s.StackName === name);
        if (found?.StackId)
          return (
            (await cfn.send(new DescribeStacksCommand({ StackName: found.StackId }))).Stacks?.[0] ?? null
          );
        NextToken = page.NextToken;
      } while (NextToken);
      return null;
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
