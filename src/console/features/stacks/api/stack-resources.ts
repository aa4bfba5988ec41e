import { DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { cloudFormationClient } from '../../../aws/cloudformation';
import { stackPollMs } from './poll';

/** DescribeStackResources; polled fast while the stack is in progress (the caller knows). */
export function stackResourcesQuery(region: string, stack: string, inProgress: boolean) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'DescribeStackResources', { stack }),
    queryFn: async () =>
      (await cloudFormationClient(region).send(new DescribeStackResourcesCommand({ StackName: stack })))
        .StackResources ?? [],
    placeholderData: keepPreviousData,
    refetchInterval: stackPollMs(inProgress),
    refetchIntervalInBackground: false,
  });
}

export function useStackResources(stack: string, inProgress: boolean) {
  const { region } = useRegion();
  return useQuery(stackResourcesQuery(region, stack, inProgress));
}
