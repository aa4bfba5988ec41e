import { DescribeStackEventsCommand, type StackEvent } from '@aws-sdk/client-cloudformation';
import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { cloudFormationClient } from '../../../aws/cloudformation';
import { stackPollMs } from './poll';

/** DescribeStackEvents, newest first, a page at a time: older pages follow the NextToken on demand. */
export function stackEventsQuery(region: string, stack: string, inProgress: boolean) {
  return infiniteQueryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'DescribeStackEvents', { stack }),
    queryFn: async ({ pageParam }): Promise<{ events: StackEvent[]; next?: string }> => {
      const out = await cloudFormationClient(region).send(
        new DescribeStackEventsCommand({ StackName: stack, ...(pageParam ? { NextToken: pageParam } : {}) }),
      );
      return { events: out.StackEvents ?? [], next: out.NextToken };
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
    refetchInterval: stackPollMs(inProgress),
    refetchIntervalInBackground: false,
  });
}

export function useStackEvents(stack: string, inProgress: boolean) {
  const { region } = useRegion();
  return useInfiniteQuery(stackEventsQuery(region, stack, inProgress));
}
