import { DescribeStackEventsCommand, type StackEvent } from '@aws-sdk/client-cloudformation';
import { queryOptions } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { cloudFormationClient } from '../cloudformation';
import { pagedQuery, usePaged } from '../paged';
import { pollMs, type PollRates } from '../poll';
import { STACK_POLL } from './stack-poll';

/** DescribeStackEvents (first page: the newest 100 events); `changing` selects the poll rate. */
export function stackEventsQuery(
  region: string,
  stack: string | undefined,
  changing: boolean,
  poll: PollRates = STACK_POLL,
) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'DescribeStackEvents', { stack }),
    enabled: Boolean(stack),
    queryFn: async () =>
      (await cloudFormationClient(region).send(new DescribeStackEventsCommand({ StackName: stack })))
        .StackEvents ?? [],
    refetchInterval: pollMs(poll, changing),
    refetchIntervalInBackground: false,
  });
}

/**
 * The stack page's events: the newest page first, "Load older events" reads the next with NextToken;
 * the pages loaded are polled at `changing`'s rate.
 */
export function stackEventsPagedQuery(
  region: string,
  stack: string | undefined,
  changing: boolean,
  poll: PollRates = STACK_POLL,
) {
  return pagedQuery<StackEvent>({
    queryKey: awsQueryKey(region, 'cloudformation', 'DescribeStackEvents', { stack, paged: true }),
    enabled: Boolean(stack),
    fetchPage: async (token, signal) => {
      const page = await cloudFormationClient(region).send(
        new DescribeStackEventsCommand({ StackName: stack, ...(token && { NextToken: token }) }),
        { abortSignal: signal },
      );
      return { items: page.StackEvents ?? [], ...(page.NextToken && { nextToken: page.NextToken }) };
    },
    pollMs: () => pollMs(poll, changing),
  });
}

export function usePagedStackEvents(stack: string | undefined, changing: boolean) {
  const { region } = useRegion();
  return usePaged(stackEventsPagedQuery(region, stack, changing));
}
