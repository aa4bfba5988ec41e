import { DescribeStackEventsCommand } from '@aws-sdk/client-cloudformation';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { cloudFormationClient } from '../../../aws/cloudformation';
import { stackPollMs } from './poll';

/** DescribeStackEvents (first page: the newest 100 events). */
export function stackEventsQuery(region: string, stack: string, inProgress: boolean) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'DescribeStackEvents', { stack }),
    queryFn: async () =>
      (await cloudFormationClient(region).send(new DescribeStackEventsCommand({ StackName: stack })))
        .StackEvents ?? [],
    placeholderData: keepPreviousData,
    refetchInterval: stackPollMs(inProgress),
    refetchIntervalInBackground: false,
  });
}

export function useStackEvents(stack: string, inProgress: boolean) {
  const { region } = useRegion();
  return useQuery(stackEventsQuery(region, stack, inProgress));
}
