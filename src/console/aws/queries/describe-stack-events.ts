import { DescribeStackEventsCommand } from '@aws-sdk/client-cloudformation';
import { queryOptions } from '@tanstack/react-query';
import { awsQueryKey } from '../backend';
import { cloudFormationClient } from '../cloudformation';
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
